import { referenceTargets, walkPredicate, type Referenced, type ReferenceTarget, type Rule, type Unique, type UniqueKind } from '../../ir/index.js';
import { NULL, joinPath, literal, pathText, valueAt } from './jmespath.js';
import type { Json } from './scope.js';

/**
 * References (`role referenced by roleRef`, semantics §3.1) as Kyverno rule context (docs/backends/kyverno.md,
 * "References"). Each target kind is listed once per request by an `apiCall` whose urlPath is a fixed string
 * (https://kyverno.io/docs/policy-types/cluster-policy/external-data-sources/, "Variables from Kubernetes API Server
 * Calls"): no value of the request is ever spliced into a URL, so no name (RBAC names may hold `?` and `#`, which
 * client-go's RequestURI would read as a query or fragment) can change what is fetched. The referenced object is then
 * picked from the list by name with `lookup(object_from_lists(keys, items), key)` inside the rule's JMESPath.
 * `default: []` (Kyverno >= 1.13): a failed call (no permission, API server error) reads as an empty list, so the
 * referenced object counts as missing, the same answer as when it does not exist.
 */

/** The context entry that lists one target kind: `secpol_clusterroles`. */
export function contextName(t: ReferenceTarget): string {
  return `secpol_${t.resource}`;
}

function urlPath(t: { readonly apiVersion: string; readonly resource: string }): string {
  return `${t.apiVersion.includes('/') ? '/apis' : '/api'}/${t.apiVersion}/${t.resource}`;
}

/** The context entries a rule needs: one list call per target kind of every reference it reads, in table order, then one per kind its uniqueness tests compare with. */
export function referenceContext(rule: Rule): Json[] | undefined {
  const targets = new Map<string, ReferenceTarget>();
  const kinds = new Map<string, UniqueKind>();
  for (const p of [rule.predicate, ...(rule.when ? [rule.when] : [])]) {
    for (const { node } of walkPredicate(p)) {
      if (node.kind === 'unique' || node.kind === 'in-cluster') for (const k of node.among) kinds.set(uniqueContextName(k), k);
      if (node.kind !== 'referenced') continue;
      for (const t of referenceTargets[node.reference.kind].targets) targets.set(contextName(t), t);
    }
  }
  if (targets.size === 0 && kinds.size === 0) return undefined;
  return [
    ...[...targets.values()].map((t) => ({ name: contextName(t), apiCall: { urlPath: urlPath(t), jmesPath: 'items', default: [] } })),
    ...[...kinds.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, k]) => ({ name, apiCall: { urlPath: urlPath(k), jmesPath: 'items', default: [] } })),
  ];
}

/**
 * The context entry listing one kind a uniqueness test compares with, in every namespace (docs/language/uniqueness.md):
 * `secpol_ingresses_networking_k8s_io_v1`. Its urlPath is fixed, like a reference's.
 */
export function uniqueContextName(k: UniqueKind): string {
  return `secpol_${k.resource}_${k.apiVersion.replace(/[^A-Za-z0-9]+/g, '_')}`;
}

/**
 * `apiVersion/Kind/namespace/name` of an object (namespace '' when cluster-scoped): kinds, namespaces and names hold
 * no `/`, so keys cannot collide; the same object listed in two versions keeps both.
 */
function identityKey(apiVersion: string, kind: string, namespace: string, name: string): string {
  return `join('/', [${apiVersion}, ${kind}, ${namespace}, ${name}])`;
}

/** `X` when it is a map, else the empty map (written without braces, which Kyverno's `{{ }}` would read). */
function asMap(x: string): string {
  return `((type(${x}) == 'object' && ${x}) || object_from_lists(\`[]\`, \`[]\`))`;
}

/**
 * The values the other objects hold at the test's place (semantics §3.2), as one flat JSON list, read at the object
 * (outside any filter, where the context lists are in reach): each listed object keyed by its identity, the object
 * under review's key then overwritten with `false` by `merge` (a value no string or map equals), so that its stored
 * version is not compared with it; the request's own values never reach a key or a URL.
 */
function otherValues(u: Unique): string {
  const hops = u.place.slice(0, -1);
  const last = u.place[u.place.length - 1]!;
  // `map` keeps one result per listed object (a projection would drop nulls and misalign keys and values).
  const value = hops.length === 0 ? (u.compare === 'map' ? asMap(pathText(last)) : pathText(last)) : `not_null(${[...hops.map(pathText), pathText(last)].join('[].')}, \`[]\`)`;
  // List items carry no apiVersion or kind (kubernetes/kubernetes#3030): each list's key names its own.
  const concat = (parts: string[]) => (parts.length === 1 ? parts[0]! : `[${parts.join(', ')}][]`);
  const keys = concat(u.among.map((k) => `map(&${identityKey(literal(k.apiVersion), literal(k.kind), "not_null(metadata.namespace, '')", 'metadata.name')}, ${uniqueContextName(k)})`));
  const values = concat(u.among.map((k) => `map(&${value}, ${uniqueContextName(k)})`));
  // The object under review, in every version it may be listed in (identity ignores the version, semantics §3.2).
  const versions = [...new Set(u.among.map((k) => k.apiVersion))];
  const self = versions.map((v) => identityKey(literal(v), 'request.object.kind', "not_null(request.object.metadata.namespace, request.namespace, '')", 'request.object.metadata.name'));
  const merged = `values(merge(object_from_lists(${keys}, ${values}), object_from_lists([${self.join(', ')}], \`[${versions.map(() => 'false').join(', ')}]\`)))`;
  return hops.length === 0 ? merged : `${merged}[]`;
}

