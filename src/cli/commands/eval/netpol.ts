/**
 * `secpol eval --engine netpol`: which connections the NetworkPolicies allow, per pair of workloads, as np-guard's
 * connlist reports them (netpol-analyzer tests/*\/connlist_output.txt): one line `from => to : conns` per pair with
 * at least one allowed connection, peers named `namespace/name[Kind]` (the workload, or the controller owning a
 * Pod, or the Pod itself), conns `All Connections` or per protocol its ports (`TCP 80,8080-8090,UDP 53`).
 *
 * Workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) are read through their pod template
 * (the engine's loadCluster); Pods owned by the same controller are one peer (the first by name stands for all).
 * Without `--probe`, every port of TCP, UDP and SCTP is decided: the verdict can change only at a port a policy or a
 * container names (or one past it), so one probe per interval between those ports decides the whole interval.
 * A container port entry the API server would refuse is left out with a warning at it; the workload is kept.
 */
import { isIP } from 'node:net';
import { diagnostic, type Diagnostic } from '../../../diagnostics/index.js';
import { connectivityMatrix, isPortName, isPortNumber, isProtocol, loadCluster, templatePaths, type Probe, type Protocol } from '../../../engines/netpol/index.js';
import { UsageError } from '../../args.js';
import { spanIn, type LoadedDoc } from './inputs.js';

const PROTOCOLS: readonly Protocol[] = ['SCTP', 'TCP', 'UDP'];

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

function dig(v: unknown, path: readonly string[]): unknown {
  let cur = v;
  for (const k of path) cur = isRecord(cur) ? cur[k] : undefined;
  return cur;
}

/** Why the API server would refuse a container port entry, or undefined. */
function portProblem(p: unknown): string | undefined {
  if (!isRecord(p)) return 'a port entry must be an object';
  if (!isPortNumber(p['containerPort'])) return `containerPort ${JSON.stringify(p['containerPort'] ?? null)} is not an integer between 1 and 65535`;
  if (p['protocol'] !== undefined && p['protocol'] !== null && !isProtocol(p['protocol'])) return `protocol ${JSON.stringify(p['protocol'])} is none of TCP, UDP, SCTP`;
  const name = p['name'];
  if (name !== undefined && name !== null && (typeof name !== 'string' || !isPortName(name))) return `name ${JSON.stringify(name)} is not a valid port name (IANA_SVC_NAME: at most 15 lowercase letters, digits and '-')`;
  return undefined;
}

/** A copy of the object without the container port entries the API server would refuse, each a warning at it. */
function withoutBadPorts(d: LoadedDoc, diagnostics: Diagnostic[]): unknown {
  const o = d.value;
  if (!isRecord(o) || typeof o['kind'] !== 'string') return o;
  const templatePath = o['kind'] === 'Pod' ? [] : templatePaths[o['kind']];
  if (templatePath === undefined) return o;
  const specPath = [...templatePath, 'spec'];
  const containers = dig(o, [...specPath, 'containers']);
  if (!Array.isArray(containers)) return o;
  let changed = false;
  const cleaned = containers.map((c: unknown, ci) => {
    if (!isRecord(c) || !Array.isArray(c['ports'])) return c;
    const ports = (c['ports'] as unknown[]).filter((p, pi) => {
      const problem = portProblem(p);
      if (problem === undefined) return true;
      const name = isRecord(c) && typeof c['name'] === 'string' ? ` of container ${c['name']}` : '';
      diagnostics.push(diagnostic('SP0032', spanIn(d, [...specPath, 'containers', ci, 'ports', pi]), { detail: `port entry ${pi + 1}${name}: ${problem}; this entry is left out, the rest of the ${String(o['kind'])} is kept`, hint: 'fix the entry (the API server refuses an object with it)' }));
      changed = true;
      return false;
    });
    return { ...c, ports };
  });
  if (!changed) return o;
  const copy = structuredClone(o);
  const spec = dig(copy, specPath) as Rec;
  spec['containers'] = cleaned;
  return copy;
}

interface Peer {
  readonly label: string;
  readonly namespace: string;
  /** Pod references (`namespace/name`) in the engine's cluster, the representative first. */
  readonly pods: string[];
}

