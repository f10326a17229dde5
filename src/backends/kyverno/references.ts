import { referenceTargets, walkPredicate, type Referenced, type ReferenceTarget, type Rule } from '../../ir/index.js';
import { NULL, valueAt } from './jmespath.js';
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

function urlPath(t: ReferenceTarget): string {
  return `${t.apiVersion.includes('/') ? '/apis' : '/api'}/${t.apiVersion}/${t.resource}`;
}

/** The context entries a rule needs: one list call per target kind of every reference it reads, in table order. */
export function referenceContext(rule: Rule): Json[] | undefined {
  const targets = new Map<string, ReferenceTarget>();
  for (const p of [rule.predicate, ...(rule.when ? [rule.when] : [])]) {
    for (const { node } of walkPredicate(p)) {
      if (node.kind !== 'referenced') continue;
      for (const t of referenceTargets[node.reference.kind].targets) targets.set(contextName(t), t);
    }
  }
  if (targets.size === 0) return undefined;
  return [...targets.values()].map((t) => ({ name: contextName(t), apiCall: { urlPath: urlPath(t), jmesPath: 'items', default: [] } }));
}

/**
 * The referenced object as a JMESPath list of zero or one element, read at the object (`request.object`): for each
 * target, when `<path>.kind` names it and `<path>.name` is a string, the item of that name (a namespaced target: of
 * that name in the request's namespace, keyed `<namespace>/<name>`, which no RBAC name can forge as names hold no
 * `/`). `lookup` gives null for a name not in the list, and nulls are filtered out.
 */
export function referencedList(p: Referenced, base: string): string {
  const spec = referenceTargets[p.reference.kind];
  const kind = valueAt(base, [...p.reference.path, 'kind']);
  const name = valueAt(base, [...p.reference.path, 'name']);
  const branches = spec.targets.map((t) => {
    const list = contextName(t);
    if (t.scope === 'cluster') return `(${kind} == '${t.kind}' && type(${name}) == 'string' && [lookup(object_from_lists(${list}[].metadata.name, ${list}), ${name})])`;
    const ns = 'request.namespace';
    return `(${kind} == '${t.kind}' && type(${name}) == 'string' && type(${ns}) == 'string' && ${ns} != '' && [lookup(object_from_lists(${list}[].join('/', [metadata.namespace, metadata.name]), ${list}), join('/', [${ns}, ${name}]))])`;
  });
  return `(${branches.join(' || ')} || \`[]\`)[?@ != ${NULL}]`;
}
