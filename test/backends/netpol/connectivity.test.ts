import { describe, expect, it } from 'vitest';
import { netpolBackend } from '../../../src/backends/netpol/index.js';
import { dsl, irOf } from '../../helpers/dsl.js';
import { disagreements, engineCluster, type End, type Probe, type TestCluster, type TestPod } from './cluster.js';
import { threeTier } from './fixtures.js';

/**
 * Connectivity agreement: the netpol engine decides every connection of a small cluster from the emitted
 * NetworkPolicies alone, and each verdict must equal the one derived by hand from semantics §5. The
 * expected verdicts below are written out per scenario, not computed from the IR.
 */
function compile(text: string) {
  const out = netpolBackend.emit(irOf(text));
  expect(out.diagnostics).toEqual([]);
  return out.value ?? [];
}

const pod = (ns: string, name: string, labels: Record<string, string>, ip: string, ports: TestPod['ports'] = []): TestPod => ({ ns, name, labels, ip, ports });
const key = (from: End, to: End, p: Probe) => `${'pod' in from ? from.pod.name : from.ip} > ${'pod' in to ? to.pod.name : to.ip} ${p.protocol}/${p.port}`;
const inNs = (e: End, namespaces: readonly string[]) => 'pod' in e && namespaces.includes(e.pod.ns);

const coredns = pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, '10.244.0.10', [
  { name: 'dns', port: 53, protocol: 'UDP' },
  { name: 'dns-tcp', port: 53, protocol: 'TCP' },
]);

describe('connectivity: the three-tier example', () => {
  const cluster: TestCluster = {
    namespaces: [{ name: 'ingress-nginx' }, { name: 'shop' }, { name: 'db' }, { name: 'kube-system' }, { name: 'default' }],
    pods: [
      pod('ingress-nginx', 'controller', { 'app.kubernetes.io/name': 'ingress-nginx' }, '10.244.0.50'),
      pod('shop', 'frontend', { 'app.kubernetes.io/name': 'frontend' }, '10.244.1.21', [{ name: 'http', port: 8080, protocol: 'TCP' }]),
      pod('shop', 'api', { 'app.kubernetes.io/name': 'api' }, '10.244.1.22', [{ name: 'http', port: 8080, protocol: 'TCP' }]),
      pod('shop', 'admin', { 'app.kubernetes.io/name': 'admin-tool' }, '10.244.1.23'),
      pod('db', 'postgres', { 'app.kubernetes.io/name': 'postgres' }, '10.244.2.31', [{ name: 'postgres', port: 5432, protocol: 'TCP' }]),
      coredns,
      pod('default', 'debug', { run: 'debug' }, '10.244.3.40'),
    ],
    externals: ['93.184.216.34', '172.32.0.1', '203.0.113.5', '10.1.2.3', '172.20.1.5', '192.168.10.5'],
  };
  const probes: Probe[] = [
    { protocol: 'TCP', port: 8080 },
    { protocol: 'UDP', port: 8080 },
    { protocol: 'TCP', port: 5432 },
    { protocol: 'TCP', port: 443 },
    { protocol: 'TCP', port: 80 },
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ];
  const isolated = ['shop', 'db'];
  // Egress from shop and db pods (default deny egress): the flows out of them, and DNS.
  const egressAllowed = new Set([
    'frontend > api TCP/8080',
    'api > postgres TCP/5432',
    // 0.0.0.0/0 except 10/8, 172.16/12, 192.168/16: 172.32.0.1 is outside 172.16.0.0/12.
    'api > 93.184.216.34 TCP/443',
    'api > 172.32.0.1 TCP/443',
    'api > 203.0.113.5 TCP/443',
    ...['frontend', 'api', 'admin', 'postgres'].flatMap((p) => [`${p} > coredns UDP/53`, `${p} > coredns TCP/53`]),
  ]);
  // Ingress to shop and db pods (default deny ingress): the flows into them.
  const ingressAllowed = new Set(['controller > frontend TCP/8080', 'frontend > api TCP/8080', 'api > postgres TCP/5432']);
  const byHand = (from: End, to: End, p: Probe) =>
    (!inNs(from, isolated) || egressAllowed.has(key(from, to, p))) && (!inNs(to, isolated) || ingressAllowed.has(key(from, to, p)));

  it('every connection is allowed or denied as derived by hand', () => {
    const r = disagreements(engineCluster(cluster, compile(threeTier)), cluster, probes, byHand);
    console.log(`netpol three-tier: ${r.checked - r.lines.length}/${r.checked} connections agree (${r.allowed} allowed)`);
    expect(r.lines).toEqual([]);
    expect(r.checked).toBe(882);
  });
});

