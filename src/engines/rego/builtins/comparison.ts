/** Comparison and membership operators (OPA builtins reference: "Comparison", "Membership"). */
import { compare, equals, ObjectValue, SetValue, type Value } from '../values.js';
import { define, type Builtin } from './registry.js';

function member(x: Value, xs: Value): boolean {
  if (Array.isArray(xs)) return xs.some((e) => equals(e, x));
  if (xs instanceof SetValue) return xs.has(x);
  if (xs instanceof ObjectValue) {
    for (const k of xs.keys()) if (equals(xs.get(k)!, x)) return true;
  }
  return false;
}

function memberWithKey(k: Value, x: Value, xs: Value): boolean {
  if (Array.isArray(xs)) return typeof k === 'number' && Number.isInteger(k) && k >= 0 && k < xs.length && equals(xs[k]!, x);
  if (xs instanceof ObjectValue) {
    const v = xs.get(k);
    return v !== undefined && equals(v, x);
  }
  return false;
}

/** Comparisons order values of different types too (null < boolean < number < string < array < object < set). */
export const comparisonBuiltins: readonly Builtin[] = [
  define('equal', 2, ([a, b]) => equals(a!, b!)),
  define('neq', 2, ([a, b]) => !equals(a!, b!)),
  define('lt', 2, ([a, b]) => compare(a!, b!) < 0),
  define('lte', 2, ([a, b]) => compare(a!, b!) <= 0),
  define('gt', 2, ([a, b]) => compare(a!, b!) > 0),
  define('gte', 2, ([a, b]) => compare(a!, b!) >= 0),
  define('internal.member_2', 2, ([x, xs]) => member(x!, xs!)),
  define('internal.member_3', 3, ([k, x, xs]) => memberWithKey(k!, x!, xs!)),
];
