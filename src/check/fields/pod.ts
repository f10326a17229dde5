import {
  anyValue,
  bool,
  int,
  labelSelector,
  list,
  localRef,
  obj,
  objectMetaSchema,
  objectSchema,
  quantity,
  quantityMap,
  storageQuantityMap,
  str,
  strList,
  strMap,
  withDoc,
} from './meta.js';
import type { FieldSchema } from './schema.js';

// core/v1 PodSpec and everything under it, field for field from k8s.io/api core/v1 types.go.
// https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
// Lists of integers (supplementalGroups, exit codes) have no FieldType of their own and are `any`.

const seLinuxOptions = obj({ user: str, role: str, type: str, level: str });
const seccompProfile = obj({ type: withDoc(str, 'RuntimeDefault, Localhost or Unconfined'), localhostProfile: str });
const appArmorProfile = obj({ type: withDoc(str, 'RuntimeDefault, Localhost or Unconfined'), localhostProfile: str });
const windowsOptions = obj({
  gmsaCredentialSpecName: str,
  gmsaCredentialSpec: str,
  runAsUserName: str,
  hostProcess: withDoc(bool, 'run as a Windows host process; needs hostNetwork'),
});

/** SecurityContext (container level). */
const securityContext = obj({
  capabilities: obj({ add: strList, drop: strList }),
  privileged: withDoc(bool, 'processes are root-equivalent on the host'),
  seLinuxOptions,
  windowsOptions,
  runAsUser: int,
  runAsGroup: int,
  runAsNonRoot: bool,
  readOnlyRootFilesystem: bool,
  allowPrivilegeEscalation: withDoc(bool, 'clear to set no_new_privs'),
  procMount: withDoc(str, 'Default or Unmasked'),
  seccompProfile,
  appArmorProfile,
});

/** PodSecurityContext. */
const podSecurityContext = obj({
  seLinuxOptions,
  windowsOptions,
  runAsUser: int,
  runAsGroup: int,
  runAsNonRoot: bool,
  supplementalGroups: withDoc(anyValue, 'list of group ids'),
  supplementalGroupsPolicy: withDoc(str, 'Merge or Strict'),
  fsGroup: int,
  sysctls: list({ name: str, value: str }),
  fsGroupChangePolicy: withDoc(str, 'OnRootMismatch or Always'),
  seccompProfile,
  appArmorProfile,
  seLinuxChangePolicy: withDoc(str, 'MountOption or Recursive'),
});

const keySelector = obj({ name: str, key: str, optional: bool });
const objectFieldSelector = obj({ apiVersion: str, fieldPath: str });
const resourceFieldSelector = obj({ containerName: str, resource: str, divisor: quantity });

/** EnvVar. */
export const envVarSchema: FieldSchema = obj({
  name: str,
  value: str,
  valueFrom: obj({
    fieldRef: objectFieldSelector,
    resourceFieldRef: resourceFieldSelector,
    configMapKeyRef: keySelector,
    secretKeyRef: keySelector,
    fileKeyRef: obj({ volumeName: str, path: str, key: str, optional: bool }),
  }),
});

/** ContainerPort. */
export const containerPortSchema: FieldSchema = obj({
  name: str,
  hostPort: withDoc(int, 'port opened on the node'),
  containerPort: int,
  protocol: withDoc(str, 'TCP, UDP or SCTP'),
  hostIP: str,
});

const httpGet = obj({
  path: str,
  port: withDoc(anyValue, 'port number or name'),
  host: str,
  scheme: withDoc(str, 'HTTP or HTTPS'),
  httpHeaders: list({ name: str, value: str }),
});
const tcpSocket = obj({ port: withDoc(anyValue, 'port number or name'), host: str });
const execAction = obj({ command: strList });

/** Probe: one handler plus timing. */
const probe = obj({
  exec: execAction,
  httpGet,
  tcpSocket,
  grpc: obj({ port: int, service: str }),
  initialDelaySeconds: int,
  timeoutSeconds: int,
  periodSeconds: int,
  successThreshold: int,
  failureThreshold: int,
  terminationGracePeriodSeconds: int,
});

const lifecycleHandler = obj({ exec: execAction, httpGet, tcpSocket, sleep: obj({ seconds: int }) });

const resourceRequirements = obj({
  limits: quantityMap,
  requests: quantityMap,
  claims: list({ name: str, request: str }),
});

