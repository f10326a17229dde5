import fc from 'fast-check';
import type { EmittedFile } from '../backends/backend.js';
import { connectionAllowed, type NetCluster, type NetConnection, type NetPod } from '../eval/index.js';
import { parseCidr, type LabelSelector, type NetworkSet, type Peer, type Protocol } from '../ir/index.js';
import { isAllowed, loadCluster } from '../engines/netpol/index.js';
import { documentsOf } from './adapter.js';

/** Labels that satisfy a selector, and a near miss that does not (first expression violated). */
function labelsFor(selector: LabelSelector, hit: boolean): Record<string, string> {
  const labels: Record<string, string> = { ...selector.matchLabels };
  for (const e of selector.matchExpressions) {
    if (e.operator === 'In') labels[e.key] = e.values[0] ?? 'x';
    if (e.operator === 'Exists') labels[e.key] = 'yes';
    if (e.operator === 'NotIn') labels[e.key] = `not-${e.values[0] ?? 'x'}`;
  }
  if (!hit) {
    const first = Object.keys(selector.matchLabels)[0];
    if (first) labels[first] = `${labels[first]}-other`;
    else {
      const e = selector.matchExpressions[0];
      if (e?.operator === 'DoesNotExist' || e?.operator === 'NotIn') labels[e.key] = e.values[0] ?? 'present';
      else if (e) delete labels[e.key];
    }
  }
  return labels;
}

function firstIp(cidr: string, offset: number): string | undefined {
  const c = parseCidr(cidr);
  if ('error' in c || c.family !== 4) return undefined;
  const bits = 32 - c.prefix;
  const size = 2 ** bits;
  const n = Number(c.network) + (offset % size);
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/**
 * A cluster that exercises the intents: for every pod peer, a matching pod and a near miss in the named
 * namespace and in a bystander namespace; kube-dns; external addresses inside, at the edge of and outside
 * every CIDR and its exceptions. Pod IPs come from 100.64.0.0/10, outside the usual CIDRs in policies.
 */
export function clusterFor(sets: readonly NetworkSet[]): { cluster: NetCluster; externals: string[]; ports: { protocol: Protocol; port: number }[] } {
  const namespaces = new Map<string, Record<string, string>>();
  const addNs = (name: string, labels: Record<string, string> = {}) => namespaces.set(name, { ...(namespaces.get(name) ?? {}), ...labels, 'kubernetes.io/metadata.name': name });
  ['kube-system', 'bystander'].forEach((n) => addNs(n));
  const pods: NetPod[] = [];
  const ports = new Map<string, { protocol: Protocol; port: number }>([['UDP/53', { protocol: 'UDP', port: 53 }], ['TCP/53', { protocol: 'TCP', port: 53 }], ['TCP/9999', { protocol: 'TCP', port: 9999 }]]);
  const externals = new Set<string>(['203.0.113.7', '8.8.8.8']);
  let ip = 0;
  const nextIp = () => {
    ip++;
    return `100.64.${(ip >> 8) & 255}.${ip & 255}`;
  };
  const addPod = (namespace: string, labels: Record<string, string>, named: NetPod['ports'] = []) => {
    addNs(namespace);
    pods.push({ namespace, name: `p${pods.length}`, labels, ip: nextIp(), ports: named });
  };
  addPod('kube-system', { 'k8s-app': 'kube-dns' }, [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }]);
  for (const set of sets) {
    for (const d of set.defaultDeny) addNs(d.namespace);
    for (const d of set.dns) addNs(d.namespace);
    const workloadPorts = set.workloads.flatMap((w) => w.ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })));
    const peers: Peer[] = set.flows.flatMap((f) => [f.from, f.to]);
    for (const f of set.flows) {
      for (const p of f.ports) {
        if (p.kind === 'number') {
          for (const port of [p.port, p.endPort ?? p.port, (p.endPort ?? p.port) + 1, p.port - 1].filter((x) => x > 0 && x < 65536)) ports.set(`${p.protocol}/${port}`, { protocol: p.protocol, port });
        }
      }
    }
    for (const w of workloadPorts) ports.set(`${w.protocol}/${w.port}`, { protocol: w.protocol, port: w.port });
    // Quarantined pods: a match and a near miss in each quarantined namespace, and, so that the exclusion from
    // the other allow rules is exercised, a copy of every pod peer that the quarantine also selects.
    const quarantineLabels = set.quarantines.map((q) => labelsFor(q.pods, true));
    for (const q of set.quarantines) {
      if (q.forensics !== undefined) addPod(q.forensics, {}, workloadPorts);
      for (const ns of q.namespaces) {
        addPod(ns, labelsFor(q.pods, true), workloadPorts);
        addPod(ns, labelsFor(q.pods, false), workloadPorts);
      }
    }
    for (const peer of peers) {
      if (peer.kind === 'cidr') {
        [firstIp(peer.cidr, 1), firstIp(peer.cidr, 0), ...peer.except.flatMap((e) => [firstIp(e, 0), firstIp(e, 5)])].forEach((x) => x && externals.add(x));
        continue;
      }
      const namespacesOfPeer = peer.namespace.kind === 'name' ? [peer.namespace.name] : [`sel-${pods.length}`];
      if (peer.namespace.kind === 'selector') addNs(namespacesOfPeer[0]!, labelsFor(peer.namespace.selector, true));
      for (const ns of [...namespacesOfPeer, 'bystander']) {
        addPod(ns, labelsFor(peer.pods, true), workloadPorts);
        addPod(ns, labelsFor(peer.pods, false), workloadPorts);
        for (const q of quarantineLabels) addPod(ns, { ...labelsFor(peer.pods, true), ...q }, workloadPorts);
      }
    }
  }
  return {
    cluster: { namespaces: [...namespaces.entries()].map(([name, labels]) => ({ name, labels })), pods },
    externals: [...externals],
    ports: [...ports.values()],
  };
}

