import { posix } from 'node:path';
import YAML from 'yaml';
import type { EmittedFile } from '../backends/backend.js';
import { diagnostic, sortDiagnostics, type Diagnostic, type Staged } from '../diagnostics/index.js';
import type { PolicySet } from '../ir/index.js';
import type { ReadFile } from '../load.js';
import { loadSuite, type AdmissionCase, type Suite } from '../suite/index.js';
import { byText, sampleCopyPath, toYaml, type NativeCase, type SuiteFile } from './common.js';
import { gatorSuiteFor } from './gator.js';
import { kyvernoDefaultsTest } from './defaults.js';
import { kyvernoTestFor } from './kyverno.js';
import { vapTestFor } from './vap.js';
import { kyvernoCelTestFor } from './kyverno-cel.js';

/**
 * The native suites of one policy file: for each of its policies with emitted Kyverno, ValidatingAdmissionPolicy
 * or Gatekeeper files, `kyverno/tests/<policy>/` (kyverno-test.yaml, values.yaml, samples/), `vap/tests/<policy>/`
 * and `kyverno-cel/tests/<policy>/` (the same, run by `kyverno test` on the VAPs and the ValidatingPolicies) and `gatekeeper/tests/<policy>/` (suite.yaml, template.yaml,
 * constraint*.yaml, inventory/, samples/), every path relative inside the output
 * folder. A sample without kind or metadata.name is SP0009: both CLIs find resources by them.
 */
export function nativeTestFiles(policyPath: string, set: PolicySet, emitted: readonly EmittedFile[], suite: Suite): Staged<EmittedFile[]> {
  const diagnostics: Diagnostic[] = [];
  const usable: NativeCase[] = [];
  const notes: string[] = [];
  const copies = new Set<string>();
  for (const c of suite.admission) {
    const object = c.object as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
    const kind = typeof object?.kind === 'string' ? object.kind : '';
    const name = typeof object?.metadata?.name === 'string' ? object.metadata.name : '';
    if (!kind || !name) {
      diagnostics.push(diagnostic('SP0009', c.span, { detail: `sample ${c.name} has no ${kind ? 'metadata.name' : 'kind'}`, hint: 'kyverno test and gator verify find resources by kind and metadata.name; give the sample both' }));
      continue;
    }
    if (c.operation !== 'CREATE') {
      notes.push(`not included: ${c.name}: operation ${c.operation} (the native suites test CREATE only)`);
      continue;
    }
    if (c.user !== undefined || c.subResource !== undefined) {
      notes.push(`not included: ${c.name}: ${c.user !== undefined ? `requested by ${c.user}` : `subresource ${c.subResource}`} (the native suites test requests without a user or subresource)`);
      continue;
    }
    let file = sampleCopyPath(c.name);
    for (let i = 2; copies.has(file); i++) file = file.replace(/(-\d+)?(\.ya?ml)?$/, `-${i}.yaml`);
    copies.add(file);
    usable.push(nativeCase(c, file, kind, name));
  }
  const policies = set.policies.filter((p) => p.span.file.path === policyPath);
  const out: EmittedFile[] = [];
  const copyOf = (dir: string, c: NativeCase): EmittedFile => emittedFile(`${dir}/${c.file}`, toYaml(c.object, [`Copy of ${posix.join(posix.dirname(suite.path), c.case.name)} for the native suite.`]));
  // A file with network or defaults blocks only (its suite has connection or namespace cases) has no admission policy to test natively; the
  // whole set stands in only when no file path matches at all (a suite given for a set built in memory).
  const ownsSomething = policies.length > 0 || set.networks.some((n) => n.span.file.path === policyPath) || (set.defaults ?? []).some((d) => d.span.file.path === policyPath);
  for (const p of ownsSomething ? policies : set.policies) {
    // `kyverno test` verifies images against the registry and Rekor (Cosign), with no way to give it offline
    // signature facts: a Test of a policy with `verify images` blocks would assert what secpol's oracle answered,
    // not what the CLI can check. None is written (docs/native-tests.md#image-verification).
    const policyFile = p.images?.length ? undefined : emitted.find((f) => f.path === `kyverno/${p.name}.yaml`);
    if (policyFile) {
      const exceptions = emitted.find((f) => f.path === `kyverno/${p.name}-exceptions.yaml`);
      kyvernoSets(usable).forEach((cases, i) => {
        const dir = i === 0 ? `kyverno/tests/${p.name}` : `kyverno/tests/${p.name}/set-${i + 1}`;
        const files = kyvernoTestFor(p.name, dir, { policy: policyFile, ...(exceptions ? { exceptions } : {}) }, cases, { name: i === 0 ? p.name : `${p.name}-set-${i + 1}`, notes, ...(suite.inventory.length ? { cluster: suite.inventory } : {}) });
        if (files.length) out.push(...files.map((f) => emittedFile(`${dir}/${f.path}`, f.content)), ...cases.map((c) => copyOf(dir, c)));
      });
    }
    const vapFile = emitted.find((f) => f.path === `vap/${p.name}.yaml`);
    if (vapFile) {
      kyvernoSets(usable).forEach((cases, i) => {
        const dir = i === 0 ? `vap/tests/${p.name}` : `vap/tests/${p.name}/set-${i + 1}`;
        const files = vapTestFor(p.name, dir, vapFile, cases, { name: i === 0 ? p.name : `${p.name}-set-${i + 1}`, notes });
        if (files.length) out.push(...files.map((f) => emittedFile(`${dir}/${f.path}`, f.content)), ...cases.map((c) => copyOf(dir, c)));
      });
    }
    const celFile = emitted.find((f) => f.path === `kyverno-cel/${p.name}.yaml`);
    if (celFile) {
      const exceptions = emitted.find((f) => f.path === `kyverno-cel/${p.name}-exceptions.yaml`);
      kyvernoSets(usable).forEach((cases, i) => {
        const dir = i === 0 ? `kyverno-cel/tests/${p.name}` : `kyverno-cel/tests/${p.name}/set-${i + 1}`;
        const files = kyvernoCelTestFor(p.name, dir, { policy: celFile, ...(exceptions ? { exceptions } : {}) }, cases, { name: i === 0 ? p.name : `${p.name}-set-${i + 1}`, notes });
        if (files.length) out.push(...files.map((f) => emittedFile(`${dir}/${f.path}`, f.content)), ...cases.map((c) => copyOf(dir, c)));
      });
    }
    const gatekeeperFile = emitted.find((f) => f.path === `gatekeeper/${p.name}.yaml`);
    if (gatekeeperFile) {
      const dir = `gatekeeper/tests/${p.name}`;
      const { files } = gatorSuiteFor(p.name, gatekeeperFile, usable, notes, suite.inventory);
      // An omitted or inexpressible policy (a comment-only file) has no gator suite, so no sample copies either.
      if (files.length) out.push(...files.map((f) => emittedFile(`${dir}/${f.path}`, f.content)), ...usable.map((c) => copyOf(dir, c)));
    }
  }
  // Defaults blocks: a kyverno test of their generate and mutate rules on the suite's namespace cases (defaults.ts).
  for (const d of (set.defaults ?? []).filter((b) => b.span.file.path === policyPath)) {
    const policyFile = emitted.find((f) => f.path === `kyverno/${d.name}.yaml`);
    if (!policyFile || !suite.namespaces?.length) continue;
    const dir = `kyverno/tests/${d.name}`;
    out.push(...kyvernoDefaultsTest(d, dir, policyFile, suite.namespaces).map((f) => emittedFile(`${dir}/${f.path}`, f.content)));
  }
  return { value: out.sort((a, b) => byText(a.path, b.path)), diagnostics: sortDiagnostics(diagnostics) };
}

