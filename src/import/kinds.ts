import { findKnownKind, podSchema, resolvePath, type FieldSchema } from '../check/fields/index.js';
import { literal } from './text.js';

/** What a foreign kind list becomes in secpol: `pods`, or `"group/version" Kind, …`, with the schema to type paths. */
export interface Subject {
  readonly text: string;
  /** The schema paths are typed against (the Pod's for `pods` and `"v1" Pod`). */
  readonly schema: FieldSchema;
  readonly pods: boolean;
  /** Further `applies to` subjects of the same rule, one per further API version (the kinds add up). */
  readonly more?: readonly string[];
}

const groupOf: Readonly<Record<string, string>> = {
  Pod: 'v1', Namespace: 'v1', Service: 'v1', ServiceAccount: 'v1', ConfigMap: 'v1', Secret: 'v1',
  Deployment: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1', ReplicaSet: 'apps/v1',
  Job: 'batch/v1', CronJob: 'batch/v1',
  Role: 'rbac.authorization.k8s.io/v1', ClusterRole: 'rbac.authorization.k8s.io/v1', RoleBinding: 'rbac.authorization.k8s.io/v1', ClusterRoleBinding: 'rbac.authorization.k8s.io/v1',
  Ingress: 'networking.k8s.io/v1', NetworkPolicy: 'networking.k8s.io/v1',
};

/** A kind as `apiVersion` + kind, from `Kind`, `group/version/Kind` or `version/Kind`; undefined when unknown. */
export function resolveKind(text: string, apiGroups?: readonly string[]): { apiVersion: string; kind: string } | undefined {
  const parts = text.split('/');
  const kind = parts[parts.length - 1] ?? '';
  const apiVersion = parts.length > 1 ? parts.slice(0, -1).join('/') : groupOf[kind];
  if (!apiVersion) return undefined;
  if (apiGroups) {
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
    if (!apiGroups.includes(group) && !apiGroups.includes('*')) return undefined;
  }
  return { apiVersion, kind };
}

/**
 * The subject of a rule over `kinds`. `podsWithControllers`: the original engine also judges the pod templates
 * of controllers (Kyverno autogen), which is what `applies to pods` means; else `"v1" Pod` judges Pods only.
 */
export function subjectOf(kinds: readonly { apiVersion: string; kind: string }[], podsWithControllers: boolean, several = false, versions: 'one' | 'several' = 'one'): Subject | string {
  if (kinds.length === 0) return 'no kinds';
  if (kinds.every((k) => k.kind === 'Pod' && k.apiVersion === 'v1')) {
    return podsWithControllers ? { text: 'pods', schema: podSchema, pods: true } : { text: '"v1" Pod', schema: podSchema, pods: true };
  }
  if (kinds.some((k) => k.kind === 'Pod')) return 'Pods together with other kinds';
  const schemas: FieldSchema[] = [];
  for (const k of kinds) {
    const [group, version] = k.apiVersion.includes('/') ? k.apiVersion.split('/') : ['', k.apiVersion];
    const known = findKnownKind(group ?? '', version ?? '', k.kind);
    if (!known) return `kind ${k.apiVersion}/${k.kind}, which secpol does not know`;
    schemas.push(known.schema);
  }
  // Several kinds share one rule only when the caller's rules read fields every one of them has (the checker checks it).
  if (schemas.length > 1 && !several) return 'several kinds in one rule';
  const apiVersions = [...new Set(kinds.map((k) => k.apiVersion))];
  if (apiVersions.length > 1 && versions === 'one') return `kinds of several API versions (${apiVersions.join(', ')}) in one rule`;
  // One `applies to` line per API version, in the order the kinds are written; a rule's lines add up.
  const [first, ...rest] = apiVersions.map((v) => `${literal(v)} ${[...new Set(kinds.filter((k) => k.apiVersion === v).map((k) => k.kind))].join(', ')}`);
  return { text: first!, schema: schemas[0]!, pods: false, ...(rest.length ? { more: rest } : {}) };
}

export function fieldType(schema: FieldSchema, path: readonly string[]): FieldSchema | undefined {
  const r = resolvePath(schema, path);
  return r.ok ? r.schema : undefined;
}
