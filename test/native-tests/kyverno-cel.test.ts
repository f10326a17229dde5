import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { Ajv } from 'ajv';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { readPolicyFile } from '../../src/cli/io.js';
import { compileTo, frontEnd } from '../../src/compile.js';
import { renderDiagnostic } from '../../src/diagnostics/index.js';
import { evaluateKyvernoCel, loadKyvernoCelDocuments } from '../../src/engines/kyverno-cel/index.js';
import type { ReadFile } from '../../src/load.js';
import { withNativeTests } from '../../src/native-tests/index.js';
import { loadSuite } from '../../src/suite/index.js';
import { dsl } from '../helpers/dsl.js';
import { projectRoot } from '../helpers/corpora.js';

/**
 * The native suites of the kyverno-cel target (`kyverno-cel/tests/<policy>/`, run by `kyverno test` on the
 * ValidatingPolicies): schema-valid Kyverno CLI Tests, passed by secpol's kyverno-cel engine, agreeing with suite.yaml,
 * listing every sample. Goldens under test/golden-native/kyverno-cel/.
 */
const today = '2026-11-23';
const read: ReadFile = (p) => readPolicyFile(join(projectRoot, p));
const validKyvernoTest = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(join(projectRoot, 'targets/kyverno/kyverno-test.schema.json'), 'utf8')) as object);
const docs = (text: string): unknown[] => YAML.parseAllDocuments(text).map((d) => d.toJSON() as unknown).filter((d) => d !== null && d !== undefined);
type Obj = { kind: string; metadata: { name: string; namespace?: string } };
type Test = { policies: string[]; exceptions?: string[]; resources: string[]; variables?: string; results: { policy: string; isValidatingPolicy: boolean; kind: string; resources: string[]; result: string }[] };

function policyFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? policyFiles(join(dir, e.name)) : e.name === 'policy.secpol' ? [join(dir, e.name)] : []));
}

async function build(policyPath: string, readFile: ReadFile = read) {
  const front = frontEnd([policyPath], readFile, { today });
  const emitted = (await compileTo(front.value!.set, ['kyverno-cel'])).value ?? [];
  const out = withNativeTests([policyPath], front.value!.set, emitted, readFile);
  const suite = loadSuite(posix.join(posix.dirname(policyPath), 'suite.yaml'), readFile).value!;
  return { set: front.value!.set, suite, all: out.value ?? [], native: (out.value ?? []).filter((f) => f.path.includes('/tests/')), diagnostics: out.diagnostics.map(renderDiagnostic) };
}

/** Checks every Test of a build against the engine and suite.yaml; returns the Tests. */
function checkTests(b: Awaited<ReturnType<typeof build>>, policyPath: string): Test[] {
  const tests = b.native.filter((f) => f.path.startsWith('kyverno-cel/tests/') && f.path.endsWith('/kyverno-test.yaml'));
  return tests.map((file) => {
    const dir = posix.dirname(file.path);
    const at = (rel: string) => b.all.find((x) => x.path === posix.normalize(posix.join(dir, rel)))!.content;
    const t = YAML.parse(file.content) as Test;
    expect(validKyvernoTest(t), JSON.stringify(validKyvernoTest.errors)).toBe(true);
    const loaded = loadKyvernoCelDocuments([...t.policies, ...(t.exceptions ?? [])].flatMap((p) => docs(at(p))));
    expect(loaded.errors).toEqual([]);
    const values = t.variables ? (YAML.parse(at(t.variables)) as { namespaceSelector: { name: string; labels: Record<string, string> }[] }) : { namespaceSelector: [] };
    const resources = t.resources.flatMap((r) => docs(at(r)) as Obj[]);
    const verdictOf = (o: Obj, policy: string) => {
      const ns = values.namespaceSelector.find((n) => n.name === o.metadata.namespace);
      const results = evaluateKyvernoCel(loaded, { object: o, operation: 'CREATE', ...(ns ? { namespace: ns } : {}) }).filter((r) => r.policy === policy);
      return results.length === 0 ? 'none' : results.some((r) => r.exception) ? 'skip' : results.every((r) => r.allowed) ? 'pass' : 'fail';
    };
    for (const r of t.results) {
      expect(r.isValidatingPolicy).toBe(true);
      for (const name of r.resources) expect(verdictOf(resources.find((x) => x.kind === r.kind && x.metadata.name === name)!, r.policy), `${r.policy} on ${r.kind}/${name}`).toBe(r.result);
    }
    // suite.yaml: a sample denied by a rule of this policy fails the ValidatingPolicy holding that rule.
    for (const c of b.suite.admission.filter((x) => x.expect === 'deny')) {
      const o = c.object as Obj;
      if (!t.resources.some((r) => posix.normalize(posix.join(posix.dirname(policyPath), c.name)).endsWith(r))) continue;
      const failing = t.results.filter((r) => r.result === 'fail' && r.kind === o.kind && r.resources.includes(o.metadata.name)).map((r) => r.policy);
      const owners = loaded.policies.filter((p) => (JSON.parse(p.annotations['secpol.dev/rules'] ?? '[]') as string[]).some((rule) => c.rules.includes(rule))).map((p) => p.name);
      for (const owner of owners) expect(failing, `${c.name} fails ${owner}`).toContain(owner);
    }
    return t;
  });
}

