/** Aggregates, sets and arrays (OPA builtins reference: "Aggregates", "Sets", "Arrays"). */
import { compare, ObjectValue, SetValue, type Value } from '../values.js';
import { arr, BuiltinError, collection, define, int, set, type Builtin } from './registry.js';

function numbers(name: string, args: readonly Value[]): number[] {
  return collection(name, args, 0).map((v) => {
    if (typeof v !== 'number') throw new BuiltinError(`${name}: operand 1 must contain only numbers`);
    return v;
  });
}

function extreme(name: string, args: readonly Value[], sign: number): Value | undefined {
  const items = collection(name, args, 0);
  let best: Value | undefined;
  for (const v of items) if (best === undefined || compare(v, best) * sign > 0) best = v;
  return best;
}

function booleans(name: string, args: readonly Value[]): Value[] {
  return [...collection(name, args, 0)];
}

function union(sets: Iterable<SetValue>): SetValue {
  const out = new SetValue();
  for (const s of sets) for (const [k, v] of s.items) out.items.set(k, v);
  return out;
}

function intersection(sets: readonly SetValue[]): SetValue {
  const out = new SetValue();
  const [first, ...rest] = sets;
  if (!first) return out;
  for (const [k, v] of first.items) if (rest.every((s) => s.items.has(k))) out.items.set(k, v);
  return out;
}

function setsOf(name: string, args: readonly Value[]): SetValue[] {
  return set(name, args, 0)
    .values()
    .map((s) => {
      if (!(s instanceof SetValue)) throw new BuiltinError(`${name}: operand 1 must be a set of sets`);
      return s;
    });
}

export const aggregateBuiltins: readonly Builtin[] = [
  define('count', 1, ([v]) => {
    if (typeof v === 'string') return [...v].length;
    if (Array.isArray(v)) return v.length;
    if (v instanceof ObjectValue || v instanceof SetValue) return v.size;
    throw new BuiltinError('count: operand 1 must be one of {array, object, set, string}');
  }),
  define('sum', 1, (args) => numbers('sum', args).reduce((a, b) => a + b, 0)),
  define('product', 1, (args) => numbers('product', args).reduce((a, b) => a * b, 1)),
  define('max', 1, (args) => extreme('max', args, 1)),
  define('min', 1, (args) => extreme('min', args, -1)),
  define('sort', 1, (args) => [...collection('sort', args, 0)].sort(compare)),
  define('all', 1, (args) => booleans('all', args).every((v) => v === true)),
  define('any', 1, (args) => booleans('any', args).some((v) => v === true)),
  define('or', 2, (args) => union([set('or', args, 0), set('or', args, 1)])),
  define('and', 2, (args) => intersection([set('and', args, 0), set('and', args, 1)])),
  define('union', 1, (args) => union(setsOf('union', args))),
  define('intersection', 1, (args) => intersection(setsOf('intersection', args))),
  define('array.concat', 2, (args) => [...arr('array.concat', args, 0), ...arr('array.concat', args, 1)]),
  define('array.reverse', 1, (args) => [...arr('array.reverse', args, 0)].reverse()),
  define('array.slice', 3, (args) => {
    const a = arr('array.slice', args, 0);
    let start = int('array.slice', args, 1);
    let stop = int('array.slice', args, 2);
    if (start < 0) start = 0;
    if (stop > a.length) stop = a.length;
    return start >= stop ? [] : a.slice(start, stop);
  }),
];
