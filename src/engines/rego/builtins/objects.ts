/** Object builtins (OPA builtins reference: "Objects"). */
import { equals, ObjectValue, SetValue, type Value } from '../values.js';
import { BuiltinError, collection, define, obj, type Builtin } from './registry.js';

function child(v: Value, key: Value): Value | undefined {
  if (v instanceof ObjectValue) return v.get(key);
  if (Array.isArray(v)) return typeof key === 'number' && Number.isInteger(key) ? v[key] : undefined;
  if (v instanceof SetValue) return v.has(key) ? key : undefined;
  return undefined;
}

/** `object.get(o, key, default)`; an array key is a path into nested collections. */
function objectGet(args: readonly Value[]): Value {
  const o = obj('object.get', args, 0);
  const key = args[1]!;
  const dflt = args[2]!;
  if (!Array.isArray(key)) {
    const v = o.get(key);
    return v === undefined ? dflt : v;
  }
  let cur: Value = o;
  for (const k of key) {
    const next = child(cur, k);
    if (next === undefined) return dflt;
    cur = next;
  }
  return cur;
}

function keysOf(name: string, v: Value): Value[] {
  if (Array.isArray(v)) return [...v];
  if (v instanceof SetValue) return [...v.values()];
  if (v instanceof ObjectValue) return [...v.keys()];
  throw new BuiltinError(`${name}: operand 2 must be one of {array, object, set}`);
}

function union(a: ObjectValue, b: ObjectValue): ObjectValue {
  const out = new ObjectValue();
  for (const k of a.keys()) out.put(k, a.get(k)!);
  for (const k of b.keys()) {
    const bv = b.get(k)!;
    const av = a.get(k);
    out.put(k, av instanceof ObjectValue && bv instanceof ObjectValue ? union(av, bv) : bv);
  }
  return out;
}

function isSubset(sup: Value, sub: Value): boolean {
  if (sup instanceof ObjectValue && sub instanceof ObjectValue) {
    for (const k of sub.keys()) {
      const v = sup.get(k);
      if (v === undefined || !isSubset(v, sub.get(k)!)) return false;
    }
    return true;
  }
  if (sup instanceof SetValue && sub instanceof SetValue) {
    for (const k of sub.items.keys()) if (!sup.items.has(k)) return false;
    return true;
  }
  if (Array.isArray(sup) && Array.isArray(sub)) {
    if (sub.length === 0) return true;
    for (let i = 0; i + sub.length <= sup.length; i++) {
      if (sub.every((e, j) => equals(sup[i + j]!, e))) return true;
    }
    return false;
  }
  if (Array.isArray(sup) && sub instanceof SetValue) return sub.values().every((e) => sup.some((s) => equals(s, e)));
  return equals(sup, sub);
}

/** JSON paths for json.filter / json.remove: "a/b/c" strings or arrays of keys. */
function paths(name: string, v: Value): Value[][] {
  return collection(name, [v], 0).map((p) => {
    if (typeof p === 'string') return p.replace(/^\//, '').split('/').filter((s) => s !== '');
    if (Array.isArray(p)) return [...p];
    throw new BuiltinError(`${name}: paths must be strings or arrays`);
  });
}

function keyMatches(k: Value, want: Value): boolean {
  return equals(k, want) || (typeof k === 'number' && typeof want === 'string' && String(k) === want);
}

function filterTree(v: Value, ps: Value[][]): Value {
  if (ps.some((p) => p.length === 0)) return v;
  if (v instanceof ObjectValue) {
    const out = new ObjectValue();
    for (const k of v.keys()) {
      const sub = ps.filter((p) => keyMatches(k, p[0]!)).map((p) => p.slice(1));
      if (sub.length > 0) out.put(k, filterTree(v.get(k)!, sub));
    }
    return out;
  }
  if (Array.isArray(v)) {
    const out: Value[] = [];
    v.forEach((e, i) => {
      const sub = ps.filter((p) => keyMatches(i, p[0]!)).map((p) => p.slice(1));
      if (sub.length > 0) out.push(filterTree(e, sub));
    });
    return out;
  }
  return v;
}

function removeTree(v: Value, ps: Value[][]): Value {
  if (v instanceof ObjectValue) {
    const out = new ObjectValue();
    for (const k of v.keys()) {
      const mine = ps.filter((p) => keyMatches(k, p[0]!));
      if (mine.some((p) => p.length === 1)) continue;
      out.put(k, mine.length ? removeTree(v.get(k)!, mine.map((p) => p.slice(1))) : v.get(k)!);
    }
    return out;
  }
  if (Array.isArray(v)) {
    const out: Value[] = [];
    v.forEach((e, i) => {
      const mine = ps.filter((p) => keyMatches(i, p[0]!));
      if (mine.some((p) => p.length === 1)) return;
      out.push(mine.length ? removeTree(e, mine.map((p) => p.slice(1))) : e);
    });
    return out;
  }
  return v;
}

export const objectBuiltins: readonly Builtin[] = [
  define('object.get', 3, objectGet),
  define('object.keys', 1, (args) => SetValue.of(obj('object.keys', args, 0).keys())),
  define('object.remove', 2, (args) => {
    const o = obj('object.remove', args, 0);
    const drop = SetValue.of(keysOf('object.remove', args[1]!));
    return ObjectValue.of(o.keys().filter((k) => !drop.has(k)).map((k) => [k, o.get(k)!] as const));
  }),
  define('object.filter', 2, (args) => {
    const o = obj('object.filter', args, 0);
    const keep = SetValue.of(keysOf('object.filter', args[1]!));
    return ObjectValue.of(o.keys().filter((k) => keep.has(k)).map((k) => [k, o.get(k)!] as const));
  }),
  define('object.union', 2, (args) => union(obj('object.union', args, 0), obj('object.union', args, 1))),
  define('object.union_n', 1, (args) =>
    collection('object.union_n', args, 0).reduce<ObjectValue>((acc, o) => {
      if (!(o instanceof ObjectValue)) throw new BuiltinError('object.union_n: operand 1 must contain only objects');
      return union(acc, o);
    }, new ObjectValue()),
  ),
  define('object.subset', 2, ([sup, sub]) => {
    if (!(sup instanceof ObjectValue || sup instanceof SetValue || Array.isArray(sup))) {
      throw new BuiltinError('object.subset: operand 1 must be one of {object, set, array}');
    }
    return isSubset(sup!, sub!);
  }),
  define('json.filter', 2, (args) => filterTree(obj('json.filter', args, 0), paths('json.filter', args[1]!))),
  define('json.remove', 2, (args) => removeTree(obj('json.remove', args, 0), paths('json.remove', args[1]!))),
];
