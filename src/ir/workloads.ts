/**
 * What a `workloads Kind "ns/name"` exception exempts besides the workload itself (semantics §1.5,
 * docs/language/exceptions.md): the objects the workload's controllers create, each recognised by what a user
 * cannot forge, the request's user (the kube-controller-manager controller that creates such objects) together
 * with the object's controller ownerReference.
 *
 * Kubernetes sources: the controllers' clients are named in cmd/kube-controller-manager/app (`ClientOrDie(
 * "daemon-set-controller")` …) and run as `system:serviceaccount:kube-system:<name>`, or as
 * `system:kube-controller-manager` without `--use-service-account-credentials`; the owner reference is
 * `metav1.NewControllerRef(owner, kind)` (controller: true); a Deployment names its ReplicaSets
 * `<deployment>-<pod-template-hash>` (pkg/controller/deployment/sync.go), a CronJob its Jobs
 * `<cronjob>-<scheduled time in minutes>` (pkg/controller/cronjob/utils.go `getJobName`).
 */
export interface OwnedLevel {
  /** The owned object's apiVersion and kind. */
  readonly apiVersion: string;
  readonly kind: string;
  /**
   * Its controller ownerReference: apiVersion, kind, and the owner's name: the workload's own (`exact`), or one
   * the workload's controller generated from it (`generated`: the workload's name, `-`, then a suffix without `-`).
   */
  readonly owner: { readonly apiVersion: string; readonly kind: string; readonly name: 'exact' | 'generated' };
  /** The kube-system service account of the controller that creates the object. */
  readonly controller: string;
}

export const controllerManagerUser = 'system:kube-controller-manager';

const pod = (apiVersion: string, kind: string, controller: string, name: 'exact' | 'generated' = 'exact'): OwnedLevel => ({
  apiVersion: 'v1',
  kind: 'Pod',
  owner: { apiVersion, kind, name },
  controller,
});

const levels: Readonly<Record<string, readonly OwnedLevel[]>> = {
  Pod: [],
  DaemonSet: [pod('apps/v1', 'DaemonSet', 'daemon-set-controller')],
  StatefulSet: [pod('apps/v1', 'StatefulSet', 'statefulset-controller')],
  ReplicaSet: [pod('apps/v1', 'ReplicaSet', 'replicaset-controller')],
  Job: [pod('batch/v1', 'Job', 'job-controller')],
  Deployment: [
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', owner: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'exact' }, controller: 'deployment-controller' },
    pod('apps/v1', 'ReplicaSet', 'replicaset-controller', 'generated'),
  ],
  CronJob: [
    { apiVersion: 'batch/v1', kind: 'Job', owner: { apiVersion: 'batch/v1', kind: 'CronJob', name: 'exact' }, controller: 'cronjob-controller' },
    pod('batch/v1', 'Job', 'job-controller', 'generated'),
  ],
};

/** The objects a workload of this kind owns through its controllers (none for a Pod or an unknown kind). */
export function ownedLevels(kind: string): readonly OwnedLevel[] {
  return levels[kind] ?? [];
}

/** The usernames a request creating or changing an object of this level comes from. */
export function controllerUsernames(level: OwnedLevel): readonly string[] {
  return [`system:serviceaccount:kube-system:${level.controller}`, controllerManagerUser];
}

/** Whether `owner` names the workload as the level expects: the same name, or `<workload>-<suffix without ->`. */
export function ownerNameMatches(level: OwnedLevel, workload: string, owner: string): boolean {
  if (level.owner.name === 'exact') return owner === workload;
  const prefix = `${workload}-`;
  return owner.startsWith(prefix) && owner.length > prefix.length && !owner.slice(prefix.length).includes('-');
}
