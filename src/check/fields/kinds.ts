import { anyValue, bool, int, labelSelector, list, localRef, obj, objectMetaSchema, objectSchema, str, strList, strMap, withDoc } from './meta.js';
import { podSchema, podTemplateSchema, pvcSpecSchema } from './pod.js';
import type { FieldSchema, KnownKind } from './schema.js';

// The kinds a policy may name with `applies to`, from the Kubernetes API reference
// (https://kubernetes.io/docs/reference/kubernetes-api/) and the Dapr component schema
// (https://docs.dapr.io/reference/resource-specs/component-schema/). Status is never policy input and is left out.

/** rbac/v1 PolicyRule. */
export const policyRuleSchema: FieldSchema = obj({
  verbs: strList,
  apiGroups: strList,
  resources: strList,
  resourceNames: strList,
  nonResourceURLs: strList,
});

/** rbac/v1 Subject. */
export const rbacSubjectSchema: FieldSchema = obj({
  kind: withDoc(str, 'User, Group or ServiceAccount'),
  apiGroup: str,
  name: str,
  namespace: str,
});

const roleRef = obj({ apiGroup: str, kind: str, name: str });
const objectReference = obj({ apiVersion: str, kind: str, name: str, namespace: str, uid: str, resourceVersion: str, fieldPath: str });

const serviceSpec = obj({
  ports: list({ name: str, protocol: str, appProtocol: str, port: int, targetPort: withDoc(anyValue, 'port number or name'), nodePort: int }),
  selector: strMap,
  clusterIP: str,
  clusterIPs: strList,
  type: withDoc(str, 'ClusterIP, NodePort, LoadBalancer or ExternalName'),
  externalIPs: strList,
  sessionAffinity: str,
  loadBalancerIP: str,
  loadBalancerSourceRanges: strList,
  externalName: str,
  externalTrafficPolicy: str,
  healthCheckNodePort: int,
  publishNotReadyAddresses: bool,
  sessionAffinityConfig: obj({ clientIP: obj({ timeoutSeconds: int }) }),
  ipFamilies: strList,
  ipFamilyPolicy: str,
  allocateLoadBalancerNodePorts: bool,
  loadBalancerClass: str,
  internalTrafficPolicy: str,
  trafficDistribution: str,
});

const ingressBackend = obj({
  service: obj({ name: str, port: obj({ name: str, number: int }) }),
  resource: obj({ apiGroup: str, kind: str, name: str }),
});
const ingressSpec = obj({
  ingressClassName: str,
  defaultBackend: ingressBackend,
  tls: list({ hosts: strList, secretName: str }),
  rules: list({ host: str, http: obj({ paths: list({ path: str, pathType: str, backend: ingressBackend }) }) }),
});

const networkPolicyPeer = { podSelector: labelSelector, namespaceSelector: labelSelector, ipBlock: obj({ cidr: str, except: strList }) };
const networkPolicyPorts = list({ protocol: str, port: withDoc(anyValue, 'port number or name'), endPort: int });
const networkPolicySpec = obj({
  podSelector: labelSelector,
  policyTypes: strList,
  ingress: list({ from: list(networkPolicyPeer), ports: networkPolicyPorts }),
  egress: list({ to: list(networkPolicyPeer), ports: networkPolicyPorts }),
});

const rollingUpdate = obj({ maxUnavailable: withDoc(anyValue, 'count or percentage'), maxSurge: withDoc(anyValue, 'count or percentage') });

const deploymentSpec = obj({
  replicas: int,
  selector: labelSelector,
  template: podTemplateSchema,
  strategy: obj({ type: withDoc(str, 'Recreate or RollingUpdate'), rollingUpdate }),
  minReadySeconds: int,
  revisionHistoryLimit: int,
  paused: bool,
  progressDeadlineSeconds: int,
});

const statefulSetSpec = obj({
  replicas: int,
  selector: labelSelector,
  template: podTemplateSchema,
  volumeClaimTemplates: { type: 'object-list', element: objectSchema({ spec: pvcSpecSchema }) },
  serviceName: str,
  podManagementPolicy: withDoc(str, 'OrderedReady or Parallel'),
  updateStrategy: obj({ type: str, rollingUpdate: obj({ partition: int, maxUnavailable: withDoc(anyValue, 'count or percentage') }) }),
  revisionHistoryLimit: int,
  minReadySeconds: int,
  persistentVolumeClaimRetentionPolicy: obj({ whenDeleted: str, whenScaled: str }),
  ordinals: obj({ start: int }),
});

const daemonSetSpec = obj({
  selector: labelSelector,
  template: podTemplateSchema,
  updateStrategy: obj({ type: withDoc(str, 'RollingUpdate or OnDelete'), rollingUpdate }),
  minReadySeconds: int,
  revisionHistoryLimit: int,
});

const replicaSetSpec = obj({ replicas: int, minReadySeconds: int, selector: labelSelector, template: podTemplateSchema });
/** core/v1 ReplicationControllerSpec: its selector is a plain map of labels. */
const replicationControllerSpec = obj({ replicas: int, minReadySeconds: int, selector: strMap, template: podTemplateSchema });

