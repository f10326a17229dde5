import { describe, expect, it } from 'vitest';
import { isAllowed } from '../../../src/engines/netpol/index.js';
import { allowed, any, expectReachability, inNs, is, Reachability, world } from './harness.js';

// Expectations follow https://kubernetes.io/docs/concepts/services-networking/network-policies/
// ("Default policies") and the netpol e2e truth tables.

describe('isolation', () => {
  it('allows everything when no policy exists', () => {
    expectReachability(world(), new Reachability());
  });

  it('default deny ingress isolates every pod of the namespace for ingress only', () => {
    const cluster = world(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: default-deny-ingress, namespace: x }
      spec:
        podSelector: {}
        policyTypes: [Ingress]
    `);
    expectReachability(cluster, new Reachability().deny(any, inNs('x')));
  });

  it('default deny egress isolates every pod of the namespace for egress only', () => {
    const cluster = world(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: default-deny-egress, namespace: x }
      spec:
        podSelector: {}
        policyTypes: [Egress]
    `);
    expectReachability(cluster, new Reachability().deny(inNs('x'), any));
  });

  it('default deny all blocks both directions', () => {
    const cluster = world(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: default-deny-all, namespace: x }
      spec:
        podSelector: {}
        policyTypes: [Ingress, Egress]
    `);
    expectReachability(cluster, new Reachability().deny(inNs('x'), any).deny(any, inNs('x')));
  });

  it('allow all ingress wins over a deny policy (policies are additive)', () => {
    const cluster = world(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: default-deny-ingress, namespace: x }
      spec:
        podSelector: {}
        policyTypes: [Ingress]
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: allow-all-ingress, namespace: x }
      spec:
        podSelector: {}
        ingress:
          - {}
        policyTypes: [Ingress]
    `);
    expectReachability(cluster, new Reachability());
    expect(allowed(cluster, 'y/a', 'x/a', 12345, 'UDP')).toBe(true);
    expect(allowed(cluster, '203.0.113.9', 'x/a', 9, 'SCTP')).toBe(true);
  });

  it('allow all egress wins over default deny egress', () => {
    const cluster = world(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: default-deny-egress, namespace: x }
      spec: { podSelector: {}, policyTypes: [Egress] }
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: allow-all-egress, namespace: x }
      spec:
        podSelector: {}
        egress: [{}]
        policyTypes: [Egress]
    `);
    expectReachability(cluster, new Reachability());
  });

  it('pods not selected by any policy keep accepting all traffic', () => {
    const cluster = world(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: isolate-a, namespace: x }
      spec:
        podSelector: { matchLabels: { pod: a } }
    `);
    expectReachability(cluster, new Reachability().deny(any, is('x/a')));
  });

  it('a policy selects pods of its own namespace only', () => {
    const cluster = world(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: isolate-a, namespace: y }
      spec:
        podSelector: { matchLabels: { pod: a } }
        policyTypes: [Ingress]
    `);
    expectReachability(cluster, new Reachability().deny(any, is('y/a')));
  });

  it('a policy without namespace lives in default', () => {
    const cluster = world(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: deny }
      spec: { podSelector: {} }
    `);
    expectReachability(cluster, new Reachability());
  });

  it('needs both egress from the source and ingress to the destination', () => {
    // e2e: "should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)"
    const cluster = world(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: allow-to-ns-y-pod-a, namespace: x }
      spec:
        podSelector: { matchLabels: { pod: a } }
        egress:
          - to:
              - namespaceSelector: { matchLabels: { ns: y } }
                podSelector: { matchLabels: { pod: a } }
        policyTypes: [Egress]
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: allow-from-xa, namespace: y }
      spec:
        podSelector: { matchExpressions: [{ key: pod, operator: In, values: [a, b] }] }
        ingress:
          - from:
              - namespaceSelector: { matchLabels: { ns: x } }
                podSelector: { matchLabels: { pod: a } }
    `);
    expectReachability(
      cluster,
      new Reachability()
        .deny(is('x/a'), any)
        .deny(any, is('y/a'))
        .deny(any, is('y/b'))
        .allow(is('x/a'), is('y/a')),
    );
    const v = isAllowed(cluster, { from: { pod: 'x/a' }, to: { pod: 'y/b' }, protocol: 'TCP', port: 80 });
    expect(v).toEqual({
      allowed: false,
      egress: { pod: 'x/a', isolated: true, policies: ['x/allow-to-ns-y-pod-a'], allowed: false, allowedBy: [] },
      ingress: {
        pod: 'y/b',
        isolated: true,
        policies: ['y/allow-from-xa'],
        allowed: true,
        allowedBy: [{ policy: 'y/allow-from-xa', rule: 0 }],
      },
    });
  });
});

describe('policyTypes defaulting', () => {
  it('without policyTypes and without egress, a policy is Ingress only', () => {
    const cluster = world(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: p, namespace: x }
      spec:
        podSelector: {}
        ingress: [{ from: [{ podSelector: {} }] }]
    `);
    // x pods reach anything (egress not isolated); only same-namespace pods reach x.
    expectReachability(cluster, new Reachability().deny(any, inNs('x')).allow(inNs('x'), inNs('x')));
  });

  it('without policyTypes, an egress section makes the policy Ingress and Egress', () => {
    const cluster = world(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: p, namespace: x }
      spec:
        podSelector: { matchLabels: { pod: a } }
        egress: [{ to: [{ podSelector: {} }] }]
    `);
    const v = isAllowed(cluster, { from: { pod: 'y/a' }, to: { pod: 'x/a' }, protocol: 'TCP', port: 80 });
    expect(v.ingress).toMatchObject({ isolated: true, allowed: false });
    expectReachability(
      cluster,
      new Reachability().deny(any, is('x/a')).deny(is('x/a'), any).allow(is('x/a'), inNs('x')).deny(is('x/a'), is('x/a')),
    );
  });

  it('an empty egress list does not count as an egress section', () => {
    const cluster = world(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: p, namespace: x }
      spec:
        podSelector: {}
        egress: []
    `);
    expectReachability(cluster, new Reachability().deny(any, inNs('x')));
  });

  it('explicit policyTypes ignore the rules of the other direction', () => {
    const cluster = world(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: egress-only, namespace: x }
      spec:
        podSelector: {}
        policyTypes: [Egress]
        ingress: [{ from: [{ podSelector: { matchLabels: { pod: nobody } } }] }]
        egress: [{}]
    `);
    expectReachability(cluster, new Reachability());
    const v = isAllowed(cluster, { from: { pod: 'y/a' }, to: { pod: 'x/a' }, protocol: 'TCP', port: 80 });
    expect(v.ingress.isolated).toBe(false);
  });

  it('ingress: [] and a missing ingress both allow nothing', () => {
    for (const ingress of ['ingress: []', '']) {
      const cluster = world(`
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: { name: p, namespace: x }
        spec:
          podSelector: {}
          ${ingress}
      `);
      expectReachability(cluster, new Reachability().deny(any, inNs('x')));
    }
  });

  it('an empty list item (`ingress: [null]`) decodes as an empty rule, like `ingress: [{}]`', () => {
    const cluster = world(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: p, namespace: x }
      spec:
        podSelector: {}
        ingress:
          -
    `);
    expect(cluster.policies[0]?.spec?.ingress).toEqual([null]);
    expectReachability(cluster, new Reachability());
    expect(allowed(cluster, '192.0.2.1', 'x/a', 4242, 'UDP')).toBe(true);
  });

  it('a rule with ports only (no from) matches every source', () => {
    const cluster = world(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: p, namespace: x }
      spec:
        podSelector: {}
        ingress: [{ ports: [{ port: 80 }] }]
    `);
    expectReachability(cluster, new Reachability());
    expectReachability(cluster, new Reachability().deny(any, inNs('x')), { protocol: 'TCP', port: 81 });
    expect(allowed(cluster, '198.51.100.7', 'x/b', 80)).toBe(true);
  });
});

describe('traffic outside the cluster', () => {
  const cluster = world(`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: { name: deny-all, namespace: x }
    spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
  `);

  it('judges only the pod side', () => {
    expect(allowed(cluster, '203.0.113.5', 'x/a')).toBe(false);
    expect(allowed(cluster, 'x/a', '203.0.113.5')).toBe(false);
    expect(allowed(cluster, '203.0.113.5', 'y/a')).toBe(true);
    expect(allowed(cluster, 'y/a', '203.0.113.5')).toBe(true);
    const v = isAllowed(cluster, { from: { ip: '203.0.113.5' }, to: { pod: 'y/a' }, protocol: 'UDP', port: 53 });
    expect(v.egress).toEqual({ pod: null, isolated: false, policies: [], allowed: true, allowedBy: [] });
  });

  it('resolves an IP that belongs to a pod to that pod', () => {
    expect(allowed(cluster, '10.0.2.1', '10.0.1.1')).toBe(false); // y/a -> x/a
    expect(isAllowed(cluster, { from: { ip: '10.0.2.1' }, to: { ip: '10.0.1.1' }, protocol: 'TCP', port: 80 }).ingress.pod).toBe('x/a');
  });

  it('rejects connections naming unknown pods or malformed values', () => {
    expect(() => allowed(cluster, 'x/nope', 'x/a')).toThrow(RangeError);
    expect(() => allowed(cluster, '10.0.0.256', 'x/a')).toThrow(RangeError);
    expect(() => allowed(cluster, 'x/a', 'x/b', 0)).toThrow(RangeError);
    expect(() => allowed(cluster, 'x/a', 'x/b', 80, 'ICMP' as 'TCP')).toThrow(RangeError);
  });
});