/** `PATH is unique among … in the cluster` at the object: false when another object holds the object's value. */
export function uniqueAtObject(u: Unique): string {
  const others = otherValues(u);
  if (u.compare === 'map') return `!contains(${others}, ${asMap(valueAt('request.object', u.path))})`;
  const v = valueAt('request.object', u.path);
  return `!(type(${v}) == 'string' && contains(${others}, ${v}))`;
}

/**
 * `every item in LIST has PATH is unique among …` over a list of the object: no string the elements hold at PATH is
 * held by another object. Both sides become key sets (object_from_lists), and they share a key iff the merged set is
 * smaller than the two together. The request's strings are keys of an object the expression builds, never text of it.
 */
export function everyUnique(u: Unique, list: readonly string[]): string {
  const mine = `(${joinPath('request.object', list)}[].${pathText(u.path)} | [?type(@) == 'string'])`;
  const theirs = `(${otherValues(u)} | [?type(@) == 'string'])`;
  const set = (x: string) => `object_from_lists(${x}, ${x})`;
  // JMESPath has no `+`: Kyverno's arithmetic `add` (kyverno.io, "JMESPath" → Arithmetic).
  return `(length(keys(merge(${set(theirs)}, ${set(mine)}))) == add(length(keys(${set(theirs)})), length(keys(${set(mine)}))))`;
}

/**
 * The referenced object as a JMESPath list of zero or one element, read at the object (`request.object`): for each
 * target, when `<path>.kind` names it and `<path>.name` is a string, the item of that name (a namespaced target: of
 * that name in the request's namespace, keyed `<namespace>/<name>`, which no RBAC name can forge as names hold no
 * `/`). `lookup` gives null for a name not in the list, and nulls are filtered out.
 */
export function referencedList(p: Referenced, base: string): string {
  const spec = referenceTargets[p.reference.kind];
  if (spec.by === 'name') {
    // The field names the only target, a cluster-scoped one (`storage class referenced by spec.storageClassName`).
    const list = contextName(spec.targets[0]!);
    const name = valueAt(base, p.reference.path);
    return `((type(${name}) == 'string' && [lookup(object_from_lists(${list}[].metadata.name, ${list}), ${name})]) || \`[]\`)[?@ != ${NULL}]`;
  }
  const kind = valueAt(base, [...p.reference.path, 'kind']);
  const name = valueAt(base, [...p.reference.path, 'name']);
  // A scaleTargetRef chooses by apiVersion too, compared with the table's fixed string.
  const version = (t: ReferenceTarget) => (spec.by === 'api-version-kind-and-name' ? `${valueAt(base, [...p.reference.path, 'apiVersion'])} == ${literal(t.apiVersion)} && ` : '');
  const branches = spec.targets.map((t) => {
    const list = contextName(t);
    if (t.scope === 'cluster') return `(${version(t)}${kind} == '${t.kind}' && type(${name}) == 'string' && [lookup(object_from_lists(${list}[].metadata.name, ${list}), ${name})])`;
    const ns = 'request.namespace';
    return `(${version(t)}${kind} == '${t.kind}' && type(${name}) == 'string' && type(${ns}) == 'string' && ${ns} != '' && [lookup(object_from_lists(${list}[].join('/', [metadata.namespace, metadata.name]), ${list}), join('/', [${ns}, ${name}]))])`;
  });
  return `(${branches.join(' || ')} || \`[]\`)[?@ != ${NULL}]`;
}

/** Every listed object of the kinds (`KINDS in the cluster`), one JSON list. */
export function clusterList(among: readonly UniqueKind[]): string {
  const lists = among.map(uniqueContextName);
  return lists.length === 1 ? lists[0]! : `[${lists.join(', ')}][]`;
}

/**
 * `every item in LIST has any KIND referenced by PATH has BODY` for a reference by name (a StatefulSet's
 * volumeClaimTemplates naming StorageClasses), where a filter could not reach the context list: every element's PATH is
 * a string, and the set of those names is a subset of the names of the listed objects that satisfy BODY (both sets as
 * object keys: merging the elements' names into the others' adds no key).
 */
export function everyReferencedByName(p: Referenced, list: readonly string[], body: string): string {
  const spec = referenceTargets[p.reference.kind];
  const listed = contextName(spec.targets[0]!);
  const items = joinPath('request.object', list);
  const elements = `((type(${items}) == 'array' && ${items}) || \`[]\`)`;
  const path = pathText(p.reference.path);
  const names = `${elements}[].${path}`;
  const allowed = `(${listed} | [?${body}])[].metadata.name`;
  const set = (x: string) => `object_from_lists(${x}, ${x})`;
  return `(length(${elements}[?type(${path}) != 'string']) == \`0\` && length(keys(merge(${set(allowed)}, ${set(names)}))) == length(keys(${set(allowed)})))`;
}
