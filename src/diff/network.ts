import { connectionAllowed, type NetCluster, type NetConnection, type NetEndpoint, type NetVerdict } from '../eval/index.js';
import type { NetworkSet } from '../ir/index.js';
import { clusterFor } from '../verify/network.js';

/** A connection whose verdict changes, with what allowed it in each version. */
export interface ConnectionChange {
  /** `namespace/pod (workload or labels)` or an IP address. */
  readonly from: string;
  readonly to: string;
  readonly protocol: string;
  readonly port: number;
  readonly change: 'newly-allowed' | 'newly-denied';
  readonly old: string;
  readonly new: string;
}

export interface NetworkChanges {
  /** Connections compared (every pair of endpoints of the probe cluster, at every probe port). */
  readonly connections: number;
  readonly newlyAllowed: number;
  readonly newlyDenied: number;
  /** At most `limit` of each direction. */
  readonly changes: readonly ConnectionChange[];
}

function reason(v: NetVerdict): string {
  if (v.allowed) return `allowed (egress: ${v.egress.by.join(', ')}; ingress: ${v.ingress.by.join(', ')})`;
  const sides = [...(v.egress.allowed ? [] : ['egress']), ...(v.ingress.allowed ? [] : ['ingress'])];
  return `denied (${sides.join(' and ')} isolated, no flow allows it)`;
}

function describe(cluster: NetCluster, sets: readonly NetworkSet[], e: NetEndpoint): string {
  if ('ip' in e) return e.ip;
  const pod = cluster.pods.find((p) => `${p.namespace}/${p.name}` === e.pod);
  if (!pod) return e.pod;
  const workload = sets.flatMap((s) => s.workloads).find((w) => w.namespace === pod.namespace && Object.entries(w.labels).every(([k, v]) => pod.labels[k] === v));
  const labels = Object.entries(pod.labels).map(([k, v]) => `${k}=${v}`).join(',');
  return `${e.pod} (${workload ? `workload ${workload.name}` : labels ? labels : 'no labels'})`;
}

/**
 * Connections newly allowed or denied, decided by the reference semantics over a probe cluster built from
 * both versions' intents (clusterFor), so pods, CIDRs and ports of either version are exercised.
 */
export function networkChanges(before: readonly NetworkSet[], after: readonly NetworkSet[], limit = 25): NetworkChanges | undefined {
  if (!before.length && !after.length) return undefined;
  const both = [...before, ...after];
  const { cluster, externals, ports } = clusterFor(both);
  const endpoints: NetEndpoint[] = [...cluster.pods.map((p) => ({ pod: `${p.namespace}/${p.name}` })), ...externals.map((ip) => ({ ip }))];
  const changes: ConnectionChange[] = [];
  let connections = 0;
  let newlyAllowed = 0;
  let newlyDenied = 0;
  for (const from of endpoints) {
    for (const to of endpoints) {
      if (from === to || (!('pod' in from) && !('pod' in to))) continue;
      for (const probe of ports) {
        const conn: NetConnection = { from, to, protocol: probe.protocol, port: probe.port };
        connections++;
        const a = connectionAllowed(before, cluster, conn);
        const b = connectionAllowed(after, cluster, conn);
        if (a.allowed === b.allowed) continue;
        const change = b.allowed ? 'newly-allowed' : 'newly-denied';
        const count = change === 'newly-allowed' ? ++newlyAllowed : ++newlyDenied;
        if (count <= limit) changes.push({ from: describe(cluster, both, from), to: describe(cluster, both, to), protocol: probe.protocol, port: probe.port, change, old: reason(a), new: reason(b) });
      }
    }
  }
  return { connections, newlyAllowed, newlyDenied, changes };
}