/** The peers of the resources: workloads, Pods' controllers, standalone Pods. */
function peersOf(values: readonly unknown[], podRefs: ReadonlySet<string>): Map<string, Peer> {
  const peers = new Map<string, Peer>();
  const add = (label: string, namespace: string, pod: string, alias: string) => {
    if (!podRefs.has(pod)) return;
    const p = peers.get(label) ?? { label, namespace, pods: [] };
    p.pods.push(pod);
    if (alias !== pod) p.pods.push(alias);
    peers.set(label, p);
  };
  for (const o of values) {
    if (!isRecord(o) || typeof o['kind'] !== 'string') continue;
    const meta = isRecord(o['metadata']) ? o['metadata'] : {};
    const name = meta['name'];
    if (typeof name !== 'string' || name === '') continue;
    const ns = typeof meta['namespace'] === 'string' && meta['namespace'] !== '' ? meta['namespace'] : 'default';
    if (o['kind'] === 'Pod') {
      const owners = Array.isArray(meta['ownerReferences']) ? meta['ownerReferences'].filter(isRecord) : [];
      const owner = owners.find((r) => r['controller'] === true) ?? owners[0];
      const label = owner && typeof owner['kind'] === 'string' && typeof owner['name'] === 'string' ? `${ns}/${owner['name']}[${owner['kind']}]` : `${ns}/${name}[Pod]`;
      add(label, ns, `${ns}/${name}`, `${ns}/${name}`);
    } else if (Object.hasOwn(templatePaths, o['kind'])) {
      add(`${ns}/${name}[${o['kind']}]`, ns, `${ns}/${name}-${o['kind'].toLowerCase()}`, `${ns}/${name}`);
    }
  }
  for (const p of peers.values()) {
    const [first, ...rest] = p.pods.filter((r) => podRefs.has(r)).sort();
    p.pods.splice(0, p.pods.length, ...(first ? [first] : []), ...rest, ...p.pods.filter((r) => !podRefs.has(r)));
  }
  return peers;
}

/** The peers an `--from`/`--to` value names: `ns` (a namespace), `ns/name` (a pod or workload), `ns/name[Kind]`, an IP address. */
function select(spec: string, peers: ReadonlyMap<string, Peer>, flag: string): { peers: Peer[]; ips: string[] } {
  if (isIP(spec)) return { peers: [], ips: [spec] };
  const all = [...peers.values()];
  const found = spec.includes('[')
    ? all.filter((p) => p.label === spec)
    : spec.includes('/')
      ? all.filter((p) => p.label.startsWith(`${spec}[`) || p.pods.includes(spec))
      : all.filter((p) => p.namespace === spec);
  if (found.length === 0) {
    throw new UsageError(`${flag} ${spec} names no ${spec.includes('/') ? 'pod or workload' : 'namespace with pods or workloads'} in the resources (peers: ${all.map((p) => p.label).slice(0, 8).join(', ')}${all.length > 8 ? ', …' : ''}); give a namespace, namespace/name, namespace/name[Kind] or an IP address`);
  }
  return { peers: found, ips: [] };
}

/** Parses `--probe PROTO/PORT` (`TCP/80`, `udp/53`; the protocol defaults to TCP). */
export function parseProbe(text: string): Probe {
  const m = /^(?:([A-Za-z]+)\/)?(\d+)$/.exec(text.trim());
  const protocol = (m?.[1] ?? 'TCP').toUpperCase();
  const port = Number(m?.[2]);
  if (!m || !isProtocol(protocol) || !isPortNumber(port)) throw new UsageError(`--probe ${text}: expected PROTO/PORT with PROTO one of TCP, UDP, SCTP and PORT from 1 to 65535 (e.g. TCP/443)`);
  return { protocol, port };
}

/** One probe per protocol and per interval of ports on which no policy or container port can change the verdict. */
function intervalProbes(cluster: ReturnType<typeof loadCluster>['cluster']): { probes: Probe[]; ends: Map<string, number> } {
  const cuts = new Set<number>([1, 65536]);
  const cut = (p: unknown) => {
    if (isPortNumber(p)) {
      cuts.add(p);
      cuts.add(p + 1);
    }
  };
  for (const pod of cluster.pods) for (const p of pod.ports ?? []) cut(p.containerPort);
  for (const policy of cluster.policies) {
    for (const rule of [...(policy.spec?.ingress ?? []), ...(policy.spec?.egress ?? [])]) {
      for (const port of rule?.ports ?? []) {
        cut(port?.port);
        if (isPortNumber(port?.endPort)) cuts.add(port.endPort + 1);
      }
    }
  }
  const sorted = [...cuts].filter((c) => c >= 1 && c <= 65536).sort((a, b) => a - b);
  const probes: Probe[] = [];
  const ends = new Map<string, number>();
  for (const protocol of PROTOCOLS) {
    for (let i = 0; i + 1 < sorted.length; i++) {
      probes.push({ protocol, port: sorted[i]! });
      ends.set(`${protocol}/${sorted[i]}`, sorted[i + 1]! - 1);
    }
  }
  return { probes, ends };
}

