import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkCluster,
  connectivityMatrix,
  isAllowed,
  type Cluster,
  type ClusterPod,
  type NetworkPolicy,
  type Protocol,
} from '../../../src/engines/netpol/index.js';

// Laws that follow from the NetworkPolicy semantics in the Kubernetes docs, checked on random clusters.

const namespaceNames = ['x', 'y', 'z'];
const labelKeys = ['app', 'tier'];
const labelValues = ['a', 'b', 'c'];
const protocolArb = fc.constantFrom<Protocol>('TCP', 'UDP', 'SCTP');
const probes = [
  { protocol: 'TCP', port: 80 },
  { protocol: 'UDP', port: 53 },
  { protocol: 'TCP', port: 8080 },
  { protocol: 'SCTP', port: 80 },
] as const;
const externalIps = ['192.0.2.1', '10.0.0.200', '2001:db8::1'];

const labelsArb = fc.dictionary(fc.constantFrom(...labelKeys), fc.constantFrom(...labelValues), { maxKeys: 2 });

const selectorArb = fc.record(
  {
    matchLabels: fc.dictionary(fc.constantFrom(...labelKeys, 'ns'), fc.constantFrom(...labelValues, 'x', 'y'), { maxKeys: 1 }),
    matchExpressions: fc.array(
      fc.oneof(
        fc.record({
          key: fc.constantFrom(...labelKeys, 'ns', 'kubernetes.io/metadata.name'),
          operator: fc.constantFrom('In' as const, 'NotIn' as const),
          values: fc.uniqueArray(fc.constantFrom(...labelValues, ...namespaceNames), { minLength: 1, maxLength: 2 }),
        }),
        fc.record({ key: fc.constantFrom(...labelKeys), operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const) }),
      ),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);

const peerArb = fc.oneof(
  fc.record({ podSelector: selectorArb }),
  fc.record({ namespaceSelector: selectorArb }),
  fc.record({ podSelector: selectorArb, namespaceSelector: selectorArb }),
  fc.constantFrom(
    { ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.1.0/24'] } },
    { ipBlock: { cidr: '0.0.0.0/0' } },
    { ipBlock: { cidr: '2001:db8::/32' } },
    { ipBlock: { cidr: '192.0.2.0/24' } },
  ),
);

const portArb = fc.oneof(
  fc.record({ protocol: protocolArb, port: fc.constantFrom(53, 80, 8080) }, { requiredKeys: ['port'] }),
  fc.record({ protocol: protocolArb }),
  fc.record({ port: fc.constantFrom('http', 'dns', 'alt') }, { requiredKeys: ['port'] }).chain((p) =>
    fc.record({ port: fc.constant(p.port), protocol: protocolArb }, { requiredKeys: ['port'] }),
  ),
  fc.record({ port: fc.constantFrom(50, 80), endPort: fc.constantFrom(80, 9000) }),
);

const rulesArb = (peerField: 'from' | 'to') =>
  fc.array(
    fc.record({ [peerField]: fc.array(peerArb, { maxLength: 2 }), ports: fc.array(portArb, { maxLength: 2 }) }, { requiredKeys: [] }),
    { maxLength: 2 },
  );

const policyArb = (name: string): fc.Arbitrary<NetworkPolicy> =>
  fc
    .record(
      {
        namespace: fc.constantFrom(...namespaceNames),
        podSelector: selectorArb,
        policyTypes: fc.constantFrom(undefined, ['Ingress'], ['Egress'], ['Ingress', 'Egress']),
        ingress: rulesArb('from'),
        egress: rulesArb('to'),
      },
      { requiredKeys: ['namespace', 'podSelector'] },
    )
    .map(({ namespace, ...spec }) => {
      const cleaned = Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined));
      return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec: cleaned } as NetworkPolicy;
    });

const podsArb: fc.Arbitrary<ClusterPod[]> = fc
  .array(fc.record({ namespace: fc.constantFrom(...namespaceNames), labels: labelsArb, hasIp: fc.boolean() }), {
    minLength: 1,
    maxLength: 7,
  })
  .map((specs) =>
    specs.map(({ namespace, labels, hasIp }, i) => ({
      namespace,
      name: `p${i}`,
      labels,
      ...(hasIp ? { ip: i % 2 === 0 ? `10.0.${i % 3}.${i + 1}` : `2001:db8::${i + 1}` } : {}),
      ports: [
        { name: 'http', containerPort: i % 2 === 0 ? 80 : 8080 },
        { name: 'dns', containerPort: 53, protocol: 'UDP' as const },
      ],
    })),
  );

