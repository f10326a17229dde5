import { describe, expect, it } from 'vitest';
import { isAllowed } from '../../../src/engines/netpol/index.js';
import { allowed, any, expectReachability, is, load, Reachability, world, worldErrors } from './harness.js';

// The `test-network-policy` example of the Kubernetes docs, verbatim in meaning, with a cluster around it.
const docsExample = load(`
  apiVersion: v1
  kind: Namespace
  metadata: { name: default }
  ---
  apiVersion: v1
  kind: Namespace
  metadata: { name: myproject, labels: { project: myproject } }
  ---
  apiVersion: v1
  kind: Namespace
  metadata: { name: other }
  ---
  apiVersion: v1
  kind: Pod
  metadata: { name: db, namespace: default, labels: { role: db } }
  status: { podIP: 10.1.0.10 }
  ---
  apiVersion: v1
  kind: Pod
  metadata: { name: frontend, namespace: default, labels: { role: frontend } }
  status: { podIP: 10.1.0.11 }
  ---
  apiVersion: v1
  kind: Pod
  metadata: { name: batch, namespace: default, labels: { role: batch } }
  ---
  apiVersion: v1
  kind: Pod
  metadata: { name: anything, namespace: myproject }
  ---
  apiVersion: v1
  kind: Pod
  metadata: { name: frontend, namespace: other, labels: { role: frontend } }
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: test-network-policy
    namespace: default
  spec:
    podSelector:
      matchLabels:
        role: db
    policyTypes:
      - Ingress
      - Egress
    ingress:
      - from:
          - ipBlock:
              cidr: 172.17.0.0/16
              except:
                - 172.17.1.0/24
          - namespaceSelector:
              matchLabels:
                project: myproject
          - podSelector:
              matchLabels:
                role: frontend
        ports:
          - protocol: TCP
            port: 6379
    egress:
      - to:
          - ipBlock:
              cidr: 10.0.0.0/24
        ports:
          - protocol: TCP
            port: 5978
`);

describe('the docs test-network-policy example', () => {
  const to = (from: string, port = 6379, protocol: 'TCP' | 'UDP' = 'TCP') => allowed(docsExample, from, 'default/db', port, protocol);

  it('allows ingress to db on TCP 6379 from the three listed sources', () => {
    expect(to('default/frontend')).toBe(true);
    expect(to('myproject/anything')).toBe(true);
    expect(to('172.17.0.1')).toBe(true);
  });

  it('denies other sources, ports and protocols', () => {
    expect(to('default/batch')).toBe(false);
    expect(to('other/frontend')).toBe(false); // podSelector alone is namespace-local
    expect(to('default/frontend', 6380)).toBe(false);
    expect(to('default/frontend', 6379, 'UDP')).toBe(false);
    expect(to('192.0.2.1')).toBe(false);
  });

  it('honours the ipBlock and except edges: 172.17.0.0-172.17.0.255 and 172.17.2.0-172.17.255.255', () => {
    expect(to('172.17.0.0')).toBe(true);
    expect(to('172.17.0.255')).toBe(true);
    expect(to('172.17.1.0')).toBe(false);
    expect(to('172.17.1.128')).toBe(false);
    expect(to('172.17.1.255')).toBe(false);
    expect(to('172.17.2.0')).toBe(true);
    expect(to('172.17.255.255')).toBe(true);
    expect(to('172.16.255.255')).toBe(false);
    expect(to('172.18.0.0')).toBe(false);
  });

  it('allows egress from db to 10.0.0.0/24 on TCP 5978 only', () => {
    const from = (toEndpoint: string, port = 5978) => allowed(docsExample, 'default/db', toEndpoint, port);
    expect(from('10.0.0.0')).toBe(true);
    expect(from('10.0.0.255')).toBe(true);
    expect(from('10.0.1.0')).toBe(false);
    expect(from('9.255.255.255')).toBe(false);
    expect(from('10.0.0.7', 5979)).toBe(false);
    expect(from('default/frontend')).toBe(false); // frontend's IP is outside the block
  });

  it('leaves pods it does not select alone', () => {
    expect(allowed(docsExample, 'default/batch', 'default/frontend', 1)).toBe(true);
    expect(allowed(docsExample, 'default/frontend', '8.8.8.8', 53)).toBe(true);
  });

  it('explains the verdict', () => {
    const v = isAllowed(docsExample, { from: { ip: '172.17.1.1' }, to: { pod: 'default/db' }, protocol: 'TCP', port: 6379 });
    expect(v.allowed).toBe(false);
    expect(v.ingress).toEqual({
      pod: 'default/db',
      isolated: true,
      policies: ['default/test-network-policy'],
      allowed: false,
      allowedBy: [],
    });
    expect(v.egress.pod).toBe(null);
  });
});

