/**
 * `match` / `exclude` resource filters (https://kyverno.io/docs/writing-policies/match-exclude/).
 * Within one filter every given attribute must hold (kinds, names, namespaces, selectors, operations,
 * annotations) and list attributes hold when any entry matches; `any` needs one filter, `all` every filter.
 * User attributes (subjects, roles, clusterRoles) are ignored in `match` when the request carries no user,
 * as Kyverno does for background scans, but still apply in `exclude`.
 */
import { asArray, asString, isObject, type Operation, stringList, stringMap, type UserInfo } from './types.js';
import { containsWildcard, wildcardMatch } from './wildcard.js';

/** What matching needs to know about the resource and the request. */
export interface RequestFacts {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly operation: Operation;
  /** '' for the resource itself. */
  readonly subresource: string;
  readonly namespaceLabels: Readonly<Record<string, string>>;
  readonly userInfo: UserInfo | undefined;
}

interface ParsedKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly sub: string;
}

/** One resource filter, pre-digested once per policy object. */
interface Filter {
  readonly emptyResources: boolean;
  readonly hasUser: boolean;
  readonly operations: readonly string[];
  readonly kinds: readonly ParsedKind[];
  readonly name: string | undefined;
  readonly names: readonly string[];
  readonly namespaces: readonly string[];
  readonly annotations: readonly (readonly [string, string])[];
  readonly selector: unknown;
  readonly namespaceSelector: unknown;
  readonly roles: readonly string[];
  readonly clusterRoles: readonly string[];
  readonly subjects: unknown;
}

interface Block {
  readonly any: readonly Filter[];
  readonly all: readonly Filter[];
  readonly legacy: Filter;
}

function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isObject(value)) return Object.values(value).every(isEmptyValue);
  return value === '';
}

function filterOf(raw: unknown): Filter {
  const o = isObject(raw) ? raw : {};
  const rd = isObject(o['resources']) ? o['resources'] : {};
  const present = (v: unknown): unknown => (v === undefined || v === null ? undefined : v);
  return {
    emptyResources: isEmptyValue(o['resources']),
    hasUser: !isEmptyValue(o['subjects']) || !isEmptyValue(o['roles']) || !isEmptyValue(o['clusterRoles']),
    operations: stringList(rd['operations']),
    kinds: stringList(rd['kinds']).map(parseKindSelector),
    name: asString(rd['name']) || undefined,
    names: stringList(rd['names']),
    namespaces: stringList(rd['namespaces']),
    annotations: Object.entries(stringMap(rd['annotations'])),
    selector: present(rd['selector']),
    namespaceSelector: present(rd['namespaceSelector']),
    roles: stringList(o['roles']),
    clusterRoles: stringList(o['clusterRoles']),
    subjects: present(o['subjects']),
  };
}

const blocks = new WeakMap<object, Block>();

function blockOf(raw: unknown): Block {
  const o = isObject(raw) ? raw : {};
  let block = blocks.get(o);
  if (block === undefined) {
    block = { any: asArray(o['any']).map(filterOf), all: asArray(o['all']).map(filterOf), legacy: filterOf(o) };
    blocks.set(o, block);
  }
  return block;
}

/** Kyverno's kind selector: `Kind`, `version/Kind`, `group/version/Kind`, with optional `/subresource`. */
export function parseKindSelector(input: string): { group: string; version: string; kind: string; sub: string } {
  const slashParts = input.split('/');
  const last = slashParts.pop() ?? '';
  const parts = [...slashParts, ...last.split('.')];
  const versionLike = (s: string): boolean => /^(v\d+((alpha|beta)\d+)?|\*)$/.test(s);
  const [a = '', b = '', c = '', d = ''] = parts;
  switch (parts.length) {
    case 1:
      return { group: '*', version: '*', kind: a, sub: '' };
    case 2:
      if (a === '*' && b === '*') return { group: '*', version: '*', kind: '*', sub: '*' };
      if (a === '*' && b.toLowerCase() === b) return { group: '*', version: '*', kind: a, sub: b };
      if (versionLike(a)) return { group: '*', version: a, kind: b, sub: '' };
      return { group: '*', version: '*', kind: a, sub: b };
    case 3:
      if (versionLike(a)) return { group: '*', version: a, kind: b, sub: c };
      return { group: a, version: b, kind: c, sub: '' };
    default:
      return { group: a, version: b, kind: c, sub: d };
  }
}