const clusterArb: fc.Arbitrary<Cluster> = fc
  .record({
    pods: podsArb,
    policies: fc.array(fc.nat(), { maxLength: 5 }).chain((ids) => fc.tuple(...ids.map((_, i) => policyArb(`np${i}`)))),
    envs: fc.array(fc.constantFrom('prod', 'dev'), { minLength: 3, maxLength: 3 }),
  })
  .map(({ pods, policies, envs }) => ({
    namespaces: namespaceNames.map((name, i) => ({ name, labels: { ns: name, env: envs[i] as string } })),
    pods,
    policies,
  }));

function matrixOf(cluster: Cluster) {
  return connectivityMatrix(cluster, probes, { externalIps }).allowed;
}

const run = { seed: 42, numRuns: 300 };

describe('netpol laws', () => {
  it('generated clusters are valid (so the laws below are about real policies)', () => {
    fc.assert(
      fc.property(clusterArb, (cluster) => {
        expect(checkCluster(cluster)).toEqual([]);
      }),
      run,
    );
  });

  it('adding a policy that selects no pods never changes any verdict', () => {
    const selectsNothing = fc
      .tuple(policyArb('extra'), fc.constantFrom('x', 'y', 'z', 'empty-ns'))
      .map(([p, namespace]) => ({
        ...p,
        metadata: { name: 'extra', namespace },
        spec: { ...p.spec, podSelector: { matchLabels: { app: 'no-such-app' } } },
      }));
    fc.assert(
      fc.property(clusterArb, selectsNothing, (cluster, extra) => {
        const before = matrixOf(cluster);
        const after = matrixOf({ ...cluster, policies: [...cluster.policies, extra] });
        expect(after).toEqual(before);
      }),
      run,
    );
  });

  it('a policy with `ingress: [{}]` makes its pods reachable on every port from everywhere, as far as ingress goes', () => {
    fc.assert(
      fc.property(
        clusterArb,
        fc.nat(),
        fc.nat(),
        protocolArb,
        fc.integer({ min: 1, max: 65535 }),
        (cluster, targetIndex, sourceIndex, protocol, port) => {
          const target = cluster.pods[targetIndex % cluster.pods.length] as ClusterPod;
          const allowAll: NetworkPolicy = {
            metadata: { name: 'allow-all', namespace: target.namespace },
            spec: { podSelector: { matchLabels: target.labels }, ingress: [{}] },
          };
          const withPolicy = { ...cluster, policies: [...cluster.policies, allowAll] };
          const sources = [...cluster.pods.map((p) => ({ pod: `${p.namespace}/${p.name}` })), ...externalIps.map((ip) => ({ ip }))];
          const from = sources[sourceIndex % sources.length]!;
          const to = { pod: `${target.namespace}/${target.name}` };
          const v = isAllowed(withPolicy, { from, to, protocol, port });
          expect(v.ingress.allowed).toBe(true);
          expect(v.allowed).toBe(v.egress.allowed);
          expect(v.egress).toEqual(isAllowed(cluster, { from, to, protocol, port }).egress);
        },
      ),
      run,
    );
  });

  it('verdicts do not depend on the order of policies', () => {
    fc.assert(
      fc.property(
        clusterArb.chain((c) => fc.tuple(fc.constant(c), fc.shuffledSubarray([...c.policies], { minLength: c.policies.length }))),
        ([cluster, shuffled]) => {
          expect(matrixOf({ ...cluster, policies: shuffled })).toEqual(matrixOf(cluster));
        },
      ),
      run,
    );
  });

  it('once every pod is isolated both ways, adding a policy only ever adds connections', () => {
    const denyAll = namespaceNames.map(
      (namespace): NetworkPolicy => ({
        metadata: { name: 'deny-all', namespace },
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      }),
    );
    fc.assert(
      fc.property(clusterArb, policyArb('added'), (cluster, added) => {
        const base = { ...cluster, policies: [...cluster.policies, ...denyAll] };
        const before = matrixOf(base);
        const after = matrixOf({ ...base, policies: [...base.policies, added] });
        before.forEach((table, p) =>
          table.forEach((row, i) => row.forEach((ok, j) => ok && expect(after[p]?.[i]?.[j]).toBe(true))),
        );
      }),
      run,
    );
  });

  it('a connection is allowed exactly when both of its sides are', () => {
    fc.assert(
      fc.property(clusterArb, fc.nat(), fc.nat(), protocolArb, fc.constantFrom(53, 80, 8080, 9000), (cluster, a, b, protocol, port) => {
        const pods = cluster.pods.map((p) => ({ pod: `${p.namespace}/${p.name}` }));
        const v = isAllowed(cluster, { from: pods[a % pods.length]!, to: pods[b % pods.length]!, protocol, port });
        expect(v.allowed).toBe(v.egress.allowed && v.ingress.allowed);
        expect(v.egress.allowed).toBe(!v.egress.isolated || v.egress.allowedBy.length > 0);
        expect(v.ingress.allowed).toBe(!v.ingress.isolated || v.ingress.allowedBy.length > 0);
      }),
      run,
    );
  });
});
