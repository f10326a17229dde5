import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCluster, connectivityMatrix, isAllowed, loadCluster } from '../../../src/engines/netpol/index.js';
import { allowed, load, yamlDocs } from './harness.js';

describe('loadCluster', () => {
  it('reads namespaces, pods and policies', () => {
    const cluster = load(`
      apiVersion: v1
      kind: Namespace
      metadata: { name: shop, labels: { team: web } }
      ---
      apiVersion: v1
      kind: Pod
      metadata: { name: api, namespace: shop, labels: { app: api } }
      spec:
        containers:
          - name: main
            ports: [{ name: http, containerPort: 8080 }, { containerPort: 53, protocol: UDP }]
      status: { podIP: 10.2.0.5 }
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: deny, namespace: shop }
      spec: { podSelector: {} }
    `);
    expect(cluster.namespaces).toEqual([{ name: 'shop', labels: { team: 'web' } }]);
    expect(cluster.pods).toEqual([
      {
        namespace: 'shop',
        name: 'api',
        labels: { app: 'api' },
        ip: '10.2.0.5',
        ports: [
          { name: 'http', containerPort: 8080, protocol: 'TCP' },
          { containerPort: 53, protocol: 'UDP' },
        ],
      },
    ]);
    expect(cluster.policies.map((p) => p.metadata.name)).toEqual(['deny']);
  });

  it('turns workload pod templates into one pod each, named <name>-<kind>', () => {
    const workload = (kind: string, template: string) => `
apiVersion: apps/v1
kind: ${kind}
metadata: { name: w, namespace: apps }
spec:
  ${template}`;
    const podTemplate = `template:
    metadata: { labels: { app: w-KIND } }
    spec: { containers: [{ name: c, ports: [{ name: web, containerPort: 8080 }] }] }`;
    const kinds = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'];
    const texts = kinds.map((k) => workload(k, podTemplate.replace('KIND', k.toLowerCase())));
    texts.push(`
apiVersion: batch/v1
kind: CronJob
metadata: { name: w, namespace: apps }
spec:
  schedule: '* * * * *'
  jobTemplate:
    spec:
      template:
        metadata: { labels: { app: w-cronjob } }
        spec: { containers: [{ name: c }] }`);
    const { cluster, errors } = loadCluster(yamlDocs(texts.join('\n---\n')));
    expect(errors).toEqual([]);
    expect(cluster.pods.map((p) => `${p.namespace}/${p.name} ${p.labels['app']}`)).toEqual([
      'apps/w-deployment w-deployment',
      'apps/w-statefulset w-statefulset',
      'apps/w-daemonset w-daemonset',
      'apps/w-replicaset w-replicaset',
      'apps/w-job w-job',
      'apps/w-cronjob w-cronjob',
    ]);
    expect(cluster.pods[0]?.ports).toEqual([{ name: 'web', containerPort: 8080, protocol: 'TCP' }]);
  });

  it('unpacks List objects and ignores unrelated kinds and empty documents', () => {
    const { cluster, errors } = loadCluster([
      null,
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } },
      {
        apiVersion: 'v1',
        kind: 'List',
        items: [
          { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n' } },
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } },
        ],
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicyList',
        items: [{ kind: 'NetworkPolicy', apiVersion: 'networking.k8s.io/v1', metadata: { name: 'np', namespace: 'n' } }],
      },
    ]);
    expect(errors).toEqual([]);
    expect(cluster.pods.map((p) => p.name)).toEqual(['p']);
    expect(cluster.policies.map((p) => p.metadata.name)).toEqual(['np']);
  });

  it('defaults namespaces to `default`', () => {
    const cluster = load(`
      apiVersion: v1
      kind: Pod
      metadata: { name: p }
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: deny }
    `);
    expect(cluster.pods[0]?.namespace).toBe('default');
    expect(allowed(cluster, '192.0.2.1', 'default/p')).toBe(false);
  });

  it('gives every namespace its kubernetes.io/metadata.name label, declared or not', () => {
    const cluster = load(`
      apiVersion: v1
      kind: Namespace
      metadata: { name: declared, labels: { 'kubernetes.io/metadata.name': spoofed } }
      ---
      apiVersion: v1
      kind: Pod
      metadata: { name: p, namespace: declared }
      ---
      apiVersion: v1
      kind: Pod
      metadata: { name: p, namespace: implicit }
      ---
      apiVersion: v1
      kind: Pod
      metadata: { name: target, namespace: t }
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: from-named, namespace: t }
      spec:
        ingress:
          - from:
              - namespaceSelector:
                  matchExpressions: [{ key: kubernetes.io/metadata.name, operator: In, values: [declared, implicit] }]
    `);
    expect(allowed(cluster, 'declared/p', 't/target')).toBe(true);
    expect(allowed(cluster, 'implicit/p', 't/target')).toBe(true);
  });

  it('reports what it cannot use, keeps going, and leaves refused objects out', () => {
    const np = (name: string) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'a' } });
    const { cluster, errors } = loadCluster([
      'just a string',
      [1, 2],
      { metadata: { name: 'no-kind' } },
      { kind: 'Namespace', metadata: { name: 'a' } },
      { kind: 'Namespace', metadata: { name: 'a', labels: { x: 'y' } } },
      { kind: 'Namespace', metadata: { labels: {} } },
      { kind: 'Pod', metadata: { name: 'p', namespace: 'a', labels: { v: 1 } } },
      { kind: 'Pod', metadata: { name: 'q', namespace: 'a' }, status: { podIP: '10.0.0.300' } },
      { kind: 'Pod', metadata: { name: 'r', namespace: 'a' }, status: { podIP: '10.0.0.3' } },
      { kind: 'Pod', metadata: { name: 's', namespace: 'a' }, status: { podIP: '10.0.0.3' } },
      { kind: 'Pod', metadata: { name: 'r', namespace: 'a' } },
      { kind: 'Pod', metadata: { name: 't', namespace: 'a' }, spec: { containers: [{ ports: [{ containerPort: 0 }] }] } },
      { kind: 'Pod', metadata: { name: 'u', namespace: 'a' }, spec: { containers: 'nope' } },
      { kind: 'Deployment', metadata: { name: 'd', namespace: 'a' }, spec: {} },
      { apiVersion: 'extensions/v1beta1', kind: 'NetworkPolicy', metadata: { name: 'old', namespace: 'a' } },
      { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'c', namespace: 'a' } },
      np('np'),
      np('np'),
      { ...np('bad'), spec: { policyTypes: ['Ingress', 'Egress', 'Ingress'] } },
      { ...np('bad2'), spec: { policyTypes: ['Sideways'], podSelectr: {} } },
    ]);
    expect(errors).toEqual([
      'document 1: not a Kubernetes object; ignored',
      'document 2: not a Kubernetes object; ignored',
      'document 3: no kind; ignored',
      'document 5: Namespace a is defined more than once; the first definition is used',
      'document 6: Namespace: needs a non-empty name',
      'document 7: Pod a/p: label v must have a string value',
      'document 8: Pod a/q: ip "10.0.0.300" is not an IP address; the pod is kept without an IP',
      'document 11: Pod a/r is defined more than once; the first definition is used',
      'document 12: Pod a/t: ports[0]: containerPort must be an integer between 1 and 65535',
      'document 13: spec.containers: must be a list',
      'document 14: Deployment "d": no pod template at spec.template',
      'document 15: NetworkPolicy a/old: apiVersion: "extensions/v1beta1" is not networking.k8s.io/v1',
      'document 16: CiliumNetworkPolicy "c" is not a networking.k8s.io/v1 NetworkPolicy; ignored',
      'document 18: NetworkPolicy a/np is defined more than once; the first definition is used',
      'document 19: NetworkPolicy a/bad: spec.policyTypes: may not specify more than two policyTypes',
      'document 20: NetworkPolicy a/bad2: spec.podSelectr: unknown field',
      'document 20: NetworkPolicy a/bad2: spec.policyTypes[0]: must be Ingress or Egress',
      'Pod a/s: IP 10.0.0.3 is also the IP of a/r',
    ]);
    expect(cluster.namespaces.map((n) => n.name)).toEqual(['a']);
    expect(cluster.pods.map((p) => [p.name, p.ip])).toEqual([
      ['q', undefined],
      ['r', '10.0.0.3'],
      ['s', '10.0.0.3'],
    ]);
    expect(cluster.policies.map((p) => p.metadata.name)).toEqual(['np']);
    expect(checkCluster(cluster)).toEqual(['Pod a/s: IP 10.0.0.3 is also the IP of a/r']);
  });

  it('never throws, whatever the documents hold', () => {
    const kinds = fc.constantFrom('Namespace', 'Pod', 'Deployment', 'CronJob', 'NetworkPolicy', 'List', 'toString', '__proto__', 'X');
    const doc = fc.oneof(
      fc.anything(),
      fc.record(
        { kind: kinds, metadata: fc.anything(), spec: fc.anything(), status: fc.anything(), items: fc.anything() },
        { requiredKeys: ['kind'] },
      ),
      fc.record({
        apiVersion: fc.constant('networking.k8s.io/v1'),
        kind: fc.constant('NetworkPolicy'),
        metadata: fc.record({ name: fc.string(), namespace: fc.anything() }),
        spec: fc.dictionary(fc.constantFrom('podSelector', 'policyTypes', 'ingress', 'egress'), fc.anything()),
      }),
    );
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 8 }), (docs) => {
        const { cluster } = loadCluster(docs);
        const m = connectivityMatrix(cluster, [{ protocol: 'TCP', port: 80 }], { externalIps: ['192.0.2.1'] });
        expect(m.endpoints.length).toBe(cluster.pods.length + 1);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('hand-built clusters are checked the same way; refused policies take no part', () => {
    const cluster = {
      namespaces: [],
      pods: [{ namespace: 'n', name: 'p', labels: {} }],
      policies: [
        { metadata: { name: 'bad', namespace: 'n' }, spec: { ingress: [{ from: [{}] }] } },
      ],
    };
    expect(checkCluster(cluster)).toEqual([
      'NetworkPolicy n/bad: spec.ingress[0].from[0]: must specify a peer (podSelector, namespaceSelector or ipBlock)',
    ]);
    expect(isAllowed(cluster, { from: { ip: '192.0.2.1' }, to: { pod: 'n/p' }, protocol: 'TCP', port: 1 }).allowed).toBe(true);
  });
});
