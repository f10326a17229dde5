import type { NetCluster, NetPod } from '../eval/index.js';
import type { Protocol } from '../ir/index.js';

function labelsOf(v: unknown): Record<string, string> {
  if (typeof v !== 'object' || v === null) return {};
  return Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string')) as Record<string, string>;
}

/**
 * The IR side's reading of samples/cluster.yaml: Namespaces (labels, plus kubernetes.io/metadata.name as the
 * API server sets it) and Pods (labels, status.podIP, named container ports). Written here, not borrowed from
 * the NetworkPolicy engine, so the two sides read the cluster independently.
 */
export function netClusterOf(docs: readonly unknown[]): NetCluster {
  const namespaces = new Map<string, Record<string, string>>();
  const pods: NetPod[] = [];
  for (const d of docs) {
    const o = d as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown; labels?: unknown }; spec?: { containers?: unknown }; status?: { podIP?: unknown } };
    const name = typeof o.metadata?.name === 'string' ? o.metadata.name : '';
    if (o.kind === 'Namespace') namespaces.set(name, { ...labelsOf(o.metadata?.labels), 'kubernetes.io/metadata.name': name });
    if (o.kind === 'Pod') {
      const namespace = typeof o.metadata?.namespace === 'string' ? o.metadata.namespace : 'default';
      const ports: NetPod['ports'][number][] = [];
      for (const c of Array.isArray(o.spec?.containers) ? o.spec.containers : []) {
        for (const p of Array.isArray((c as { ports?: unknown }).ports) ? ((c as { ports: unknown[] }).ports) : []) {
          const port = p as { name?: unknown; containerPort?: unknown; protocol?: unknown };
          if (typeof port.containerPort === 'number') ports.push({ port: port.containerPort, protocol: (typeof port.protocol === 'string' ? port.protocol : 'TCP') as Protocol, ...(typeof port.name === 'string' ? { name: port.name } : {}) });
        }
      }
      pods.push({ namespace, name, labels: labelsOf(o.metadata?.labels), ports, ...(typeof o.status?.podIP === 'string' ? { ip: o.status.podIP } : {}) });
      if (!namespaces.has(namespace)) namespaces.set(namespace, { 'kubernetes.io/metadata.name': namespace });
    }
  }
  return { namespaces: [...namespaces.entries()].map(([name, labels]) => ({ name, labels })), pods };
}
