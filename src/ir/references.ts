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
  /** The name written in policies: `role referenced by roleRef`. */
  readonly name: 'role';
  /** The referring field; the only one this reference reads from. */
  readonly path: readonly string[];
  /** The kinds that carry the referring field. */
  readonly from: readonly { readonly apiVersion: string; readonly kind: string }[];
  /** The targets, chosen by `<path>.kind`; the name is `<path>.name`. Any other kind names nothing. */
  readonly targets: readonly ReferenceTarget[];
  /** What the referenced object is, for the checker (its known-field table) and messages. */
  readonly targetKinds: readonly string[];
}

const RBAC = 'rbac.authorization.k8s.io/v1';

/**
 * `role referenced by roleRef`: a RoleBinding's or ClusterRoleBinding's roleRef names a ClusterRole by name, or
 * (RoleBinding only) a Role in the binding's own namespace (Kubernetes RBAC: "RoleBinding and ClusterRoleBinding").
 * roleRef.apiGroup is not read: the API server accepts only rbac.authorization.k8s.io before admission.
 */
export const roleReference: ReferenceSpec = {
  name: 'role',
  path: ['roleRef'],
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

export const referenceTargets: Readonly<Record<'role', ReferenceSpec>> = { role: roleReference };
