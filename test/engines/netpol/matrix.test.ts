import { describe, expect, it } from 'vitest';
import { connectivityMatrix, renderMatrix } from '../../../src/engines/netpol/index.js';
import { dedent, load } from './harness.js';

const cluster = load(`
  apiVersion: v1
  kind: Pod
  metadata: { name: web, namespace: shop, labels: { app: web } }
  status: { podIP: 10.9.0.1 }
  ---
  apiVersion: v1
  kind: Pod
  metadata: { name: db, namespace: shop, labels: { app: db } }
  status: { podIP: 10.9.0.2 }
  ---
  apiVersion: v1
  kind: Pod
  metadata: { name: job, namespace: batch }
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: { name: db-from-web, namespace: shop }
  spec:
    podSelector: { matchLabels: { app: db } }
    ingress:
      - from: [{ podSelector: { matchLabels: { app: web } } }]
        ports: [{ port: 5432 }]
`);

describe('connectivityMatrix', () => {
  it('lists every pod, sorted, then the external addresses', () => {
    const m = connectivityMatrix(cluster, [{ protocol: 'TCP', port: 5432 }], { externalIps: ['192.0.2.1'] });
    expect(m.endpoints).toEqual(['batch/job', 'shop/db', 'shop/web', '192.0.2.1']);
    // column 1 is shop/db: only shop/web may reach it; every other cell is allowed
    expect(m.allowed[0]?.map((row) => row[1])).toEqual([false, false, true, false]);
    expect(m.allowed[0]?.every((row, i) => row.every((ok, j) => ok || (j === 1 && i !== 2)))).toBe(true);
  });

  it('computes one table per probe, in the order given', () => {
    const m = connectivityMatrix(
      cluster,
      [
        { protocol: 'TCP', port: 5432 },
        { protocol: 'UDP', port: 5432 },
      ],
      { pods: ['shop/web', 'shop/db'] },
    );
    // rows are sources, columns destinations: [web, db]; db accepts TCP 5432 from web only
    expect(m.allowed).toEqual([
      [
        [true, true],
        [true, false],
      ],
      [
        [true, false],
        [true, false],
      ],
    ]);
  });

  it('renders a readable truth table', () => {
    const m = connectivityMatrix(
      cluster,
      [
        { protocol: 'TCP', port: 5432 },
        { protocol: 'UDP', port: 53 },
      ],
      { pods: ['shop/web', 'shop/db'], externalIps: ['192.0.2.1'] },
    );
    expect(renderMatrix(m)).toBe(
      dedent(`
        TCP/5432: 7 of 9 allowed (. allowed, X denied)
        from\\to   | shop/web  | shop/db   | 192.0.2.1
        shop/web  |     .     |     .     |     .
        shop/db   |     .     |     X     |     .
        192.0.2.1 |     .     |     X     |     .

        UDP/53: 6 of 9 allowed (. allowed, X denied)
        from\\to   | shop/web  | shop/db   | 192.0.2.1
        shop/web  |     .     |     X     |     .
        shop/db   |     .     |     X     |     .
        192.0.2.1 |     .     |     X     |     .
      `),
    );
  });
});
