/**
 * Functions callable from Kyverno JMESPath: the standard built-ins
 * (https://jmespath.org/specification.html#built-in-functions) and Kyverno's custom filters (`jmespath-kyverno.ts`,
 * which override built-ins of the same name such as `sum`).
 */
import { ArithmeticError } from './arithmetic.js';
import { kyvernoFunctions } from './jmespath-kyverno.js';
import { arg, type Clock, ExpressionRef, type Fn, goJson, JmesPathError, jpType, type RefEvaluator } from './jmespath-values.js';
import { parseGoFloat } from './quantity.js';

export { ExpressionRef, goJson, JmesPathError };

function numbersOrStrings(fn: string, list: readonly unknown[]): 'number' | 'string' | undefined {
  if (list.length === 0) return undefined;
  const t = jpType(list[0]);
  if ((t !== 'number' && t !== 'string') || list.some((v) => jpType(v) !== t)) {
    throw new JmesPathError(`${fn}(): expected an array of numbers or an array of strings`);
  }
  return t;
}

function sortKeyed(fn: string, list: readonly unknown[], keys: readonly unknown[]): unknown[] {
  numbersOrStrings(fn, keys);
  const indexed = list.map((v, i) => ({ v, k: keys[i] as number | string, i }));
  indexed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i));
  return indexed.map((e) => e.v);
}

function extremumBy(fn: string, list: readonly unknown[], keys: readonly unknown[], max: boolean): unknown {
  if (list.length === 0) return null;
  numbersOrStrings(fn, keys);
  let best = 0;
  for (let i = 1; i < keys.length; i++) {
    const better = max ? (keys[i] as number) > (keys[best] as number) : (keys[i] as number) < (keys[best] as number);
    if (better) best = i;
  }
  return list[best];
}

const deepEqual = (a: unknown, b: unknown): boolean => goJson(a) === goJson(b);

const builtins: Record<string, Fn> = {
  abs: (a) => Math.abs(arg<number>('abs', a, 0, 'number')),
  avg: (a) => {
    const list = arg<number[]>('avg', a, 0, 'array');
    numbersOrStrings('avg', list);
    return list.length === 0 ? null : list.reduce((s, v) => s + v, 0) / list.length;
  },
  ceil: (a) => Math.ceil(arg<number>('ceil', a, 0, 'number')),
  floor: (a) => Math.floor(arg<number>('floor', a, 0, 'number')),
  contains: (a) => {
    const subject = arg<unknown>('contains', a, 0, 'array', 'string');
    if (typeof subject === 'string') return typeof a[1] === 'string' && subject.includes(a[1]);
    return (subject as unknown[]).some((v) => deepEqual(v, a[1]));
  },
  ends_with: (a) => arg<string>('ends_with', a, 0, 'string').endsWith(arg<string>('ends_with', a, 1, 'string')),
  starts_with: (a) => arg<string>('starts_with', a, 0, 'string').startsWith(arg<string>('starts_with', a, 1, 'string')),
  join: (a) => {
    const glue = arg<string>('join', a, 0, 'string');
    const list = arg<unknown[]>('join', a, 1, 'array');
    if (list.some((v) => typeof v !== 'string')) throw new JmesPathError('join(): expected an array of strings');
    return list.join(glue);
  },
  keys: (a) => Object.keys(arg<object>('keys', a, 0, 'object')),
  values: (a) => Object.values(arg<object>('values', a, 0, 'object')),
  length: (a) => {
    const v = arg<unknown>('length', a, 0, 'string', 'array', 'object');
    if (typeof v === 'string') return [...v].length;
    return Array.isArray(v) ? v.length : Object.keys(v as object).length;
  },
  map: (a, evalRef) => arg<unknown[]>('map', a, 1, 'array').map((v) => evalRef(arg<ExpressionRef>('map', a, 0, 'expref'), v)),
  max: (a) => {
    const list = arg<(number | string)[]>('max', a, 0, 'array');
    return numbersOrStrings('max', list) === undefined ? null : list.reduce((m, v) => (v > m ? v : m));
  },
  min: (a) => {
    const list = arg<(number | string)[]>('min', a, 0, 'array');
    return numbersOrStrings('min', list) === undefined ? null : list.reduce((m, v) => (v < m ? v : m));
  },
  max_by: (a, evalRef) => {
    const list = arg<unknown[]>('max_by', a, 0, 'array');
    const ref = arg<ExpressionRef>('max_by', a, 1, 'expref');
    return extremumBy('max_by', list, list.map((v) => evalRef(ref, v)), true);
  },
  min_by: (a, evalRef) => {
    const list = arg<unknown[]>('min_by', a, 0, 'array');
    const ref = arg<ExpressionRef>('min_by', a, 1, 'expref');
    return extremumBy('min_by', list, list.map((v) => evalRef(ref, v)), false);
  },
  merge: (a) => Object.assign({}, ...a.map((_, i) => arg<object>('merge', a, i, 'object'))),
  not_null: (a) => a.find((v) => v !== null && v !== undefined) ?? null,
  reverse: (a) => {
    const v = arg<unknown>('reverse', a, 0, 'string', 'array');
    return typeof v === 'string' ? [...v].reverse().join('') : [...(v as unknown[])].reverse();
  },
  sort: (a) => {
    const list = arg<(number | string)[]>('sort', a, 0, 'array');
    return sortKeyed('sort', list, list);
  },
  sort_by: (a, evalRef) => {
    const list = arg<unknown[]>('sort_by', a, 0, 'array');
    const ref = arg<ExpressionRef>('sort_by', a, 1, 'expref');
    return sortKeyed('sort_by', list, list.map((v) => evalRef(ref, v)));
  },
  to_array: (a) => (Array.isArray(a[0]) ? a[0] : [a[0] ?? null]),
  to_string: (a) => (typeof a[0] === 'string' ? a[0] : goJson(a[0])),
  to_number: (a) => {
    if (typeof a[0] === 'number') return a[0];
    if (typeof a[0] === 'string') return parseGoFloat(a[0]) ?? null;
    return null;
  },
  type: (a) => jpType(a[0]),
};

const functions: Record<string, Fn> = { ...builtins, ...kyvernoFunctions };

export function callFunction(name: string, args: readonly unknown[], evalRef: RefEvaluator, clock: Clock): unknown {
  const fn = functions[name];
  if (fn === undefined) throw new JmesPathError(`unknown function: ${name}()`);
  try {
    return fn(args, evalRef, clock);
  } catch (e) {
    if (e instanceof JmesPathError) throw e;
    if (e instanceof ArithmeticError) throw new JmesPathError(e.message);
    throw new JmesPathError(`${name}(): ${e instanceof Error ? e.message : String(e)}`);
  }
}
