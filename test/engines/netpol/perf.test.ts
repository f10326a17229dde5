import { describe, expect, it } from 'vitest';
import {
  checkCluster,
  connectivityMatrix,
  isAllowed,
  type Cluster,
  type ClusterPod,
  type Connection,
  type NetworkPolicy,
} from '../../../src/engines/netpol/index.js';

/** A deterministic cluster of 20 namespaces × 50 pods and 200 policies of every peer and port shape. */
function bigCluster(): Cluster {
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

describe('performance', () => {
  it('evaluates 1,000 pods × 200 policies at well over 10,000 connections per second', () => {
    const t0 = performance.now();
    const cluster = bigCluster();
    expect(checkCluster(cluster)).toEqual([]); // compiles and caches the indexes
    const compileMs = performance.now() - t0;

    const refs = cluster.pods.map((p) => `${p.namespace}/${p.name}`);
    const connections: Connection[] = [];
    let seed = 42;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const ports = [53, 443, 8000, 8001, 8003, 9050, 9200] as const;
    for (let i = 0; i < 50_000; i++) {
      const port = ports[next(ports.length)] as number;
      connections.push({
        from: i % 10 === 0 ? { ip: `203.0.113.${next(250) + 1}` } : { pod: refs[next(refs.length)] as string },
        to: i % 10 === 5 ? { ip: `198.51.100.${next(250) + 1}` } : { pod: refs[next(refs.length)] as string },
        protocol: port === 53 ? 'UDP' : 'TCP',
        port,
      });
    }
    const t1 = performance.now();
    let allowedCount = 0;
    for (const conn of connections) if (isAllowed(cluster, conn).allowed) allowedCount++;
    const perSecond = connections.length / ((performance.now() - t1) / 1000);

    const t2 = performance.now();
    const m = connectivityMatrix(cluster, [{ protocol: 'TCP', port: 8001 }]);
    const matrixPerSecond = 1_000_000 / ((performance.now() - t2) / 1000);

    console.log(
      `netpol perf: compile ${compileMs.toFixed(0)} ms; isAllowed ${Math.round(perSecond)}/s ` +
        `(${allowedCount} of ${connections.length} allowed); matrix ${Math.round(matrixPerSecond)} cells/s`,
    );
    expect(allowedCount).toBeGreaterThan(0);
    expect(allowedCount).toBeLessThan(connections.length);
    expect(m.endpoints).toHaveLength(1000);
    expect(perSecond).toBeGreaterThan(10_000);
    expect(matrixPerSecond).toBeGreaterThan(50_000);
  });
});