/**
 * Appends the native suites of every policy file that has a suite.yaml beside it (what `secpol compile
 * --with-tests` writes). A policy file without one is passed over: there is nothing to turn into a native test.
 */
export function withNativeTests(policyPaths: readonly string[], set: PolicySet, files: readonly EmittedFile[], read: ReadFile): Staged<EmittedFile[]> {
  const diagnostics: Diagnostic[] = [];
  const extra: EmittedFile[] = [];
  for (const path of policyPaths) {
    const suitePath = posix.join(posix.dirname(path), 'suite.yaml');
    if ('error' in read(suitePath)) continue;
    const suite = loadSuite(suitePath, read);
    diagnostics.push(...suite.diagnostics);
    if (!suite.value) continue;
    const native = nativeTestFiles(path, set, files, suite.value);
    diagnostics.push(...native.diagnostics);
    extra.push(...(native.value ?? []));
  }
  const all = [...files, ...extra].sort((a, b) => byText(a.path, b.path));
  return { value: all, diagnostics: sortDiagnostics(diagnostics) };
}

function nativeCase(c: AdmissionCase, file: string, kind: string, name: string): NativeCase {
  const source = c.object as Record<string, unknown> & { metadata: Record<string, unknown> };
  const own = typeof source.metadata['namespace'] === 'string' ? source.metadata['namespace'] : '';
  // The suite's `namespace:` puts the sample in that namespace; the copy says so, since the CLIs read only the object.
  const object = c.namespace && c.namespace !== own ? { ...source, metadata: { ...source.metadata, namespace: c.namespace } } : source;
  return { file, case: c, object, kind, name, namespace: c.namespace ?? own };
}

/**
 * `kyverno test` finds a resource by kind and name, and takes namespace labels from one Values file per Test, so
 * the samples are split into sets without a repeated kind/name or a namespace labelled two ways: the first set is
 * `kyverno/tests/<policy>/`, the next ones `set-2/`, `set-3/`… below it (`kyverno test` walks folders).
 */
function kyvernoSets(cases: readonly NativeCase[]): NativeCase[][] {
  const sets: { cases: NativeCase[]; names: Set<string>; labels: Map<string, string> }[] = [];
  for (const c of cases) {
    const id = `${c.kind}/${c.name}`;
    const labels = JSON.stringify(Object.entries(c.case.namespaceLabels).sort(([a], [b]) => byText(a, b)));
    const fits = (s: (typeof sets)[number]) => !s.names.has(id) && (!c.namespace || (s.labels.get(c.namespace) ?? labels) === labels);
    let set = sets.find(fits);
    if (!set) {
      set = { cases: [], names: new Set(), labels: new Map() };
      sets.push(set);
    }
    set.cases.push(c);
    set.names.add(id);
    if (c.namespace) set.labels.set(c.namespace, labels);
  }
  return sets.map((s) => s.cases);
}

function emittedFile(path: string, content: string): EmittedFile {
  const objects = YAML.parseAllDocuments(content)
    .map((d) => d.toJSON() as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } } | null)
    .filter((d): d is NonNullable<typeof d> => d !== null && typeof d === 'object')
    .map((d) => ({ apiVersion: String(d.apiVersion ?? ''), kind: String(d.kind ?? ''), name: String(d.metadata?.name ?? '') }));
  return { path, content, objects };
}

export type { SuiteFile };