const jobSpec = obj({
  parallelism: int,
  completions: int,
  activeDeadlineSeconds: int,
  podFailurePolicy: obj({
    rules: list({
      action: withDoc(str, 'FailJob, FailIndex, Ignore or Count'),
      onExitCodes: obj({ containerName: str, operator: str, values: withDoc(anyValue, 'list of exit codes') }),
      onPodConditions: list({ type: str, status: str }),
    }),
  }),
  successPolicy: obj({ rules: list({ succeededIndexes: str, succeededCount: int }) }),
  backoffLimit: int,
  backoffLimitPerIndex: int,
  maxFailedIndexes: int,
  selector: labelSelector,
  manualSelector: bool,
  template: podTemplateSchema,
  ttlSecondsAfterFinished: int,
  completionMode: withDoc(str, 'NonIndexed or Indexed'),
  suspend: bool,
  podReplacementPolicy: withDoc(str, 'TerminatingOrFailed or Failed'),
  managedBy: str,
});

const cronJobSpec = obj({
  schedule: str,
  timeZone: str,
  startingDeadlineSeconds: int,
  concurrencyPolicy: withDoc(str, 'Allow, Forbid or Replace'),
  suspend: bool,
  jobTemplate: obj({ metadata: objectMetaSchema, spec: jobSpec }),
  successfulJobsHistoryLimit: int,
  failedJobsHistoryLimit: int,
});

/** autoscaling/v2 and v1 CrossVersionObjectReference: the object an HPA scales (kind and name required by the API server). */
const crossVersionObjectReference = obj({ apiVersion: str, kind: str, name: str });
const hpaSpecV2 = obj({
  scaleTargetRef: crossVersionObjectReference,
  minReplicas: int,
  maxReplicas: int,
  metrics: withDoc(anyValue, 'list of MetricSpec'),
  behavior: withDoc(anyValue, 'HorizontalPodAutoscalerBehavior'),
});
const hpaSpecV1 = obj({ scaleTargetRef: crossVersionObjectReference, minReplicas: int, maxReplicas: int, targetCPUUtilizationPercentage: int });

/** Dapr Component (dapr.io/v1alpha1). */
const daprComponentSchema = objectSchema({
  auth: obj({ secretStore: withDoc(str, 'secret store that secretKeyRef entries read from') }),
  scopes: withDoc(strList, 'app ids allowed to load the component'),
  spec: obj({
    type: str,
    version: str,
    ignoreErrors: bool,
    initTimeout: str,
    metadata: list({ name: str, value: withDoc(anyValue, 'string or any JSON value'), secretKeyRef: obj({ name: str, key: str }) }),
  }),
});

function kind(group: string, version: string, name: string, namespaced: boolean, schema: FieldSchema): KnownKind {
  return { group, version, kind: name, namespaced, schema };
}

export const knownKinds: readonly KnownKind[] = [
  kind('', 'v1', 'Pod', true, podSchema),
  kind('', 'v1', 'Namespace', false, objectSchema({ spec: obj({ finalizers: strList }) })),
  kind('', 'v1', 'Service', true, objectSchema({ spec: serviceSpec })),
  kind('', 'v1', 'ServiceAccount', true, objectSchema({
    secrets: { type: 'object-list', element: objectReference },
    imagePullSecrets: { type: 'object-list', element: localRef },
    automountServiceAccountToken: bool,
  })),
  kind('', 'v1', 'ConfigMap', true, objectSchema({ data: strMap, binaryData: strMap, immutable: bool })),
  kind('', 'v1', 'Secret', true, objectSchema({ type: str, data: strMap, stringData: strMap, immutable: bool })),
  kind('', 'v1', 'PersistentVolumeClaim', true, objectSchema({ spec: pvcSpecSchema })),
  kind('', 'v1', 'ReplicationController', true, objectSchema({ spec: replicationControllerSpec })),
  kind('apps', 'v1', 'Deployment', true, objectSchema({ spec: deploymentSpec })),
  kind('apps', 'v1', 'StatefulSet', true, objectSchema({ spec: statefulSetSpec })),
  kind('apps', 'v1', 'DaemonSet', true, objectSchema({ spec: daemonSetSpec })),
  kind('apps', 'v1', 'ReplicaSet', true, objectSchema({ spec: replicaSetSpec })),
  kind('batch', 'v1', 'Job', true, objectSchema({ spec: jobSpec })),
  kind('batch', 'v1', 'CronJob', true, objectSchema({ spec: cronJobSpec })),
  kind('rbac.authorization.k8s.io', 'v1', 'Role', true, objectSchema({ rules: { type: 'object-list', element: policyRuleSchema } })),
  kind('rbac.authorization.k8s.io', 'v1', 'ClusterRole', false, objectSchema({
    rules: { type: 'object-list', element: policyRuleSchema },
    aggregationRule: obj({ clusterRoleSelectors: { type: 'object-list', element: labelSelector } }),
  })),
  kind('rbac.authorization.k8s.io', 'v1', 'RoleBinding', true, objectSchema({ subjects: { type: 'object-list', element: rbacSubjectSchema }, roleRef })),
  kind('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', false, objectSchema({ subjects: { type: 'object-list', element: rbacSubjectSchema }, roleRef })),
  kind('autoscaling', 'v2', 'HorizontalPodAutoscaler', true, objectSchema({ spec: hpaSpecV2 })),
  kind('autoscaling', 'v1', 'HorizontalPodAutoscaler', true, objectSchema({ spec: hpaSpecV1 })),
  kind('networking.k8s.io', 'v1', 'Ingress', true, objectSchema({ spec: ingressSpec })),
  kind('networking.k8s.io', 'v1', 'NetworkPolicy', true, objectSchema({ spec: networkPolicySpec })),
  kind('dapr.io', 'v1alpha1', 'Component', true, daprComponentSchema),
];
