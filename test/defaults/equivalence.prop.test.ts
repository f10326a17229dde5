import fc from 'fast-check';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { KyvernoBackground } from '../../src/engines/kyverno/index.js';
import type { NamespaceState } from '../../src/eval/index.js';
import type { PolicySet } from '../../src/ir/index.js';
import { irOf } from '../helpers/dsl.js';
import { byKyverno, byKyvernoAdmitted, bySemantics, byStaticFiles, documentsFor, namespaceObject, outcomeIn } from './harness.js';

/**
 * Defaults blocks (docs/language/defaults.md) three ways: the semantics (src/eval/defaults.ts), the Kyverno engine
 * running the emitted generate/mutate rules on a Namespace admission or on policy install, and the static netpol
 * and psa files. For namespaces drawn by name, labels and exceptions, the objects (apiVersion, kind, namespace,
 * name, spec) and the namespace's labels must be equal.
 */

const listed = ['shop', 'payments', 'ledger', 'batch'];
const excepted = ['kube-system', 'batch', 'tools'];
const otherNames = ['kube-system', 'tools', 'default', 'fresh'];

interface BlockSpec {
  names: string[];
  except: string[];
  selector: string[];
  deny: '' | 'ingress' | 'egress' | 'ingress and egress';
  dns: boolean;
  pss: { mode: string; level: string; version: string }[];
}

const blockArb: fc.Arbitrary<BlockSpec> = fc
  .record({
    names: fc.oneof({ weight: 3, arbitrary: fc.subarray(listed, { minLength: 1 }) }, { weight: 1, arbitrary: fc.constant<string[]>([]) }),
    except: fc.subarray(excepted),
    selector: fc.oneof(
      { weight: 2, arbitrary: fc.constant<string[]>([]) },
      { weight: 1, arbitrary: fc.subarray(['team = "a"', 'env in ["a", "b"]', 'team exists', 'env is absent', 'team != "b"'], { minLength: 1, maxLength: 2 }) },
    ),
    deny: fc.constantFrom('' as const, 'ingress' as const, 'egress' as const, 'ingress and egress' as const),
    dns: fc.boolean(),
    pss: fc.subarray(['enforce', 'audit', 'warn']).chain((modes) =>
      fc.tuple(...modes.map((mode) => fc.record({ mode: fc.constant(mode), level: fc.constantFrom('privileged', 'baseline', 'restricted'), version: fc.constantFrom('', ' version v1.30', ' version latest') }))),
    ),
  })
  .map((b) => ({ ...b, except: b.except.filter((e) => !b.names.includes(e)) }))
  .filter((b) => b.deny !== '' || b.pss.length > 0);

function blockText(name: string, b: BlockSpec): string {
  const lines = [`defaults ${name} {`];
  if (b.names.length) lines.push(`  in namespaces ${b.names.map((n) => JSON.stringify(n)).join(', ')}`);
  if (b.except.length) lines.push(`  except namespaces ${b.except.map((n) => JSON.stringify(n)).join(', ')}`);
  if (b.selector.length) lines.push(`  where labels ${b.selector.join(' and ')}`);
  if (b.deny) lines.push(`  default deny ${b.deny}`);
  if (b.dns) lines.push('  allow dns');
  for (const p of b.pss) lines.push(`  ${p.mode} pod-security ${p.level}${p.version}`);
  lines.push('}');
  return lines.join('\n');
}

/** One or two blocks; only the first sets Pod Security labels (two blocks labelling one namespace are refused by psa). */
const setArb = fc.tuple(blockArb, fc.option(blockArb, { nil: undefined })).map(([a, b]) => {
  const text = [blockText('alpha', a), ...(b && b.deny !== '' ? [blockText('beta', { ...b, pss: [] })] : [])].join('\n\n');
  return { text, set: irOf(`${text}\n`) };
});

const namespaceArb: fc.Arbitrary<NamespaceState> = fc
  .record({
    name: fc.constantFrom(...listed, ...otherNames),
    team: fc.constantFrom(undefined, 'a', 'b'),
    env: fc.constantFrom(undefined, 'a', 'b', 'c'),
  })
  .map(({ name, team, env }) => ({
    name,
    labels: { 'kubernetes.io/metadata.name': name, ...(team ? { team } : {}), ...(env ? { env } : {}) },
  }));

const compiled = new Map<string, Promise<{ kyverno: unknown[]; netpol?: unknown[]; psa?: unknown[] }>>();
function artifacts(text: string, set: PolicySet) {
  let p = compiled.get(text);
  if (!p) {
    p = (async () => {
      const kyverno = await documentsFor(set, 'kyverno');
      if (kyverno.diagnostics.length) throw new Error(kyverno.diagnostics.join('; '));
      const netpol = await documentsFor(set, 'netpol');
      const psa = await documentsFor(set, 'psa');
      const staticOk = netpol.diagnostics.length === 0 && psa.diagnostics.length === 0;
      return { kyverno: kyverno.docs, ...(staticOk ? { netpol: netpol.docs, psa: psa.docs } : {}) };
    })();
    compiled.set(text, p);
  }
  return p;
}

