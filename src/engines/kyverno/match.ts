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
  readonly namespaceLabels: Readonly<Record<string, string>>;
  readonly userInfo: UserInfo | undefined;
}

interface Filter {
  readonly resources: unknown;
  readonly subjects: unknown;
  readonly roles: unknown;
  readonly clusterRoles: unknown;
}

function filterOf(raw: unknown): Filter {
  const o = isObject(raw) ? raw : {};
  return { resources: o['resources'], subjects: o['subjects'], roles: o['roles'], clusterRoles: o['clusterRoles'] };
}

function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isObject(value)) return Object.values(value).every(isEmptyValue);
  return value === '';
}

const hasUserConstraints = (f: Filter): boolean => !isEmptyValue(f.subjects) || !isEmptyValue(f.roles) || !isEmptyValue(f.clusterRoles);

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

function kindMatches(kinds: readonly string[], facts: RequestFacts): boolean {
  return kinds.some((k) => {
    const s = parseKindSelector(k);
    return wildcardMatch(s.group, facts.group) && wildcardMatch(s.version, facts.version) && wildcardMatch(s.kind, facts.kind) && wildcardMatch(s.sub, '');
  });
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
function filterMismatches(filter: Filter, facts: RequestFacts, ignoreUser: boolean): string[] {
  const errors: string[] = [];
  const rd = isObject(filter.resources) ? filter.resources : {};
  const operations = stringList(rd['operations']);
  if (operations.length > 0 && !operations.includes(facts.operation)) return ['operation does not match'];
  const kinds = stringList(rd['kinds']);
  if (kinds.length > 0 && !kindMatches(kinds, facts)) errors.push(`kind does not match ${JSON.stringify(kinds)}`);
  const name = asString(rd['name']);
  if (name !== undefined && name !== '' && !wildcardMatch(name, facts.name)) errors.push('name does not match');
  const names = stringList(rd['names']);
  if (names.length > 0 && !names.some((n) => wildcardMatch(n, facts.name))) errors.push('none of the names match');
  const namespaces = stringList(rd['namespaces']);
  const ownNamespace = facts.kind === 'Namespace' ? facts.name : facts.namespace;
  if (namespaces.length > 0 && !namespaces.some((n) => wildcardMatch(n, ownNamespace))) errors.push('namespace does not match');
  const annotations = stringMap(rd['annotations']);
  const annotationEntries = Object.entries(annotations);
  if (annotationEntries.length > 0) {
    const ok = annotationEntries.every(([k, v]) => Object.entries(facts.annotations).some(([ak, av]) => wildcardMatch(k, ak) && wildcardMatch(v, av)));
    if (!ok) errors.push('annotations does not match');
  }
  if (rd['selector'] !== undefined && rd['selector'] !== null) {
    const m = selectorMatches(rd['selector'], facts.labels);
    if (m !== true) errors.push(m === 'invalid' ? 'failed to parse selector' : 'selector does not match');
  }
  if (rd['namespaceSelector'] !== undefined && rd['namespaceSelector'] !== null) {
    if (facts.kind === 'Namespace') errors.push('namespace selector is not applicable for namespace resource');
    else if (facts.kind !== '') {
      const m = selectorMatches(rd['namespaceSelector'], facts.namespaceLabels);
      if (m !== true) errors.push(m === 'invalid' ? 'failed to parse namespace selector' : 'namespace selector does not match labels');
    }
  }
  if (!ignoreUser) {
    const user = facts.userInfo ?? {};
    const roles = stringList(filter.roles);
    if (roles.length > 0 && !(user.roles ?? []).some((r) => roles.includes(r))) errors.push('user info does not match roles');
    const clusterRoles = stringList(filter.clusterRoles);
    if (clusterRoles.length > 0 && !(user.clusterRoles ?? []).some((r) => clusterRoles.includes(r))) errors.push('user info does not match clusterRoles');
    if (!isEmptyValue(filter.subjects) && !subjectsMatch(filter.subjects, user)) errors.push('user info does not match subjects');
  }
  return errors;
}

function matchFilter(filter: Filter, facts: RequestFacts): string[] {
  const ignoreUser = facts.userInfo === undefined;
  if (isEmptyValue(filter.resources) && (ignoreUser || !hasUserConstraints(filter))) return ['match cannot be empty'];
  return filterMismatches(filter, facts, ignoreUser);
}

function excludedBy(filter: Filter, facts: RequestFacts): boolean {
  if (isEmptyValue(filter.resources) && !hasUserConstraints(filter)) return false;
  return filterMismatches(filter, facts, false).length === 0;
}

/** Why a `match` block does not select the resource, or undefined when it does. */
export function matchBlockMismatch(block: unknown, facts: RequestFacts): string | undefined {
  const b = isObject(block) ? block : {};
  const any = asArray(b['any']);
  const all = asArray(b['all']);
  if (any.length > 0) return any.some((f) => matchFilter(filterOf(f), facts).length === 0) ? undefined : 'no resource matched';
  if (all.length > 0) {
    const errors = all.flatMap((f) => matchFilter(filterOf(f), facts));
    return errors.length === 0 ? undefined : errors.join('; ');
  }
  const errors = matchFilter(filterOf(b), facts);
  return errors.length === 0 ? undefined : errors.join('; ');
}

/** Whether an `exclude` block removes the resource. */
export function excludeBlockApplies(block: unknown, facts: RequestFacts): boolean {
  if (!isObject(block)) return false;
  const any = asArray(block['any']);
  const all = asArray(block['all']);
  if (any.length > 0) return any.some((f) => excludedBy(filterOf(f), facts));
  if (all.length > 0) return all.every((f) => excludedBy(filterOf(f), facts));
  return excludedBy(filterOf(block), facts);
}
