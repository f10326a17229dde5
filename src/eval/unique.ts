import type { Unique, UniqueKind } from '../ir/index.js';
import { isObject, jsonEqual, valueAt } from './values.js';

/** The object under review, as uniqueness tells it apart from the others (semantics §3.2). */
export interface ReviewedIdentity {
  readonly kind: string;
  readonly namespace: string | undefined;
  readonly name: string;
}

/**
 * The other objects a uniqueness test compares with (semantics §3.2): the inventory's objects of one of the kinds
 * (apiVersion and kind), except the object under review itself, the one of the same kind, namespace and name (its
 * stored version, on an UPDATE).
 */
export function otherObjects(among: readonly UniqueKind[], self: ReviewedIdentity, inventory: readonly unknown[]): unknown[] {
  return inventory.filter((o) => {
    if (!isObject(o) || !among.some((k) => k.apiVersion === o['apiVersion'] && k.kind === o['kind'])) return false;
    const ns = valueAt(o, ['metadata', 'namespace']);
    const namespace = typeof ns === 'string' && ns !== '' ? ns : undefined;
    return !(o['kind'] === self.kind && namespace === (self.namespace || undefined) && valueAt(o, ['metadata', 'name']) === self.name);
  });
}

/** The values at a place: each list hop followed (non-lists contribute nothing), then the value's path. */
function valuesAt(root: unknown, place: readonly (readonly string[])[]): unknown[] {
  let current: unknown[] = [root];
  for (const hop of place.slice(0, -1)) {
    current = current.flatMap((c) => {
      const list = valueAt(c, hop);
      return Array.isArray(list) ? list : [];
    });
  }
  const last = place[place.length - 1] ?? [];
  return current.map((c) => valueAt(c, last));
}

/** A map as uniqueness compares it: anything that is not a map (absent included) is the empty map. */
const asMap = (v: unknown): unknown => (isObject(v) ? v : {});

/**
 * `PATH is unique among KINDS in the cluster` at the current scope: for strings, a missing or non-string value is
 * unique, else no other object holds that string at the place; for maps, no other object holds an equal map there
 * (absent counting as empty).
 */
export function isUnique(u: Unique, value: unknown, others: readonly unknown[]): boolean {
  const v = valueAt(value, u.path);
  if (u.compare === 'string') {
    if (typeof v !== 'string') return true;
    return !others.some((o) => valuesAt(o, u.place).some((x) => x === v));
  }
  const m = asMap(v);
  return !others.some((o) => valuesAt(o, u.place).some((x) => jsonEqual(asMap(x), m)));
}

/** `KINDS in the cluster` (semantics §3.3): every inventory object of one of the kinds, the reviewed one's stored version included. */
export function clusterObjects(among: readonly UniqueKind[], inventory: readonly unknown[]): unknown[] {
  return inventory.filter((o) => isObject(o) && among.some((k) => k.apiVersion === o['apiVersion'] && k.kind === o['kind']));
}
