import type { Cluster, ClusterNamespace, ClusterPod, NetworkPolicy } from './cluster.js';
import { compiled } from './compile.js';
import { checkNamespace, checkPod } from './objects.js';
import { compilePolicy } from './policy.js';
import { isRecord, show } from './util.js';

/** Workload kinds whose pod template becomes one representative pod named `<name>-<kind in lowercase>`. */
export const templatePaths: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/**
 * Builds a Cluster from parsed YAML documents: Namespaces, Pods, workload pod templates and
 * `networking.k8s.io/v1` NetworkPolicies; `List` objects are unpacked and other kinds ignored.
 * Objects the API server would refuse are reported in `errors` and left out; nothing throws.
 * The errors also include `checkCluster`'s findings on the result (such as two pods sharing an IP).
 */
export function loadCluster(docs: readonly unknown[]): { cluster: Cluster; errors: string[] } {
  const errors: string[] = [];
  const namespaces: ClusterNamespace[] = [];
  const pods: ClusterPod[] = [];
  const policies: NetworkPolicy[] = [];
  const seen = new Set<string>();

  const add = (doc: unknown, where: string): void => {
    if (doc === null || doc === undefined) return;
    const local: string[] = [];
    const report = (): void => {
      errors.push(...local.map((e) => `${where}: ${e}`));
    };
    if (!isRecord(doc)) {
      errors.push(`${where}: not a Kubernetes object; ignored`);
      return;
    }
    const kind = doc['kind'];
    if (typeof kind !== 'string') {
      errors.push(`${where}: no kind; ignored`);
      return;
    }
    if (Array.isArray(doc['items']) && kind.endsWith('List')) {
      doc['items'].forEach((item: unknown, i) => add(item, `${where}, item ${i + 1}`));
      return;
    }
    const metadata = isRecord(doc['metadata']) ? doc['metadata'] : {};
    const name = metadata['name'];
    const namespace = metadata['namespace'] ?? 'default';
    const once = (key: string, what: string): boolean => {
      if (!seen.has(key)) {
        seen.add(key);
        return true;
      }
      local.push(`${what} is defined more than once; the first definition is used`);
      return false;
    };

    if (kind === 'Namespace') {
      const ns = checkNamespace({ name, labels: metadata['labels'] }, local);
      if (ns && once(`Namespace ${ns.name}`, `Namespace ${ns.name}`)) namespaces.push(ns);
    } else if (kind === 'Pod') {
      const pod = podFrom(metadata, doc['spec'], doc['status'], name, namespace, local);
      if (pod && once(`Pod ${pod.namespace}/${pod.name}`, `Pod ${pod.namespace}/${pod.name}`)) pods.push(pod);
    } else if (Object.hasOwn(templatePaths, kind)) {
      const template = dig(doc, templatePaths[kind] as readonly string[]);
      if (!isRecord(template)) {
        local.push(`${kind} ${show(name)}: no pod template at ${(templatePaths[kind] as readonly string[]).join('.')}`);
      } else {
        const templateMeta = isRecord(template['metadata']) ? template['metadata'] : {};
        const podName = typeof name === 'string' && name !== '' ? `${name}-${kind.toLowerCase()}` : undefined;
        const pod = podFrom(templateMeta, template['spec'], undefined, podName, namespace, local);
        const ref = pod && `Pod ${pod.namespace}/${pod.name}`;
        if (pod && ref && once(ref, `${ref} (from ${kind} ${show(name)})`)) {
          pods.push(pod);
        }
      }
    } else if (kind === 'NetworkPolicy') {
      const policy = compilePolicy(doc, local);
      if (policy && once(`NetworkPolicy ${policy.ref}`, `NetworkPolicy ${policy.ref}`)) {
        policies.push(doc as unknown as NetworkPolicy);
      }
    } else if (kind.includes('NetworkPolicy')) {
      local.push(`${kind} ${show(name)} is not a networking.k8s.io/v1 NetworkPolicy; ignored`);
    }
    report();
  };
  docs.forEach((doc, i) => add(doc, `document ${i + 1}`));

  const cluster: Cluster = { namespaces, pods, policies };
  errors.push(...compiled(cluster).errors);
  return { cluster, errors };
}

function podFrom(
  metadata: Record<string, unknown>,
  spec: unknown,
  status: unknown,
  name: unknown,
  namespace: unknown,
  errors: string[],
): ClusterPod | undefined {
  const ports: unknown[] = [];
  const containers = isRecord(spec) ? (spec['containers'] ?? []) : [];
  if (!Array.isArray(containers)) {
    errors.push('spec.containers: must be a list');
    return undefined;
  }
  for (const container of containers) {
    const containerPorts = isRecord(container) ? container['ports'] : undefined;
    if (Array.isArray(containerPorts)) ports.push(...containerPorts);
    else if (containerPorts !== undefined && containerPorts !== null) {
      errors.push('spec.containers[].ports: must be a list');
    }
  }
  const ip = isRecord(status) ? status['podIP'] : undefined;
  return checkPod({ name, namespace, labels: metadata['labels'], ports, ...(ip === undefined ? {} : { ip }) }, errors);
}

function dig(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) current = isRecord(current) ? current[key] : undefined;
  return current;
}