const containerFields = {
  name: str,
  image: str,
  command: strList,
  args: strList,
  workingDir: str,
  ports: { type: 'object-list', element: containerPortSchema },
  envFrom: list({ prefix: str, configMapRef: obj({ name: str, optional: bool }), secretRef: obj({ name: str, optional: bool }) }),
  env: { type: 'object-list', element: envVarSchema },
  resources: resourceRequirements,
  resizePolicy: list({ resourceName: str, restartPolicy: str }),
  restartPolicy: withDoc(str, 'Always makes an init container a sidecar'),
  restartPolicyRules: list({ action: str, exitCodes: obj({ operator: str, values: withDoc(anyValue, 'list of exit codes') }) }),
  volumeMounts: list({
    name: str,
    readOnly: bool,
    recursiveReadOnly: withDoc(str, 'Disabled, IfPossible or Enabled'),
    mountPath: str,
    subPath: str,
    mountPropagation: withDoc(str, 'None, HostToContainer or Bidirectional'),
    subPathExpr: str,
  }),
  volumeDevices: list({ name: str, devicePath: str }),
  livenessProbe: probe,
  readinessProbe: probe,
  startupProbe: probe,
  lifecycle: obj({ postStart: lifecycleHandler, preStop: lifecycleHandler, stopSignal: str }),
  terminationMessagePath: str,
  terminationMessagePolicy: withDoc(str, 'File or FallbackToLogsOnError'),
  imagePullPolicy: withDoc(str, 'Always, Never or IfNotPresent'),
  securityContext,
  stdin: bool,
  stdinOnce: bool,
  tty: bool,
} satisfies Record<string, FieldSchema>;

/** Container (also the element of initContainers). */
export const containerSchema: FieldSchema = obj(containerFields);

/** EphemeralContainer: the container fields plus the container whose namespaces it joins. */
const ephemeralContainerSchema = obj({ ...containerFields, targetContainerName: str });

const keyToPath = list({ key: str, path: str, mode: int });
const downwardApiFiles = list({ path: str, fieldRef: objectFieldSelector, resourceFieldRef: resourceFieldSelector, mode: int });

/** PersistentVolumeClaimSpec, embedded by ephemeral volumes and StatefulSet volumeClaimTemplates. */
export const pvcSpecSchema: FieldSchema = obj({
  accessModes: strList,
  selector: labelSelector,
  resources: obj({ limits: storageQuantityMap, requests: storageQuantityMap }),
  volumeName: str,
  storageClassName: str,
  volumeMode: withDoc(str, 'Filesystem or Block'),
  dataSource: obj({ apiGroup: str, kind: str, name: str }),
  dataSourceRef: obj({ apiGroup: str, kind: str, name: str, namespace: str }),
  volumeAttributesClassName: str,
});

/** Volume: a name plus exactly one volume source. */
export const volumeSchema: FieldSchema = obj({
  name: str,
  hostPath: withDoc(obj({ path: str, type: str }), 'a file or directory of the node'),
  emptyDir: obj({ medium: withDoc(str, '"" or Memory'), sizeLimit: quantity }),
  gcePersistentDisk: obj({ pdName: str, fsType: str, partition: int, readOnly: bool }),
  awsElasticBlockStore: obj({ volumeID: str, fsType: str, partition: int, readOnly: bool }),
  gitRepo: obj({ repository: str, revision: str, directory: str }),
  secret: obj({ secretName: str, items: keyToPath, defaultMode: int, optional: bool }),
  nfs: obj({ server: str, path: str, readOnly: bool }),
  iscsi: obj({
    targetPortal: str,
    iqn: str,
    lun: int,
    iscsiInterface: str,
    fsType: str,
    readOnly: bool,
    portals: strList,
    chapAuthDiscovery: bool,
    chapAuthSession: bool,
    secretRef: localRef,
    initiatorName: str,
  }),
  glusterfs: obj({ endpoints: str, path: str, readOnly: bool }),
  persistentVolumeClaim: obj({ claimName: str, readOnly: bool }),
  rbd: obj({ monitors: strList, image: str, fsType: str, pool: str, user: str, keyring: str, secretRef: localRef, readOnly: bool }),
  flexVolume: obj({ driver: str, fsType: str, secretRef: localRef, readOnly: bool, options: strMap }),
  cinder: obj({ volumeID: str, fsType: str, readOnly: bool, secretRef: localRef }),
  cephfs: obj({ monitors: strList, path: str, user: str, secretFile: str, secretRef: localRef, readOnly: bool }),
  flocker: obj({ datasetName: str, datasetUUID: str }),
  downwardAPI: obj({ items: downwardApiFiles, defaultMode: int }),
  fc: obj({ targetWWNs: strList, lun: int, fsType: str, readOnly: bool, wwids: strList }),
  azureFile: obj({ secretName: str, shareName: str, readOnly: bool }),
  configMap: obj({ name: str, items: keyToPath, defaultMode: int, optional: bool }),
  vsphereVolume: obj({ volumePath: str, fsType: str, storagePolicyName: str, storagePolicyID: str }),
  quobyte: obj({ registry: str, volume: str, readOnly: bool, user: str, group: str, tenant: str }),
  azureDisk: obj({ diskName: str, diskURI: str, cachingMode: str, fsType: str, readOnly: bool, kind: str }),
  photonPersistentDisk: obj({ pdID: str, fsType: str }),
  projected: obj({
    sources: list({
      secret: obj({ name: str, items: keyToPath, optional: bool }),
      downwardAPI: obj({ items: downwardApiFiles }),
      configMap: obj({ name: str, items: keyToPath, optional: bool }),
      serviceAccountToken: obj({ audience: str, expirationSeconds: int, path: str }),
      clusterTrustBundle: obj({ name: str, signerName: str, labelSelector, optional: bool, path: str }),
      podCertificate: obj({
        signerName: str,
        keyType: str,
        maxExpirationSeconds: int,
        credentialBundlePath: str,
        keyPath: str,
        certificateChainPath: str,
      }),
    }),
    defaultMode: int,
  }),
  portworxVolume: obj({ volumeID: str, fsType: str, readOnly: bool }),
  scaleIO: obj({
    gateway: str,
    system: str,
    secretRef: localRef,
    sslEnabled: bool,
    protectionDomain: str,
    storagePool: str,
    storageMode: str,
    volumeName: str,
    fsType: str,
    readOnly: bool,
  }),
  storageos: obj({ volumeName: str, volumeNamespace: str, fsType: str, readOnly: bool, secretRef: localRef }),
  csi: obj({ driver: str, readOnly: bool, fsType: str, volumeAttributes: strMap, nodePublishSecretRef: localRef }),
  ephemeral: obj({ volumeClaimTemplate: obj({ metadata: objectMetaSchema, spec: pvcSpecSchema }) }),
  image: withDoc(obj({ reference: str, pullPolicy: str }), 'an OCI image or artifact mounted read-only'),
});

