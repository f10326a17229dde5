import { describe, expect, it } from 'vitest';
import {
  closestName,
  containerSchema,
  findKnownKind,
  knownKinds,
  podSchema,
  resolvePath,
  volumeSchema,
  type FieldSchema,
} from '../../src/check/fields/index.js';

function schemaOf(group: string, version: string, kind: string): FieldSchema {
  const known = findKnownKind(group, version, kind);
  if (!known) throw new Error(`unknown kind ${group}/${version}/${kind}`);
  return known.schema;
}

function typeAt(schema: FieldSchema, dotted: string): string {
  const res = resolvePath(schema, dotted.split('.'));
  return res.ok ? res.schema.type : `unknown at ${res.failedAt}`;
}

function suggestionsFor(schema: FieldSchema, dotted: string) {
  const res = resolvePath(schema, dotted.split('.'));
  return res.ok ? undefined : { failedAt: res.failedAt, owner: res.owner, suggestions: res.suggestions };
}

describe('known kinds', () => {
  it.each([
    ['', 'v1', 'Pod', 'spec.securityContext.seccompProfile.type'],
    ['', 'v1', 'Namespace', 'spec.finalizers'],
    ['', 'v1', 'Service', 'spec.externalIPs'],
    ['', 'v1', 'ServiceAccount', 'automountServiceAccountToken'],
    ['', 'v1', 'ConfigMap', 'data'],
    ['', 'v1', 'Secret', 'stringData'],
    ['apps', 'v1', 'Deployment', 'spec.template.spec.hostNetwork'],
    ['apps', 'v1', 'StatefulSet', 'spec.volumeClaimTemplates'],
    ['apps', 'v1', 'DaemonSet', 'spec.template.metadata.labels'],
    ['apps', 'v1', 'ReplicaSet', 'spec.template.spec.containers'],
    ['batch', 'v1', 'Job', 'spec.template.spec.restartPolicy'],
    ['batch', 'v1', 'CronJob', 'spec.jobTemplate.spec.template.spec.hostPID'],
    ['rbac.authorization.k8s.io', 'v1', 'Role', 'rules'],
    ['rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'aggregationRule.clusterRoleSelectors'],
    ['rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'roleRef.kind'],
    ['rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'subjects'],
    ['networking.k8s.io', 'v1', 'Ingress', 'spec.ingressClassName'],
    ['networking.k8s.io', 'v1', 'NetworkPolicy', 'spec.podSelector.matchLabels'],
    ['dapr.io', 'v1alpha1', 'Component', 'auth.secretStore'],
  ])('%s/%s %s resolves %s', (group, version, kind, path) => {
    expect(resolvePath(schemaOf(group, version, kind), path.split('.')).ok).toBe(true);
  });

  it('lists each kind once and only finds exact group, version and kind', () => {
    const keys = knownKinds.map((k) => `${k.group}/${k.version}/${k.kind}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(findKnownKind('apps', 'v1', 'Deployment')?.namespaced).toBe(true);
    expect(findKnownKind('rbac.authorization.k8s.io', 'v1', 'ClusterRole')?.namespaced).toBe(false);
    expect(findKnownKind('', 'v1', 'Deployment')).toBeUndefined();
    expect(findKnownKind('apps', 'v1beta1', 'Deployment')).toBeUndefined();
    expect(findKnownKind('', 'v1', 'pod')).toBeUndefined();
  });

  it('gives every pod controller the full pod spec in its template', () => {
    for (const [group, kind] of [['apps', 'Deployment'], ['apps', 'StatefulSet'], ['apps', 'DaemonSet'], ['apps', 'ReplicaSet'], ['batch', 'Job']] as const) {
      expect(typeAt(schemaOf(group, 'v1', kind), 'spec.template.spec.securityContext.runAsUser')).toBe('integer');
    }
    expect(typeAt(schemaOf('batch', 'v1', 'CronJob'), 'spec.jobTemplate.spec.template.spec.volumes')).toBe('object-list');
  });

  it('types RBAC, Service and Dapr fields', () => {
    expect(typeAt(schemaOf('rbac.authorization.k8s.io', 'v1', 'Role'), 'rules')).toBe('object-list');
    expect(typeAt(schemaOf('', 'v1', 'Service'), 'spec.type')).toBe('string');
    expect(typeAt(schemaOf('', 'v1', 'Service'), 'spec.selector')).toBe('string-map');
    expect(typeAt(schemaOf('', 'v1', 'Secret'), 'data')).toBe('string-map');
    const dapr = schemaOf('dapr.io', 'v1alpha1', 'Component');
    expect(typeAt(dapr, 'scopes')).toBe('string-list');
    expect(typeAt(dapr, 'spec.metadata')).toBe('object-list');
    expect(typeAt(dapr, 'spec.ignoreErrors')).toBe('boolean');
  });
});

describe('resolvePath on the pod', () => {
  it.each([
    ['spec.hostNetwork', 'boolean'],
    ['spec.hostUsers', 'boolean'],
    ['spec.securityContext.runAsUser', 'integer'],
    ['spec.securityContext.sysctls', 'object-list'],
    ['spec.securityContext.windowsOptions.hostProcess', 'boolean'],
    ['spec.volumes', 'object-list'],
    ['spec.containers', 'object-list'],
    ['spec.ephemeralContainers', 'object-list'],
    ['spec.nodeSelector', 'string-map'],
    ['spec.overhead.cpu', 'quantity'],
    ['spec.os.name', 'string'],
    ['metadata.ownerReferences', 'object-list'],
    ['metadata.generation', 'integer'],
  ])('%s is %s', (path, type) => {
    expect(typeAt(podSchema, path)).toBe(type);
  });

  it('types container fields', () => {
    expect(typeAt(containerSchema, 'securityContext.runAsUser')).toBe('integer');
    expect(typeAt(containerSchema, 'securityContext.privileged')).toBe('boolean');
    expect(typeAt(containerSchema, 'securityContext.capabilities.add')).toBe('string-list');
    expect(typeAt(containerSchema, 'resources.limits.memory')).toBe('quantity');
    expect(typeAt(containerSchema, 'resources.requests.cpu')).toBe('quantity');
    expect(typeAt(containerSchema, 'args')).toBe('string-list');
    expect(typeAt(containerSchema, 'livenessProbe.httpGet.port')).toBe('any');
    expect(typeAt(containerSchema, 'ports')).toBe('object-list');
  });

  it('types volume sources', () => {
    expect(typeAt(volumeSchema, 'hostPath.path')).toBe('string');
    expect(typeAt(volumeSchema, 'emptyDir.sizeLimit')).toBe('quantity');
    expect(typeAt(volumeSchema, 'csi.volumeAttributes')).toBe('string-map');
    expect(typeAt(volumeSchema, 'ephemeral.volumeClaimTemplate.spec.resources.requests.storage')).toBe('quantity');
  });

  it('accepts any key under a map, and stops at the map value', () => {
    expect(resolvePath(podSchema, ['metadata', 'labels', 'app.kubernetes.io/name'])).toEqual({ ok: true, schema: { type: 'string' } });
    expect(typeAt(podSchema, 'metadata.annotations.anything')).toBe('string');
    expect(resolvePath(podSchema, ['metadata', 'labels', 'app', 'deeper']).ok).toBe(false);
  });

  it('accepts any sub-path under an untyped field', () => {
    expect(typeAt(containerSchema, 'livenessProbe.tcpSocket.port.whatever.else')).toBe('any');
  });

  it('does not step into list elements', () => {
    expect(suggestionsFor(podSchema, 'spec.containers.name')).toEqual({ failedAt: 2, owner: 'spec.containers', suggestions: [] });
  });

  it('resolves the empty path to the schema itself', () => {
    expect(resolvePath(containerSchema, [])).toEqual({ ok: true, schema: containerSchema });
  });
});

describe('misspellings', () => {
  it.each([
    [containerSchema, 'securityContext.runAsNonroot', 'runAsNonRoot', 'securityContext', 1],
    [containerSchema, 'securityContext.privilegd', 'privileged', 'securityContext', 1],
    [containerSchema, 'securityContext.readOnlyRootFileSystem', 'readOnlyRootFilesystem', 'securityContext', 1],
    [podSchema, 'spec.hostNetwrok', 'hostNetwork', 'spec', 1],
    [podSchema, 'spec.securityContext.runAsNonroot', 'runAsNonRoot', 'spec.securityContext', 2],
    [podSchema, 'metdata.labels', 'metadata', '', 0],
  ] as const)('%# %s suggests %s', (schema, path, suggestion, owner, failedAt) => {
    const res = suggestionsFor(schema, path);
    expect(res).toMatchObject({ owner, failedAt });
    expect(res?.suggestions[0]).toBe(suggestion);
  });

  it('offers nothing for a name far from every field', () => {
    expect(suggestionsFor(containerSchema, 'securityContext.bananas')?.suggestions).toEqual([]);
  });
});

describe('closestName', () => {
  it('ranks a case-only difference before an edit, and keeps at most three', () => {
    expect(closestName('hostpid', ['hostIPC', 'hostPID', 'hostUsers'])).toEqual(['hostPID', 'hostIPC']);
    expect(closestName('abcd', ['abce', 'abdc', 'abc', 'abcde', 'xbcd'])).toHaveLength(3);
  });

  it('counts a transposition as one edit', () => {
    expect(closestName('privilegde', ['privileged'])).toEqual(['privileged']);
  });

  it('does not match short names to unrelated short candidates', () => {
    expect(closestName('os', ['tty', 'env'])).toEqual([]);
    expect(closestName('no-host-netwrk', ['no-host-network', 'no-host-pid'])).toEqual(['no-host-network']);
  });
});
