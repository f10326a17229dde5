import YAML from 'yaml';
import type { EmittedFile } from '../backends/backend.js';
import { evaluateConstraint, isGatekeeperError, loadTemplate, parseConstraint, type Constraint } from '../engines/gatekeeper/index.js';
import { caseName, toYaml, type NativeCase, type SuiteFile } from './common.js';

/** One assertion of a gator case; `violations` is the string `yes`/`no` (quoted in the file, see toYaml). */
export interface GatorAssertion {
  readonly violations: 'yes' | 'no';
}

export interface GatorCase {
  readonly name: string;
  readonly object: string;
  readonly inventory?: readonly string[];
  readonly assertions: readonly GatorAssertion[];
}

export interface GatorTest {
  readonly name: string;
  readonly template: string;
  readonly constraint: string;
  readonly cases: readonly GatorCase[];
}

export interface GatorSuite {
  readonly apiVersion: 'test.gatekeeper.sh/v1alpha1';
  readonly kind: 'Suite';
  readonly metadata: { readonly name: string };
  readonly tests: readonly GatorTest[];
}

/** What the Rego engine could not decide: the case is left out of the suite, with this note in its header. */
export interface GatorSkip {
  readonly case: string;
  readonly reason: string;
}

/**
 * A gator Suite for one policy. Gatekeeper's backend writes the ConstraintTemplate and its Constraint(s) as one
 * multi-document file, while a Suite's `template` and `constraint` each name a file holding one object, so the
 * documents are split into `template.yaml` and `constraint.yaml` (`constraint-<name>.yaml` when there are several)
 * inside the suite folder. One test per Constraint; a case's expectation is whether secpol's Rego engine finds any
 * violation. A namespace with suite.yaml labels becomes a Namespace object in the case's `inventory`, which is
 * where gator (like Gatekeeper's synced cache) looks namespaces up for `namespaceSelector`.
 */
export function gatorSuiteFor(policy: string, file: EmittedFile, cases: readonly NativeCase[], notes: readonly string[] = [], cluster: readonly unknown[] = []): { files: SuiteFile[]; skipped: GatorSkip[] } {
  const docs = YAML.parseAllDocuments(file.content);
  const values = docs.map((d) => d.toJSON() as unknown);
  const templateIndex = values.findIndex((v) => (v as { kind?: unknown } | null)?.kind === 'ConstraintTemplate');
  if (templateIndex < 0) return { files: [], skipped: [] };
  const template = loadTemplate(values[templateIndex]);
  if (isGatekeeperError(template)) throw new Error(`the emitted ConstraintTemplate of ${policy} does not load: ${template.message}`);
  const constraints: { doc: YAML.Document.Parsed; constraint: Constraint }[] = [];
  docs.forEach((doc, i) => {
    if (i === templateIndex || values[i] === null || values[i] === undefined) return;
    const c = parseConstraint(values[i]);
    if (isGatekeeperError(c)) throw new Error(`an emitted Constraint of ${policy} does not load: ${c.message}`);
    constraints.push({ doc, constraint: c });
  });
  const files: SuiteFile[] = [{ path: 'template.yaml', content: documentText(docs[templateIndex]!, `ConstraintTemplate of ${file.path}, split out for gator.`) }];
  const skipped: GatorSkip[] = [];
  const namespaceFiles = new Map<string, SuiteFile>();
  const tests: GatorTest[] = constraints.map(({ doc, constraint }) => {
    const constraintFile = constraints.length === 1 ? 'constraint.yaml' : `constraint-${constraint.name}.yaml`;
    files.push({ path: constraintFile, content: documentText(doc, `Constraint ${constraint.name} of ${file.path}, split out for gator.`) });
    const gatorCases: GatorCase[] = [];
    for (const c of cases) {
      const namespace = namespaceObject(c);
      const inventoryFile = namespace ? `inventory/${c.namespace}-${labelsId(c)}.yaml` : undefined;
      if (namespace && inventoryFile) namespaceFiles.set(inventoryFile, { path: inventoryFile, content: toYaml(namespace, ['The namespace of suite.yaml cases, with their namespaceLabels.']) });
      // No operation: gator reviews each object as Gatekeeper's audit does (operation ""), so the expectation
      // comes from the same review shape the real gator will evaluate.
      // The suite's inventory (the roles a binding references) is synced for every case, as data.inventory.
      const synced = [...(namespace ? [namespace] : []), ...cluster];
      const result = evaluateConstraint({ template, constraint, object: c.object, ...(synced.length ? { inventory: synced } : {}) });
      if (result.error) {
        skipped.push({ case: `${constraint.name}/${caseName(c.file)}`, reason: result.error.message });
        continue;
      }
      gatorCases.push({
        name: caseName(c.file),
        object: c.file,
        ...(inventoryFile || cluster.length ? { inventory: [...(inventoryFile ? [inventoryFile] : []), ...(cluster.length ? [CLUSTER_FILE] : [])] } : {}),
        assertions: [{ violations: result.violations.length > 0 ? 'yes' : 'no' }],
      });
    }
    return { name: constraint.name, template: 'template.yaml', constraint: constraintFile, cases: gatorCases };
  });
  const suite: GatorSuite = { apiVersion: 'test.gatekeeper.sh/v1alpha1', kind: 'Suite', metadata: { name: policy }, tests };
  const header = [
    `Generated by secpol from the samples of policy "${policy}"; expected violations by secpol's Rego engine. Run: gator verify .`,
    ...notes,
    ...skipped.map((s) => `not included: ${s.case}: ${s.reason}`),
  ];
  files.push({ path: 'suite.yaml', content: toYaml(suite, header) }, ...namespaceFiles.values());
  if (cluster.length) files.push({ path: CLUSTER_FILE, content: cluster.map((o, i) => toYaml(o, i === 0 ? ["The suite.yaml inventory: cluster objects synced into data.inventory for every case."] : [])).join('---\n') });
  return { files, skipped };
}

/** The suite's inventory, one multi-document file named in every case's `inventory`. */
const CLUSTER_FILE = 'inventory/cluster.yaml';

/** One document of the emitted file as a file of its own, keeping its text (comments, block scalars). */
function documentText(doc: YAML.Document.Parsed, note: string): string {
  const text = doc.toString({ lineWidth: 0 }).replace(/^---\n/, '');
  return `# ${note}\n${text}`;
}

function namespaceObject(c: NativeCase): Record<string, unknown> | undefined {
  if (!c.namespace || !Object.keys(c.case.namespaceLabels).length) return undefined;
  const labels = { ...c.case.namespaceLabels, 'kubernetes.io/metadata.name': c.namespace };
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: c.namespace, labels } };
}

/** Cases may label one namespace differently; each label set gets its own inventory file. */
function labelsId(c: NativeCase): string {
  return Object.entries(c.case.namespaceLabels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}-${v}`)
    .join('-')
    .replace(/[^A-Za-z0-9.-]/g, '_');
}
