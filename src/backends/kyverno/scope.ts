import { controllerUsernames, ownedLevels, type LabelSelector, type OwnedLevel, type Operation, type Scope, type Subject, type WorkloadRef } from '../../ir/index.js';
import { joinPath, listLiteral, literal, valueAt, variable } from './jmespath.js';
import { not, paren } from './predicate.js';

/**
 * Match, exclude and precondition blocks for a rule's scope (semantics §1).
 * https://kyverno.io/docs/policy-types/cluster-policy/match-exclude/
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Kyverno kind selectors: `Pod` (autogen only recognises the bare kind), else `group/version/Kind` or `v1/Kind`. */
export function kindSelector(s: Subject): string {
  if (s.kind === 'pods') return 'Pod';
  return s.group ? `${s.group}/${s.version}/${s.resourceKind}` : `${s.version}/${s.resourceKind}`;
}

export function isPodSubject(subjects: readonly Subject[]): boolean {
  return subjects.some((s) => s.kind === 'pods');
}

/** The object as admitted, never rewritten by autogen (the quoted `"object"` is Kyverno's documented escape). */
export function objectBase(operations: readonly Operation[]): string {
  return operations.includes('DELETE') ? 'not_null([request."object"][0], [request."oldObject"][0])' : 'request."object"';
}

function labelSelectorExpression(selector: LabelSelector, base: string): string[] {
  const label = (key: string): string => valueAt(base, ['metadata', 'labels', key]);
  const out = Object.keys(selector.matchLabels)
    .sort()
    .map((k) => `${label(k)} == ${literal(selector.matchLabels[k] ?? '')}`);
  for (const e of selector.matchExpressions) {
    const v = label(e.key);
    switch (e.operator) {
      case 'In':
        out.push(`contains(${listLiteral(e.values)}, ${v})`);
        break;
      case 'NotIn':
        out.push(`!contains(${listLiteral(e.values)}, ${v})`);
        break;
      case 'Exists':
        out.push(`type(${v}) == 'string'`);
        break;
      case 'DoesNotExist':
        out.push(`type(${v}) != 'string'`);
        break;
    }
  }
  return out;
}

/** A Kyverno condition that holds when the JMESPath boolean holds. */
export function holds(expression: string): Json {
  return { key: variable(expression), operator: 'Equals', value: true };
}

function selectorJson(s: LabelSelector): Json {
  const out: { [key: string]: Json } = {};
  if (Object.keys(s.matchLabels).length) out['matchLabels'] = Object.fromEntries(Object.keys(s.matchLabels).sort().map((k) => [k, s.matchLabels[k] ?? '']));
  if (s.matchExpressions.length) {
    out['matchExpressions'] = s.matchExpressions.map((e): Json => (e.values.length ? { key: e.key, operator: e.operator, values: [...e.values] } : { key: e.key, operator: e.operator }));
  }
  return out;
}

export interface ScopeBlocks {
  readonly match: Json;
  readonly exclude?: Json;
  /** Boolean JMESPath expressions that must all hold (rule preconditions). */
  readonly preconditions: readonly string[];
}

/**
 * `kinds`, `namespaces`, `namespaceSelector` and `operations` go in `match` (none of them stops autogen), excluded
 * namespaces in `exclude`. Two filters go in preconditions instead: the object label selector (a `selector` in
 * match would switch autogen off for the whole policy, and for controllers it must read the controller's own
 * labels, hence `request."object"`), and namespace filters for rules over Namespace objects (Kyverno matches a
 * Namespace's own name against `namespaces`; semantics §1.2 gives cluster-scoped objects no namespace).
 */
