import { parseQuantity, re2RegExp, type Scalar } from '../ir/index.js';

/** JSON values as parsed from YAML manifests. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value at a path, or undefined when a step is absent or not an object, or the value is null (missing). */
export function valueAt(root: unknown, path: readonly string[]): Json | undefined {
  let cur: unknown = root;
  for (const key of path) {
    if (!isObject(cur) || !Object.hasOwn(cur, key)) return undefined;
    cur = cur[key];
  }
  return cur === null || cur === undefined ? undefined : (cur as Json);
}

/** JSON equality without coercion. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

export function scalarIn(v: unknown, values: readonly Scalar[]): boolean {
  return values.some((x) => jsonEqual(v, x));
}

/** A quantity value of a manifest field: a JSON number, or a string in Kubernetes quantity syntax. */
export function quantityOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return parseQuantity(v);
  return undefined;
}

const globCache = new Map<string, RegExp>();
/** `*` any sequence, `?` one character, everything else literal; whole-string match (semantics §3). */
export function globMatch(pattern: string, value: string): boolean {
  let re = globCache.get(pattern);
  if (!re) {
    // Escape only what is special in a regex: with the `u` flag, needless escapes such as \- are syntax errors.
    const body = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).join('');
    re = new RegExp(`^${body}$`, 'su');
    globCache.set(pattern, re);
  }
  return re.test(value);
}

const regexCache = new Map<string, RegExp>();
/**
 * Unanchored search with an RE2-compatible pattern (the checker rejected lookaround, backreferences and every flag
 * group but a leading (?i), (?m), (?s) or a combination, which become RegExp flags).
 */
export function regexSearch(pattern: string, value: string): boolean {
  let re = regexCache.get(pattern);
  if (!re) {
    re = re2RegExp(pattern);
    regexCache.set(pattern, re);
  }
  return re.test(value);
}

export function isEmpty(v: Json | undefined): boolean {
  if (v === undefined || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return Object.keys(v).length === 0;
  return false;
}
