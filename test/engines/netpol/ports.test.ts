import { describe, expect, it } from 'vitest';
import { allowed, any, expectReachability, inNs, is, load, Reachability, world, worldErrors } from './harness.js';

// NetworkPolicyPort per the API reference: protocol defaults to TCP; no port means every port of the
// protocol; a named port is looked up on the destination pod; endPort makes an inclusive range.

const ingressOnX = (ports: string) => `
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: { name: ports, namespace: x }
  spec:
    podSelector: {}
    policyTypes: [Ingress]
    ingress: [{ ports: ${ports} }]
`;

describe('ports', () => {
  it('defaults protocol to TCP', () => {
    const cluster = world(ingressOnX('[{ port: 80 }]'));
    expectReachability(cluster, new Reachability(), { protocol: 'TCP', port: 80 });
    expectReachability(cluster, new Reachability().deny(any, inNs('x')), { protocol: 'UDP', port: 80 });
    expectReachability(cluster, new Reachability().deny(any, inNs('x')), { protocol: 'TCP', port: 81 });
  });

  it('a protocol without a port matches every port of that protocol (e2e: any port on a specific protocol)', () => {
    const cluster = world(ingressOnX('[{ protocol: UDP }]'));
    expect(allowed(cluster, 'y/a', 'x/a', 1, 'UDP')).toBe(true);
    expect(allowed(cluster, 'y/a', 'x/a', 65535, 'UDP')).toBe(true);
    expect(allowed(cluster, 'y/a', 'x/a', 80, 'TCP')).toBe(false);
    expect(allowed(cluster, 'y/a', 'x/a', 80, 'SCTP')).toBe(false);
  });

  it('an empty port item matches every TCP port (protocol still defaults to TCP)', () => {
    for (const ports of ['[{}]', '[null]']) {
      const cluster = world(ingressOnX(ports));
      expect(allowed(cluster, 'y/a', 'x/a', 1, 'TCP')).toBe(true);
      expect(allowed(cluster, 'y/a', 'x/a', 65535, 'TCP')).toBe(true);
      expect(allowed(cluster, 'y/a', 'x/a', 80, 'UDP')).toBe(false);
    }
  });

  it('supports SCTP', () => {
    const cluster = world(ingressOnX('[{ protocol: SCTP, port: 80 }]'));
    expectReachability(cluster, new Reachability(), { protocol: 'SCTP', port: 80 });
    expectReachability(cluster, new Reachability().deny(any, inNs('x')), { protocol: 'TCP', port: 80 });
  });

  it('ports in one rule are ORed', () => {
    const cluster = world(ingressOnX('[{ port: 80 }, { protocol: UDP, port: 81 }]'));
    expect(allowed(cluster, 'y/a', 'x/a', 80, 'TCP')).toBe(true);
    expect(allowed(cluster, 'y/a', 'x/a', 81, 'UDP')).toBe(true);
    expect(allowed(cluster, 'y/a', 'x/a', 81, 'TCP')).toBe(false);
    expect(allowed(cluster, 'y/a', 'x/a', 80, 'UDP')).toBe(false);
  });

  it('a rule needs both its ports and its peers to match', () => {
    const cluster = world(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: p, namespace: x }
      spec:
        podSelector: {}
        ingress:
          - from: [{ namespaceSelector: { matchLabels: { ns: y } } }]
            ports: [{ port: 81 }]
    `);
    expectReachability(cluster, new Reachability().deny(any, inNs('x')).allow(inNs('y'), inNs('x')), { protocol: 'TCP', port: 81 });
    expectReachability(cluster, new Reachability().deny(any, inNs('x')), { protocol: 'TCP', port: 80 });
  });
});

describe('endPort', () => {
  // The "Targeting a range of ports" example of the Kubernetes docs.
  const cluster = load(`
    apiVersion: v1
    kind: Pod
    metadata: { name: db, namespace: default, labels: { role: db } }
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: multi-port-egress
      namespace: default
    spec:
      podSelector:
        matchLabels:
          role: db
      policyTypes:
        - Egress
      egress:
        - to:
            - ipBlock:
                cidr: 10.0.0.0/24
          ports:
            - protocol: TCP
              port: 32000
              endPort: 32768
  `);

  it('allows the inclusive range port..endPort', () => {
    const to = (port: number, protocol: 'TCP' | 'UDP' = 'TCP') => allowed(cluster, 'default/db', '10.0.0.42', port, protocol);
    expect(to(31999)).toBe(false);
    expect(to(32000)).toBe(true);
    expect(to(32500)).toBe(true);
    expect(to(32768)).toBe(true);
    expect(to(32769)).toBe(false);
    expect(to(32000, 'UDP')).toBe(false);
    expect(allowed(cluster, 'default/db', '10.0.1.42', 32000)).toBe(false);
  });

  it('endPort equal to port is a single port', () => {
    const c = world(ingressOnX('[{ port: 81, endPort: 81 }]'));
    expect(allowed(c, 'y/a', 'x/a', 81)).toBe(true);
    expect(allowed(c, 'y/a', 'x/a', 80)).toBe(false);
    expect(allowed(c, 'y/a', 'x/a', 82)).toBe(false);
  });
});

describe('named ports', () => {
  it('resolve against the destination pod on ingress (e2e: should allow ingress access on one named port)', () => {
    const cluster = world(ingressOnX('[{ port: serve-81-tcp }]'));
    expectReachability(cluster, new Reachability(), { protocol: 'TCP', port: 81 });
    expectReachability(cluster, new Reachability().deny(any, inNs('x')), { protocol: 'TCP', port: 80 });
  });

  it('resolve against the destination pod on egress (e2e: should allow egress access on one named port)', () => {
    const cluster = world(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: allow-egress, namespace: x }
      spec:
        podSelector: {}
        egress: [{ ports: [{ port: serve-80-tcp }] }]
        policyTypes: [Egress]
    `);
    expectReachability(cluster, new Reachability(), { protocol: 'TCP', port: 80 });
    expectReachability(cluster, new Reachability().deny(inNs('x'), any), { protocol: 'TCP', port: 81 });
    expect(allowed(cluster, 'x/a', '192.0.2.10', 80)).toBe(false); // an external address has no named ports
  });

  it('match the name and the protocol together', () => {
    // serve-80-udp is a UDP port; the policy port's protocol defaults to TCP, so nothing matches.
    const mismatch = world(ingressOnX('[{ port: serve-80-udp }]'));
    expect(allowed(mismatch, 'y/a', 'x/a', 80, 'TCP')).toBe(false);
    expect(allowed(mismatch, 'y/a', 'x/a', 80, 'UDP')).toBe(false);
    const match = world(ingressOnX('[{ protocol: UDP, port: serve-80-udp }]'));
    expect(allowed(match, 'y/a', 'x/a', 80, 'UDP')).toBe(true);
    expect(allowed(match, 'y/a', 'x/a', 80, 'TCP')).toBe(false);
    expect(allowed(match, 'y/a', 'x/a', 81, 'UDP')).toBe(false);
  });

  it('can mean different numbers on different pods', () => {
    const cluster = load(`
      apiVersion: v1
      kind: Pod
      metadata: { name: one, namespace: app, labels: { app: web } }
      spec: { containers: [{ name: c, ports: [{ name: http, containerPort: 8080 }] }] }
      ---
      apiVersion: v1
      kind: Pod
      metadata: { name: two, namespace: app, labels: { app: web } }
      spec:
        containers:
          - { name: sidecar, ports: [{ name: metrics, containerPort: 9100 }] }
          - { name: c, ports: [{ name: http, containerPort: 9090 }] }
      ---
      apiVersion: v1
      kind: Pod
      metadata: { name: none, namespace: app, labels: { app: web } }
      spec: { containers: [{ name: c }] }
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: http, namespace: app }
      spec:
        podSelector: { matchLabels: { app: web } }
        ingress: [{ ports: [{ port: http }] }]
    `);
    expect(allowed(cluster, '192.0.2.1', 'app/one', 8080)).toBe(true);
    expect(allowed(cluster, '192.0.2.1', 'app/one', 9090)).toBe(false);
    expect(allowed(cluster, '192.0.2.1', 'app/two', 9090)).toBe(true);
    expect(allowed(cluster, '192.0.2.1', 'app/two', 8080)).toBe(false);
    expect(allowed(cluster, '192.0.2.1', 'app/two', 9100)).toBe(false);
    expect(allowed(cluster, '192.0.2.1', 'app/none', 8080)).toBe(false);
  });

  it('combine with peers like numeric ports (e2e: ingress access from namespace on one named port)', () => {
    const cluster = world(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: p, namespace: x }
      spec:
        podSelector: { matchLabels: { pod: a } }
        ingress:
          - from: [{ namespaceSelector: { matchLabels: { ns: y } } }]
            ports: [{ protocol: TCP, port: serve-80-tcp }]
    `);
    expectReachability(cluster, new Reachability().deny(any, is('x/a')).allow(inNs('y'), is('x/a')), { protocol: 'TCP', port: 80 });
    expectReachability(cluster, new Reachability().deny(any, is('x/a')), { protocol: 'TCP', port: 81 });
  });
});

describe('port validation', () => {
  const errors = (ports: string) => worldErrors(ingressOnX(ports));

  it.each([
    ['[{ endPort: 90 }]', 'endPort: may not be specified when port is not specified'],
    ['[{ port: http, endPort: 90 }]', 'endPort: may not be specified when port is a named port'],
    ['[{ port: 90, endPort: 80 }]', 'endPort: must be greater than or equal to port'],
    ['[{ port: 80, endPort: 70000 }]', 'endPort: must be an integer between 1 and 65535'],
    ['[{ port: 0 }]', 'port: must be an integer between 1 and 65535'],
    ['[{ port: 65536 }]', 'port: must be an integer between 1 and 65535'],
    ['[{ port: 80.5 }]', 'port: must be an integer between 1 and 65535'],
    ['[{ port: "80" }]', 'port: "80" is not a valid port name'],
    ['[{ port: Http }]', 'port: "Http" is not a valid port name'],
    ['[{ port: -http }]', 'port: "-http" is not a valid port name'],
    ['[{ port: a-very-long-port-name }]', 'is not a valid port name'],
    ['[{ port: 80, protocol: tcp }]', 'protocol: must be one of TCP, UDP, SCTP'],
    ['[{ protocol: ICMP }]', 'protocol: must be one of TCP, UDP, SCTP'],
    ['[{ port: 80, range: 5 }]', 'ports[0].range: unknown field'],
  ])('%s is refused', (ports, message) => {
    expect(errors(ports)).toEqual([expect.stringContaining(message)]);
  });

  it('leaves a refused policy out entirely', () => {
    const { length } = errors('[{ port: 0 }]');
    expect(length).toBe(1);
    const cluster = world(ingressOnX('[{ port: 80 }]'));
    expect(cluster.policies).toHaveLength(1);
  });
});