const nodeSelectorTerm = obj({
  matchExpressions: list({ key: str, operator: str, values: strList }),
  matchFields: list({ key: str, operator: str, values: strList }),
});
const podAffinityTerm = obj({
  labelSelector,
  namespaces: strList,
  topologyKey: str,
  namespaceSelector: labelSelector,
  matchLabelKeys: strList,
  mismatchLabelKeys: strList,
});
const podAffinity = obj({
  requiredDuringSchedulingIgnoredDuringExecution: { type: 'object-list', element: podAffinityTerm },
  preferredDuringSchedulingIgnoredDuringExecution: list({ weight: int, podAffinityTerm }),
});
const affinity = obj({
  nodeAffinity: obj({
    requiredDuringSchedulingIgnoredDuringExecution: obj({ nodeSelectorTerms: { type: 'object-list', element: nodeSelectorTerm } }),
    preferredDuringSchedulingIgnoredDuringExecution: list({ weight: int, preference: nodeSelectorTerm }),
  }),
  podAffinity,
  podAntiAffinity: podAffinity,
});

/** PodSpec. */
export const podSpecSchema: FieldSchema = obj({
  volumes: { type: 'object-list', element: volumeSchema },
  initContainers: { type: 'object-list', element: containerSchema },
  containers: { type: 'object-list', element: containerSchema },
  ephemeralContainers: { type: 'object-list', element: ephemeralContainerSchema },
  restartPolicy: withDoc(str, 'Always, OnFailure or Never'),
  terminationGracePeriodSeconds: int,
  activeDeadlineSeconds: int,
  dnsPolicy: withDoc(str, 'ClusterFirstWithHostNet, ClusterFirst, Default or None'),
  nodeSelector: strMap,
  serviceAccountName: str,
  serviceAccount: withDoc(str, 'deprecated alias of serviceAccountName'),
  automountServiceAccountToken: bool,
  nodeName: str,
  hostNetwork: withDoc(bool, "use the node's network namespace"),
  hostPID: withDoc(bool, "use the node's process namespace"),
  hostIPC: withDoc(bool, "use the node's IPC namespace"),
  shareProcessNamespace: bool,
  securityContext: podSecurityContext,
  imagePullSecrets: { type: 'object-list', element: localRef },
  hostname: str,
  subdomain: str,
  affinity,
  schedulerName: str,
  tolerations: list({ key: str, operator: str, value: str, effect: str, tolerationSeconds: int }),
  hostAliases: list({ ip: str, hostnames: strList }),
  priorityClassName: str,
  priority: int,
  dnsConfig: obj({ nameservers: strList, searches: strList, options: list({ name: str, value: str }) }),
  readinessGates: list({ conditionType: str }),
  runtimeClassName: str,
  enableServiceLinks: bool,
  preemptionPolicy: withDoc(str, 'Never or PreemptLowerPriority'),
  overhead: quantityMap,
  topologySpreadConstraints: list({
    maxSkew: int,
    topologyKey: str,
    whenUnsatisfiable: str,
    labelSelector,
    minDomains: int,
    nodeAffinityPolicy: str,
    nodeTaintsPolicy: str,
    matchLabelKeys: strList,
  }),
  setHostnameAsFQDN: bool,
  os: obj({ name: withDoc(str, 'linux or windows') }),
  hostUsers: withDoc(bool, 'false runs the pod in its own user namespace'),
  schedulingGates: list({ name: str }),
  resourceClaims: list({ name: str, resourceClaimName: str, resourceClaimTemplateName: str }),
  resources: resourceRequirements,
  hostnameOverride: str,
});

/** PodTemplateSpec: the `template` of every pod controller. */
export const podTemplateSchema: FieldSchema = obj({ metadata: objectMetaSchema, spec: podSpecSchema });

/** The whole Pod object (status is not policy input and is left out). */
export const podSchema: FieldSchema = objectSchema({ spec: podSpecSchema });