describe('defaults: Kyverno generate/mutate, static netpol/psa and the semantics agree', () => {
  it('on the admission of a namespace, and for existing namespaces when the policy is installed', async () => {
    let staticCases = 0;
    await fc.assert(
      fc.asyncProperty(setArb, fc.array(namespaceArb, { minLength: 1, maxLength: 4 }), async ({ text, set }, namespaces) => {
        const a = await artifacts(text, set);
        for (const ns of namespaces) {
          const expected = bySemantics(set, ns);
          expect(byKyverno(a.kyverno, ns), `kyverno admission of ${ns.name}\n${text}`).toEqual(expected);
          expect(byKyverno(a.kyverno, ns, true), `kyverno existing ${ns.name}\n${text}`).toEqual(expected);
          expect(byKyvernoAdmitted(a.kyverno, ns), `kyverno admission response for ${ns.name}\n${text}`).toEqual(expected);
          if (a.netpol && a.psa) {
            staticCases++;
            expect(byStaticFiles(a.netpol, a.psa, ns), `static files for ${ns.name}\n${text}`).toEqual(expected);
          }
        }
      }),
      { seed: 19, numRuns: 150 },
    );
    expect(staticCases).toBeGreaterThan(100);
  });

  it('after an update that changes the labels: synchronized objects follow the selection', async () => {
    await fc.assert(
      fc.asyncProperty(setArb, namespaceArb, namespaceArb, async ({ text, set }, first, second) => {
        const a = await artifacts(text, set);
        const later: NamespaceState = { name: first.name, labels: { ...second.labels, 'kubernetes.io/metadata.name': first.name } };
        const cluster = new KyvernoBackground(a.kyverno);
        cluster.admit(namespaceObject(first), 'CREATE');
        const admitted = cluster.admit(namespaceObject(later), 'UPDATE');
        expect(outcomeIn(cluster, admitted, first.name), text).toEqual(bySemantics(set, later));
      }),
      { seed: 20, numRuns: 150 },
    );
  });
});

describe('a changed emitted policy is caught', () => {
  const text = 'defaults tenant {\n  in namespaces "shop", "payments"\n  except namespaces "kube-system"\n  where labels team exists\n  default deny ingress and egress\n  allow dns\n  enforce pod-security restricted version v1.30\n}\n';
  const set = irOf(text);
  const cases: [string, (yaml: string) => string][] = [
    ['the generated objects go to another namespace', (y) => y.replaceAll('namespace: "{{request.object.metadata.name}}"', 'namespace: default')],
    ['synchronize is dropped', (y) => y.replaceAll('synchronize: true', 'synchronize: false')],
    ['generateExisting is dropped', (y) => y.replaceAll('generateExisting: true', 'generateExisting: false')],
    ['the DNS peer is another pod label', (y) => y.replace('k8s-app: kube-dns', 'k8s-app: coredns')],
    ['a denied direction is dropped', (y) => y.replace(/policyTypes:\n(\s+)- Ingress\n\s+- Egress/, 'policyTypes:\n$1- Ingress')],
    ['the admission-time label rule alone is weaker', (y) => y.replace('pod-security.kubernetes.io/enforce: restricted', 'pod-security.kubernetes.io/enforce: baseline')],
    ['the existing-namespaces label rule alone is dropped', (y) => y.replace(/- name: pod-security-labels-existing(?:\n.*)*/, '')],
    ['the enforce level is weaker', (y) => y.replaceAll('pod-security.kubernetes.io/enforce: restricted', 'pod-security.kubernetes.io/enforce: baseline')],
    ['an excepted namespace is matched', (y) => y.replace(/exclude:\n(?:.*\n)*?\s+- kube-system\n/, '')],
  ];

  async function agrees(kyvernoDocs: unknown[]): Promise<boolean> {
    const result = await fc.check(
      fc.asyncProperty(namespaceArb, namespaceArb, async (first, second) => {
        const later: NamespaceState = { name: first.name, labels: { ...second.labels, 'kubernetes.io/metadata.name': first.name } };
        const expected = [bySemantics(set, first), bySemantics(set, first), bySemantics(set, first), bySemantics(set, later)];
        const cluster = new KyvernoBackground(kyvernoDocs);
        cluster.admit(namespaceObject(first), 'CREATE');
        const created = outcomeIn(cluster, cluster.get(`v1/Namespace//${first.name}`)!, first.name);
        const later2 = cluster.admit(namespaceObject(later), 'UPDATE');
        const actual = [byKyverno(kyvernoDocs, first, true), created, byKyvernoAdmitted(kyvernoDocs, first), outcomeIn(cluster, later2, first.name)];
        return JSON.stringify(actual) === JSON.stringify(expected);
      }),
      { seed: 21, numRuns: 300 },
    );
    return !result.failed;
  }

  it('the emitted policy itself agrees', async () => {
    const { docs } = await documentsFor(set, 'kyverno');
    expect(await agrees(docs)).toBe(true);
  });

  for (const [what, edit] of cases) {
    it(`when ${what}`, async () => {
      const { docs } = await documentsFor(set, 'kyverno');
      const yaml = docs.map((d) => YAML.stringify(d)).join('---\n');
      const edited = edit(yaml);
      expect(edited, 'the edit applies').not.toBe(yaml);
      expect(await agrees(YAML.parseAllDocuments(edited).map((d) => d.toJSON() as unknown))).toBe(false);
    });
  }
});
