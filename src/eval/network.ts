import { cidrContains, parseCidr, parseIp, type Flow, type NetworkSet, type Peer, type PortRule, type Protocol } from '../ir/index.js';
import { selectorMatches } from './selector.js';

/** The cluster a network verdict is computed in (semantics §5). */
export interface NetCluster {
  readonly namespaces: readonly { readonly name: string; readonly labels: Readonly<Record<string, string>> }[];
  readonly pods: readonly NetPod[];
}

export interface NetPod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ip?: string;
  readonly ports: readonly { readonly name?: string; readonly port: number; readonly protocol: Protocol }[];
}

export type NetEndpoint = { readonly pod: string } | { readonly ip: string };

export interface NetConnection {
  readonly from: NetEndpoint;
  readonly to: NetEndpoint;
  readonly protocol: Protocol;
  readonly port: number;
}

export interface SideVerdict {
  /** False when the side is not a pod, or its namespace has no default deny in this direction. */
  readonly isolated: boolean;
  readonly allowed: boolean;
  /** What allowed it: `flow <file:line>`, `dns`, `quarantine <file:line>` (its forensics exception), or `not isolated`. */
  readonly by: readonly string[];
}

export interface NetVerdict {
  readonly allowed: boolean;
  readonly egress: SideVerdict;
  readonly ingress: SideVerdict;
}

type Resolved = { readonly kind: 'pod'; readonly pod: NetPod } | { readonly kind: 'ip'; readonly ip: string };

function resolve(cluster: NetCluster, e: NetEndpoint): Resolved {
  if ('ip' in e) return { kind: 'ip', ip: e.ip };
  const pod = cluster.pods.find((p) => `${p.namespace}/${p.name}` === e.pod);
  if (!pod) throw new RangeError(`unknown pod ${e.pod}`);
  return { kind: 'pod', pod };
}

function namespaceLabels(cluster: NetCluster, name: string): Readonly<Record<string, string>> {
  return cluster.namespaces.find((n) => n.name === name)?.labels ?? { 'kubernetes.io/metadata.name': name };
}

function ipIn(ip: string | undefined, cidr: string, except: readonly string[]): boolean {
  const addr = ip === undefined ? undefined : parseIp(ip);
  const block = parseCidr(cidr);
  if (!addr || 'error' in block || !cidrContains(block, addr)) return false;
  return !except.some((e) => {
    const x = parseCidr(e);
    return !('error' in x) && cidrContains(x, addr);
  });
}

function peerMatches(cluster: NetCluster, peer: Peer, end: Resolved): boolean {
  if (peer.kind === 'cidr') return ipIn(end.kind === 'pod' ? end.pod.ip : end.ip, peer.cidr, peer.except);
  if (end.kind !== 'pod') return false;
  const pod = end.pod;
  const nsOk = peer.namespace.kind === 'name' ? pod.namespace === peer.namespace.name : selectorMatches(peer.namespace.selector, namespaceLabels(cluster, pod.namespace));
  return nsOk && selectorMatches(peer.pods, pod.labels);
}

function portMatches(rules: readonly PortRule[], conn: NetConnection, dest: Resolved): boolean {
  if (rules.length === 0) return true;
  return rules.some((r) => {
    if (r.protocol !== conn.protocol) return false;
    if (r.kind === 'number') return conn.port >= r.port && conn.port <= (r.endPort ?? r.port);
    return dest.kind === 'pod' && dest.pod.ports.some((p) => p.name === r.name && p.protocol === r.protocol && p.port === conn.port);
  });
}

/** Decides a connection from the network intents alone (the IR's reference semantics, §5). */
export function connectionAllowed(sets: readonly NetworkSet[], cluster: NetCluster, conn: NetConnection): NetVerdict {
  const from = resolve(cluster, conn.from);
  const to = resolve(cluster, conn.to);
  const denied = (ns: string, dir: 'ingress' | 'egress') => sets.some((s) => s.defaultDeny.some((d) => d.namespace === ns && d[dir]));
  const flows = sets.flatMap((s) => s.flows);

  const quarantines = sets.flatMap((s) => s.quarantines);
  const at = (span: Flow['span']) => `${span.file.path}:${span.file.lineColumn(span.start).line}`;
  /** §5 (quarantine): a quarantined pod's side passes only connections with pods of a forensics namespace of its quarantines. */
  const quarantine = (own: Resolved, remote: Resolved): SideVerdict | undefined => {
    if (own.kind !== 'pod') return undefined;
    const qs = quarantines.filter((q) => q.namespaces.includes(own.pod.namespace) && selectorMatches(q.pods, own.pod.labels));
    if (qs.length === 0) return undefined;
    const by = qs.filter((q) => q.forensics !== undefined && remote.kind === 'pod' && remote.pod.namespace === q.forensics).map((q) => `quarantine ${at(q.span)}`);
    return { isolated: true, allowed: by.length > 0, by };
  };

  let egress: SideVerdict = { isolated: false, allowed: true, by: ['not isolated'] };
  const egressQuarantine = quarantine(from, to);
  if (egressQuarantine) egress = egressQuarantine;
  else if (from.kind === 'pod' && denied(from.pod.namespace, 'egress')) {
    const by = flows.filter((f) => f.from.kind === 'pods' && peerMatches(cluster, f.from, from) && peerMatches(cluster, f.to, to) && portMatches(f.ports, conn, to)).map((f) => `flow ${f.span.file.path}:${f.span.file.lineColumn(f.span.start).line}`);
    const dns =
      sets.some((s) => s.dns.some((d) => d.namespace === from.pod.namespace)) &&
      to.kind === 'pod' &&
      to.pod.namespace === 'kube-system' &&
      to.pod.labels['k8s-app'] === 'kube-dns' &&
      conn.port === 53 &&
      (conn.protocol === 'UDP' || conn.protocol === 'TCP');
    if (dns) by.push('dns');
    egress = { isolated: true, allowed: by.length > 0, by };
  }
  let ingress: SideVerdict = { isolated: false, allowed: true, by: ['not isolated'] };
  const ingressQuarantine = quarantine(to, from);
  if (ingressQuarantine) ingress = ingressQuarantine;
  else if (to.kind === 'pod' && denied(to.pod.namespace, 'ingress')) {
    const by = flows.filter((f) => f.to.kind === 'pods' && peerMatches(cluster, f.to, to) && peerMatches(cluster, f.from, from) && portMatches(f.ports, conn, to)).map((f) => `flow ${f.span.file.path}:${f.span.file.lineColumn(f.span.start).line}`);
    ingress = { isolated: true, allowed: by.length > 0, by };
  }
  return { allowed: egress.allowed && ingress.allowed, egress, ingress };
}