/**
 * Kyverno's CheckKind (pkg/utils/match/kind.go) with allowEphemeralContainers, as rule matching
 * (pkg/engine/utils/match.go) and PolicyException matching (pkg/engine/utils/exceptions.go) call it: group,
 * version and kind match with wildcards, then the subresource (`Pod` matches only the resource itself,
 * `Pod/ephemeralcontainers` only that subresource), except that a v1 Pod's `ephemeralcontainers` request also
 * matches a selector without subresource ("for backward compatibility": a Pod rule sees `kubectl debug`).
 */
function kindMatches(kinds: readonly ParsedKind[], facts: RequestFacts): boolean {
  const podEphemeral = facts.group === '' && facts.version === 'v1' && facts.kind === 'Pod' && facts.subresource === 'ephemeralcontainers';
  return kinds.some((s) => wildcardMatch(s.group, facts.group) && wildcardMatch(s.version, facts.version) && wildcardMatch(s.kind, facts.kind) && (wildcardMatch(s.sub, facts.subresource) || podEphemeral));
}

/** Label selector semantics of Kubernetes, with Kyverno's wildcard expansion of `matchLabels`. */
export function selectorMatches(selector: unknown, labels: Readonly<Record<string, string>>): boolean | 'invalid' {
  if (!isObject(selector)) return 'invalid';
  for (const [k, rawV] of Object.entries(stringMap(selector['matchLabels']))) {
    if (containsWildcard(k) || containsWildcard(rawV)) {
      if (!Object.entries(labels).some(([lk, lv]) => wildcardMatch(k, lk) && wildcardMatch(rawV, lv))) return false;
    } else if (labels[k] !== rawV) return false;
  }
  for (const expression of asArray(selector['matchExpressions'])) {
    if (!isObject(expression)) return 'invalid';
    const key = asString(expression['key']);
    const values = stringList(expression['values']);
    if (key === undefined) return 'invalid';
    const present = Object.hasOwn(labels, key);
    switch (expression['operator']) {
      case 'In':
        if (values.length === 0) return 'invalid';
        if (!present || !values.includes(labels[key] ?? '')) return false;
        break;
      case 'NotIn':
        if (values.length === 0) return 'invalid';
        if (present && values.includes(labels[key] ?? '')) return false;
        break;
      case 'Exists':
        if (values.length > 0) return 'invalid';
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (values.length > 0) return 'invalid';
        if (present) return false;
        break;
      default:
        return 'invalid';
    }
  }
  return true;
}

function subjectsMatch(subjects: unknown, user: UserInfo): boolean {
  return asArray(subjects).some((subject) => {
    if (!isObject(subject)) return false;
    const name = asString(subject['name']) ?? '';
    switch (subject['kind']) {
      case 'ServiceAccount':
        return wildcardMatch(`system:serviceaccount:${asString(subject['namespace']) ?? ''}:${name}`, user.username ?? '');
      case 'Group':
        return (user.groups ?? []).some((g) => wildcardMatch(name, g));
      case 'User':
        return wildcardMatch(name, user.username ?? '');
      default:
        return false;
    }
  });
}