describe('ipBlock', () => {
  const egressFromXA = (to: string) => `
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: { name: egress-x-a, namespace: x }
    spec:
      podSelector: { matchLabels: { pod: a } }
      policyTypes: [Egress]
      egress: [{ to: ${to} }]
  `;

  it('matches pod IPs too (e2e: should allow egress access to server in CIDR block)', () => {
    const cluster = world(egressFromXA("[{ ipBlock: { cidr: '10.0.2.2/32' } }]")); // y/b
    expectReachability(cluster, new Reachability().deny(is('x/a'), any).allow(is('x/a'), is('y/b')));
  });

  it('excludes except ranges (e2e: should enforce except clause while egress access to server in CIDR block)', () => {
    const cluster = world(egressFromXA("[{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.1.2/32'] } }]"));
    expectReachability(cluster, new Reachability().deny(is('x/a'), is('x/b')));
  });

  it('allows an IP in one policy except list if another policy allows it (additive)', () => {
    const cluster = world(
      egressFromXA("[{ ipBlock: { cidr: '10.0.1.0/24', except: ['10.0.1.2/32'] } }]"),
      `
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: egress-x-a-2, namespace: x }
      spec:
        podSelector: { matchLabels: { pod: a } }
        policyTypes: [Egress]
        egress: [{ to: [{ ipBlock: { cidr: '10.0.1.2/32' } }] }]
    `,
    );
    expectReachability(cluster, new Reachability().deny(is('x/a'), any).allow(is('x/a'), (r) => r.startsWith('x/')));
  });

  it('never matches a pod without an IP', () => {
    const cluster = load(`
      apiVersion: v1
      kind: Pod
      metadata: { name: client, namespace: x }
      ---
      apiVersion: v1
      kind: Pod
      metadata: { name: server, namespace: x, labels: { app: server } }
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: from-anywhere-v4, namespace: x }
      spec:
        podSelector: { matchLabels: { app: server } }
        ingress: [{ from: [{ ipBlock: { cidr: 0.0.0.0/0 } }] }]
    `);
    expect(allowed(cluster, 'x/client', 'x/server')).toBe(false);
    expect(allowed(cluster, '203.0.113.1', 'x/server')).toBe(true);
  });

  it('0.0.0.0/0 covers every IPv4 address and no IPv6 address; ::/0 the reverse', () => {
    const cluster = load(`
      apiVersion: v1
      kind: Pod
      metadata: { name: server, namespace: x }
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: v4, namespace: x }
      spec:
        podSelector: {}
        ingress:
          - { from: [{ ipBlock: { cidr: 0.0.0.0/0 } }], ports: [{ port: 4 }] }
          - { from: [{ ipBlock: { cidr: '::/0' } }], ports: [{ port: 6 }] }
    `);
    expect(allowed(cluster, '0.0.0.0', 'x/server', 4)).toBe(true);
    expect(allowed(cluster, '255.255.255.255', 'x/server', 4)).toBe(true);
    expect(allowed(cluster, '2001:db8::1', 'x/server', 4)).toBe(false);
    expect(allowed(cluster, '::', 'x/server', 6)).toBe(true);
    expect(allowed(cluster, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'x/server', 6)).toBe(true);
    expect(allowed(cluster, '192.0.2.1', 'x/server', 6)).toBe(false);
  });

  it('supports IPv6 CIDRs with except, in any textual form', () => {
    const cluster = load(`
      apiVersion: v1
      kind: Pod
      metadata: { name: server, namespace: x }
      status: { podIP: 'fd00::10' }
      ---
      apiVersion: v1
      kind: Pod
      metadata: { name: inside, namespace: x }
      status: { podIP: '2001:db8::1:0' }
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: v6, namespace: x }
      spec:
        podSelector: {}
        ingress:
          - from: [{ ipBlock: { cidr: '2001:db8::/64', except: ['2001:db8::/120', '2001:db8:0:0:8000::/65'] } }]
    `);
    const from = (ip: string) => allowed(cluster, ip, 'x/server', 443);
    expect(from('2001:db8::ff')).toBe(false); // last address of the /120 except
    expect(from('2001:db8::100')).toBe(true); // first address after it
    expect(from('2001:DB8:0:0:0:0:0:100')).toBe(true);
    expect(from('2001:db8::7fff:ffff:ffff:ffff')).toBe(true); // last address before the /65 except
    expect(from('2001:db8::8000:0:0:0')).toBe(false);
    expect(from('2001:db8::ffff:ffff:ffff:ffff')).toBe(false);
    expect(from('2001:db8:0:1::')).toBe(false);
    expect(from('2001:db7:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(false);
    expect(from('10.0.0.1')).toBe(false);
    expect(allowed(cluster, 'x/inside', 'x/server')).toBe(true); // a pod's IPv6 address
    expect(allowed(cluster, 'fd00::10', 'fd00::10')).toBe(false); // resolves to x/server, not from the block
  });

  it('reads an IPv4-mapped IPv6 address as its IPv4 address', () => {
    expect(allowed(docsExample, '::ffff:172.17.0.1', 'default/db', 6379)).toBe(true);
    expect(allowed(docsExample, '::ffff:172.17.1.1', 'default/db', 6379)).toBe(false);
  });

  it('ignores host bits below the prefix, as the API server does', () => {
    const cluster = world(egressFromXA("[{ ipBlock: { cidr: '10.0.2.3/24' } }]"));
    expectReachability(cluster, new Reachability().deny(is('x/a'), any).allow(is('x/a'), (r) => r.startsWith('y/')));
  });

  it('reports invalid CIDRs and except ranges that are not strict subsets', () => {
    const bad = (block: string) => worldErrors(egressFromXA(`[{ ipBlock: ${block} }]`));
    const invalid = [
      ...['10.0.0.0', '10.0.0.0/33', '10.0.0.256/24', '010.0.0.0/8', '10.0.0.0/08', ''],
      ...['2001:db8::/129', '2001:db8:::/64', '::ffff:10.0.0.0/104', 'fe80::1%eth0/64'],
    ];
    for (const cidr of invalid) {
      expect(bad(`{ cidr: '${cidr}' }`), cidr).toEqual([expect.stringMatching(/ipBlock\.cidr: (required|".*" is not a valid CIDR)/)]);
    }
    expect(bad("{ cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] }")).toEqual([
      expect.stringContaining('except[0]: 10.1.0.0/24 must be a strict subset of cidr 10.0.0.0/16'),
    ]);
    expect(bad("{ cidr: '10.0.0.0/16', except: ['10.0.0.0/16'] }")).toEqual([expect.stringContaining('strict subset')]);
    expect(bad("{ cidr: '10.0.0.0/16', except: ['10.0.0.0/8'] }")).toEqual([expect.stringContaining('strict subset')]);
    expect(bad("{ cidr: '10.0.0.0/16', except: ['2001:db8::/64'] }")).toEqual([expect.stringContaining('strict subset')]);
    expect(bad("{ cidr: '10.0.0.0/16', except: ['nope'] }")).toEqual([expect.stringContaining('except[0]: "nope" is not a valid CIDR')]);
  });
});
