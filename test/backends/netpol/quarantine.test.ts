import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { netpolBackend } from '../../../src/backends/netpol/index.js';
import { isAllowed } from '../../../src/engines/netpol/index.js';
import { connectionAllowed, type NetCluster } from '../../../src/eval/index.js';
import { dsl, irOf } from '../../helpers/dsl.js';
import { documentsOf, engineCluster, type TestCluster, type TestPod } from './cluster.js';

/**
 * Issue 19 item 3, quarantine by label. The same table is read by the reference semantics (semantics §5, quarantine; src/eval)
 * and by the NetworkPolicy engine on the emitted objects; each row is what the Kubernetes docs make of those
 * objects (policies are additive, a pod selected for a direction is isolated in it, both sides must allow).
 */
const text = dsl`
  network q {
    namespace "shop"
    default deny ingress and egress in namespaces "shop"
    allow dns in namespaces "shop"
    allow from pods where app = "web" to pods where app = "api" on tcp 8080
    allow from namespace "monitoring" to pods on tcp 9090
    quarantine pods where quarantine = "true" in namespaces "shop", "open" except namespace "forensics"
  }`;

const pod = (ns: string, name: string, labels: Record<string, string>, ip: string): TestPod => ({ ns, name, labels, ip, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] });
const pods: TestPod[] = [
  pod('shop', 'web', { app: 'web' }, '10.0.0.1'),
  pod('shop', 'api', { app: 'api' }, '10.0.0.2'),
  pod('shop', 'api-q', { app: 'api', quarantine: 'true' }, '10.0.0.3'),
  pod('shop', 'web-q', { app: 'web', quarantine: 'true' }, '10.0.0.4'),
  pod('shop', 'api-not-q', { app: 'api', quarantine: 'false' }, '10.0.0.5'),
  pod('open', 'a', {}, '10.0.1.1'),
  pod('open', 'a-q', { quarantine: 'true' }, '10.0.1.2'),
  pod('elsewhere', 'x-q', { quarantine: 'true' }, '10.0.2.1'),
  pod('forensics', 'tool', {}, '10.0.3.1'),
  pod('monitoring', 'prom', {}, '10.0.4.1'),
  pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, '10.0.9.1'),
];
const test: TestCluster = { namespaces: [...new Set(pods.map((p) => p.ns))].map((name) => ({ name })), pods, externals: ['203.0.113.9'] };
const netCluster: NetCluster = {
  namespaces: test.namespaces.map((n) => ({ name: n.name, labels: { 'kubernetes.io/metadata.name': n.name } })),
  pods: pods.map((p) => ({ namespace: p.ns, name: p.name, labels: p.labels, ip: p.ip, ports: p.ports ?? [] })),
};

const set = irOf(text);
const out = netpolBackend.emit(set);
const files = out.value ?? [];
const engine = engineCluster(test, files);

const end = (e: string) => (e.includes('/') ? { pod: e } : { ip: e });
function verdicts(from: string, to: string, protocol: 'TCP' | 'UDP', port: number) {
  const ir = connectionAllowed(set.networks, netCluster, { from: end(from), to: end(to), protocol, port }).allowed;
  const np = isAllowed(engine, { from: end(from), to: end(to), protocol, port }).allowed;
  return { ir, np };
}

