/**
 * The cross-object references the language knows (docs/language/references.md): which field of which kinds names
 * which object. One table, read by the checker (what may be written), the semantics (what is looked up) and the
 * backends (what they emit); the engines never read it, they follow the emitted lookups.
 */

/** Where one possible target of a reference lives: its apiVersion, kind and whether it is namespaced. */
export interface ReferenceTarget {
  readonly apiVersion: string;
  readonly kind: string;
  /**
   * `same-namespace`: the object of that name in the referring object's namespace (a RoleBinding's Role);
   * `cluster`: the cluster-scoped object of that name.
   */
  readonly scope: 'cluster' | 'same-namespace';
  /** The lowercase plural of the kind, as the API server's URL paths spell it. */
  readonly resource: string;
}

export interface ReferenceSpec {
  /** The IR's name of the reference. */
  readonly kind: ReferenceKind;
  /** The name written in policies: `role referenced by roleRef`, `storage class referenced by …`. */
  readonly name: string;
  /** The referring field; the only one this reference reads from. */
  readonly path: readonly string[];
  /**
   * `kind-and-name`: the target is chosen by `<path>.kind` and named by `<path>.name` (a roleRef);
   * `api-version-kind-and-name`: chosen by `<path>.apiVersion` and `<path>.kind` together, each equal to the
   * target's, and named by `<path>.name` (an HPA's scaleTargetRef); `name`: the field is the name of the only target
   * (a storageClassName).
   */
  readonly by: 'kind-and-name' | 'api-version-kind-and-name' | 'name';
  /**
   * The kinds that carry the referring field: at the object, or (`list`) in each element of that list of the object
   * (a StatefulSet's volumeClaimTemplates), read inside `every item in LIST has …`.
   */
  readonly from: readonly { readonly apiVersion: string; readonly kind: string; readonly list?: readonly string[] }[];
  /** The targets (chosen by `<path>.kind`, or `<path>.apiVersion` and `<path>.kind`; any other names nothing). */
  readonly targets: readonly ReferenceTarget[];
  /** What the referenced object is, for the checker (its known-field table) and messages. */
  readonly targetKinds: readonly string[];
}

export type ReferenceKind = 'role' | 'storage-class' | 'scale-target';

const RBAC = 'rbac.authorization.k8s.io/v1';

/**
 * `role referenced by roleRef`: a RoleBinding's or ClusterRoleBinding's roleRef names a ClusterRole by name, or
 * (RoleBinding only) a Role in the binding's own namespace (Kubernetes RBAC: "RoleBinding and ClusterRoleBinding").
 * roleRef.apiGroup is not read: the API server accepts only rbac.authorization.k8s.io before admission.
 */
export const roleReference: ReferenceSpec = {
  kind: 'role',
  name: 'role',
  path: ['roleRef'],
  by: 'kind-and-name',
  from: [
    { apiVersion: RBAC, kind: 'RoleBinding' },
    { apiVersion: RBAC, kind: 'ClusterRoleBinding' },
  ],
  targets: [
    { apiVersion: RBAC, kind: 'ClusterRole', scope: 'cluster', resource: 'clusterroles' },
    { apiVersion: RBAC, kind: 'Role', scope: 'same-namespace', resource: 'roles' },
  ],
  targetKinds: ['Role', 'ClusterRole'],
};

/**
 * `storage class referenced by spec.storageClassName`: a PersistentVolumeClaim's storageClassName, and each of a
 * StatefulSet's volumeClaimTemplates', names a StorageClass (cluster-scoped) by name (Kubernetes "Storage Classes",
 * PersistentVolumeClaimSpec.storageClassName).
 */
export const storageClassReference: ReferenceSpec = {
  kind: 'storage-class',
  name: 'storage class',
  path: ['spec', 'storageClassName'],
  by: 'name',
  from: [
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
    { apiVersion: 'apps/v1', kind: 'StatefulSet', list: ['spec', 'volumeClaimTemplates'] },
  ],
  targets: [{ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', scope: 'cluster', resource: 'storageclasses' }],
  targetKinds: ['StorageClass'],
};

/**
 * `scale target referenced by spec.scaleTargetRef`: a HorizontalPodAutoscaler's scaleTargetRef (a
 * CrossVersionObjectReference: apiVersion, kind, name) names the object it scales, in the HPA's own namespace. The
 * targets are the built-in kinds with a scale subresource (Kubernetes "Horizontal Pod Autoscaling": Deployment,
 * StatefulSet, ReplicaSet, ReplicationController), chosen by apiVersion and kind exactly as written, as
 * Gatekeeper's data.inventory keys them. The API server requires kind and name before admission (autoscaling
 * validation, ValidateCrossVersionObjectReference); apiVersion is optional, and a reference without it names nothing.
 */
export const scaleTargetReference: ReferenceSpec = {
  kind: 'scale-target',
  name: 'scale target',
  path: ['spec', 'scaleTargetRef'],
  by: 'api-version-kind-and-name',
  from: [
    { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
    { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler' },
  ],
  targets: [
    { apiVersion: 'apps/v1', kind: 'Deployment', scope: 'same-namespace', resource: 'deployments' },
    { apiVersion: 'apps/v1', kind: 'StatefulSet', scope: 'same-namespace', resource: 'statefulsets' },
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', scope: 'same-namespace', resource: 'replicasets' },
    { apiVersion: 'v1', kind: 'ReplicationController', scope: 'same-namespace', resource: 'replicationcontrollers' },
  ],
  targetKinds: ['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController'],
};

export const referenceTargets: Readonly<Record<ReferenceKind, ReferenceSpec>> = { role: roleReference, 'storage-class': storageClassReference, 'scale-target': scaleTargetReference };
