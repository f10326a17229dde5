import YAML from 'yaml';
import type { EmittedFile } from '../../../src/backends/backend.js';
import { isAllowed, loadCluster, type Cluster, type Endpoint, type Protocol } from '../../../src/engines/netpol/index.js';

/** A small cluster for connectivity tests: namespaces with labels, pods with labels, an IP and named ports. */
export interface TestPod {
  readonly ns: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ip: string;
  readonly ports?: readonly { readonly name: string; readonly port: number; readonly protocol: Protocol }[];
}

export interface TestCluster {
  readonly namespaces: readonly { readonly name: string; readonly labels?: Readonly<Record<string, string>> }[];
  readonly pods: readonly TestPod[];
  readonly externals: readonly string[];
}

export interface Probe {
  readonly protocol: Protocol;
  readonly port: number;
}

export function documentsOf(files: readonly EmittedFile[]): unknown[] {
  return files.flatMap((f) => YAML.parseAllDocuments(f.content).map((d) => d.toJSON() as unknown)).filter((d) => d !== null);
}

/** The cluster as Kubernetes objects plus the emitted NetworkPolicies, loaded by the netpol engine. */
export function engineCluster(test: TestCluster, files: readonly EmittedFile[]): Cluster {
  const docs: unknown[] = [
    ...test.namespaces.map((n) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n.name, labels: { ...(n.labels ?? {}) } } })),
    ...test.pods.map((p) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: p.name, namespace: p.ns, labels: { ...p.labels } },
      spec: { containers: [{ name: 'c', image: 'x', ports: (p.ports ?? []).map((x) => ({ name: x.name, containerPort: x.port, protocol: x.protocol })) }] },
      status: { podIP: p.ip },
    })),
    ...documentsOf(files),
  ];
  const { cluster, errors } = loadCluster(docs);
  if (errors.length) throw new Error(`the cluster or the emitted NetworkPolicies do not load: ${errors.join('; ')}`);
  return cluster;
}

export type End = { readonly pod: TestPod } | { readonly ip: string };

export function endpoint(e: End): Endpoint {
  return 'pod' in e ? { pod: `${e.pod.ns}/${e.pod.name}` } : { ip: e.ip };
}

export function show(e: End): string {
  return 'pod' in e ? `${e.pod.ns}/${e.pod.name}` : e.ip;
}

/** Every connection between two distinct endpoints, at least one a pod, on every probe. */
export function connections(test: TestCluster, probes: readonly Probe[]): { from: End; to: End; probe: Probe }[] {
  const ends: End[] = [...test.pods.map((pod) => ({ pod })), ...test.externals.map((ip) => ({ ip }))];
  const out: { from: End; to: End; probe: Probe }[] = [];
  for (const from of ends) {
    for (const to of ends) {
      if (from === to || (!('pod' in from) && !('pod' in to))) continue;
      for (const probe of probes) out.push({ from, to, probe });
    }
  }
  return out;
}

/** Every connection whose engine verdict differs from `expected`, as readable lines. */
export function disagreements(cluster: Cluster, test: TestCluster, probes: readonly Probe[], expected: (from: End, to: End, probe: Probe) => boolean): { checked: number; allowed: number; lines: string[] } {
  const lines: string[] = [];
  let checked = 0;
  let allowed = 0;
  for (const { from, to, probe } of connections(test, probes)) {
    checked++;
    const got = isAllowed(cluster, { from: endpoint(from), to: endpoint(to), protocol: probe.protocol, port: probe.port }).allowed;
    const want = expected(from, to, probe);
    if (want) allowed++;
    if (got !== want) lines.push(`${show(from)} -> ${show(to)} ${probe.protocol}/${probe.port}: engine ${got ? 'allows' : 'denies'}, expected ${want ? 'allow' : 'deny'}`);
  }
  return { checked, allowed, lines };
}
