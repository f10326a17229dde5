import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { netpolBackend } from '../../../src/backends/netpol/index.js';
import { irOf } from '../../helpers/dsl.js';
import { disagreements, engineCluster, type End, type Probe, type TestCluster, type TestPod } from './cluster.js';

/**
 * Law: for small random network blocks and clusters, the netpol engine running the emitted NetworkPolicies
 * allows exactly the connections that semantics §5 allows. §5 is read here a second time, independently of
 * src/eval, from the generator's own description of the intents.
 *
 * The cluster honours the backend's two documented assumptions (docs/backends/netpol.md): pod IPs lie
 * outside every flow's CIDR (pods are in 10.0.0.0/16, flow blocks are TEST-NETs or exclude 10.0.0.0/8), and a
 * namespace with a default deny carries no label that a namespace selector tests other than its name.
 */

// ------------------------------------------------------------------ the intents, as data

type Op = '=' | '!=' | 'in' | 'not in' | 'exists' | 'is absent';
interface LabelTest {
  readonly key: string;
  readonly op: Op;
  readonly values: readonly string[];
}
type Peer =
  | { readonly kind: 'pods'; readonly pods: readonly LabelTest[]; readonly ns: string }
  | { readonly kind: 'pods-in-selected'; readonly pods: readonly LabelTest[]; readonly ns: readonly LabelTest[] }
  | { readonly kind: 'namespace'; readonly ns: string }
  | { readonly kind: 'namespaces'; readonly ns: readonly LabelTest[] }
  | { readonly kind: 'cidr'; readonly cidr: string; readonly except: readonly string[] };
type Port = { readonly protocol: 'tcp' | 'udp' | 'sctp'; readonly port: number; readonly end?: number } | { readonly protocol: 'tcp' | 'udp'; readonly name: string };
interface FlowSpec {
  readonly from: Peer;
  readonly to: Peer;
  readonly ports: readonly Port[];
}
interface NetSpec {
  readonly deny: readonly { readonly ns: string; readonly ingress: boolean; readonly egress: boolean }[];
  readonly dns: readonly string[];
  readonly flows: readonly FlowSpec[];
  readonly quarantines: readonly QuarantineSpec[];
}
interface QuarantineSpec {
  readonly test: LabelTest;
  readonly ns: readonly string[];
  readonly forensics?: string;
}

const namespaces = ['a', 'b', 'c'] as const;
const nameKey = 'kubernetes.io/metadata.name';

function testText(t: LabelTest): string {
  const k = /^[A-Za-z0-9_-]+$/.test(t.key) ? t.key : JSON.stringify(t.key);
  const list = `[${t.values.map((v) => JSON.stringify(v)).join(', ')}]`;
  switch (t.op) {
    case '=':
    case '!=':
      return `${k} ${t.op} ${JSON.stringify(t.values[0])}`;
    case 'in':
    case 'not in':
      return `${k} ${t.op} ${list}`;
    default:
      return `${k} ${t.op}`;
  }
}
const testsText = (ts: readonly LabelTest[]) => ts.map(testText).join(' and ');

function peerText(p: Peer): string {
  switch (p.kind) {
    case 'pods':
      return `pods${p.pods.length ? ` where ${testsText(p.pods)}` : ''} in namespace ${JSON.stringify(p.ns)}`;
    case 'pods-in-selected':
      return `pods where ${testsText(p.pods)} in namespaces where ${testsText(p.ns)}`;
    case 'namespace':
      return `namespace ${JSON.stringify(p.ns)}`;
    case 'namespaces':
      return `namespaces where ${testsText(p.ns)}`;
    case 'cidr':
      return `cidr ${JSON.stringify(p.cidr)}${p.except.length ? ` except ${p.except.map((e) => JSON.stringify(e)).join(', ')}` : ''}`;
  }
}

function portText(p: Port): string {
  if ('name' in p) return `${p.protocol} ${JSON.stringify(p.name)}`;
  return p.end !== undefined ? `${p.protocol} ${p.port}-${p.end}` : `${p.protocol} ${p.port}`;
}

