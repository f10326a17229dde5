/**
 * Kyverno's arithmetic JMESPath functions (`add`, `subtract`, `multiply`, `divide`, `modulo`, `sum`) over
 * numbers, Kubernetes quantities and Go durations
 * (https://kyverno.io/docs/writing-policies/jmespath/#add). String operands are tried as a quantity first,
 * then as a duration, as Kyverno does. Results print as Kubernetes/Go would (`200Mi`, `1h0m5s`).
 */
import { parseDuration, parseQuantity, type Rational } from './quantity.js';

export class ArithmeticError extends Error {
  override readonly name = 'ArithmeticError';
}

type QuantityFormat = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';
type Operand =
  | { readonly kind: 'scalar'; readonly value: number }
  | { readonly kind: 'quantity'; readonly value: Rational; readonly format: QuantityFormat }
  | { readonly kind: 'duration'; readonly ns: number };

function quantityFormat(text: string): QuantityFormat {
  if (/(Ki|Mi|Gi|Ti|Pi|Ei)$/.test(text)) return 'BinarySI';
  if (/[eE][+-]?\d+$/.test(text)) return 'DecimalExponent';
  return 'DecimalSI';
}

function operand(value: unknown, fn: string): Operand {
  if (typeof value === 'number') return { kind: 'scalar', value };
  if (typeof value === 'string') {
    const q = parseQuantity(value);
    if (q) return { kind: 'quantity', value: q, format: quantityFormat(value) };
    const d = parseDuration(value);
    if (d !== undefined) return { kind: 'duration', ns: d };
  }
  throw new ArithmeticError(`JMESPath function '${fn}': invalid operands`);
}

function mismatch(fn: string): never {
  throw new ArithmeticError(`JMESPath function '${fn}': types mismatch`);
}

function zeroDivision(fn: string): never {
  throw new ArithmeticError(`JMESPath function '${fn}': zero divisor`);
}

function rationalFromNumber(n: number): Rational {
  const q = parseQuantity(String(n));
  if (!q) throw new ArithmeticError(`cannot use ${n} as a quantity`);
  return q;
}

const add = (a: Rational, b: Rational): Rational => ({ num: a.num * b.den + b.num * a.den, den: a.den * b.den });
const neg = (a: Rational): Rational => ({ num: -a.num, den: a.den });
const mul = (a: Rational, b: Rational): Rational => ({ num: a.num * b.num, den: a.den * b.den });
const toNumber = (a: Rational): number => Number(a.num) / Number(a.den);

export function arithmetic(fn: 'add' | 'sum' | 'subtract' | 'multiply' | 'divide' | 'modulo', left: unknown, right: unknown): unknown {
  const a = operand(left, fn);
  const b = operand(right, fn);
  switch (fn) {
    case 'add':
    case 'sum':
    case 'subtract': {
      const sign = fn === 'subtract' ? -1 : 1;
      if (a.kind === 'scalar' && b.kind === 'scalar') return a.value + sign * b.value;
      if (a.kind === 'quantity' && b.kind === 'quantity') return formatQuantity(add(a.value, sign < 0 ? neg(b.value) : b.value), a.format);
      if (a.kind === 'duration' && b.kind === 'duration') return formatDuration(a.ns + sign * b.ns);
      return mismatch(fn);
    }
    case 'multiply': {
      if (a.kind === 'scalar' && b.kind === 'scalar') return a.value * b.value;
      const [x, y] = a.kind === 'scalar' ? [b, a] : [a, b];
      if (y.kind !== 'scalar') return mismatch(fn);
      if (x.kind === 'quantity') return formatQuantity(mul(x.value, rationalFromNumber(y.value)), x.format);
      if (x.kind === 'duration') return formatDuration(x.ns * y.value);
      return mismatch(fn);
    }
    case 'divide': {
      if (a.kind === 'scalar' && b.kind === 'scalar') return b.value === 0 ? zeroDivision(fn) : a.value / b.value;
      if (a.kind === 'quantity' && b.kind === 'quantity') {
        const divisor = toNumber(b.value);
        return divisor === 0 ? zeroDivision(fn) : toNumber(a.value) / divisor;
      }
      if (a.kind === 'quantity' && b.kind === 'scalar') {
        if (b.value === 0) zeroDivision(fn);
        const d = rationalFromNumber(b.value);
        return formatQuantity(truncateDecimals(mul(a.value, { num: d.den, den: d.num }), a.value, d), a.format);
      }
      if (a.kind === 'duration' && b.kind === 'duration') return b.ns === 0 ? zeroDivision(fn) : a.ns / b.ns;
      if (a.kind === 'duration' && b.kind === 'scalar') return b.value === 0 ? zeroDivision(fn) : formatDuration(a.ns / b.value);
      return mismatch(fn);
    }
    case 'modulo': {
      if (a.kind !== b.kind) return mismatch(fn);
      if (a.kind === 'duration' && b.kind === 'duration') return b.ns === 0 ? zeroDivision(fn) : formatDuration(a.ns % b.ns);
      const x = a.kind === 'scalar' ? a.value : a.kind === 'quantity' ? toNumber(a.value) : Number.NaN;
      const y = b.kind === 'scalar' ? b.value : b.kind === 'quantity' ? toNumber(b.value) : Number.NaN;
      if (!Number.isInteger(x) || !Number.isInteger(y)) throw new ArithmeticError(`JMESPath function '${fn}': non-integer argument(s) for modulo`);
      if (y === 0) zeroDivision(fn);
      const r = x % y;
      return a.kind === 'quantity' ? formatQuantity({ num: BigInt(r), den: 1n }, a.format) : r;
    }
  }
}

