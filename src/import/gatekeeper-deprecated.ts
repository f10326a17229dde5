/**
 * gatekeeper-library VerifyDeprecatedAPI (library/general/verifydeprecatedapi/template.yaml): the Rego reports an
 * object when one `parameters.kvs` entry has its apiVersion as `deprecatedAPI` and lists its kind; the Constraint's
 * `match.kinds` name groups and kinds, every version of them (Gatekeeper "Constraints", the match field). So the
 * rule denies exactly the (deprecated version, kind) pairs of kvs that the match selects, and allows every other
 * object. The translation applies to those pairs, and to the kvs `targetAPI` versions of the same kinds where the
 * match selects them too (objects the original allows, so that `--verify` sees the rule both violated and
 * satisfied), and forbids the deprecated apiVersions. `targetAPI` and `k8sVersion` only shape the message.
 */
import { acceptedKind } from '../check/fields/index.js';
import { no, ok, type Translation, type YamlPathStep } from './model.js';
import { literal } from './text.js';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);

export interface DeprecatedTranslation {
  /** `applies to` lines, deprecated versions first. */
  readonly applies: readonly string[];
  readonly body: string;
  readonly message: string;
}

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');
const versionOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion);
const apiVersionForm = /^(?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?v\d+(?:(?:alpha|beta)\d+)?$/;

/** Gatekeeper's kinds matcher: an entry selects a kind when both its apiGroups and kinds list it (no wildcards here). */
function matcher(match: unknown, at: YamlPathStep[]): Translation<(group: string, kind: string) => boolean> {
  const kinds = isMap(match) && Array.isArray(match['kinds']) ? match['kinds'] : undefined;
  if (!kinds || kinds.length === 0) return no('a match without kinds (every kind)', at);
  const entries: { groups: string[]; kinds: string[] }[] = [];
  for (const [i, k] of kinds.entries()) {
    const groups = strings(isMap(k) ? k['apiGroups'] : undefined);
    const names = strings(isMap(k) ? k['kinds'] : undefined);
    if (!groups || !names) return no('a kinds entry without apiGroups and kinds lists', [...at, 'kinds', i]);
    if ([...groups, ...names].some((x) => x.includes('*'))) return no('a kinds entry with a * wildcard', [...at, 'kinds', i]);
    entries.push({ groups, kinds: names });
  }
  return ok((group, kind) => entries.some((e) => e.groups.includes(group) && e.kinds.includes(kind)));
}

export function translateDeprecatedApi(p: Json, match: unknown, at: YamlPathStep[], matchAt: YamlPathStep[]): Translation<DeprecatedTranslation> {
  const selects = matcher(match, matchAt);
  if (!selects.ok) return selects;
  const kvs = p['kvs'];
  if (!Array.isArray(kvs) || kvs.length === 0) return no('parameters.kvs missing or empty', [...at, 'kvs']);
  const deprecated = new Map<string, Set<string>>();
  const targets = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, v: string, k: string) => (m.get(v) ?? m.set(v, new Set()).get(v)!).add(k);
  for (const [i, e] of kvs.entries()) {
    const here = [...at, 'kvs', i];
    const api = isMap(e) ? e['deprecatedAPI'] : undefined;
    const kinds = strings(isMap(e) ? e['kinds'] : undefined);
    const target = isMap(e) ? e['targetAPI'] : undefined;
    if (typeof api !== 'string' || !apiVersionForm.test(api)) return no('a kvs entry whose deprecatedAPI is not a "group/version"', here);
    if (!kinds) return no('a kvs entry without a kinds list', here);
    if (target !== undefined && typeof target !== 'string') return no('a kvs entry whose targetAPI is not a string', here);
    for (const k of kinds) {
      if (!/^[A-Z][A-Za-z0-9]*$/.test(k)) return no(`the kind ${JSON.stringify(k)}`, here);
      if (!selects.value(groupOf(api), k)) continue;
      if (!acceptedKind(groupOf(api), versionOf(api), k)) return no(`the kind ${k} in ${api}, which is neither served nor a removed version the Kubernetes deprecated API migration guide lists`, here);
      add(deprecated, api, k);
    }
    // Objects of the replacement version that the match also selects: the original allows them.
    if (typeof target === 'string' && apiVersionForm.test(target)) {
      for (const k of kinds) if (selects.value(groupOf(target), k) && acceptedKind(groupOf(target), versionOf(target), k)) add(targets, target, k);
    }
  }
  if (deprecated.size === 0) return no('kvs entries none of whose kinds the match selects (the template then never reports anything)', [...at, 'kvs']);
  for (const [v, ks] of deprecated) for (const k of ks) targets.get(v)?.delete(k);
  const line = ([v, ks]: [string, Set<string>]) => `applies to ${literal(v)} ${[...ks].sort().join(', ')}`;
  const allowed = [...targets].filter(([, ks]) => ks.size > 0).sort(([a], [b]) => (a < b ? -1 : 1));
  const denied = [...deprecated].sort(([a], [b]) => (a < b ? -1 : 1));
  // A version that is also the replacement of another kind is told apart by kind.
  const shared = denied.some(([v]) => targets.get(v)?.size);
  const body = shared
    ? `forbid ${denied.map(([v, ks]) => `apiVersion = ${literal(v)} and kind in [${[...ks].sort().map((k) => literal(k)).join(', ')}]`).join(' or ')}`
    : `forbid apiVersion in [${denied.map(([v]) => literal(v)).join(', ')}]`;
  const version = typeof p['k8sVersion'] === 'number' || typeof p['k8sVersion'] === 'string' ? String(p['k8sVersion']) : undefined;
  const message = `{apiVersion} {kind} is deprecated${version && /^[0-9.]+$/.test(version) ? ` in Kubernetes ${version}` : ''}: see the Kubernetes deprecated API migration guide`;
  return ok({ applies: [...denied.map(line), ...allowed.map(line)], body, message });
}