describe('connectivity: the default-deny baseline', () => {
  const cluster: TestCluster = {
    namespaces: [{ name: 'apps' }, { name: 'payments' }, { name: 'kube-system' }, { name: 'other' }],
    pods: [
      pod('apps', 'web', { app: 'web' }, '10.0.1.1', [{ name: 'http', port: 8080, protocol: 'TCP' }]),
      pod('payments', 'ledger', { app: 'ledger' }, '10.0.2.1'),
      coredns,
      pod('kube-system', 'metrics', { 'k8s-app': 'metrics-server' }, '10.0.0.20'),
      pod('other', 'client', { app: 'client' }, '10.0.3.1'),
    ],
    externals: ['203.0.113.9'],
  };
  const probes: Probe[] = [
    { protocol: 'TCP', port: 8080 },
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
    { protocol: 'SCTP', port: 53 },
    { protocol: 'TCP', port: 443 },
  ];
  const isolated = ['apps', 'payments'];
  // Nothing reaches apps or payments; from them only kube-dns on UDP/TCP 53 (not SCTP, not other kube-system pods).
  const byHand = (from: End, to: End, p: Probe) =>
    !inNs(to, isolated) && (!inNs(from, isolated) || ('pod' in to && to.pod === coredns && p.port === 53 && p.protocol !== 'SCTP'));

  it('every connection is allowed or denied as derived by hand', () => {
    const files = compile(dsl`
      network default-deny {
        default deny ingress and egress in namespaces "apps", "payments"
        allow dns in namespaces "apps", "payments"
      }`);
    const r = disagreements(engineCluster(cluster, files), cluster, probes, byHand);
    console.log(`netpol default-deny: ${r.checked - r.lines.length}/${r.checked} connections agree (${r.allowed} allowed)`);
    expect(r.lines).toEqual([]);
  });
});

describe('connectivity: selectors, named ports, ranges, protocols, one-sided isolation', () => {
  const text = dsl`
    network mesh {
      namespace "apps"
      workload web in namespace "apps" with labels app = "web"
      workload api in namespace "apps" with labels app = "api" ports grpc = tcp 9090, metrics = tcp 9100
      default deny ingress in namespaces "apps", "data"
      default deny egress in namespaces "apps"
      allow dns in namespaces "apps", "data"
      allow from workload web to workload api on tcp "grpc", tcp 9200-9300
      allow from namespaces where team = "ops" to workload api on tcp "metrics"
      allow from workload api to pods where tier = "cache" in namespaces where "kubernetes.io/metadata.name" in ["data"] on tcp 6379, sctp 7000
      allow from namespace "monitoring" to namespace "data" on tcp 9100
      allow from workload web to cidr "192.0.2.0/24" except "192.0.2.128/25"
    }`;
  const cluster: TestCluster = {
    namespaces: [{ name: 'apps' }, { name: 'data' }, { name: 'ops-tools', labels: { team: 'ops' } }, { name: 'monitoring' }, { name: 'kube-system' }],
    pods: [
      pod('apps', 'web', { app: 'web' }, '10.1.0.1'),
      pod('apps', 'api', { app: 'api' }, '10.1.0.2', [
        { name: 'grpc', port: 9090, protocol: 'TCP' },
        { name: 'metrics', port: 9100, protocol: 'TCP' },
      ]),
      pod('apps', 'other', { app: 'other' }, '10.1.0.3'),
      pod('data', 'cache', { tier: 'cache' }, '10.1.1.1'),
      pod('data', 'store', { tier: 'db' }, '10.1.1.2'),
      pod('ops-tools', 'tool', { app: 'tool' }, '10.1.2.1'),
      pod('monitoring', 'prom', { app: 'prometheus' }, '10.1.3.1'),
      coredns,
    ],
    externals: ['192.0.2.10', '192.0.2.200', '198.51.100.1'],
  };
  const probes: Probe[] = [
    { protocol: 'TCP', port: 9090 },
    { protocol: 'UDP', port: 9090 },
    { protocol: 'TCP', port: 9100 },
    { protocol: 'TCP', port: 9250 },
    { protocol: 'TCP', port: 9301 },
    { protocol: 'TCP', port: 6379 },
    { protocol: 'SCTP', port: 7000 },
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 443 },
  ];
  // Egress is isolated in apps only; data has no default deny egress, so its DNS line needs nothing.
  const egressAllowed = new Set([
    'web > api TCP/9090', // "grpc" is api's 9090
    'web > api TCP/9250', // 9200-9300
    'api > cache TCP/6379',
    'api > cache SCTP/7000',
    ...probes.map((p) => `web > 192.0.2.10 ${p.protocol}/${p.port}`), // every port; 192.0.2.200 is in the except
    ...['web', 'api', 'other'].map((p) => `${p} > coredns UDP/53`),
  ]);
  // Ingress is isolated in apps and data.
  const ingressAllowed = new Set([
    'web > api TCP/9090',
    'web > api TCP/9250',
    'tool > api TCP/9100', // ops-tools carries team=ops; "metrics" is api's 9100
    'api > cache TCP/6379',
    'api > cache SCTP/7000',
    'prom > cache TCP/9100',
    'prom > store TCP/9100',
  ]);
  const byHand = (from: End, to: End, p: Probe) =>
    (!inNs(from, ['apps']) || egressAllowed.has(key(from, to, p))) && (!inNs(to, ['apps', 'data']) || ingressAllowed.has(key(from, to, p)));

  it('every connection is allowed or denied as derived by hand', () => {
    const r = disagreements(engineCluster(cluster, compile(text)), cluster, probes, byHand);
    console.log(`netpol mesh: ${r.checked - r.lines.length}/${r.checked} connections agree (${r.allowed} allowed)`);
    expect(r.lines).toEqual([]);
  });
});