/** Rounds a quotient down to the larger decimal scale of its operands (inf.Dec QuoRound, RoundDown). */
function truncateDecimals(q: Rational, a: Rational, b: Rational): Rational {
  const scale = Math.max(decimalScale(a), decimalScale(b));
  const factor = 10n ** BigInt(scale);
  return { num: (q.num * factor) / q.den, den: factor };
}

function decimalScale(r: Rational): number {
  let den = r.den;
  let scale = 0;
  while (den % 10n === 0n && den > 1n) {
    den /= 10n;
    scale++;
  }
  return scale;
}

const SI: Record<number, string> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** Kubernetes' canonical quantity text (resource.Quantity.String). */
export function formatQuantity(value: Rational, format: QuantityFormat): string {
  let num = value.num;
  let den = value.den;
  const negative = num < 0n;
  if (negative) num = -num;
  const sign = negative ? '-' : '';
  if (format === 'BinarySI' && num % den === 0n && num / den >= 1024n) {
    let amount = num / den;
    let k = 0;
    while (k < 6 && amount % 1024n === 0n) {
      amount /= 1024n;
      k++;
    }
    return `${sign}${amount}${BINARY_SUFFIXES[k] ?? ''}`;
  }
  // Express as m * 10^e with m an integer, rounding up below nano like Kubernetes does.
  let exp = 0;
  while (den % 10n === 0n && den > 1n) {
    den /= 10n;
    exp--;
  }
  if (den !== 1n) {
    const scaled = num * 10n ** 9n;
    num = scaled / den + (scaled % den === 0n ? 0n : 1n);
    exp -= 9;
  }
  if (num === 0n) return '0';
  while (num % 10n === 0n) {
    num /= 10n;
    exp++;
  }
  let e3 = Math.floor(exp / 3) * 3;
  if (e3 < -9) {
    const shift = -9 - exp;
    num = (num + 10n ** BigInt(shift) - 1n) / 10n ** BigInt(shift);
    exp = -9;
    e3 = -9;
  }
  if (format !== 'DecimalExponent' && e3 > 18) e3 = 18;
  const mantissa = num * 10n ** BigInt(exp - e3);
  const suffix = format === 'DecimalExponent' ? (e3 === 0 ? '' : `e${e3}`) : (SI[e3] ?? '');
  return `${sign}${mantissa}${suffix}`;
}

function trimFraction(n: number, unitNs: number): string {
  const whole = Math.floor(n / unitNs);
  const frac = n % unitNs;
  if (frac === 0) return String(whole);
  const digits = String(unitNs).length - 1;
  return `${whole}.${String(frac).padStart(digits, '0').replace(/0+$/, '')}`;
}

/** Go's time.Duration.String (`1h0m5s`, `1.5s`, `300ms`, `0s`). */
export function formatDuration(nanoseconds: number): string {
  let ns = Math.trunc(nanoseconds);
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  ns = Math.abs(ns);
  if (ns < 1e3) return `${sign}${ns}ns`;
  if (ns < 1e6) return `${sign}${trimFraction(ns, 1e3)}µs`;
  if (ns < 1e9) return `${sign}${trimFraction(ns, 1e6)}ms`;
  const hours = Math.floor(ns / 3600e9);
  const minutes = Math.floor((ns % 3600e9) / 60e9);
  const seconds = trimFraction(ns % 60e9, 1e9);
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}