function clusterDocuments(cluster: NetCluster): unknown[] {
  return [
    ...cluster.namespaces.map((n) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n.name, labels: n.labels } })),
    ...cluster.pods.map((p) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: p.name, namespace: p.namespace, labels: p.labels },
      spec: { containers: [{ name: 'c', image: 'x', ports: p.ports.map((x) => ({ containerPort: x.port, protocol: x.protocol, ...(x.name ? { name: x.name } : {}) })) }] },
      status: { podIP: p.ip },
    })),
  ];
}

export interface NetworkDisagreement {
  readonly connection: NetConnection;
  readonly ir: boolean;
  readonly engine: boolean;
  readonly explanation: string;
}

/** Every generated connection must get the same answer from the intents and from the emitted NetworkPolicies. */
export function verifyNetworks(sets: readonly NetworkSet[], files: readonly EmittedFile[], options: { runs: number; seed: number }): { cases: number; disagreement?: NetworkDisagreement } {
  if (sets.length === 0) return { cases: 0 };
  const { cluster, externals, ports } = clusterFor(sets);
  const loaded = loadCluster([...clusterDocuments(cluster), ...documentsOf(files, 'netpol')]);
  if (loaded.errors.length) throw new Error(`the emitted NetworkPolicies do not load: ${loaded.errors.join('; ')}`);
  const endpoint = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...cluster.pods.map((p) => ({ pod: `${p.namespace}/${p.name}` }))) },
    { weight: 1, arbitrary: fc.constantFrom(...externals.map((ip) => ({ ip }))) },
  );
  const connection = fc.record({ from: endpoint, to: endpoint, probe: fc.constantFrom(...ports) }).filter((c) => 'pod' in c.from || 'pod' in c.to);
  let cases = 0;
  const decide = (c: NetConnection) => ({ ir: connectionAllowed(sets, cluster, c), engine: isAllowed(loaded.cluster, { from: c.from, to: c.to, protocol: c.protocol, port: c.port }) });
  const toConn = (c: { from: NetConnection['from']; to: NetConnection['to']; probe: { protocol: Protocol; port: number } }): NetConnection => ({ from: c.from, to: c.to, protocol: c.probe.protocol, port: c.probe.port });
  const result = fc.check(
    fc.property(connection, (c) => {
      cases++;
      const d = decide(toConn(c));
      return d.ir.allowed === d.engine.allowed;
    }),
    { seed: options.seed, numRuns: options.runs },
  );
  const example = result.counterexample?.[0];
  if (!result.failed || !example) return { cases };
  const conn = toConn(example);
  const d = decide(conn);
  const explanation = `ir: egress ${d.ir.egress.allowed ? 'allowed' : 'denied'} (${d.ir.egress.by.join(', ') || 'no flow'}), ingress ${d.ir.ingress.allowed ? 'allowed' : 'denied'} (${d.ir.ingress.by.join(', ') || 'no flow'}); netpol: egress ${d.engine.egress.allowed ? 'allowed' : 'denied'} by [${d.engine.egress.allowedBy.map((x) => x.policy).join(', ')}], ingress ${d.engine.ingress.allowed ? 'allowed' : 'denied'} by [${d.engine.ingress.allowedBy.map((x) => x.policy).join(', ')}]`;
  return { cases, disagreement: { connection: conn, ir: d.ir.allowed, engine: d.engine.allowed, explanation } };
}
