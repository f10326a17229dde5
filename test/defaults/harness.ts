import YAML from 'yaml';
import { compileTo } from '../../src/compile.js';
import { KyvernoBackground, objectKey } from '../../src/engines/kyverno/index.js';
import { admitNamespace, type NamespaceState } from '../../src/eval/index.js';
import type { PolicySet } from '../../src/ir/index.js';
import type { TargetId } from '../../src/backends/registry.js';

/** What a namespace ends up with, normalised for comparison: its labels and the objects in it (no tracking labels). */
export interface Outcome {
  readonly labels: Record<string, string>;
  readonly objects: readonly string[];
}

type Json = Record<string, unknown>;

/** apiVersion, kind, namespace, name and spec, canonical JSON: what the three forms must agree on. */
export function normalise(o: { apiVersion?: unknown; kind?: unknown; name?: unknown; namespace?: unknown; metadata?: unknown; spec?: unknown }): string {
  const meta = (o.metadata ?? {}) as Json;
  const canon = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canon) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v as Json).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, canon(x)])) : v;
  return JSON.stringify(canon({ apiVersion: o.apiVersion, kind: o.kind, namespace: o.namespace ?? meta['namespace'], name: o.name ?? meta['name'], spec: o.spec }));
}

export function namespaceObject(ns: NamespaceState): Json {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels: { ...ns.labels } } };
}

export async function documentsFor(set: PolicySet, target: TargetId): Promise<{ docs: unknown[]; diagnostics: string[] }> {
  const out = await compileTo(set, [target]);
  const diagnostics = out.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`);
  const docs = (out.value ?? []).flatMap((f) => YAML.parseAllDocuments(f.content).map((d) => d.toJSON() as unknown)).filter((d) => d !== null && d !== undefined);
  return { docs, diagnostics };
}

/** The semantics (src/eval/defaults.ts). */
export function bySemantics(set: PolicySet, ns: NamespaceState): Outcome {
  const out = admitNamespace(set.defaults ?? [], ns);
  return { labels: { ...out.labels }, objects: out.objects.map(normalise).sort() };
}

/** The Kyverno engine on the emitted ClusterPolicies: the namespace admitted (CREATE), then what the background made. */
export function byKyverno(docs: readonly unknown[], ns: NamespaceState, existing = false): Outcome {
  const cluster = new KyvernoBackground(docs);
  let admitted: Json;
  if (existing) {
    cluster.install([namespaceObject(ns)]);
    admitted = cluster.get(objectKey(namespaceObject(ns)))!;
  } else admitted = cluster.admit(namespaceObject(ns), 'CREATE');
  return outcomeIn(cluster, admitted, ns.name);
}

/** The labels of the Namespace as the admission response leaves it (before Kyverno's background work), and the objects after it. */
export function byKyvernoAdmitted(docs: readonly unknown[], ns: NamespaceState): Outcome {
  const cluster = new KyvernoBackground(docs);
  const admitted = cluster.admit(namespaceObject(ns), 'CREATE');
  return { ...outcomeIn(cluster, admitted, ns.name), labels: { ...(((admitted['metadata'] as Json)['labels'] ?? {}) as Record<string, string>) } };
}

export function outcomeIn(cluster: KyvernoBackground, admitted: Json, namespace: string): Outcome {
  const stored = cluster.get(objectKey(admitted)) ?? admitted;
  const labels = ((stored['metadata'] as Json)['labels'] ?? {}) as Record<string, string>;
  const objects = cluster
    .objects()
    .filter((o) => ((o['metadata'] as Json)['namespace'] ?? '') === namespace && o['kind'] !== 'Namespace')
    .map(normalise)
    .sort();
  return { labels: { ...labels }, objects };
}

/** The static files: the netpol objects in the namespace, and the psa labels of its Namespace object over its own. */
export function byStaticFiles(netpolDocs: readonly unknown[], psaDocs: readonly unknown[], ns: NamespaceState): Outcome {
  const objects = (netpolDocs as Json[]).filter((d) => (d['metadata'] as Json)['namespace'] === ns.name).map(normalise).sort();
  const labels: Record<string, string> = { ...ns.labels };
  for (const d of psaDocs as Json[]) {
    const meta = d['metadata'] as Json;
    if (d['kind'] === 'Namespace' && meta['name'] === ns.name) Object.assign(labels, meta['labels'] as Record<string, string>);
  }
  return { labels, objects };
}
