/**
 * Condition operators for preconditions and deny rules (https://kyverno.io/docs/writing-policies/preconditions/#operators).
 * Type rules follow Kyverno: a string key is compared as a Go duration, then a quantity, then by wildcard;
 * set operators stringify numbers, match wildcards both ways and accept `a-b` ranges; a null key never matches.
 */
import { matchValue } from './pattern-value.js';
import { goJson } from './jmespath-functions.js';
import { compareRational, compareSemver, goSprint, parseDuration, parseGoFloat, parseQuantity, parseSemver } from './quantity.js';
import { wildcardMatch } from './wildcard.js';

const OPERATORS = [
  'Equal',
  'Equals',
  'NotEqual',
  'NotEquals',
  'In',
  'AnyIn',
  'AllIn',
  'NotIn',
  'AnyNotIn',
  'AllNotIn',
  'GreaterThan',
  'GreaterThanOrEquals',
  'LessThan',
  'LessThanOrEquals',
  'DurationGreaterThan',
  'DurationGreaterThanOrEquals',
  'DurationLessThan',
  'DurationLessThanOrEquals',
] as const;
export type Operator = (typeof OPERATORS)[number];

const byLowerCase = new Map<string, Operator>(OPERATORS.map((op) => [op.toLowerCase(), op]));

/** The operator named (case-insensitively) by `text`, or undefined. */
export function parseOperator(text: unknown): Operator | undefined {
  return typeof text === 'string' ? byLowerCase.get(text.toLowerCase()) : undefined;
}

const deepEqual = (a: unknown, b: unknown): boolean => goJson(a) === goJson(b);

/** Durations of key and value in ns when at least one side is a duration string (a number counts as seconds). */
function durationPair(key: unknown, value: unknown): [number, number] | undefined {
  const keyD = typeof key === 'string' && key !== '0' ? parseDuration(key) : undefined;
  const valueD = typeof value === 'string' && value !== '0' ? parseDuration(value) : undefined;
  if (keyD === undefined && valueD === undefined) return undefined;
  const k = keyD ?? (typeof key === 'number' ? Math.trunc(key) * 1e9 : undefined);
  const v = valueD ?? (typeof value === 'number' ? Math.trunc(value) * 1e9 : undefined);
  return k === undefined || v === undefined ? undefined : [k, v];
}

/** Equals as three-valued: undefined when the types cannot be compared (both Equals and NotEquals are false). */
function equality(key: unknown, value: unknown): boolean | undefined {
  if (typeof key === 'boolean') return typeof value === 'boolean' ? key === value : undefined;
  if (typeof key === 'number') {
    if (typeof value === 'number') return key === value;
    if (typeof value === 'string') {
      const parsed = parseGoFloat(value);
      return parsed === undefined ? undefined : parsed === key;
    }
    return undefined;
  }
  if (typeof key === 'string') {
    const durations = durationPair(key, value);
    if (durations) return durations[0] === durations[1];
    const keyQuantity = parseQuantity(key);
    if (keyQuantity && typeof value === 'string') {
      const valueQuantity = parseQuantity(value);
      return valueQuantity ? compareRational(keyQuantity, valueQuantity) === 0 : undefined;
    }
    return typeof value === 'string' ? wildcardMatch(value, key) : undefined;
  }
  if (Array.isArray(key)) return Array.isArray(value) ? deepEqual(key, value) : undefined;
  if (typeof key === 'object' && key !== null) {
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? deepEqual(key, value) : undefined;
  }
  return undefined;
}

/**
 * NotEquals is a handler of its own in Kyverno (pkg/engine/variables/operator/notequal.go), not the negation of
 * Equals: a key of a supported type against a value of another type is not equal (`"string"` vs `1`, `true` vs
 * `"false"` hold, as TestEvaluate in pkg/engine/variables/evaluate_test.go expects), except a quantity key against
 * a string that is no quantity (both false); a null key (an unsupported type) never holds.
 */
function notEquals(key: unknown, value: unknown): boolean {
  if (key === null || key === undefined) return false;
  const equal = equality(key, value);
  if (equal !== undefined) return !equal;
  return !(typeof key === 'string' && typeof value === 'string' && parseQuantity(key) !== undefined);
}

const IN_RANGE = /^\d+(?:\.\d+)?[^-]*-\d+(?:\.\d+)?[^-]*$/;
const NOT_IN_RANGE = /^\d+(?:\.\d+)?[^-]*!-\d+(?:\.\d+)?[^-]*$/;

/** Whether Kyverno's operator detection sees `a-b` (and not `a!-b` or a comparison prefix) in a value. */
function isRange(value: string): boolean {
  if (value.length < 2 || /^[!<>]/.test(value)) return false;
  return !NOT_IN_RANGE.test(value) && IN_RANGE.test(value);
}

/** The values a set operator compares against, or undefined when the value has an unusable type. */
function valueSet(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map(goSprint);
  if (typeof value === 'number') return [goSprint(value)];
  if (typeof value !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return [value];
  }
  return Array.isArray(parsed) && parsed.every((v) => typeof v === 'string') ? parsed : undefined;
}

const bothWays = (a: string, b: string): boolean => wildcardMatch(a, b) || wildcardMatch(b, a);

type SetMode = 'AnyIn' | 'AllIn' | 'AnyNotIn' | 'AllNotIn';