const withSamples = policyFiles(join(projectRoot, 'policies'))
  .filter((p) => existsSync(join(p, '..', 'suite.yaml')))
  .map((p) => relative(projectRoot, p))
  .sort();

describe.each(withSamples)('kyverno-cel native suites of %s', (policyPath) => {
  const built = build(policyPath);

  it('are schema-valid Tests that the kyverno-cel engine passes, agreeing with suite.yaml and listing every sample', async () => {
    const b = await built;
    expect(b.diagnostics).toEqual([]);
    const tests = checkTests(b, policyPath);
    const samples = b.suite.admission.filter((c) => c.operation === 'CREATE' && c.user === undefined && c.subResource === undefined).map((c) => posix.basename(c.name)).sort();
    if (tests.length) expect(tests.flatMap((t) => t.resources.map((r) => posix.basename(r))).sort()).toEqual(samples);
  });

  it('matches its golden file', async () => {
    const b = await built;
    const text = b.native.map((f) => `# ${f.path}\n${f.content}`).join('---\n');
    const name = relative('policies', policyPath).replace(/\/policy\.secpol$/, '').replace(/\//g, '--');
    if (text) await expect(text).toMatchFileSnapshot(join(projectRoot, 'test', 'golden-native', 'kyverno-cel', `${name}.yaml`));
  });
});

describe('kyverno-cel native suite with a PolicyException', () => {
  it('lists the exceptions file and expects skip for the exempted sample', async () => {
    const files: Record<string, string> = {
      'p/policy.secpol': dsl`
        policy host-pid {
          applies to pods
          rule no-host-pid {
            forbid spec.hostPID = true
          }
          exception legacy {
            namespaces "legacy"
            reason "migrating"
          }
        }`,
      'p/suite.yaml': 'cases:\n  - { sample: samples/deny.yaml, expect: deny, rules: [no-host-pid], namespace: apps }\n  - { sample: samples/exempt.yaml, expect: allow, namespace: legacy }\n',
      'p/samples/deny.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: deny }\nspec: { hostPID: true, containers: [{ name: c, image: nginx }] }\n',
      'p/samples/exempt.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: exempt }\nspec: { hostPID: true, containers: [{ name: c, image: nginx }] }\n',
    };
    const readFile: ReadFile = (p) => (p in files ? { bytes: new TextEncoder().encode(files[p]!) } : { error: 'no such file' });
    const b = await build('p/policy.secpol', readFile);
    expect(b.diagnostics).toEqual([]);
    const [t] = checkTests(b, 'p/policy.secpol');
    expect(t!.exceptions).toEqual(['../../host-pid-exceptions.yaml']);
    expect(t!.results.map((r) => `${r.resources.join()} ${r.result}`)).toEqual(['deny fail', 'exempt skip']);
  });
});
