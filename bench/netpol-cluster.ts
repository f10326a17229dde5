// Performance is measured by `npm run bench`, never by a timed test (this fixture came from one).
import {
  type Cluster,
  type ClusterPod,
  type NetworkPolicy,
} from '../src/engines/netpol/index.js';

/** A deterministic cluster of 20 namespaces × 50 pods and 200 policies of every peer and port shape. */
export function bigCluster(): Cluster {
  const namespaces = Array.from({ length: 20 }, (_, n) => ({
    name: `ns${n}`,
    labels: { team: `t${n % 5}`, env: n % 2 === 0 ? 'prod' : 'dev' },
  }));
  const pods: ClusterPod[] = namespaces.flatMap((ns, n) =>
    Array.from({ length: 50 }, (_, p) => ({
      namespace: ns.name,
      name: `pod${p}`,
      labels: { app: `app${p % 10}`, tier: p % 3 === 0 ? 'db' : 'web' },
      ip: `10.${n}.${Math.floor(p / 10)}.${(p % 10) + 1}`,
      ports: [
        { name: 'http', containerPort: 8000 + (p % 4) },
        { name: 'dns', containerPort: 53, protocol: 'UDP' as const },
      ],
    })),
  );
  const policies: NetworkPolicy[] = namespaces.flatMap((ns, n) =>
    Array.from({ length: 10 }, (_, k): NetworkPolicy => ({
      metadata: { name: `np${k}`, namespace: ns.name },
      spec: {
        podSelector: k === 0 ? {} : { matchLabels: { app: `app${k}` } },
        policyTypes: k % 3 === 0 ? ['Ingress', 'Egress'] : ['Ingress'],
        ingress: [
          {
            from: [
              { podSelector: { matchLabels: { tier: 'web' } } },
              {
                namespaceSelector: { matchLabels: { team: `t${(n + k) % 5}` } },
                podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: [`app${k}`, 'app1'] }] },
              },
              { ipBlock: { cidr: `10.${(n + 1) % 20}.0.0/16`, except: [`10.${(n + 1) % 20}.1.0/24`] } },
            ],
            ports: [{ port: 'http' }, { port: 9000, endPort: 9100 }, { protocol: 'UDP', port: 53 }],
          },
        ],
        egress: [
          { to: [{ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] } }] },
          { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 443 }] },
        ],
      },
    })),
  );
  return { namespaces, pods, policies };
}

