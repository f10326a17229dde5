/**
 * gatekeeper-library K8sUniqueIngressHost and K8sUniqueServiceSelector (library/general/uniqueingresshost and
 * uniqueserviceselector, template.yaml), as `is unique among … in the cluster` (docs/language/uniqueness.md). Both
 * templates read their own kind from the request (input.review.kind), so they judge only those objects whatever the
 * Constraint's match selects beyond them, and compare with Gatekeeper's synced data.inventory.
 */
import { no, ok, type Translation, type YamlPathStep } from './model.js';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);

/** Whether a Constraint's match.kinds selects a group and kind (no kinds: every kind; `*` wildcards included). */
function selects(match: unknown, group: string, kind: string, at: YamlPathStep[]): Translation<boolean> {
  const kinds = isMap(match) ? match['kinds'] : undefined;
  if (kinds === undefined) return ok(true);
  if (!Array.isArray(kinds)) return no('match.kinds that is not a list', at);
  for (const [i, k] of kinds.entries()) {
    const groups = strings(isMap(k) ? k['apiGroups'] : undefined) ?? [];
    const names = strings(isMap(k) ? k['kinds'] : undefined) ?? [];
    if (!isMap(k)) return no('a kinds entry that is not a map', [...at, 'kinds', i]);
    if ((groups.length === 0 || groups.includes('*') || groups.includes(group)) && (names.length === 0 || names.includes('*') || names.includes(kind))) return ok(true);
  }
  return ok(false);
}

/** Every version an Ingress was ever served in (the template reads extensions/* and networking.k8s.io/*). */
const ingressVersions = ['networking.k8s.io/v1', 'networking.k8s.io/v1beta1', 'extensions/v1beta1'];

/**
 * The Rego reports an Ingress of group extensions or networking.k8s.io when one of its rules' hosts is a host of a
 * rule of another Ingress (any namespace, any version of those groups) in the inventory; "another" is any but the
 * one of the same namespace and name. A rule without a host reports nothing.
 */
export function translateUniqueIngressHost(match: unknown, at: YamlPathStep[]): Translation<{ applies: string[]; body: string }> {
  const versions: string[] = [];
  for (const v of ingressVersions) {
    const s = selects(match, v.slice(0, v.indexOf('/')), 'Ingress', at);
    if (!s.ok) return s;
    if (s.value) versions.push(v);
  }
  if (versions.length === 0) return no('a match that selects no Ingress (the template then never reports anything)', at);
  const among = ingressVersions.map((v) => `"${v}" Ingress`).join(', ');
  return ok({ applies: versions.map((v) => `applies to "${v}" Ingress`), body: `require every item in spec.rules has host is unique among ${among} in the cluster` });
}

/**
 * The Rego reports a v1 Service whose selector, flattened to sorted `key:value` pairs, equals another Service's in
 * the inventory (any namespace; "another": not the same namespace, name, kind and apiVersion). An absent selector
 * flattens to "", as an empty one does. Label keys and values hold no `:` or `,` (the API server validates a
 * Service's selector as labels), so equal flattenings are equal maps.
 */
export function translateUniqueServiceSelector(match: unknown, at: YamlPathStep[]): Translation<{ applies: string[]; body: string }> {
  const s = selects(match, '', 'Service', at);
  if (!s.ok) return s;
  if (!s.value) return no('a match that selects no Service (the template then never reports anything)', at);
  return ok({ applies: ['applies to "v1" Service'], body: 'require spec.selector is unique among "v1" Service in the cluster' });
}
