/**
 * Value parsers Kyverno borrows from Go and Kubernetes: resource quantities
 * (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/), Go durations
 * (time.ParseDuration), Go number parsing/printing (strconv, fmt) and semantic versions (blang/semver).
 */

/** An exact rational: num/den with den > 0. */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

const QUANTITY_RE = /^([+-]?)(\d*)(?:\.(\d*))?(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const quantityCache = new Map<string, Rational | null>();

/** Parses a Kubernetes quantity (`512Mi`, `0.5`, `1e3`, `250m`); undefined when not a quantity. */
export function parseQuantity(input: string): Rational | undefined {
  const cached = quantityCache.get(input);
  if (cached !== undefined) return cached ?? undefined;
  const parsed = parseQuantityUncached(input);
  if (quantityCache.size > 10_000) quantityCache.clear();
  quantityCache.set(input, parsed ?? null);
  return parsed;
}

function parseQuantityUncached(input: string): Rational | undefined {
  const m = QUANTITY_RE.exec(input);
  if (!m) return undefined;
  const intPart = m[2] ?? '';
  const fracPart = m[3] ?? '';
  if (intPart === '' && fracPart === '') return undefined;
  const suffix = m[4] ?? '';
  let num = BigInt((intPart || '0') + fracPart);
  let den = 10n ** BigInt(fracPart.length);
  if (m[1] === '-') num = -num;
  let exp10 = 0;
  if (suffix in BINARY) {
    num *= 1024n ** BigInt(BINARY[suffix] ?? 0);
  } else if (suffix in DECIMAL) {
    exp10 = DECIMAL[suffix] ?? 0;
  } else {
    exp10 = Number(suffix.slice(1));
    if (!Number.isFinite(exp10) || Math.abs(exp10) > 1000) return undefined;
  }
  if (exp10 > 0) num *= 10n ** BigInt(exp10);
  else if (exp10 < 0) den *= 10n ** BigInt(-exp10);
  return { num, den };
}

/** -1, 0 or 1 as a < b, a == b, a > b. */
export function compareRational(a: Rational, b: Rational): number {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3,
  'μs': 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/**
 * Parses a Go duration (`1h30m`, `-1.5s`, `0`) into nanoseconds; undefined when invalid. As Go's time.ParseDuration
 * (src/time/format.go): each element's whole part times its unit, plus the truncated `fraction × (unit / scale)`, in
 * unsigned 64-bit nanoseconds; a magnitude beyond 2^63 (2^63 - 1 when positive) is an error ("invalid duration"),
 * so `153722868m` is no duration.
 */
export function parseDuration(input: string): number | undefined {
  let s = input;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return undefined;
  let total = 0n;
  while (s !== '') {
    const num = /^(\d*)(?:\.(\d*))?/.exec(s);
    const whole = num?.[1] ?? '';
    const frac = num?.[2] ?? '';
    if (whole === '' && frac === '') return undefined;
    s = s.slice(num?.[0].length ?? 0);
    const unit = /^[^\d.]+/.exec(s)?.[0];
    if (unit === undefined) return undefined;
    const scale = DURATION_UNITS[unit];
    if (scale === undefined) return undefined;
    s = s.slice(unit.length);
    const v = BigInt(whole || '0');
    if (v > MAX_DURATION / BigInt(scale)) return undefined;
    let element = v * BigInt(scale);
    if (frac !== '') element += BigInt(Math.trunc(Number(frac) * (scale / 10 ** frac.length)));
    total += element;
    if (element > MAX_DURATION || total > MAX_DURATION) return undefined;
  }
  if (!negative && total > MAX_DURATION - 1n) return undefined;
  return Number(negative ? -total : total);
}

/** 1 << 63 nanoseconds. */
const MAX_DURATION = 1n << 63n;

const FLOAT_RE = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)$/;
const SPECIAL_FLOAT_RE = /^([+-]?)(inf|infinity|nan)$/i;

/** Go strconv.ParseFloat for decimal input; undefined when invalid. */
export function parseGoFloat(input: string): number | undefined {
  if (FLOAT_RE.test(input)) return Number(input);
  const special = SPECIAL_FLOAT_RE.exec(input);
  if (special) {
    if ((special[2] ?? '').toLowerCase() === 'nan') return Number.NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  return undefined;
}

/** Go strconv.ParseInt(s, 10, 64); undefined when invalid or out of range. */
export function parseGoInt(input: string): number | undefined {
  if (!/^[+-]?\d+$/.test(input)) return undefined;
  const big = BigInt(input);
  if (big > 9223372036854775807n || big < -9223372036854775808n) return undefined;
  return Number(big);
}

/** fmt.Sprint of a float64 (`%v` is shortest `%g`): exponent form when exp < -4 or exp >= 6, so 1e6 prints `1e+06`. */
export function goFormatFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa = '0', expText = '0'] = n.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const digits = String(Math.abs(exp)).padStart(2, '0');
    return `${mantissa}e${exp < 0 ? '-' : '+'}${digits}`;
  }
  return String(n);
}