function networkText(n: NetSpec): string {
  const lines = [
    ...n.deny.map((d) => `  default deny ${[d.ingress ? 'ingress' : '', d.egress ? 'egress' : ''].filter(Boolean).join(' and ')} in namespaces ${JSON.stringify(d.ns)}`),
    ...(n.dns.length ? [`  allow dns in namespaces ${n.dns.map((x) => JSON.stringify(x)).join(', ')}`] : []),
    ...n.flows.map((f) => `  allow from ${peerText(f.from)} to ${peerText(f.to)}${f.ports.length ? ` on ${f.ports.map(portText).join(', ')}` : ''}`),
    ...n.quarantines.map((q) => `  quarantine pods where ${testText(q.test)} in namespaces ${q.ns.map((x) => JSON.stringify(x)).join(', ')}${q.forensics ? ` except namespace ${JSON.stringify(q.forensics)}` : ''}`),
  ];
  return `network gen {\n${lines.join('\n')}\n}\n`;
}

// ------------------------------------------------------------------ §5, read independently

function labelsHold(tests: readonly LabelTest[], labels: Readonly<Record<string, string>>): boolean {
  return tests.every((t) => {
    const v = labels[t.key];
    switch (t.op) {
      case '=':
        return v === t.values[0];
      case '!=':
        return v !== t.values[0];
      case 'in':
        return v !== undefined && t.values.includes(v);
      case 'not in':
        return v === undefined || !t.values.includes(v);
      case 'exists':
        return v !== undefined;
      case 'is absent':
        return v === undefined;
    }
  });
}

function ipv4(ip: string): number {
  return ip.split('.').reduce((acc, x) => acc * 256 + Number(x), 0);
}
function inBlock(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipv4(base ?? '') / size) * size;
  return ipv4(ip) >= start && ipv4(ip) < start + size;
}

function nsLabels(cluster: TestCluster, ns: string): Record<string, string> {
  return { ...(cluster.namespaces.find((n) => n.name === ns)?.labels ?? {}), [nameKey]: ns };
}

function peerHolds(cluster: TestCluster, p: Peer, e: End): boolean {
  if (p.kind === 'cidr') {
    const ip = 'pod' in e ? e.pod.ip : e.ip;
    return inBlock(ip, p.cidr) && !p.except.some((x) => inBlock(ip, x));
  }
  if (!('pod' in e)) return false;
  const pod = e.pod;
  switch (p.kind) {
    case 'pods':
      return pod.ns === p.ns && labelsHold(p.pods, pod.labels);
    case 'pods-in-selected':
      return labelsHold(p.ns, nsLabels(cluster, pod.ns)) && labelsHold(p.pods, pod.labels);
    case 'namespace':
      return pod.ns === p.ns;
    case 'namespaces':
      return labelsHold(p.ns, nsLabels(cluster, pod.ns));
  }
}

function portHolds(ports: readonly Port[], to: End, probe: Probe): boolean {
  if (ports.length === 0) return true;
  return ports.some((p) => {
    if (p.protocol.toUpperCase() !== probe.protocol) return false;
    if ('name' in p) return 'pod' in to && (to.pod.ports ?? []).some((x) => x.name === p.name && x.protocol === probe.protocol && x.port === probe.port);
    return probe.port >= p.port && probe.port <= (p.end ?? p.port);
  });
}

/**
 * §5: allowed when the egress side (source pod in a namespace with default deny egress) and the ingress side
 * allow it. §5 (quarantine): a side whose pod a quarantine of its namespace selects passes only a pod of that
 * quarantine's forensics namespace, whatever the flows and DNS say.
 */
function semantics(n: NetSpec, cluster: TestCluster, from: End, to: End, probe: Probe): boolean {
  const denied = (ns: string, dir: 'ingress' | 'egress') => n.deny.some((d) => d.ns === ns && d[dir]);
  const viaFlow = () => n.flows.some((f) => peerHolds(cluster, f.from, from) && peerHolds(cluster, f.to, to) && portHolds(f.ports, to, probe));
  const quarantinedSide = (own: End, remote: End): boolean | undefined => {
    if (!('pod' in own)) return undefined;
    const pod = own.pod;
    const qs = n.quarantines.filter((q) => q.ns.includes(pod.ns) && labelsHold([q.test], pod.labels));
    if (!qs.length) return undefined;
    return 'pod' in remote && qs.some((q) => q.forensics === remote.pod.ns);
  };
  const qEgress = quarantinedSide(from, to);
  const qIngress = quarantinedSide(to, from);
  if (qEgress === false || qIngress === false) return false;
  let egress = true;
  if (qEgress === true) egress = true;
  else if ('pod' in from && denied(from.pod.ns, 'egress')) {
    const dns = n.dns.includes(from.pod.ns) && 'pod' in to && to.pod.ns === 'kube-system' && to.pod.labels['k8s-app'] === 'kube-dns' && probe.port === 53 && (probe.protocol === 'UDP' || probe.protocol === 'TCP');
    egress = viaFlow() || dns;
  }
  const ingress = qIngress === true || !('pod' in to && denied(to.pod.ns, 'ingress')) || viaFlow();
  return egress && ingress;
}

