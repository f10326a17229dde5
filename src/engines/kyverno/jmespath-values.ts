/**
 * The values JMESPath functions work on: JMESPath types, argument checks, expression references, and Go's JSON
 * printing (how Kyverno turns non-string values into text).
 */
/** A query that could not be evaluated: syntax, type or function errors, or a missing key. */
export class JmesPathError extends Error {
  override readonly name = 'JmesPathError';
}

/** An expression reference (`&expr`) passed to functions such as `sort_by`. */
export class ExpressionRef {
  constructor(readonly node: unknown) {}
}

export type RefEvaluator = (ref: ExpressionRef, value: unknown) => unknown;
/** The clock `time_now`, `time_now_utc` and `time_since` read: milliseconds since the epoch. */
export type Clock = () => number;
export type Fn = (args: readonly unknown[], evalRef: RefEvaluator, clock: Clock) => unknown;

type JpType = 'number' | 'string' | 'boolean' | 'array' | 'object' | 'null' | 'expref';

export function jpType(value: unknown): JpType {
  if (value === null || value === undefined) return 'null';
  if (value instanceof ExpressionRef) return 'expref';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'number' || t === 'string' || t === 'boolean' ? t : 'object';
}

export function arg<T>(fn: string, args: readonly unknown[], i: number, ...types: JpType[]): T {
  const value = args[i];
  if (!types.includes(jpType(value))) {
    throw new JmesPathError(`invalid type for value ${JSON.stringify(value ?? null)} in argument ${i + 1} of ${fn}(): expected one of ${types.join(', ')}`);
  }
  return value as T;
}

/** Go encoding/json text: sorted object keys, `<>&` escaped, as Kyverno prints non-string values. */
export function goJson(value: unknown): string {
  const escape = (s: string): string =>
    JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return escape(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${escape(k)}:${goJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