/** strconv.FormatFloat(f, 'E', -1, 64), as Kyverno's pattern matcher prints floats before wildcard matching. */
export function goFormatFloatE(n: number): string {
  const [mantissa = '0', expText = '0'] = n.toExponential().split('e');
  const exp = Number(expText);
  return `${mantissa}E${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** fmt.Sprint of a JSON value, as Kyverno's set operators stringify keys and values. */
export function goSprint(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return goFormatFloat(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goSprint).join(' ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `map[${entries.map(([k, v]) => `${k}:${goSprint(v)}`).join(' ')}]`;
}

export interface SemVer {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly pre: readonly (string | number)[];
}

const NUM = '(0|[1-9]\\d*)';
const SEMVER_RE = new RegExp(`^${NUM}\\.${NUM}\\.${NUM}(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?$`);

/** Strict semantic version parse (blang/semver `Parse`). */
export function parseSemver(input: string): SemVer | undefined {
  const m = SEMVER_RE.exec(input);
  if (!m) return undefined;
  const pre: (string | number)[] = [];
  for (const id of m[4]?.split('.') ?? []) {
    if (/^\d+$/.test(id)) {
      if (id.length > 1 && id.startsWith('0')) return undefined;
      pre.push(Number(id));
    } else pre.push(id);
  }
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre };
}

export function compareSemver(a: SemVer, b: SemVer): number {
  for (const [x, y] of [
    [a.major, b.major],
    [a.minor, b.minor],
    [a.patch, b.patch],
  ] as const) {
    if (x !== y) return x < y ? -1 : 1;
  }
  if (a.pre.length === 0 || b.pre.length === 0) return b.pre.length - a.pre.length === 0 ? 0 : a.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** blang/semver ParseRange subset: `>=1.0.0 <2.0.0 || 3.1.0`, comparators `> >= < <= = == != !`. */
export function semverInRange(version: SemVer, range: string): boolean | undefined {
  const alternatives = range.split('||');
  let anyParsed = false;
  for (const alternative of alternatives) {
    const parts = alternative.trim().split(/\s+/).filter((p) => p !== '');
    let all = parts.length > 0;
    for (const part of parts) {
      const m = /^(>=|<=|>|<|==|=|!=|!)?\s*(.+)$/.exec(part);
      const target = m ? parseSemver(m[2] ?? '') : undefined;
      if (!m || !target) return undefined;
      anyParsed = true;
      const c = compareSemver(version, target);
      const op = m[1] ?? '=';
      const ok =
        op === '>' ? c > 0 : op === '>=' ? c >= 0 : op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '!=' || op === '!' ? c !== 0 : c === 0;
      if (!ok) all = false;
    }
    if (all) return true;
  }
  return anyParsed ? false : undefined;
}
