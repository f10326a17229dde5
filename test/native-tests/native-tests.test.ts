import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { Ajv } from 'ajv';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import type { EmittedFile } from '../../src/backends/backend.js';
import { readPolicyFile } from '../../src/cli/io.js';
import { compileTo, frontEnd } from '../../src/compile.js';
import { renderDiagnostic } from '../../src/diagnostics/index.js';
import { evaluateConstraint, loadTemplate, isGatekeeperError } from '../../src/engines/gatekeeper/index.js';
import { evaluateResource, KyvernoBackground, loadKyvernoDocuments } from '../../src/engines/kyverno/index.js';
import type { PolicySet } from '../../src/ir/index.js';
import type { ReadFile } from '../../src/load.js';
import { withNativeTests } from '../../src/native-tests/index.js';
import { evaluateVap, loadVapDocuments } from '../../src/engines/vap/index.js';
import { loadSuite, type Suite } from '../../src/suite/index.js';
import { corpusPath, hasCorpus, projectRoot } from '../helpers/corpora.js';
import { walkPredicate } from '../../src/ir/index.js';

/**
 * The native suites secpol writes (issue 10) must be ones secpol's own engines pass, agree with suite.yaml, and
 * satisfy the formats' schemas. Goldens under test/golden-native/ are reviewed like code (R10).
 */
const today = '2026-11-23';
const read: ReadFile = (p) => readPolicyFile(join(projectRoot, p));
const goldenRoot = join(projectRoot, 'test', 'golden-native');

const ajv = new Ajv({ allErrors: true, strict: true });
const schema = (path: string) => ajv.compile(JSON.parse(readFileSync(join(projectRoot, path), 'utf8')) as object);
const validKyvernoTest = schema('targets/kyverno/kyverno-test.schema.json');
const validGatorSuite = schema('targets/gatekeeper/gator-suite.schema.json');

function policyFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? policyFiles(p) : e.name === 'policy.secpol' ? [p] : [];
  });
}

interface Built {
  readonly set: PolicySet;
  readonly suite: Suite;
  readonly emitted: readonly EmittedFile[];
  readonly native: readonly EmittedFile[];
  readonly diagnostics: readonly string[];
}

/** Compiles each target on its own (compileTo is all-or-nothing) and appends the native suites. */
async function build(policyPath: string): Promise<Built | undefined> {
  const front = frontEnd([policyPath], read, { today });
  if (!front.value) return undefined;
  const emitted: EmittedFile[] = [];
  for (const target of ['kyverno', 'gatekeeper', 'vap'] as const) emitted.push(...((await compileTo(front.value.set, [target])).value ?? []));
  const out = withNativeTests([policyPath], front.value.set, emitted, read);
  const suite = loadSuite(posix.join(posix.dirname(policyPath), 'suite.yaml'), read).value!;
  const native = (out.value ?? []).filter((f) => f.path.includes('/tests/'));
  return { set: front.value.set, suite, emitted, native, diagnostics: out.diagnostics.map(renderDiagnostic) };
}

const docs = (text: string): unknown[] => YAML.parseAllDocuments(text).map((d) => d.toJSON() as unknown).filter((d) => d !== null && d !== undefined);
type Obj = { kind: string; metadata: { name: string; namespace?: string } };

/** Everything under `dir` of the output, by path relative to it (files referenced with `../../` included). */
function lookup(all: readonly EmittedFile[], dir: string): (rel: string) => string {
  return (rel) => {
    const path = posix.normalize(posix.join(dir, rel));
    const f = all.find((x) => x.path === path);
    if (!f) throw new Error(`${dir} references ${rel}, which is not in the output`);
    return f.content;
  };
}

const withSamples = policyFiles(join(projectRoot, 'policies'))
  .filter((p) => existsSync(join(p, '..', 'suite.yaml')))
  .map((p) => relative(projectRoot, p))
  .sort();