export function scopeBlocks(scope: Scope, subjects: readonly Subject[]): ScopeBlocks {
  const base = objectBase(scope.operations);
  const namespaceObjects = subjects.some((s) => s.kind === 'resource' && s.group === '' && s.resourceKind === 'Namespace');
  const resources: { [key: string]: Json } = { kinds: [...new Set(subjects.map(kindSelector))].sort() };
  const preconditions: string[] = [];
  const ns = valueAt(base, ['metadata', 'namespace']);
  if (namespaceObjects) {
    if (scope.namespaces.length) preconditions.push(`contains(${listLiteral(scope.namespaces)}, ${ns})`);
    if (scope.excludedNamespaces.length) preconditions.push(not(`contains(${listLiteral(scope.excludedNamespaces)}, ${ns})`));
  } else if (scope.namespaces.length) resources['namespaces'] = [...scope.namespaces];
  if (scope.namespaceSelector) {
    resources['namespaceSelector'] = selectorJson(scope.namespaceSelector);
    if (subjects.some((s) => s.kind === 'resource')) preconditions.push(not(`contains(\`[null, ""]\`, ${ns})`));
  }
  resources['operations'] = [...scope.operations];
  if (scope.objectSelector) preconditions.push(...labelSelectorExpression(scope.objectSelector, base));
  const excluded = !namespaceObjects && scope.excludedNamespaces.length > 0;
  return {
    match: { any: [{ resources }] },
    ...(excluded ? { exclude: { any: [{ resources: { namespaces: [...scope.excludedNamespaces] } }] } } : {}),
    preconditions,
  };
}

/**
 * An exception's object filters (semantics §1.5) as a boolean over the admitted object; undefined when it has none.
 * A workload is itself (kind, namespace, name) or an object its controllers created (`ownedByWorkload`). The
 * owned part reads `request.userInfo`, which Kyverno allows only in a policy with `background: false`.
 */
export function exceptionFilter(namespaces: readonly string[], workloads: readonly WorkloadRef[], operations: readonly Operation[]): string | undefined {
  const base = objectBase(operations);
  const ns = valueAt(base, ['metadata', 'namespace']);
  const name = valueAt(base, ['metadata', 'name']);
  const kind = valueAt(base, ['kind']);
  const parts: string[] = [];
  if (namespaces.length) parts.push(`contains(${listLiteral(namespaces)}, ${ns})`);
  if (workloads.length) {
    const one = (w: WorkloadRef): string =>
      paren([`(${ns} == ${literal(w.namespace)} && ${kind} == ${literal(w.kind)} && ${name} == ${literal(w.name)})`, ...ownedLevels(w.kind).map((level) => ownedByWorkload(w, level, operations))].join(' || '));
    parts.push(paren(workloads.map(one).join(' || ')));
  }
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? (parts[0] ?? '') : `(${parts.join(' && ')})`;
}

/** Whether an exception's workloads reach objects through their controllers, so that its filter reads the request's user. */
export function readsRequestUser(workloads: readonly WorkloadRef[]): boolean {
  return workloads.some((w) => ownedLevels(w.kind).length > 0);
}

/**
 * The admitted object is one the workload's controller created at this level: of the level's kind, in the
 * workload's namespace, requested by that controller (or the controller manager), with a controller
 * ownerReference naming the workload (`<name>-<suffix without ->` one level down). Every read is null-safe: a
 * missing user or ownerReferences list, or a reference that is not an object, makes it false without an error.
 */
export function ownedByWorkload(w: WorkloadRef, level: OwnedLevel, operations: readonly Operation[]): string {
  const base = objectBase(operations);
  const refs = `length([${joinPath(base, ['metadata', 'ownerReferences'])}][?type(@) == 'array'][] | [?${ownerTest(w, level)}]) > \`0\``;
  return paren(
    [
      `${valueAt(base, ['apiVersion'])} == ${literal(level.apiVersion)}`,
      `${valueAt(base, ['kind'])} == ${literal(level.kind)}`,
      `${valueAt(base, ['metadata', 'namespace'])} == ${literal(w.namespace)}`,
      `contains(${listLiteral(controllerUsernames(level))}, [request.userInfo.username][0])`,
      refs,
    ].join(' && '),
  );
}

function ownerTest(w: WorkloadRef, level: OwnedLevel): string {
  const own = [`controller == \`true\``, `apiVersion == ${literal(level.owner.apiVersion)}`, `kind == ${literal(level.owner.kind)}`];
  if (level.owner.name === 'exact') return [...own, `name == ${literal(w.name)}`].join(' && ');
  const prefix = `${w.name}-`;
  return [...own, "type(name) == 'string'", `starts_with(name, ${literal(prefix)})`, `length(name) > \`${prefix.length}\``, not(`contains(trim_prefix(name, ${literal(prefix)}), '-')`)].join(' && ');
}
