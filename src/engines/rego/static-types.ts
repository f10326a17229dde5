/**
 * The static types OPA's type checker assigns to terms (OPA `types/types.go`), with the operations the
 * checker uses on them: `unifies` (`ast/check.go`), `or`, `keysOf`, `valuesOf`, `select`, `isNil`, `contains`
 * (`types.Or`, `types.Keys`, `types.Values`, `types.Select`, `types.Nil`, `types.Contains`). `undefined` is
 * OPA's nil type (unknown). `any` with no members is `types.A`, the type of every value; with members it is a
 * union (`types.NewAny(...)`).
 */
import type { Scalar } from './ast.js';

export type RType =
  | { readonly k: 'any'; readonly of: readonly RType[] }
  | { readonly k: 'null' }
  | { readonly k: 'boolean' }
  | { readonly k: 'number' }
  | { readonly k: 'string' }
  | { readonly k: 'array'; readonly static: readonly RType[]; readonly dynamic?: RType }
  | { readonly k: 'object'; readonly static: readonly StaticProp[]; readonly dynamic?: DynamicProp }
  | { readonly k: 'set'; readonly of: RType };

/** A property of an object type known by key (OPA `types.StaticProperty`; keys here are scalars only). */
export interface StaticProp {
  readonly key: Scalar;
  readonly value: RType;
}

export interface DynamicProp {
  readonly key: RType;
  readonly value: RType;
}

export const A: RType = { k: 'any', of: [] };
export const Nl: RType = { k: 'null' };
export const B: RType = { k: 'boolean' };
export const N: RType = { k: 'number' };
export const S: RType = { k: 'string' };

export const isTop = (t: RType | undefined): boolean => t !== undefined && t.k === 'any' && t.of.length === 0;

export function arrayOf(dynamic: RType): RType {
  return { k: 'array', static: [], dynamic };
}

export function tuple(items: readonly RType[]): RType {
  return { k: 'array', static: items };
}

export function setOf(of: RType): RType {
  return { k: 'set', of };
}

/** `object[key: value]`, optionally with known properties (sorted by key, as `types.NewObject` sorts them). */
export function objectOf(dynamic: DynamicProp | undefined, props: readonly StaticProp[] = []): RType {
  const sorted = [...props].sort((a, b) => compareScalars(a.key, b.key));
  return dynamic ? { k: 'object', static: sorted, dynamic } : { k: 'object', static: sorted };
}

export function anyOf(...of: RType[]): RType {
  return { k: 'any', of: [...of].sort(compareTypes) };
}

/** The type of a scalar value (`types.TypeOf`). */
export function typeOfScalar(v: Scalar): RType {
  if (v === null) return Nl;
  if (typeof v === 'boolean') return B;
  return typeof v === 'number' ? N : S;
}

const scalarOrder = (v: Scalar): number => (v === null ? 0 : typeof v === 'boolean' ? 1 : typeof v === 'number' ? 2 : 3);

/** OPA's `util.Compare` restricted to scalars. */
export function compareScalars(a: Scalar, b: Scalar): number {
  const d = scalarOrder(a) - scalarOrder(b);
  if (d !== 0) return Math.sign(d);
  if (a === b || a === null) return 0;
  return (a as number | string | boolean) < (b as number | string | boolean) ? -1 : 1;
}

const order: Record<RType['k'], number> = { null: 0, boolean: 1, number: 2, string: 3, array: 4, object: 5, set: 6, any: 7 };

