import fc from 'fast-check';
import type { EmittedFile } from '../backends/backend.js';
import { KyvernoBackground, objectKey } from '../engines/kyverno/index.js';
import { admitNamespace, type NamespaceState } from '../eval/index.js';
import type { NamespaceDefaults } from '../ir/index.js';
import { documentsOf } from './adapter.js';
import type { VerifyOptions } from './verify.js';

/** What one judge says a namespace ends up with: its labels and the objects in it (apiVersion, kind, name, spec). */
interface Outcome {
  readonly labels: Readonly<Record<string, string>>;
  readonly objects: readonly string[];
}

export interface DefaultsDisagreement {
  readonly namespace: NamespaceState;
  /** How the namespace came to be: created, existing when the policy was installed, or updated from other labels. */
  readonly how: string;
  readonly judge: string;
  readonly semantics: Outcome;
  readonly engine: Outcome;
}

export interface DefaultsReport {
  readonly cases: number;
  /** Which judges were compared with the semantics: `kyverno`, and `netpol+psa` when the blocks compile there. */
  readonly judges: readonly string[];
  readonly disagreement?: DefaultsDisagreement;
}

type Json = Record<string, unknown>;

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v as Json).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => [k, canonical(x)]));
  return v;
}

function normalise(o: Json): string {
  const meta = (o['metadata'] ?? {}) as Json;
  return JSON.stringify(canonical({ apiVersion: o['apiVersion'], kind: o['kind'], namespace: meta['namespace'], name: meta['name'], spec: o['spec'] }));
}

const namespaceObject = (ns: NamespaceState): Json => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels: { ...ns.labels } } });

function inCluster(cluster: KyvernoBackground, ns: NamespaceState): Outcome {
  const stored = cluster.get(objectKey(namespaceObject(ns)));
  const labels = { ...(((stored?.['metadata'] as Json | undefined)?.['labels'] ?? {}) as Record<string, string>) };
  const objects = cluster
    .objects()
    .filter((o) => o['kind'] !== 'Namespace' && (o['metadata'] as Json)['namespace'] === ns.name)
    .map(normalise)
    .sort();
  return { labels, objects };
}

/**
 * Namespaces that exercise the blocks: every listed and excepted name and a fresh one, with label sets built from
 * the selectors' keys and values (each value, another value, absent), plus the name label the API server sets.
 */
function namespaceArbitrary(blocks: readonly NamespaceDefaults[]): fc.Arbitrary<NamespaceState> {
  const names = [...new Set([...blocks.flatMap((b) => [...b.namespaces, ...b.excludedNamespaces]), 'fresh-namespace', 'kube-system'])].sort();
  const values = new Map<string, Set<string>>();
  for (const b of blocks) {
    if (!b.selector) continue;
    for (const [k, v] of Object.entries(b.selector.matchLabels)) (values.get(k) ?? values.set(k, new Set()).get(k)!).add(v);
    for (const e of b.selector.matchExpressions) {
      const set = values.get(e.key) ?? values.set(e.key, new Set()).get(e.key)!;
      for (const v of e.values) set.add(v);
    }
  }
  const keys = [...values.keys()].sort();
  const labelArbs = keys.map((k) => fc.constantFrom<string | undefined>(undefined, 'other-value', ...[...values.get(k)!].sort()));
  return fc.record({ name: fc.constantFrom(...names), labels: fc.tuple(...labelArbs) }).map(({ name, labels }) => ({
    name,
    labels: { ...Object.fromEntries(keys.flatMap((k, i) => (labels[i] === undefined ? [] : [[k, labels[i]!]]))), 'kubernetes.io/metadata.name': name },
  }));
}

/**
 * Semantics §7 against the Kyverno engine running the emitted generate/mutate rules (a namespace created, existing
 * at install, and updated from other labels) and against the static netpol/psa objects when given.
 */
export function verifyDefaults(blocks: readonly NamespaceDefaults[], kyverno: readonly EmittedFile[], statics: { netpol: readonly EmittedFile[]; psa: readonly EmittedFile[] } | undefined, options: VerifyOptions): DefaultsReport {
  const policyDocs = documentsOf(kyverno, 'kyverno');
  const netpolDocs = statics ? (documentsOf(statics.netpol, 'netpol') as Json[]) : [];
  const psaDocs = statics ? (documentsOf(statics.psa, 'psa') as Json[]) : [];
  const bySemantics = (ns: NamespaceState): Outcome => {
    const out = admitNamespace(blocks, ns);
    return { labels: { ...out.labels }, objects: out.objects.map((o) => normalise({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.name, namespace: o.namespace }, spec: o.spec })).sort() };
  };
  const byStatic = (ns: NamespaceState): Outcome => {
    const labels: Record<string, string> = { ...ns.labels };
    for (const d of psaDocs) if (d['kind'] === 'Namespace' && (d['metadata'] as Json)['name'] === ns.name) Object.assign(labels, (d['metadata'] as Json)['labels']);
    return { labels, objects: netpolDocs.filter((d) => (d['metadata'] as Json)['namespace'] === ns.name).map(normalise).sort() };
  };
  let cases = 0;
  let disagreement: DefaultsDisagreement | undefined;
  const same = (a: Outcome, b: Outcome) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
  const arb = namespaceArbitrary(blocks);
  fc.check(
    fc.property(arb, arb, (ns, before) => {
      cases++;
      const expected = bySemantics(ns);
      const runs: [string, string, () => Outcome][] = [
        ['kyverno', 'created', () => {
          const c = new KyvernoBackground(policyDocs);
          c.admit(namespaceObject(ns), 'CREATE');
          return inCluster(c, ns);
        }],
        ['kyverno', 'created, as the admission response leaves it (before background work)', () => {
          const c = new KyvernoBackground(policyDocs);
          const admitted = c.admit(namespaceObject(ns), 'CREATE');
          return { ...inCluster(c, ns), labels: { ...(((admitted['metadata'] as Json)['labels'] ?? {}) as Record<string, string>) } };
        }],
        ['kyverno', 'existing when the policy was installed', () => {
          const c = new KyvernoBackground(policyDocs);
          c.install([namespaceObject(ns)]);
          return inCluster(c, ns);
        }],
        ['kyverno', `updated from labels ${JSON.stringify(before.labels)}`, () => {
          const c = new KyvernoBackground(policyDocs);
          c.admit(namespaceObject({ name: ns.name, labels: { ...before.labels, 'kubernetes.io/metadata.name': ns.name } }), 'CREATE');
          c.admit(namespaceObject(ns), 'UPDATE');
          return inCluster(c, ns);
        }],
        ...(statics ? [['netpol+psa', 'listed in the static files', () => byStatic(ns)] as [string, string, () => Outcome]] : []),
      ];
      for (const [judge, how, run] of runs) {
        const engine = run();
        if (!same(engine, expected)) {
          disagreement ??= { namespace: ns, how, judge, semantics: expected, engine };
          return false;
        }
      }
      return true;
    }),
    { seed: options.seed, numRuns: Math.min(options.runs, 500), endOnFailure: true },
  );
  return { cases, judges: ['kyverno', ...(statics ? ['netpol+psa'] : [])], ...(disagreement ? { disagreement } : {}) };
}