// ------------------------------------------------------------------ generators

const nsArb = fc.constantFrom(...namespaces);
const podTest = fc.oneof(
  fc.constantFrom<LabelTest>(
    { key: 'app', op: '=', values: ['web'] },
    { key: 'app', op: '=', values: ['api'] },
    { key: 'app', op: '!=', values: ['web'] },
    { key: 'app', op: 'in', values: ['api', 'db'] },
    { key: 'app', op: 'not in', values: ['api'] },
    { key: 'role', op: 'exists', values: [] },
    { key: 'role', op: 'is absent', values: [] },
  ),
);
const podTests = fc.uniqueArray(podTest, { maxLength: 2, selector: (t) => t.key });
const nsTest = fc.oneof(
  fc.constantFrom<LabelTest>({ key: 'team', op: '=', values: ['x'] }, { key: 'team', op: 'in', values: ['x', 'y'] }, { key: 'team', op: 'exists', values: [] }),
  fc.uniqueArray(nsArb, { minLength: 1, maxLength: 2 }).map((v): LabelTest => ({ key: nameKey, op: 'in', values: v })),
  nsArb.map((v): LabelTest => ({ key: nameKey, op: '!=', values: [v] })),
  nsArb.map((v): LabelTest => ({ key: nameKey, op: 'not in', values: [v] })),
);
const nsTests = fc.uniqueArray(nsTest, { minLength: 1, maxLength: 2, selector: (t) => t.key });
const podPeer: fc.Arbitrary<Peer> = fc.oneof(
  fc.record({ kind: fc.constant('pods' as const), pods: podTests, ns: nsArb }),
  fc.record({ kind: fc.constant('pods-in-selected' as const), pods: fc.uniqueArray(podTest, { minLength: 1, maxLength: 2, selector: (t) => t.key }), ns: nsTests }),
  fc.record({ kind: fc.constant('namespace' as const), ns: nsArb }),
  fc.record({ kind: fc.constant('namespaces' as const), ns: nsTests }),
);
const cidrPeer: fc.Arbitrary<Peer> = fc.constantFrom<Peer>(
  { kind: 'cidr', cidr: '192.0.2.0/24', except: ['192.0.2.128/25'] },
  { kind: 'cidr', cidr: '198.51.100.0/24', except: [] },
  { kind: 'cidr', cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] },
);
const portArb: fc.Arbitrary<Port> = fc.constantFrom<Port>(
  { protocol: 'tcp', port: 8080 },
  { protocol: 'tcp', port: 8000, end: 8100 },
  { protocol: 'tcp', name: 'http' },
  { protocol: 'udp', port: 5353 },
  { protocol: 'udp', name: 'mdns' },
  { protocol: 'sctp', port: 9000 },
);
const flowArb: fc.Arbitrary<FlowSpec> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ from: podPeer, to: podPeer, ports: fc.uniqueArray(portArb, { maxLength: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ from: cidrPeer, to: podPeer, ports: fc.uniqueArray(portArb, { maxLength: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ from: podPeer, to: cidrPeer, ports: fc.uniqueArray(portArb, { maxLength: 2 }) }) },
);
const netArb: fc.Arbitrary<NetSpec> = fc.record({
  deny: fc
    .uniqueArray(fc.record({ ns: nsArb, ingress: fc.boolean(), egress: fc.boolean() }), { minLength: 1, maxLength: 3, selector: (d) => d.ns })
    .map((ds) => ds.filter((d) => d.ingress || d.egress)),
  dns: fc.uniqueArray(nsArb, { maxLength: 3 }),
  flows: fc.array(flowArb, { maxLength: 5 }),
  quarantines: fc.array(
    fc.record(
      {
        test: fc.constantFrom<LabelTest>(
          { key: 'quarantine', op: '=', values: ['true'] },
          { key: 'quarantine', op: 'exists', values: [] },
          { key: 'app', op: 'in', values: ['db'] },
          { key: 'app', op: '!=', values: ['web'] },
          { key: 'role', op: 'is absent', values: [] },
        ),
        ns: fc.uniqueArray(nsArb, { minLength: 1, maxLength: 2 }),
        forensics: fc.constantFrom('a', 'b', 'c', 'kube-system'),
      },
      { requiredKeys: ['test', 'ns'] },
    ),
    { maxLength: 2 },
  ),
});