export interface Connection {
  readonly from: string;
  readonly to: string;
  /** `All Connections`, or per protocol the allowed port ranges. */
  readonly allowed: 'all' | Partial<Record<Protocol, [number, number][]>>;
  readonly text: string;
}

function describe(allowed: Connection['allowed']): string {
  if (allowed === 'all') return 'All Connections';
  return PROTOCOLS.filter((p) => allowed[p]?.length)
    .map((p) => `${p} ${allowed[p]!.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(',')}`)
    .join(',');
}

export interface NetpolAnswer {
  readonly connections: Connection[];
  readonly probes: Probe[] | undefined;
  readonly diagnostics: Diagnostic[];
  readonly warnings: string[];
}

export function runNetpol(docs: readonly LoadedDoc[], opts: { probes: Probe[] | undefined; from: readonly string[]; to: readonly string[] }): NetpolAnswer {
  const diagnostics: Diagnostic[] = [];
  const values = docs.map((d) => withoutBadPorts(d, diagnostics));
  const loaded = loadCluster(values);
  const podRefs = new Set(loaded.cluster.pods.map((p) => `${p.namespace}/${p.name}`));
  const peers = peersOf(values, podRefs);
  const pick = (specs: readonly string[], flag: string) => {
    if (specs.length === 0) return { peers: [...peers.values()], ips: [] as string[] };
    const picked = specs.map((s) => select(s, peers, flag));
    return { peers: [...new Set(picked.flatMap((p) => p.peers))], ips: [...new Set(picked.flatMap((p) => p.ips))] };
  };
  const from = pick(opts.from, '--from');
  const to = pick(opts.to, '--to');
  const pods = [...new Set([...from.peers, ...to.peers].map((p) => p.pods[0]!))].sort();
  const ips = [...new Set([...from.ips, ...to.ips])];
  const { probes, ends } = opts.probes ? { probes: opts.probes, ends: undefined } : intervalProbes(loaded.cluster);
  const matrix = connectivityMatrix(loaded.cluster, probes, { pods, externalIps: ips });
  const index = new Map(matrix.endpoints.map((e, i) => [e, i]));
  const sources = [...from.peers.map((p) => ({ label: p.label, at: index.get(p.pods[0]!)! })), ...from.ips.map((ip) => ({ label: ip, at: index.get(ip)! }))];
  const targets = [...to.peers.map((p) => ({ label: p.label, at: index.get(p.pods[0]!)! })), ...to.ips.map((ip) => ({ label: ip, at: index.get(ip)! }))];
  const connections: Connection[] = [];
  for (const s of sources) {
    for (const t of targets) {
      if (s.label === t.label || (isIP(s.label) && isIP(t.label))) continue;
      const ranges: Partial<Record<Protocol, [number, number][]>> = {};
      probes.forEach((probe, pi) => {
        if (!matrix.allowed[pi]![s.at]![t.at]) return;
        const end = ends?.get(`${probe.protocol}/${probe.port}`) ?? probe.port;
        const list = (ranges[probe.protocol] ??= []);
        const last = list[list.length - 1];
        if (last && last[1] + 1 === probe.port) last[1] = end;
        else list.push([probe.port, end]);
      });
      if (!PROTOCOLS.some((p) => ranges[p]?.length)) continue;
      for (const p of PROTOCOLS) ranges[p]?.sort((a, b) => a[0] - b[0]);
      const all = !opts.probes && PROTOCOLS.every((p) => ranges[p]?.length === 1 && ranges[p]![0]![0] === 1 && ranges[p]![0]![1] === 65535);
      const allowed = all ? 'all' : ranges;
      connections.push({ from: s.label, to: t.label, allowed, text: describe(allowed) });
    }
  }
  connections.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
  // The engine names each object it leaves out by its place in the list it was given: point at it instead.
  const warnings: string[] = [];
  for (const e of loaded.errors) {
    const m = /^document (\d+)(?:, item (\d+))?: (.*)$/s.exec(e);
    const d = m ? docs[Number(m[1]) - 1] : undefined;
    if (!m || !d) warnings.push(e);
    else diagnostics.push(diagnostic('SP0032', spanIn(d, m[2] ? ['items', Number(m[2]) - 1] : []), { detail: m[3]!, hint: 'fix the object (the message says what was left out of the answer and why)' }));
  }
  return { connections, probes: opts.probes, diagnostics, warnings };
}

export function renderConnections(answer: NetpolAnswer): string {
  if (answer.connections.length === 0) return 'no connection is allowed between the endpoints asked about\n';
  return answer.connections.map((c) => `${c.from} => ${c.to} : ${c.text}\n`).join('');
}