describe.each(withSamples)('native suites of %s', (policyPath) => {
  const built = build(policyPath);

  it('generates without diagnostics', async () => {
    const b = await built;
    expect(b?.diagnostics).toEqual([]);
  });

  it('writes schema-valid kyverno-test.yaml that secpol\'s Kyverno engine passes, agreeing with suite.yaml', async () => {
    const b = (await built)!;
    for (const test of b.native.filter((f) => f.path.startsWith('kyverno/tests/') && f.path.endsWith('/kyverno-test.yaml'))) {
      const dir = posix.dirname(test.path);
      const at = lookup([...b.emitted, ...b.native], dir);
      const t = YAML.parse(test.content) as { metadata: { name: string }; policies: string[]; exceptions?: string[]; resources: string[]; variables?: string; results: { policy: string; rule: string; kind: string; resources: string[]; result: string }[] };
      expect(validKyvernoTest(t), JSON.stringify(validKyvernoTest.errors)).toBe(true);
      const loaded = loadKyvernoDocuments([...t.policies, ...(t.exceptions ?? [])].flatMap((p) => docs(at(p))));
      expect(loaded.errors).toEqual([]);
      const values = t.variables ? (YAML.parse(at(t.variables)) as { namespaceSelector?: { name: string; labels: Record<string, string> }[]; policies?: { name: string; rules: { name: string; values: Record<string, unknown> }[] }[] }) : {};
      // Per-rule Values (mocked context API calls) as the CLI's mock context loader uses them.
      const cliValues = values.policies ? Object.fromEntries(values.policies.map((p) => [p.name, Object.fromEntries(p.rules.map((r) => [r.name, r.values]))])) : undefined;
      const resources = t.resources.flatMap((r) => docs(at(r)) as Obj[]);
      // Each rule's own failureAction decides, as in Kyverno releases with the fix for kyverno#16557. Up to 1.18.0 a
      // ClusterPolicy mixing actions blocks by its first rule's action: that backend gap is pinned (it.fails) in
      // test/backends/kyverno/failure-actions.test.ts.
      const resultsOf = (o: Obj) =>
        evaluateResource(loaded.policies, o, {
          namespaceLabels: values.namespaceSelector?.find((n) => n.name === o.metadata.namespace)?.labels ?? {},
          exceptions: loaded.exceptions,
          failureActionPerRule: true,
          ...(cliValues ? { cliValues } : {}),
        });
      // Every listed result holds; generate and mutate results by the background interpreter (defaults blocks).
      for (const r of t.results as (typeof t.results[number] & { generatedResource?: string; patchedResources?: string })[]) {
        const expectedFile = r.generatedResource ?? r.patchedResources;
        if (expectedFile !== undefined) {
          for (const name of r.resources) {
            const cluster = new KyvernoBackground(t.policies.flatMap((p) => docs(at(p))));
            const admitted = cluster.admit(resources.find((x) => x.kind === r.kind && x.metadata.name === name) as unknown as Record<string, unknown>, 'CREATE');
            const want = docs(at(expectedFile))[0] as Obj & { metadata: { labels?: Record<string, string> } };
            const got = r.patchedResources !== undefined ? admitted : cluster.get(`${(want as unknown as { apiVersion: string }).apiVersion}/${want.kind}/${want.metadata.namespace ?? ''}/${want.metadata.name}`);
            const ownLabels = (o: unknown) => ({ ...(o as { metadata: Record<string, unknown> }).metadata, labels: Object.fromEntries(Object.entries(((o as { metadata: { labels?: Record<string, string> } }).metadata.labels ?? {})).filter(([k]) => k !== 'app.kubernetes.io/managed-by' && !k.startsWith('kyverno.io/generated-by-'))) });
            expect(got && { ...got, metadata: ownLabels(got) }, `${r.policy}/${r.rule} on ${name}`).toEqual({ ...want, metadata: ownLabels(want) });
          }
          continue;
        }
        for (const name of r.resources) {
          const o = resources.find((x) => x.kind === r.kind && x.metadata.name === name);
          expect(o, `${r.kind}/${name} in resources`).toBeDefined();
          const got = resultsOf(o!).filter((x) => x.policy === r.policy && x.rule === r.rule).map((x) => x.status);
          expect(got, `${r.policy}/${r.rule} on ${r.kind}/${name}`).toContain(r.result);
        }
      }
      // suite.yaml: a denied sample fails each listed rule of this policy; an admitted one fails no Enforce rule.
      const policy = b.set.policies.find((p) => p.name === test.path.split('/')[2]);
      if (!policy) continue; // a defaults block: its namespace cases were checked above, object by object
      const ruleNames = new Set(policy.rules.map((r) => r.name));
      for (const c of b.suite.admission) {
        const o = c.object as Obj;
        const listed = t.results.filter((r) => r.kind === o.kind && r.resources.includes(o.metadata.name));
        if (!t.resources.some((r) => posix.normalize(posix.join(posix.dirname(policyPath), c.name)).endsWith(r))) continue;
        if (c.expect === 'deny') {
          for (const rule of c.rules.filter((r) => ruleNames.has(r))) expect(listed.filter((r) => r.rule === rule).map((r) => r.result), `${c.name}: ${rule}`).toEqual(['fail']);
        } else if (policy.mode === 'enforce') {
          const enforced = resultsOf(o).filter((x) => x.policy === policy.name && x.failureAction === 'Enforce' && x.status === 'fail');
          expect(enforced.map((x) => x.rule), c.name).toEqual([]);
        }
      }
    }
  });

  it('writes a schema-valid gator Suite that secpol\'s Rego engine passes, agreeing with suite.yaml', async () => {
    const b = (await built)!;
    for (const file of b.native.filter((f) => /^gatekeeper\/tests\/[^/]+\/suite\.yaml$/.test(f.path))) {
      const at = lookup(b.native, posix.dirname(file.path));
      const s = YAML.parse(file.content) as { metadata: { name: string }; tests: { template: string; constraint: string; cases: { name: string; object: string; inventory?: string[]; assertions: { violations: string }[] }[] }[] };
      expect(validGatorSuite(s), JSON.stringify(validGatorSuite.errors)).toBe(true);
      const policy = b.set.policies.find((p) => p.name === s.metadata.name)!;
      const ruleNames = new Set(policy.rules.map((r) => r.name));
      const denied = new Map<string, boolean>();
      for (const test of s.tests) {
        const templateDocs = docs(at(test.template));
        const constraintDocs = docs(at(test.constraint));
        expect([templateDocs.length, constraintDocs.length]).toEqual([1, 1]);
        const template = loadTemplate(templateDocs[0]);
        if (isGatekeeperError(template)) throw new Error(template.message);
        for (const c of test.cases) {
          const [object] = docs(at(c.object));
          const result = evaluateConstraint({ template, constraint: constraintDocs[0], object, inventory: (c.inventory ?? []).flatMap((i) => docs(at(i))) });
          expect(result.error).toBeUndefined();
          expect([{ violations: result.violations.length ? 'yes' : 'no' }], `${test.constraint} ${c.name}`).toEqual(c.assertions);
          const enforced = (constraintDocs[0] as { spec?: { enforcementAction?: string } }).spec?.enforcementAction ?? 'deny';
          if (enforced === 'deny' && result.violations.length) denied.set(c.object, true);
          if (result.violations.length) denied.set(`any:${c.object}`, true);
        }
      }
      for (const c of b.suite.admission) {
        const copy = s.tests[0]?.cases.find((x) => posix.normalize(posix.join(posix.dirname(policyPath), c.name)).endsWith(x.object));
        if (!copy) continue;
        if (c.expect === 'deny' && c.rules.some((r) => ruleNames.has(r))) expect(denied.get(`any:${copy.object}`), `${c.name} violates`).toBe(true);
        if (c.expect === 'allow' && policy.mode === 'enforce') expect(denied.get(copy.object) ?? false, `${c.name} admitted`).toBe(false);
      }
    }
  });

  it('writes schema-valid VAP Tests (kyverno test on the ValidatingAdmissionPolicies) that the VAP engine passes, agreeing with suite.yaml', async () => {
    const b = (await built)!;
    for (const test of b.native.filter((f) => f.path.startsWith('vap/tests/') && f.path.endsWith('/kyverno-test.yaml'))) {
      const dir = posix.dirname(test.path);
      const at = lookup([...b.emitted, ...b.native], dir);
      const t = YAML.parse(test.content) as { policies: string[]; resources: string[]; variables?: string; results: { policy: string; isValidatingAdmissionPolicy: boolean; kind: string; resources: string[]; result: string }[] };
      expect(validKyvernoTest(t), JSON.stringify(validKyvernoTest.errors)).toBe(true);
      const loaded = loadVapDocuments(t.policies.flatMap((p) => docs(at(p))));
      expect(loaded.errors).toEqual([]);
      const values = t.variables ? (YAML.parse(at(t.variables)) as { namespaceSelector: { name: string; labels: Record<string, string> }[] }) : { namespaceSelector: [] };
      const resources = t.resources.flatMap((r) => docs(at(r)) as Obj[]);
      const verdictOf = (o: Obj, vap: string) => {
        const ns = values.namespaceSelector.find((n) => n.name === o.metadata.namespace);
        const results = evaluateVap(loaded, { object: o, operation: 'CREATE', ...(ns ? { namespace: ns } : {}) }).filter((r) => r.policy === vap);
        return results.length === 0 ? 'none' : results.every((r) => r.allowed) ? 'pass' : 'fail';
      };
      for (const r of t.results) {
        expect(r.isValidatingAdmissionPolicy).toBe(true);
        for (const name of r.resources) {
          const o = resources.find((x) => x.kind === r.kind && x.metadata.name === name)!;
          expect(verdictOf(o, r.policy), `${r.policy} on ${r.kind}/${name}`).toBe(r.result);
        }
      }
      // suite.yaml: a sample denied by a rule of this policy fails the VAP holding that rule.
      for (const c of b.suite.admission.filter((x) => x.expect === 'deny')) {
        const o = c.object as Obj;
        if (!t.resources.some((r) => posix.normalize(posix.join(posix.dirname(policyPath), c.name)).endsWith(r))) continue;
        const failing = t.results.filter((r) => r.result === 'fail' && r.kind === o.kind && r.resources.includes(o.metadata.name)).map((r) => r.policy);
        const owners = loaded.policies.filter((p) => (JSON.parse(p.annotations['secpol.dev/rules'] ?? '[]') as string[]).some((rule) => c.rules.includes(rule))).map((p) => p.name);
        for (const owner of owners) expect(failing, `${c.name} fails ${owner}`).toContain(owner);
      }
    }
  });

  it('lists every sample in the Kyverno Tests (once) and in every gator test', async () => {
    const b = (await built)!;
    // The native CLIs take plain objects: cases with another operation, a subresource or a user are left out (noted).
    const native = b.suite.admission.filter((c) => c.operation === 'CREATE' && c.user === undefined && c.subResource === undefined);
    const samples = native.map((c) => posix.basename(c.name)).sort();
    for (const p of b.set.policies) {
      const kyvernoTests = b.native.filter((f) => f.path.startsWith(`kyverno/tests/${p.name}/`) && f.path.endsWith('/kyverno-test.yaml'));
      if (kyvernoTests.length) {
        const listed = kyvernoTests.flatMap((f) => (YAML.parse(f.content) as { resources: string[] }).resources.map((r) => posix.basename(r)));
        expect(listed.sort(), p.name).toEqual(samples);
      }
      const gator = b.native.find((f) => f.path === `gatekeeper/tests/${p.name}/suite.yaml`);
      if (gator) {
        for (const t of (YAML.parse(gator.content) as { tests: { cases: { object: string }[] }[] }).tests) expect(t.cases.map((c) => posix.basename(c.object)).sort(), p.name).toEqual(samples);
      }
      const vapTests = b.native.filter((f) => f.path.startsWith(`vap/tests/${p.name}/`) && f.path.endsWith('/kyverno-test.yaml'));
      if (vapTests.length) {
        const listed = vapTests.flatMap((f) => (YAML.parse(f.content) as { resources: string[] }).resources.map((r) => posix.basename(r)));
        expect(listed.sort(), p.name).toEqual(samples);
      }
      // `kyverno test` fetches signatures from the registry: a policy with `verify images` blocks has no native suite
      // (docs/native-tests.md#image-verification); every other policy has one.
      if (p.images?.length) expect(b.native.filter((f) => f.path.includes(`/tests/${p.name}/`)).map((f) => f.path), `${p.name} has no native suite`).toEqual([]);
      else expect(kyvernoTests.length + (gator ? 1 : 0), `${p.name} has a native suite`).toBeGreaterThan(0);
    }
  });

  it('matches its golden file', async () => {
    const b = (await built)!;
    const text = b.native.map((f) => `# ${f.path}\n${f.content}`).join('---\n');
    const name = relative('policies', policyPath).replace(/\/policy\.secpol$/, '').replace(/\//g, '--');
    if (text) await expect(text).toMatchFileSnapshot(join(goldenRoot, `${name}.yaml`));
  });
});

describe('native suite schemas', () => {
  it.skipIf(!hasCorpus('kyverno'))('accept the upstream kyverno-test.yaml files', () => {
    const root = corpusPath('kyverno', 'pod-security', 'baseline');
    for (const name of readdirSync(root).filter((n) => existsSync(join(root, n, '.kyverno-test', 'kyverno-test.yaml')))) {
      const t = YAML.parse(readFileSync(join(root, name, '.kyverno-test', 'kyverno-test.yaml'), 'utf8')) as unknown;
      expect(validKyvernoTest(t), `${name}: ${JSON.stringify(validKyvernoTest.errors)}`).toBe(true);
    }
  });

  it.skipIf(!hasCorpus('gatekeeper'))('accept the upstream gator suites', () => {
    const root = corpusPath('gatekeeper', 'library', 'general');
    for (const name of readdirSync(root).filter((n) => existsSync(join(root, n, 'suite.yaml')))) {
      const s = YAML.parse(readFileSync(join(root, name, 'suite.yaml'), 'utf8')) as unknown;
      expect(validGatorSuite(s), `${name}: ${JSON.stringify(validGatorSuite.errors)}`).toBe(true);
    }
  });

  it('reject a misspelt result and a boolean violations', () => {
    expect(validKyvernoTest({ apiVersion: 'cli.kyverno.io/v1alpha1', kind: 'Test', metadata: { name: 'x' }, policies: ['p.yaml'], resources: [], results: [{ policy: 'p', rule: 'r', kind: 'Pod', resources: ['a'], result: 'failed' }] })).toBe(false);
    expect(validGatorSuite({ apiVersion: 'test.gatekeeper.sh/v1alpha1', kind: 'Suite', tests: [{ template: 't.yaml', constraint: 'c.yaml', cases: [{ name: 'a', object: 'o.yaml', assertions: [{ violations: true }] }] }] })).toBe(false);
  });
});

describe('nativeTestFiles / withNativeTests', () => {
  const policyPath = 'policies/workload/host-namespaces/policy.secpol';

  it('reports a sample without metadata.name (SP0009) and leaves it out', async () => {
    const { nativeTestFiles } = await import('../../src/native-tests/index.js');
    const front = frontEnd([policyPath], read, { today });
    const emitted = (await compileTo(front.value!.set, ['kyverno'])).value ?? [];
    const suite = loadSuite('policies/workload/host-namespaces/suite.yaml', read).value!;
    const [first, ...rest] = suite.admission;
    const nameless = { ...first!, object: { ...(first!.object as Obj), metadata: {} } };
    const out = nativeTestFiles(policyPath, front.value!.set, emitted, { ...suite, admission: [nameless, ...rest] });
    expect(out.diagnostics.map((d) => [d.code, d.message])).toEqual([['SP0009', `sample ${first!.name} has no metadata.name`]]);
    expect(out.value!.some((f) => f.path.endsWith(posix.basename(first!.name)))).toBe(false);
  });

  it('writes each file once for the whole library, network files included (they used to add every policy\'s suites again)', async () => {
    const all = policyFiles(join(projectRoot, 'policies')).map((p) => relative(projectRoot, p)).sort();
    const front = frontEnd(all, read, { today });
    // Defaults blocks are SP2001 on gatekeeper and vap (docs/language/defaults.md): those compile the rest.
    const { defaults: _defaults, ...admission } = front.value!.set;
    // Policies that read other objects (references) are SP2001 on vap (docs/language/references.md): vap compiles the rest.
    const readsOthers = (p: (typeof admission.policies)[number]) => p.rules.some((r) => [...walkPredicate(r.predicate)].some((n) => n.node.kind === 'referenced'));
    const vapSet = { ...admission, policies: admission.policies.filter((p) => !readsOthers(p)) };
    const emitted = [...((await compileTo(front.value!.set, ['kyverno'])).value ?? []), ...((await compileTo(admission, ['gatekeeper'])).value ?? []), ...((await compileTo(vapSet, ['vap'])).value ?? [])];
    const out = withNativeTests(all, front.value!.set, emitted, read).value ?? [];
    const seen = new Map<string, number>();
    for (const f of out) seen.set(f.path, (seen.get(f.path) ?? 0) + 1);
    expect([...seen].filter(([, n]) => n > 1)).toEqual([]);
    expect(out.some((f) => f.path.startsWith('gatekeeper/tests/'))).toBe(true);
  });

  it('passes over a policy file without suite.yaml, keeping the compiled files', async () => {
    const front = frontEnd([policyPath], read, { today });
    const emitted = (await compileTo(front.value!.set, ['kyverno'])).value ?? [];
    const noSuite: ReadFile = (p) => (p.endsWith('suite.yaml') ? { error: 'no such file' } : read(p));
    expect(withNativeTests([policyPath], front.value!.set, emitted, noSuite)).toEqual({ value: emitted, diagnostics: [] });
  });
});