function compareLists(a: readonly RType[], b: readonly RType[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareTypes(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return Math.sign(a.length - b.length);
}

/** A total order on types (`types.Compare`); 0 means the same type. */
export function compareTypes(a: RType, b: RType): number {
  if (a.k !== b.k) return Math.sign(order[a.k] - order[b.k]);
  switch (a.k) {
    case 'array': {
      const y = b as typeof a;
      if (a.dynamic && !y.dynamic) return 1;
      if (!a.dynamic && y.dynamic) return -1;
      if (a.dynamic && y.dynamic) {
        const c = compareTypes(a.dynamic, y.dynamic);
        if (c !== 0) return c;
      }
      return compareLists(a.static, y.static);
    }
    case 'object': {
      const y = b as typeof a;
      if (a.dynamic && !y.dynamic) return 1;
      if (!a.dynamic && y.dynamic) return -1;
      if (a.dynamic && y.dynamic) {
        const c = compareTypes(a.dynamic.key, y.dynamic.key) || compareTypes(a.dynamic.value, y.dynamic.value);
        if (c !== 0) return c;
      }
      for (let i = 0; i < Math.min(a.static.length, y.static.length); i++) {
        const c = compareScalars(a.static[i]!.key, y.static[i]!.key) || compareTypes(a.static[i]!.value, y.static[i]!.value);
        if (c !== 0) return c;
      }
      return Math.sign(a.static.length - y.static.length);
    }
    case 'set':
      return compareTypes(a.of, (b as typeof a).of);
    case 'any':
      return compareLists(a.of, (b as typeof a).of);
    default:
      return 0;
  }
}

/** Whether `a` is `b` or a union containing it (`types.Contains`); `types.A` contains everything. */
export function contains(a: RType, b: RType): boolean {
  if (a.k === 'any') return a.of.length === 0 || a.of.some((m) => compareTypes(m, b) === 0);
  return compareTypes(a, b) === 0;
}

/** The union of two types (`types.Or`): a superset is returned unchanged, nil is the identity. */
export function or(a: RType | undefined, b: RType | undefined): RType | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const merge = (u: RType & { k: 'any' }, t: RType): RType => {
    if (u.of.length === 0) return u;
    if (t.k === 'any') return t.of.length === 0 ? t : anyOf(...u.of, ...t.of.filter((m) => !contains(u, m)));
    return contains(u, t) ? u : anyOf(...u.of, t);
  };
  if (a.k === 'any') return merge(a, b);
  if (b.k === 'any') return merge(b, a);
  return compareTypes(a, b) === 0 ? a : anyOf(a, b);
}

/** The type of the element at a constant key (`types.Select`); undefined when no such element can exist. */
export function select(t: RType, key: Scalar): RType | undefined {
  switch (t.k) {
    case 'array': {
      if (typeof key !== 'number' || !Number.isInteger(key) || key < 0) return undefined;
      return key < t.static.length ? t.static[key] : t.dynamic;
    }
    case 'object': {
      const hit = t.static.find((p) => compareScalars(p.key, key) === 0);
      if (hit) return hit.value;
      return t.dynamic && contains(t.dynamic.key, typeOfScalar(key)) ? t.dynamic.value : undefined;
    }
    case 'set': {
      const kt = typeOfScalar(key);
      if (compareTypes(t.of, kt) === 0) return t.of;
      return t.of.k === 'any' && contains(t.of, kt) ? kt : undefined;
    }
    case 'any':
      if (t.of.length === 0) return A;
      return t.of.reduce<RType | undefined>((acc, m) => or(select(m, key), acc), undefined);
    default:
      return undefined;
  }
}

/** The type of the keys iteration can produce (`types.Keys`); undefined for scalars, which cannot be iterated. */
export function keysOf(t: RType): RType | undefined {
  switch (t.k) {
    case 'array':
      return N;
    case 'object': {
      let out: RType | undefined;
      for (const p of t.static) out = or(out, typeOfScalar(p.key));
      return t.dynamic ? or(out, t.dynamic.key) : out;
    }
    case 'set':
      return t.of;
    case 'any':
      return t.of.length === 0 ? A : t.of.reduce<RType | undefined>((acc, m) => or(keysOf(m), acc), undefined);
    default:
      return undefined;
  }
}

/** The type of the values iteration can produce (`types.Values`). */
export function valuesOf(t: RType): RType | undefined {
  switch (t.k) {
    case 'array':
      return or(t.static.reduce<RType | undefined>((acc, m) => or(acc, m), undefined), t.dynamic);
    case 'object': {
      const known = t.static.reduce<RType | undefined>((acc, p) => or(acc, p.value), undefined);
      return t.dynamic ? or(known, t.dynamic.value) : known;
    }
    case 'set':
      return t.of;
    case 'any':
      return t.of.length === 0 ? A : t.of.reduce<RType | undefined>((acc, m) => or(valuesOf(m), acc), undefined);
    default:
      return undefined;
  }
}

/** Whether two types have a value in common (OPA `ast/check.go` `unifies`); nil unifies with nothing. */
export function unifies(a: RType | undefined, b: RType | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (a.k === 'any' && (a.of.length === 0 || a.of.some((m) => unifies(m, b)))) return true;
  if (b.k === 'any' && (b.of.length === 0 || b.of.some((m) => unifies(m, a)))) return true;
  if (a.k === 'any' || b.k === 'any' || a.k !== b.k) return false;
  switch (a.k) {
    case 'array': {
      const y = b as typeof a;
      const staticOk = (p: typeof a, q: typeof a) => p.static.every((t, i) => unifies(t, arraySelect(q, i)));
      return staticOk(a, y) && staticOk(y, a) && (!a.dynamic || !y.dynamic || unifies(a.dynamic, y.dynamic));
    }
    case 'object': {
      const y = b as typeof a;
      const staticOk = (p: typeof a, q: typeof a) => p.static.every((s) => unifies(s.value, select(q, s.key)));
      return staticOk(a, y) && staticOk(y, a) && (!a.dynamic || !y.dynamic || unifies(a.dynamic.value, y.dynamic.value));
    }
    case 'set':
      return unifies(a.of, (b as typeof a).of);
    default:
      return true;
  }
}

function arraySelect(t: RType & { k: 'array' }, i: number): RType | undefined {
  return i < t.static.length ? t.static[i] : t.dynamic;
}

/** Whether a type is, or contains, an unknown part (`types.Nil`). */
export function isNil(t: RType | undefined): boolean {
  if (t === undefined) return true;
  switch (t.k) {
    case 'array':
      return t.static.some(isNil) || (t.dynamic !== undefined && isNil(t.dynamic));
    case 'object':
      return t.static.some((p) => isNil(p.value)) || (t.dynamic !== undefined && (isNil(t.dynamic.key) || isNil(t.dynamic.value)));
    case 'set':
      return isNil(t.of);
    default:
      return false;
  }
}

/** A type as OPA prints it (`array[string]`, `object<a: number>[any: any]`, `any<number, string>`). */
export function formatType(t: RType | undefined): string {
  if (t === undefined) return '???';
  switch (t.k) {
    case 'any':
      return t.of.length === 0 ? 'any' : `any<${t.of.map(formatType).join(', ')}>`;
    case 'array':
      return `array${t.static.length ? `<${t.static.map(formatType).join(', ')}>` : ''}${t.dynamic ? `[${formatType(t.dynamic)}]` : ''}`;
    case 'object': {
      const props = t.static.map((p) => `${String(p.key)}: ${formatType(p.value)}`);
      const dyn = t.dynamic ? `[${formatType(t.dynamic.key)}: ${formatType(t.dynamic.value)}]` : '';
      return `object${props.length ? `<${props.join(', ')}>` : ''}${dyn}`;
    }
    case 'set':
      return `set[${formatType(t.of)}]`;
    default:
      return t.k;
  }
}
