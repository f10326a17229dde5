/**
 * Constraint `spec.match` semantics, per Gatekeeper's match package (docs "Constraints", "The match
 * field"): every criterion present must hold; absent criteria match everything.
 */
import type { LabelSelector, Match } from './constraint.js';
import { field, isObject } from './errors.js';

/** Gatekeeper's wildcard: a leading and/or trailing `*` globs; otherwise an exact match. */
export function wildcardMatches(pattern: string, candidate: string): boolean {
  const pre = pattern.startsWith('*');
  const post = pattern.endsWith('*') && pattern.length > 1;
  if (pre && post) return candidate.includes(pattern.slice(1, -1));
  if (pre) return candidate.endsWith(pattern.slice(1));
  if (post) return candidate.startsWith(pattern.slice(0, -1));
  return pattern === candidate;
}

function labelsOf(obj: unknown): Readonly<Record<string, unknown>> {
  const l = field(obj, 'metadata', 'labels');
  return isObject(l) ? l : {};
}

export function selectorMatches(sel: LabelSelector, labels: Readonly<Record<string, unknown>>): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels)) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const value = labels[e.key];
    switch (e.operator) {
      case 'In':
        if (!has || !e.values.includes(String(value))) return false;
        break;
      case 'NotIn':
        if (has && e.values.includes(String(value))) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

export function groupVersionKind(obj: unknown): { group: string; version: string; kind: string } {
  const apiVersion = field(obj, 'apiVersion');
  const kind = field(obj, 'kind');
  const av = typeof apiVersion === 'string' ? apiVersion : '';
  const slash = av.indexOf('/');
  return {
    group: slash < 0 ? '' : av.slice(0, slash),
    version: slash < 0 ? av : av.slice(slash + 1),
    kind: typeof kind === 'string' ? kind : '',
  };
}

function isNamespace(obj: unknown): boolean {
  const gvk = groupVersionKind(obj);
  return gvk.kind === 'Namespace' && gvk.group === '';
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export type MatchOutcome = { readonly matched: boolean } | { readonly error: string };

/**
 * Whether `obj` matches. `ns` is the object's Namespace (for `namespaceSelector`); `nsName` the namespace
 * to assume when the object does not name one (the admission request's namespace).
 */
export function matches(match: Match, obj: unknown, ns: unknown | undefined, nsName: string): MatchOutcome {
  const gvk = groupVersionKind(obj);
  if (match.kinds.length > 0) {
    const ok = match.kinds.some(
      (k) =>
        (k.kinds.length === 0 || k.kinds.includes('*') || k.kinds.includes(gvk.kind)) &&
        (k.apiGroups.length === 0 || k.apiGroups.includes('*') || k.apiGroups.includes(gvk.group)),
    );
    if (!ok) return { matched: false };
  }
  const objNs = str(field(obj, 'metadata', 'namespace')) || nsName;
  const namespaceObj = isNamespace(obj);
  const hasNamespace = objNs !== '' || ns !== undefined;
  if (match.scope === 'Cluster' && !(namespaceObj || !hasNamespace)) return { matched: false };
  if (match.scope === 'Namespaced' && !(!namespaceObj && hasNamespace)) return { matched: false };
  const nsForMatch = namespaceObj ? str(field(obj, 'metadata', 'name')) : ns !== undefined ? str(field(ns, 'metadata', 'name')) : objNs;
  if (match.namespaces.length > 0 && nsForMatch !== '' && !match.namespaces.some((p) => wildcardMatches(p, nsForMatch))) {
    return { matched: false };
  }
  if (match.excludedNamespaces.length > 0 && nsForMatch !== '' && match.excludedNamespaces.some((p) => wildcardMatches(p, nsForMatch))) {
    return { matched: false };
  }
  if (match.labelSelector && !selectorMatches(match.labelSelector, labelsOf(obj))) return { matched: false };
  if (match.namespaceSelector) {
    if (namespaceObj) {
      if (!selectorMatches(match.namespaceSelector, labelsOf(obj))) return { matched: false };
    } else if (ns !== undefined) {
      if (!selectorMatches(match.namespaceSelector, labelsOf(ns))) return { matched: false };
    } else if (objNs !== '') {
      return { error: `namespaceSelector needs the Namespace object of ${objNs}; pass it as namespace or in inventory` };
    }
  }
  if (match.name !== undefined && !wildcardMatches(match.name, str(field(obj, 'metadata', 'name')))) return { matched: false };
  return { matched: true };
}
