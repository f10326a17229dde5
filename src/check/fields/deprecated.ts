/**
 * API versions of built-in groups that Kubernetes has stopped serving, with the kinds each served, as the
 * "Deprecated API Migration Guide" lists them (kubernetes.io/docs/reference/using-api/deprecation-guide, "Removed
 * APIs by release", v1.16 to v1.29) and the v1.16 announcement (kubernetes.io/blog/2019/07/18/api-deprecations-in-1-16).
 * `applies to "apps/v1beta1" Deployment` names such a version on purpose (a rule that catches manifests still
 * written against it, as gatekeeper-library's VerifyDeprecatedAPI does), so the checker accepts exactly these
 * pairs in the groups whose kinds it otherwise knows; any other unknown version or kind there stays a typo (SP1010).
 * Their fields are not typed (the removed schemas differ from the served ones): paths are accepted as written.
 */
export interface RemovedVersion {
  readonly group: string;
  readonly version: string;
  readonly kinds: readonly string[];
  /** The release that stopped serving it. */
  readonly removedIn: string;
}

const removed = (group: string, version: string, removedIn: string, kinds: readonly string[]): RemovedVersion => ({ group, version, kinds, removedIn });

export const removedVersions: readonly RemovedVersion[] = [
  removed('extensions', 'v1beta1', '1.16', ['DaemonSet', 'Deployment', 'NetworkPolicy', 'PodSecurityPolicy', 'ReplicaSet']),
  removed('apps', 'v1beta1', '1.16', ['Deployment', 'ReplicaSet', 'StatefulSet']),
  removed('apps', 'v1beta2', '1.16', ['DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet']),
  removed('scheduling.k8s.io', 'v1beta1', '1.22', ['PriorityClass']),
  removed('admissionregistration.k8s.io', 'v1beta1', '1.22', ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']),
  removed('apiextensions.k8s.io', 'v1beta1', '1.22', ['CustomResourceDefinition']),
  removed('apiregistration.k8s.io', 'v1beta1', '1.22', ['APIService']),
  removed('authentication.k8s.io', 'v1beta1', '1.22', ['TokenReview']),
  removed('authorization.k8s.io', 'v1beta1', '1.22', ['LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SubjectAccessReview']),
  removed('certificates.k8s.io', 'v1beta1', '1.22', ['CertificateSigningRequest']),
  removed('coordination.k8s.io', 'v1beta1', '1.22', ['Lease']),
  removed('extensions', 'v1beta1', '1.22', ['Ingress']),
  removed('networking.k8s.io', 'v1beta1', '1.22', ['Ingress', 'IngressClass']),
  removed('rbac.authorization.k8s.io', 'v1beta1', '1.22', ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']),
  removed('storage.k8s.io', 'v1beta1', '1.22', ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment']),
  removed('batch', 'v1beta1', '1.25', ['CronJob']),
  removed('discovery.k8s.io', 'v1beta1', '1.25', ['EndpointSlice']),
  removed('events.k8s.io', 'v1beta1', '1.25', ['Event']),
  removed('autoscaling', 'v2beta1', '1.25', ['HorizontalPodAutoscaler']),
  removed('policy', 'v1beta1', '1.25', ['PodDisruptionBudget', 'PodSecurityPolicy']),
  removed('node.k8s.io', 'v1beta1', '1.25', ['RuntimeClass']),
  removed('flowcontrol.apiserver.k8s.io', 'v1beta1', '1.26', ['FlowSchema', 'PriorityLevelConfiguration']),
  removed('autoscaling', 'v2beta2', '1.26', ['HorizontalPodAutoscaler']),
  removed('storage.k8s.io', 'v1beta1', '1.27', ['CSIStorageCapacity']),
  removed('flowcontrol.apiserver.k8s.io', 'v1beta2', '1.29', ['FlowSchema', 'PriorityLevelConfiguration']),
];

/** The removed version that served this kind, if the migration guide lists it. */
export function findRemovedKind(group: string, version: string, kind: string): RemovedVersion | undefined {
  return removedVersions.find((r) => r.group === group && r.version === version && r.kinds.includes(kind));
}
