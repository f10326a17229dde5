import { referenceTargets, type Reference } from '../ir/index.js';
import { isObject, valueAt } from './values.js';

/**
 * The object a reference names (semantics §3.1), looked up among the cluster objects given beside the request:
 * `role referenced by roleRef` reads roleRef.kind and roleRef.name; a ClusterRole is the cluster-scoped object of
 * that name; `scale target referenced by spec.scaleTargetRef` reads apiVersion, kind and name, the target in the
 * HPA's namespace; `storage class referenced by spec.storageClassName` names the cluster-scoped StorageClass itself, a Role the one of that name in the referring object's namespace. Undefined when the reference names
 * nothing (another kind, a missing or non-string name, a Role without a namespace) or the object is not there.
 */
export function referencedObject(ref: Reference, referrer: unknown, namespace: string | undefined, inventory: readonly unknown[]): unknown {
  const spec = referenceTargets[ref.kind];
  // `name`: the field is the name of the only target (`storage class referenced by spec.storageClassName`).
  const kind = spec.by === 'name' ? spec.targets[0]?.kind : valueAt(referrer, [...ref.path, 'kind']);
  const name = spec.by === 'name' ? valueAt(referrer, ref.path) : valueAt(referrer, [...ref.path, 'name']);
  // `api-version-kind-and-name` (`scale target referenced by spec.scaleTargetRef`): apiVersion chooses too, exactly as written.
  const apiVersion = spec.by === 'api-version-kind-and-name' ? valueAt(referrer, [...ref.path, 'apiVersion']) : undefined;
  const target = spec.targets.find((t) => t.kind === kind && (spec.by !== 'api-version-kind-and-name' || t.apiVersion === apiVersion));
  if (!target || typeof name !== 'string') return undefined;
  if (target.scope === 'same-namespace' && (namespace === undefined || namespace === '')) return undefined;
  return inventory.find((o) => {
    if (!isObject(o) || o['apiVersion'] !== target.apiVersion || o['kind'] !== target.kind || valueAt(o, ['metadata', 'name']) !== name) return false;
    const ns = valueAt(o, ['metadata', 'namespace']);
    const objectNs = typeof ns === 'string' && ns !== '' ? ns : undefined;
    return target.scope === 'cluster' ? objectNs === undefined : objectNs === namespace;
  });
}