const podArb = fc.record({
  app: fc.constantFrom('web', 'api', 'db'),
  role: fc.option(fc.constant('main'), { nil: undefined }),
  http: fc.boolean(),
  mdns: fc.boolean(),
  quarantined: fc.boolean(),
});

/** The cluster: two pods per namespace, kube-dns and a bystander in kube-system, three external addresses. */
const caseArb = netArb.chain((net) =>
  fc
    .record({
      teams: fc.tuple(...namespaces.map(() => fc.constantFrom(undefined, 'x', 'y'))),
      pods: fc.array(podArb, { minLength: namespaces.length * 2, maxLength: namespaces.length * 2 }),
    })
    .map(({ teams, pods }) => {
      const isolated = new Set(net.deny.map((d) => d.ns));
      const cluster: TestCluster = {
        namespaces: [
          ...namespaces.map((name, i): { name: string; labels: Record<string, string> } => ({ name, labels: teams[i] !== undefined && !isolated.has(name) ? { team: teams[i] as string } : {} })),
          { name: 'kube-system' },
        ],
        pods: [
          ...pods.map(
            (p, i): TestPod => ({
              ns: namespaces[Math.floor(i / 2)] ?? 'a',
              name: `p${i}`,
              labels: { app: p.app, ...(p.role ? { role: p.role } : {}), ...(p.quarantined ? { quarantine: 'true' } : {}) },
              ip: `10.0.${Math.floor(i / 2)}.${(i % 2) + 1}`,
              ports: [...(p.http ? [{ name: 'http', port: 8080, protocol: 'TCP' as const }] : []), ...(p.mdns ? [{ name: 'mdns', port: 5353, protocol: 'UDP' as const }] : [])],
            }),
          ),
          { ns: 'kube-system', name: 'coredns', labels: { 'k8s-app': 'kube-dns' }, ip: '10.0.9.1', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] },
          { ns: 'kube-system', name: 'proxy', labels: { 'k8s-app': 'proxy' }, ip: '10.0.9.2' },
        ],
        externals: ['192.0.2.10', '192.0.2.200', '198.51.100.7'],
      };
      return { net, cluster };
    }),
);

const probes: Probe[] = [
  { protocol: 'TCP', port: 8080 },
  { protocol: 'UDP', port: 8080 },
  { protocol: 'TCP', port: 5353 },
  { protocol: 'TCP', port: 9000 },
  { protocol: 'TCP', port: 8050 },
  { protocol: 'TCP', port: 443 },
  { protocol: 'UDP', port: 53 },
  { protocol: 'TCP', port: 53 },
  { protocol: 'SCTP', port: 53 },
  { protocol: 'UDP', port: 5353 },
  { protocol: 'SCTP', port: 9000 },
];

const totals = { cases: 0, connections: 0, allowed: 0 };

function check({ net, cluster }: { net: NetSpec; cluster: TestCluster }): string[] {
  const text = networkText(net);
  const out = netpolBackend.emit(irOf(text));
  if (out.diagnostics.length) return [`unexpected diagnostics: ${out.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`];
  const engine = engineCluster(cluster, out.value ?? []);
  const r = disagreements(engine, cluster, probes, (from, to, probe) => semantics(net, cluster, from, to, probe));
  totals.cases++;
  totals.connections += r.checked;
  totals.allowed += r.allowed;
  return r.lines;
}

describe('netpol backend: emitted NetworkPolicies agree with semantics §5 (property)', () => {
  it('on random network blocks and clusters', () => {
    const result = fc.check(fc.property(caseArb, (c) => check(c).length === 0), { seed: 20261123, numRuns: 300 });
    let message = '';
    if (result.failed && result.counterexample) {
      const [c] = result.counterexample;
      const lines = check(c);
      message = [
        `counterexample after ${result.numShrinks} shrinks (seed ${result.seed}, path ${result.counterexamplePath ?? ''}):`,
        networkText(c.net),
        `namespaces: ${JSON.stringify(c.cluster.namespaces)}`,
        `pods: ${c.cluster.pods.map((p) => `${p.ns}/${p.name} ${JSON.stringify(p.labels)} ${p.ip} ${JSON.stringify(p.ports)}`).join('; ')}`,
        ...lines.slice(0, 10),
      ].join('\n');
    }
    expect(result.failed, message).toBe(false);
    console.log(`netpol property: ${totals.cases} random cases, ${totals.connections} connections, ${totals.allowed} allowed by §5, all agree`);
  });
});
