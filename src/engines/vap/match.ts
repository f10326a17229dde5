/**
 * Which requests a ValidatingAdmissionPolicy's matchConstraints select (Kubernetes' admission matching):
 * resourceRules (apiGroups, apiVersions, resources as plurals, operations, `*` wildcards), namespaceSelector
 * (on the namespace's labels; a Namespace object uses its own; other cluster-scoped objects always match),
 * objectSelector (on the labels of the object or, for DELETE, the old object).
 */
export interface Selector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

export interface ResourceRule {
  readonly apiGroups: readonly string[];
  readonly apiVersions: readonly string[];
  readonly resources: readonly string[];
  readonly operations: readonly string[];
}

export interface MatchConstraints {
  readonly resourceRules: readonly ResourceRule[];
  readonly namespaceSelector?: Selector;
  readonly objectSelector?: Selector;
}

export interface RequestAttributes {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  /** '' for the resource itself, e.g. `ephemeralcontainers` for `kubectl debug`. */
  readonly subresource: string;
  readonly operation: string;
  /** '' for a cluster-scoped object; a Namespace object's own name for a Namespace. */
  readonly namespace: string;
  readonly isNamespaceObject: boolean;
  readonly objectLabels: Readonly<Record<string, string>>;
  readonly namespaceLabels: Readonly<Record<string, string>>;
}

/** Kubernetes label selector semantics: matchLabels AND every expression (NotIn and DoesNotExist hold when absent). */
export function selectorMatches(s: Selector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of s.matchExpressions ?? []) {
    const present = Object.hasOwn(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!present || !values.includes(labels[e.key]!)) return false;
        break;
      case 'NotIn':
        if (present && values.includes(labels[e.key]!)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

const has = (list: readonly string[], v: string) => list.includes('*') || list.includes(v);

/**
 * A `resources` entry against the request's resource and subresource, as Kubernetes' rule matcher does
 * (apiserver admission/plugin/webhook/predicates/rules `Matcher.resource`): `pods` is the resource alone,
 * `pods/ephemeralcontainers` that subresource alone, `pods/*` pods with or without a subresource (the matcher
 * tests the subresource part against `*` first), `*` every resource without subresource, and `*` with the
 * subresource `*` everything.
 */
function resourceListed(resources: readonly string[], a: RequestAttributes): boolean {
  return resources.some((entry) => {
    const slash = entry.indexOf('/');
    const [res, sub] = slash === -1 ? [entry, ''] : [entry.slice(0, slash), entry.slice(slash + 1)];
    return (res === '*' || res === a.resource) && (sub === '*' || sub === a.subresource);
  });
}

export function constraintsMatch(m: MatchConstraints, a: RequestAttributes): boolean {
  const rule = m.resourceRules.some((r) => has(r.apiGroups, a.group) && has(r.apiVersions, a.version) && resourceListed(r.resources, a) && has(r.operations, a.operation));
  if (!rule) return false;
  if (m.namespaceSelector) {
    const labels = a.isNamespaceObject ? a.objectLabels : a.namespace === '' ? undefined : a.namespaceLabels;
    if (labels && !selectorMatches(m.namespaceSelector, labels)) return false;
  }
  if (m.objectSelector && !selectorMatches(m.objectSelector, a.objectLabels)) return false;
  return true;
}

/** Kubernetes' default plural of a kind (the RESTMapper's rule), for request.resource. */
export function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower === 'endpoints') return lower;
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}