const table: readonly [string, string, 'TCP' | 'UDP', number, boolean, string][] = [
  ['shop/web', 'shop/api', 'TCP', 8080, true, 'the flow, neither pod quarantined'],
  ['shop/web', 'shop/api-not-q', 'TCP', 8080, true, 'quarantine = "false" is not quarantined'],
  ['shop/web', 'shop/api-q', 'TCP', 8080, false, 'the flow no longer reaches a quarantined destination'],
  ['shop/web-q', 'shop/api', 'TCP', 8080, false, 'nor leaves a quarantined source'],
  ['monitoring/prom', 'shop/api-q', 'TCP', 9090, false, 'a flow to every pod of shop leaves the quarantined ones out'],
  ['monitoring/prom', 'shop/api', 'TCP', 9090, true, 'and still reaches the others'],
  ['shop/api-q', 'kube-system/coredns', 'UDP', 53, false, 'no DNS for quarantined pods'],
  ['shop/api', 'kube-system/coredns', 'UDP', 53, true, 'DNS for the others'],
  ['forensics/tool', 'shop/api-q', 'TCP', 22, true, 'forensics reaches a quarantined pod on any port'],
  ['shop/api-q', 'forensics/tool', 'TCP', 443, true, 'and a quarantined pod reaches forensics'],
  ['shop/api-q', '203.0.113.9', 'TCP', 443, false, 'nothing else leaves'],
  ['open/a-q', 'open/a', 'TCP', 80, false, 'in a namespace without default deny the quarantine isolates the pod too'],
  ['open/a', 'open/a-q', 'TCP', 80, false, 'both ways'],
  ['open/a', 'monitoring/prom', 'TCP', 80, true, 'the other pods of that namespace stay open'],
  ['open/a-q', 'forensics/tool', 'TCP', 80, true, 'forensics passes there too'],
  ['elsewhere/x-q', 'monitoring/prom', 'TCP', 80, true, 'a namespace not listed is not covered (NetworkPolicy is namespaced)'],
];

describe('quarantine: semantics and the emitted NetworkPolicies agree, row by row', () => {
  it('compiles without diagnostics', () => expect(out.diagnostics).toEqual([]));
  for (const [from, to, protocol, port, allowed, why] of table) {
    it(`${from} -> ${to} ${protocol}/${port}: ${allowed ? 'allowed' : 'denied'} (${why})`, () => {
      expect(verdicts(from, to, protocol, port)).toEqual({ ir: allowed, np: allowed });
    });
  }
});

describe('quarantine: the emitted objects', () => {
  const objects = documentsOf(files) as { metadata: { name: string; namespace: string }; spec: Record<string, unknown> }[];
  const byName = Object.fromEntries(objects.map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o]));

  it('one quarantine object per listed namespace, both policyTypes, forensics as the only peer', () => {
    const forensics = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'forensics' } } }];
    for (const ns of ['open', 'shop']) {
      expect(byName[`${ns}/q-${ns}-quarantine`]?.spec).toEqual({ podSelector: { matchLabels: { quarantine: 'true' } }, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: forensics }], egress: [{ to: forensics }] });
    }
    expect(objects.filter((o) => o.metadata.name.includes('quarantine'))).toHaveLength(2);
  });

  it('every other allow object in a quarantined namespace excludes the pods with the negated test', () => {
    const allows = objects.filter((o) => o.metadata.namespace === 'shop' && o.metadata.name.includes('-allow-'));
    expect(allows.length).toBeGreaterThan(2);
    for (const o of allows) expect((o.spec['podSelector'] as { matchExpressions?: unknown[] }).matchExpressions).toContainEqual({ key: 'quarantine', operator: 'NotIn', values: ['true'] });
  });

  it('says in the file where NetworkPolicy cannot follow: namespaced, and additive with policies from elsewhere', () => {
    const content = files[0]?.content ?? '';
    expect(content).toContain('# line 7: quarantine of pods where quarantine = "true" covers namespaces "open", "shop" only: NetworkPolicy is namespaced');
    expect(content).toContain('a NetworkPolicy not emitted by secpol that selects them still allows its traffic (policies are additive)');
  });

  it('an allow policy from elsewhere still lets traffic reach a quarantined pod (the documented limit)', () => {
    const extra = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'team-allow-all', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] } };
    const withExtra = engineCluster(test, [...files, { path: 'extra.yaml', content: YAML.stringify(extra), objects: [] }]);
    expect(isAllowed(withExtra, { from: { pod: 'shop/web' }, to: { pod: 'shop/api-q' }, protocol: 'TCP', port: 8080 }).allowed).toBe(true);
  });
});
