import type { FieldType, Predicate, UniqueKind } from '../ir/index.js';
import type { ComparisonAst, KindTargetAst } from '../syntax/index.js';
import { acceptedKind, closestName, findKnownKind, knownKinds, removedVersions, resolvePath, type FieldSchema } from './fields/index.js';
import type { PredicateScope } from './lower-predicate.js';
import type { Reporter } from './report.js';

/**
 * `PATH is unique among KINDS in the cluster` (docs/language/uniqueness.md): at the object, or inside `item in PATH`
 * quantifiers over the object's own lists (`scope.place`, the list hops from the object's root), on a string or a
 * map of strings; each kind as `applies to` takes it (a typo in a built-in group is SP1010). The other objects must
 * have the value at the same place: the path is checked against every typed kind of the list.
 */
export function lowerUnique(r: Reporter, c: ComparisonAst, scope: PredicateScope, type: FieldType): Predicate | undefined {
  if (c.test.kind !== 'unique') return undefined;
  const path = c.path.segments.map((s) => s.name);
  if (c.effective) {
    r.report('SP1009', c.span, { detail: '`effective` values cannot be tested for uniqueness', hint: 'test the field itself: securityContext.… is unique among …' });
    return undefined;
  }
  if (!scope.place || scope.podObject) {
    r.report('SP1009', c.test.span, { detail: '`is unique among … in the cluster` can only be used at the object, or inside `item in PATH` quantifiers over its own lists, in rules that do not apply to pods', hint: 'other objects are compared at the same place from their root: write it as `every item in spec.rules has host is unique among …`' });
    return undefined;
  }
  const compare = type === 'string' || type === 'any' ? 'string' : type === 'string-map' ? 'map' : undefined;
  if (!compare) {
    r.report('SP1003', c.test.span, { detail: `\`is unique\` compares strings or maps of strings, but ${path.join('.')} is not one`, hint: 'test a string field (a host, a name) or a map of strings (a selector, labels)' });
    return undefined;
  }
  const place = [...scope.place, path];
  const among: UniqueKind[] = [];
  let ok = true;
  for (const target of c.test.among) {
    const kinds = lowerTargets(r, target);
    if (!kinds) {
      ok = false;
      continue;
    }
    for (const k of kinds) {
      if (!reachable(k.schema, place)) {
        r.report('SP1002', target.span, { field: place.flat().join('.'), owner: k.kind.kind, hint: `${k.kind.kind} has no ${place.map((h) => h.join('.')).join('[].')}: compare with kinds that hold the value at the same place` });
        ok = false;
      }
      if (!among.some((a) => a.apiVersion === k.kind.apiVersion && a.kind === k.kind.kind)) among.push(k.kind);
    }
  }
  if (!ok) return undefined;
  return { kind: 'unique', path, place, among, compare, span: c.span };
}

/** The kinds of one `"apiVersion" Kind, Kind` group, as `applies to` checks them (SP1004, SP1010), with their field tables. */
export function lowerTargets(r: Reporter, t: Extract<KindTargetAst, { kind: 'kinds' }>): { kind: UniqueKind; schema?: FieldSchema }[] | undefined {
  const m = /^(?:([a-z0-9]([-a-z0-9.]*[a-z0-9])?)\/)?(v\d+(?:(?:alpha|beta)\d+)?)$/.exec(t.apiVersion.value);
  if (!m) {
    r.report('SP1004', t.apiVersion.span, { what: 'apiVersion', value: JSON.stringify(t.apiVersion.value), reason: 'expected "group/version" or "version"', hint: 'e.g. "v1", "networking.k8s.io/v1"' });
    return undefined;
  }
  const group = m[1] ?? '';
  const version = m[3] ?? 'v1';
  const out: { kind: UniqueKind; schema?: FieldSchema }[] = [];
  for (const k of t.kinds) {
    if (!acceptedKind(group, version, k.text)) {
      const near = closestName(k.text, [...knownKinds.filter((x) => x.group === group).map((x) => x.kind), ...removedVersions.filter((x) => x.group === group).flatMap((x) => x.kinds)]);
      r.report('SP1010', k.span, { what: `kind in ${t.apiVersion.value}`, name: k.text, hint: near[0] ? `did you mean "${near[0]}"?` : 'name a kind the API server serves (or served: see scope.md, removed API versions)' });
      return undefined;
    }
    // A removed version or a CRD is untyped: any path may hold the value.
    const known = findKnownKind(group, version, k.text);
    out.push({ kind: { apiVersion: t.apiVersion.value, kind: k.text, resource: resourcePlural(k.text) }, ...(known ? { schema: known.schema } : {}) });
  }
  return out;
}

/** Whether a typed kind holds a value at the place (list hops, then the value's path); untyped kinds always may. */
function reachable(schema: FieldSchema | undefined, place: readonly (readonly string[])[]): boolean {
  let s = schema;
  for (const [i, hop] of place.entries()) {
    if (!s || s.type === 'any') return true;
    const res = resolvePath(s, hop);
    if (!res.ok) return false;
    if (i < place.length - 1) {
      if (res.schema.type === 'any') return true;
      if (res.schema.type !== 'object-list') return false;
      s = res.schema.element;
    }
  }
  return true;
}

/** Kubernetes' plural resource name of a kind (the RESTMapper's default: `ingresses`, `services`, `networkpolicies`). */
export function resourcePlural(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower === 'endpoints') return lower;
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}
