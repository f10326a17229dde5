import { describe, expect, it } from 'vitest';
import { any, expectReachability, inNs, is, Reachability, world, worldErrors } from './harness.js';

// "Behavior of to and from selectors" and the NetworkPolicyPeer API reference: podSelector alone selects
// pods in the policy's namespace, namespaceSelector alone every pod of matching namespaces, both in one
// peer the intersection; separate list items are ORed.

/** An ingress policy on x/a with the given `from` list (YAML flow or block, indented under `from:`). */
function ingressToXA(from: string): string {
  return `
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: { name: to-x-a, namespace: x }
    spec:
      podSelector: { matchLabels: { pod: a } }
      policyTypes: [Ingress]
      ingress:
        - from: ${from}
  `;
}

describe('peers', () => {
  it('podSelector alone selects pods in the policy namespace', () => {
    const cluster = world(ingressToXA('[{ podSelector: { matchLabels: { pod: b } } }]'));
    expectReachability(cluster, new Reachability().deny(any, is('x/a')).allow(is('x/b'), is('x/a')));
  });

  it('namespaceSelector alone selects every pod of the matching namespaces', () => {
    const cluster = world(ingressToXA('[{ namespaceSelector: { matchLabels: { ns: y } } }]'));
    expectReachability(cluster, new Reachability().deny(any, is('x/a')).allow(inNs('y'), is('x/a')));
  });

  it('namespaceSelector and podSelector in one peer are ANDed (docs: user=alice AND role=client)', () => {
    const cluster = world(`
      ${ingressToXA('')}
          - namespaceSelector: { matchLabels: { ns: y } }
            podSelector: { matchLabels: { pod: b } }
    `);
    expectReachability(cluster, new Reachability().deny(any, is('x/a')).allow(is('y/b'), is('x/a')));
  });

  it('namespaceSelector and podSelector as two list items are ORed', () => {
    const cluster = world(`
      ${ingressToXA('')}
          - namespaceSelector: { matchLabels: { ns: y } }
          - podSelector: { matchLabels: { pod: b } }
    `);
    expectReachability(
      cluster,
      new Reachability().deny(any, is('x/a')).allow(inNs('y'), is('x/a')).allow(is('x/b'), is('x/a')),
    );
  });

  it('an empty namespaceSelector selects all namespaces; an absent one means the policy namespace', () => {
    const all = world(ingressToXA('[{ namespaceSelector: {}, podSelector: { matchLabels: { pod: c } } }]'));
    expectReachability(
      all,
      new Reachability().deny(any, is('x/a')).allow(is('x/c'), is('x/a')).allow(is('y/c'), is('x/a')).allow(is('z/c'), is('x/a')),
    );
    const local = world(ingressToXA('[{ namespaceSelector: null, podSelector: { matchLabels: { pod: c } } }]'));
    expectReachability(local, new Reachability().deny(any, is('x/a')).allow(is('x/c'), is('x/a')));
  });

  it('an empty podSelector selects every pod of the policy namespace', () => {
    const cluster = world(ingressToXA('[{ podSelector: {} }]'));
    expectReachability(cluster, new Reachability().deny(any, is('x/a')).allow(inNs('x'), is('x/a')));
  });

  it('selects namespaces by kubernetes.io/metadata.name, which every namespace carries', () => {
    const cluster = world(ingressToXA("[{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': z } } }]"));
    expectReachability(cluster, new Reachability().deny(any, is('x/a')).allow(inNs('z'), is('x/a')));
  });

  it('an egress namespaceSelector reaches pods of other namespaces', () => {
    const cluster = world(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: egress, namespace: x }
      spec:
        podSelector: {}
        policyTypes: [Egress]
        egress:
          - to: [{ namespaceSelector: { matchLabels: { ns: z } } }]
    `);
    expectReachability(cluster, new Reachability().deny(inNs('x'), any).allow(inNs('x'), inNs('z')));
  });

  it('an empty `from` list matches every source, including external IPs', () => {
    const cluster = world(ingressToXA('[]'));
    expectReachability(cluster, new Reachability());
  });
});

describe('label selectors', () => {
  const expr = (e: string) => world(ingressToXA(`[{ namespaceSelector: {}, podSelector: { matchExpressions: [${e}] } }]`));
  const pods = (names: string[]) => (ref: string) => names.includes(ref.split('/')[1] as string);

  it('In', () => {
    expectReachability(
      expr('{ key: pod, operator: In, values: [b, c] }'),
      new Reachability().deny(any, is('x/a')).allow(pods(['b', 'c']), is('x/a')),
    );
  });

  it('NotIn also matches pods without the key', () => {
    // every pod has `pod`; nobody has `tier`
    expectReachability(
      expr('{ key: pod, operator: NotIn, values: [b, c] }'),
      new Reachability().deny(any, is('x/a')).allow(pods(['a']), is('x/a')),
    );
    expectReachability(expr('{ key: tier, operator: NotIn, values: [web] }'), new Reachability());
  });

  it('Exists and DoesNotExist', () => {
    expectReachability(expr('{ key: pod, operator: Exists }'), new Reachability());
    expectReachability(expr('{ key: pod, operator: DoesNotExist }'), new Reachability().deny(any, is('x/a')));
    expectReachability(expr('{ key: tier, operator: DoesNotExist }'), new Reachability());
  });

  it('matchLabels and matchExpressions are ANDed', () => {
    const cluster = world(`
      ${ingressToXA('')}
          - namespaceSelector:
              matchExpressions: [{ key: ns, operator: NotIn, values: [x] }]
            podSelector:
              matchLabels: { pod: b }
              matchExpressions: [{ key: pod, operator: In, values: [a, b] }]
    `);
    expectReachability(cluster, new Reachability().deny(any, is('x/a')).allow(is('y/b'), is('x/a')).allow(is('z/b'), is('x/a')));
  });

  it('reports malformed selectors and leaves the policy out', () => {
    const bad = (from: string) => worldErrors(ingressToXA(from));
    expect(bad('[{ podSelector: { matchExpressions: [{ key: pod, operator: In }] } }]')).toEqual([
      expect.stringContaining('matchExpressions[0].values: must be non-empty when operator is In'),
    ]);
    expect(bad('[{ podSelector: { matchExpressions: [{ key: pod, operator: Exists, values: [a] }] } }]')).toEqual([
      expect.stringContaining('must be empty when operator is Exists'),
    ]);
    expect(bad('[{ podSelector: { matchExpressions: [{ key: pod, operator: Equals, values: [a] }] } }]')).toEqual([
      expect.stringContaining('operator: must be one of In, NotIn, Exists, DoesNotExist'),
    ]);
    expect(bad('[{ podSelector: { matchLabel: { pod: a } } }]')).toEqual([
      expect.stringContaining('podSelector.matchLabel: unknown field'),
    ]);
    expect(bad('[{ podSelector: { matchLabels: { version: 2 } } }]')).toEqual([
      expect.stringContaining('matchLabels.version: value must be a string'),
    ]);
    expect(bad('[{}]')).toEqual([expect.stringContaining('from[0]: must specify a peer')]);
    expect(bad('[{ podSelector: null, namespaceSelector: null }]')).toEqual([expect.stringContaining('must specify a peer')]);
    expect(bad("[{ podSelector: {}, ipBlock: { cidr: '10.0.0.0/8' } }]")).toEqual([
      expect.stringContaining('may not specify both ipBlock and another peer'),
    ]);
  });
});