/** The reasons a filter does not match; empty when it matches. */
function filterMismatches(f: Filter, facts: RequestFacts, ignoreUser: boolean): string[] {
  if (f.operations.length > 0 && !f.operations.includes(facts.operation)) return ['operation does not match'];
  const errors: string[] = [];
  if (f.kinds.length > 0 && !kindMatches(f.kinds, facts)) errors.push('kind does not match');
  if (f.name !== undefined && !wildcardMatch(f.name, facts.name)) errors.push('name does not match');
  if (f.names.length > 0 && !f.names.some((n) => wildcardMatch(n, facts.name))) errors.push('none of the names match');
  const ownNamespace = facts.kind === 'Namespace' ? facts.name : facts.namespace;
  if (f.namespaces.length > 0 && !f.namespaces.some((n) => wildcardMatch(n, ownNamespace))) errors.push('namespace does not match');
  if (f.annotations.length > 0) {
    const actual = Object.entries(facts.annotations);
    if (!f.annotations.every(([k, v]) => actual.some(([ak, av]) => wildcardMatch(k, ak) && wildcardMatch(v, av)))) errors.push('annotations does not match');
  }
  if (f.selector !== undefined) {
    const m = selectorMatches(f.selector, facts.labels);
    if (m !== true) errors.push(m === 'invalid' ? 'failed to parse selector' : 'selector does not match');
  }
  if (f.namespaceSelector !== undefined) {
    if (facts.kind === 'Namespace') errors.push('namespace selector is not applicable for namespace resource');
    else if (facts.kind !== '') {
      const m = selectorMatches(f.namespaceSelector, facts.namespaceLabels);
      if (m !== true) errors.push(m === 'invalid' ? 'failed to parse namespace selector' : 'namespace selector does not match labels');
    }
  }
  if (!ignoreUser) {
    const user = facts.userInfo ?? {};
    if (f.roles.length > 0 && !(user.roles ?? []).some((r) => f.roles.includes(r))) errors.push('user info does not match roles');
    if (f.clusterRoles.length > 0 && !(user.clusterRoles ?? []).some((r) => f.clusterRoles.includes(r))) errors.push('user info does not match clusterRoles');
    if (f.subjects !== undefined && !isEmptyValue(f.subjects) && !subjectsMatch(f.subjects, user)) errors.push('user info does not match subjects');
  }
  return errors;
}

function matchFilter(filter: Filter, facts: RequestFacts): string[] {
  const ignoreUser = facts.userInfo === undefined;
  if (filter.emptyResources && (ignoreUser || !filter.hasUser)) return ['match cannot be empty'];
  return filterMismatches(filter, facts, ignoreUser);
}

function excludedBy(filter: Filter, facts: RequestFacts): boolean {
  if (filter.emptyResources && !filter.hasUser) return false;
  return filterMismatches(filter, facts, false).length === 0;
}

/**
 * Whether a PolicyException's `match` selects the request (pkg/engine/utils/exceptions.go
 * checkMatchesResources): `any` needs one filter, `all` every filter, neither matches nothing; an empty filter
 * never matches, and user filters always apply: without a user (a background scan) a filter with `subjects`,
 * `roles` or `clusterRoles` does not match, unlike a rule's `match`.
 */
export function exceptionMatchApplies(raw: unknown, facts: RequestFacts): boolean {
  const block = blockOf(raw);
  const one = (f: Filter) => !(f.emptyResources && !f.hasUser) && filterMismatches(f, facts, false).length === 0;
  if (block.any.length > 0) return block.any.some(one);
  if (block.all.length > 0) return block.all.every(one);
  return false;
}

/** Why a `match` block does not select the resource, or undefined when it does. */
export function matchBlockMismatch(raw: unknown, facts: RequestFacts): string | undefined {
  const block = blockOf(raw);
  if (block.any.length > 0) return block.any.some((f) => matchFilter(f, facts).length === 0) ? undefined : 'no resource matched';
  const errors = block.all.length > 0 ? block.all.flatMap((f) => matchFilter(f, facts)) : matchFilter(block.legacy, facts);
  return errors.length === 0 ? undefined : errors.join('; ');
}

/** Whether an `exclude` block removes the resource. */
export function excludeBlockApplies(raw: unknown, facts: RequestFacts): boolean {
  if (!isObject(raw)) return false;
  const block = blockOf(raw);
  if (block.any.length > 0) return block.any.some((f) => excludedBy(f, facts));
  if (block.all.length > 0) return block.all.every((f) => excludedBy(f, facts));
  return excludedBy(block.legacy, facts);
}