function setOperator(mode: SetMode, key: unknown, value: unknown): boolean {
  if (typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean') {
    const single = goSprint(key);
    const exists = singleKeyIn(single, value);
    if (exists === undefined) return false;
    return mode === 'AnyIn' || mode === 'AllIn' ? exists : !exists;
  }
  if (!Array.isArray(key)) return false;
  const keys = key.map(goSprint);
  if (typeof value === 'string') {
    if (keys.length === 1 && keys[0] === value) return mode === 'AnyIn' || mode === 'AllIn';
    if (isRange(value)) {
      const inRange = keys.map((k) => matchValue(k, value));
      if (mode === 'AnyIn') return inRange.some(Boolean);
      if (mode === 'AllIn') return inRange.every(Boolean);
      if (mode === 'AllNotIn') return !inRange.some(Boolean);
      const outside = value.replace('-', '!-');
      return keys.some((k) => matchValue(k, outside));
    }
  }
  const values = valueSet(value);
  if (values === undefined) return false;
  const found = keys.map((k) => values.some((v) => bothWays(k, v)));
  switch (mode) {
    case 'AnyIn':
      return found.some(Boolean);
    case 'AllIn':
      return found.every(Boolean);
    case 'AnyNotIn':
      return found.some((f) => !f);
    case 'AllNotIn':
      return !found.some(Boolean);
  }
}

function singleKeyIn(key: string, value: unknown): boolean | undefined {
  if (Array.isArray(value)) return value.some((v) => bothWays(goSprint(v), key));
  if (typeof value !== 'string') return undefined;
  if (wildcardMatch(value, key)) return true;
  if (isRange(value)) return matchValue(key, value);
  const values = valueSet(value);
  return values === undefined ? undefined : values.includes(key);
}

/** The deprecated `In` / `NotIn`: exact membership, the key acting as wildcard pattern against list values. */
function legacyIn(key: unknown, value: unknown, negate: boolean): boolean {
  if (typeof key === 'string' || typeof key === 'number') {
    const k = goSprint(key);
    let exists: boolean | undefined;
    if (Array.isArray(value)) exists = value.some((v) => wildcardMatch(k, goSprint(v)));
    else if (typeof value === 'string') {
      if (wildcardMatch(value, k)) exists = true;
      else {
        const values = valueSet(value);
        exists = values === undefined ? undefined : values.includes(k);
      }
    }
    if (exists === undefined) return false;
    return negate ? !exists : exists;
  }
  if (!Array.isArray(key)) return false;
  const keys = key.map(goSprint);
  let values: string[] | undefined;
  if (Array.isArray(value)) values = value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
  else if (typeof value === 'string') values = keys.length === 1 && keys[0] === value ? [value] : valueSet(value);
  if (values === undefined) return false;
  const set = new Set(values);
  return negate ? keys.some((k) => !set.has(k)) : keys.every((k) => set.has(k));
}

function byCondition(c: number, op: string): boolean {
  if (op.endsWith('GreaterThanOrEquals')) return c >= 0;
  if (op.endsWith('GreaterThan')) return c > 0;
  if (op.endsWith('LessThanOrEquals')) return c <= 0;
  return c < 0;
}

function numericFromString(op: Operator, key: number, value: string): boolean {
  const durations = durationPair(key, value);
  if (durations) return byCondition(Math.sign(durations[0] - durations[1]), op);
  const parsed = parseGoFloat(value);
  return parsed === undefined ? false : byCondition(Math.sign(key - parsed), op);
}

function numeric(op: Operator, key: unknown, value: unknown): boolean {
  if (typeof key === 'number') {
    if (typeof value === 'number') return byCondition(Math.sign(key - value), op);
    return typeof value === 'string' ? numericFromString(op, key, value) : false;
  }
  if (typeof key !== 'string') return false;
  const durations = durationPair(key, value);
  if (durations) return byCondition(Math.sign(durations[0] - durations[1]), op);
  const keyQuantity = parseQuantity(key);
  const valueQuantity = typeof value === 'string' ? parseQuantity(value) : undefined;
  if (keyQuantity && valueQuantity) return byCondition(compareRational(keyQuantity, valueQuantity), op);
  const keyNumber = parseGoFloat(key);
  if (keyNumber !== undefined) return numeric(op, keyNumber, value);
  const keyVersion = parseSemver(key);
  if (keyVersion && typeof value === 'string') {
    const valueVersion = parseSemver(value);
    return valueVersion ? byCondition(compareSemver(keyVersion, valueVersion), op) : false;
  }
  return false;
}

function durationOnly(op: Operator, key: unknown, value: unknown): boolean {
  const asNs = (v: unknown): number | undefined =>
    typeof v === 'number' ? Math.trunc(v) * 1e9 : typeof v === 'string' ? parseDuration(v) : undefined;
  const k = asNs(key);
  const v = asNs(value);
  return k === undefined || v === undefined ? false : byCondition(Math.sign(k - v), op);
}

/** Applies a condition operator to substituted key and value. */
export function applyOperator(op: Operator, key: unknown, value: unknown): boolean {
  switch (op) {
    case 'Equal':
    case 'Equals':
      return equality(key, value) === true;
    case 'NotEqual':
    case 'NotEquals':
      return notEquals(key, value);
    case 'In':
      return legacyIn(key, value, false);
    case 'NotIn':
      return legacyIn(key, value, true);
    case 'AnyIn':
    case 'AllIn':
    case 'AnyNotIn':
    case 'AllNotIn':
      return setOperator(op, key, value);
    case 'GreaterThan':
    case 'GreaterThanOrEquals':
    case 'LessThan':
    case 'LessThanOrEquals':
      return numeric(op, key, value);
    case 'DurationGreaterThan':
    case 'DurationGreaterThanOrEquals':
    case 'DurationLessThan':
    case 'DurationLessThanOrEquals':
      return durationOnly(op, key, value);
  }
}
