import { findRemovedKind } from './deprecated.js';
import { knownKinds } from './kinds.js';
import { closestName } from '../../diagnostics/index.js';
import type { FieldSchema, KnownKind } from './schema.js';

export type ResolveResult =
  | { readonly ok: true; readonly schema: FieldSchema }
  /**
   * `failedAt` indexes the unknown segment; `owner` is the dotted path of the object it was looked up in ('' at the
   * root); `expected`, for a map with known keys, says which keys it takes.
   */
  | { readonly ok: false; readonly failedAt: number; readonly owner: string; readonly suggestions: string[]; readonly expected?: string };

const stringValue: FieldSchema = { type: 'string' };

/**
 * Walks `path` down object fields. Maps (`string-map`, or any schema with `values`) accept every key their
 * `keys` allow (every key when absent),
 * `any` accepts every sub-path; lists are not stepped into (quantifiers take their `element`).
 */
export function resolvePath(schema: FieldSchema, path: readonly string[]): ResolveResult {
  let current = schema;
  for (const [i, segment] of path.entries()) {
    if (current.type === 'any') return { ok: true, schema: current };
    const fields = current.fields;
    if (fields && Object.hasOwn(fields, segment)) {
      current = fields[segment] as FieldSchema;
    } else if (current.values || current.type === 'string-map') {
      const keys = current.keys;
      if (keys && !keys.names.includes(segment) && !keys.forms.some((f) => f.test.test(segment))) {
        const expected = [...keys.names, ...keys.forms.map((f) => f.describe)];
        return { ok: false, failedAt: i, owner: path.slice(0, i).join('.'), suggestions: closestName(segment, keys.names), expected: `${expected.slice(0, -1).join(', ')} or ${expected.at(-1) ?? ''}` };
      }
      current = current.values ?? stringValue;
    } else {
      return { ok: false, failedAt: i, owner: path.slice(0, i).join('.'), suggestions: closestName(segment, Object.keys(fields ?? {})) };
    }
  }
  return { ok: true, schema: current };
}

const kindIndex = new Map(knownKinds.map((k) => [kindKey(k.group, k.version, k.kind), k]));

function kindKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

/**
 * True for the API groups the API server serves itself (core, unqualified groups such as apps and batch, and
 * `*.k8s.io`): it validates their objects against the kind's schema before any admission webhook or policy sees
 * them. Other groups (dapr.io …) are CRDs, whose schema their CRD decides.
 */
export function builtInGroup(group: string): boolean {
  return !group.includes('.') || group.endsWith('.k8s.io');
}

/** The known kind with exactly this group ('' for core), version and kind. */
export function findKnownKind(group: string, version: string, kind: string): KnownKind | undefined {
  return kindIndex.get(kindKey(group, version, kind));
}

export { closestName };

/** Built-in API groups whose kinds are all known; a kind outside the table there is a typo, not a CRD. */
export const closedGroups: ReadonlySet<string> = new Set(['', 'apps', 'batch', 'rbac.authorization.k8s.io', 'networking.k8s.io']);

/**
 * Whether `applies to "group/version" Kind` names a kind the checker accepts: a known kind, one of a version the
 * API server no longer serves (deprecated.ts), or any kind of a group outside `closedGroups` (a CRD, as written).
 */
export function acceptedKind(group: string, version: string, kind: string): boolean {
  return findKnownKind(group, version, kind) !== undefined || findRemovedKind(group, version, kind) !== undefined || !closedGroups.has(group);
}
