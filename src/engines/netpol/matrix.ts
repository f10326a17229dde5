import type { Cluster, Protocol } from './cluster.js';
import { compiled } from './compile.js';
import { resolve, sideAllows, type Resolved } from './evaluate.js';

export interface Probe {
  readonly protocol: Protocol;
  readonly port: number;
}

export interface MatrixOptions {
  /** Pods (`namespace/name`) to include, in this order; default every pod, sorted by namespace then name. */
  readonly pods?: readonly string[];
  /** Addresses outside the cluster to add after the pods, as both sources and destinations. */
  readonly externalIps?: readonly string[];
}

/**
 * Reachability between every pair of endpoints for each probe, like the upstream netpol e2e
 * "truth tables". `allowed[p][i][j]`: endpoint i may open probe p's connection to endpoint j.
 */
export interface Matrix {
  readonly endpoints: readonly string[];
  readonly probes: readonly Probe[];
  readonly allowed: readonly (readonly (readonly boolean[])[])[];
}

export function connectivityMatrix(cluster: Cluster, probes: readonly Probe[], opts: MatrixOptions = {}): Matrix {
  const c = compiled(cluster);
  const pods = opts.pods ?? c.pods.map((p) => p.ref).sort(compareRefs);
  const endpoints = [...pods, ...(opts.externalIps ?? [])];
  const resolved: Resolved[] = [
    ...pods.map((pod) => resolve(c, { pod })),
    ...(opts.externalIps ?? []).map((ip) => resolve(c, { ip })),
  ];
  const allowed = probes.map(({ protocol, port }) =>
    resolved.map((from) =>
      resolved.map(
        (to) =>
          sideAllows(c, c.egress, from, to, to, protocol, port) &&
          sideAllows(c, c.ingress, to, from, to, protocol, port),
      ),
    ),
  );
  return { endpoints, probes, allowed };
}

/**
 * A text table per probe: rows are sources, columns destinations; `.` allowed, `X` denied
 * (the notation of the upstream netpol e2e reachability tables).
 */
export function renderMatrix(m: Matrix): string {
  const corner = 'from\\to';
  const width = Math.max(corner.length, ...m.endpoints.map((e) => e.length));
  const cellWidth = Math.max(1, ...m.endpoints.map((e) => e.length));
  const pad = (text: string, n: number): string => text + ' '.repeat(Math.max(0, n - text.length));
  const center = (text: string, n: number): string => {
    const left = Math.floor((n - text.length) / 2);
    return pad(' '.repeat(Math.max(0, left)) + text, n);
  };
  return m.probes
    .map((probe, p) => {
      const rows = m.allowed[p] ?? [];
      const count = rows.reduce((sum, row) => sum + row.filter(Boolean).length, 0);
      const header = `${pad(corner, width)} | ${m.endpoints.map((e) => pad(e, cellWidth)).join(' | ')}`;
      const lines = rows.map(
        (row, i) =>
          `${pad(m.endpoints[i] ?? '', width)} | ${row.map((ok) => center(ok ? '.' : 'X', cellWidth)).join(' | ')}`,
      );
      const total = m.endpoints.length * m.endpoints.length;
      return [`${probe.protocol}/${probe.port}: ${count} of ${total} allowed (. allowed, X denied)`, header, ...lines]
        .map((line) => line.trimEnd())
        .join('\n');
    })
    .join('\n\n')
    .concat('\n');
}

function compareRefs(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
