/** Arithmetic and number conversion (OPA builtins reference: "Numbers", "Conversions", "Units"). */
import { formatValue } from '../format.js';
import { SetValue, type Value } from '../values.js';
import { BuiltinError, define, int, num, str, type Builtin } from './registry.js';

function checked(name: string, n: number): number {
  if (!Number.isFinite(n)) throw new BuiltinError(`${name}: result is not a finite number`);
  return n;
}

function arith(name: string, op: (a: number, b: number) => number): Builtin {
  return define(name, 2, (args) => checked(name, op(num(name, args, 0), num(name, args, 1))));
}

/** Go's math.Round: halves away from zero. */
function roundHalfAway(n: number): number {
  return Math.sign(n) * Math.round(Math.abs(n));
}

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function toNumber(v: Value): number {
  if (typeof v === 'number') return v;
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    if (!NUMBER_TEXT.test(v)) throw new BuiltinError(`to_number: invalid syntax: ${formatValue(v)}`);
    return Number(v);
  }
  throw new BuiltinError('to_number: operand 1 must be one of {boolean, null, number, string}');
}

const DIGITS = '0123456789abcdef';

function formatInt(n: number, base: number): string {
  if (![2, 8, 10, 16].includes(base)) throw new BuiltinError('format_int: operand 2 must be one of {2, 8, 10, 16}');
  const t = Math.trunc(n);
  if (Math.abs(t) < Number.MAX_SAFE_INTEGER) return t.toString(base);
  let b = BigInt(t);
  const neg = b < 0n;
  if (neg) b = -b;
  let out = '';
  const bb = BigInt(base);
  do {
    out = DIGITS[Number(b % bb)]! + out;
    b /= bb;
  } while (b > 0n);
  return (neg ? '-' : '') + out;
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3, kb: 1e3, ki: 1024, kib: 1024,
  m: 1e6, mb: 1e6, mi: 1024 ** 2, mib: 1024 ** 2,
  g: 1e9, gb: 1e9, gi: 1024 ** 3, gib: 1024 ** 3,
  t: 1e12, tb: 1e12, ti: 1024 ** 4, tib: 1024 ** 4,
  p: 1e15, pb: 1e15, pi: 1024 ** 5, pib: 1024 ** 5,
  e: 1e18, eb: 1e18, ei: 1024 ** 6, eib: 1024 ** 6,
};

const SI_UNITS: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3, K: 1e3, ki: 1024, Ki: 1024,
  M: 1e6, Mi: 1024 ** 2, mi: 1024 ** 2,
  G: 1e9, g: 1e9, Gi: 1024 ** 3, gi: 1024 ** 3,
  T: 1e12, t: 1e12, Ti: 1024 ** 4, ti: 1024 ** 4,
  P: 1e15, p: 1e15, Pi: 1024 ** 5, pi: 1024 ** 5,
  E: 1e18, e: 1e18, Ei: 1024 ** 6, ei: 1024 ** 6,
};

function splitQuantity(name: string, s: string): [number, string] {
  const text = s.replace(/"/g, '').trim();
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))\s*([A-Za-z]*)$/.exec(text);
  if (!m) throw new BuiltinError(`${name}: could not parse ${formatValue(s)}`);
  return [Number(m[1]), m[2]!];
}

export const numberBuiltins: readonly Builtin[] = [
  define('plus', 2, (args) => checked('plus', num('plus', args, 0) + num('plus', args, 1))),
  define('minus', 2, (args) => {
    const [a, b] = args;
    if (a instanceof SetValue && b instanceof SetValue) {
      const out = new SetValue();
      for (const [k, v] of a.items) if (!b.items.has(k)) out.items.set(k, v);
      return out;
    }
    if (typeof a === 'number' && typeof b === 'number') return checked('minus', a - b);
    throw new BuiltinError('minus: operands must be numbers or sets');
  }),
  arith('mul', (a, b) => a * b),
  define('div', 2, (args) => {
    const a = num('div', args, 0);
    const b = num('div', args, 1);
    if (b === 0) throw new BuiltinError('div: divide by zero');
    return checked('div', a / b);
  }),
  define('rem', 2, (args) => {
    const a = num('rem', args, 0);
    const b = num('rem', args, 1);
    if (!Number.isInteger(a) || !Number.isInteger(b)) throw new BuiltinError('rem: modulo on floating-point number');
    if (b === 0) throw new BuiltinError('rem: modulo by zero');
    return a % b === 0 ? 0 : a % b;
  }),
  define('abs', 1, (args) => Math.abs(num('abs', args, 0))),
  define('round', 1, (args) => roundHalfAway(num('round', args, 0))),
  define('ceil', 1, (args) => Math.ceil(num('ceil', args, 0))),
  define('floor', 1, (args) => Math.floor(num('floor', args, 0))),
  define('numbers.range', 2, (args) => {
    const a = int('numbers.range', args, 0);
    const b = int('numbers.range', args, 1);
    const out: number[] = [];
    if (a <= b) for (let i = a; i <= b; i++) out.push(i);
    else for (let i = a; i >= b; i--) out.push(i);
    return out;
  }),
  define('numbers.range_step', 3, (args) => {
    const a = int('numbers.range_step', args, 0);
    const b = int('numbers.range_step', args, 1);
    const step = int('numbers.range_step', args, 2);
    if (step <= 0) throw new BuiltinError('numbers.range_step: step must be a positive number above zero');
    const out: number[] = [];
    if (a <= b) for (let i = a; i <= b; i += step) out.push(i);
    else for (let i = a; i >= b; i -= step) out.push(i);
    return out;
  }),
  define('to_number', 1, ([v]) => toNumber(v!)),
  define('format_int', 2, (args) => formatInt(num('format_int', args, 0), int('format_int', args, 1))),
  define('units.parse_bytes', 1, (args) => {
    const [n, unit] = splitQuantity('units.parse_bytes', str('units.parse_bytes', args, 0));
    const mult = BYTE_UNITS[unit.toLowerCase()];
    if (mult === undefined) throw new BuiltinError(`units.parse_bytes: unknown unit ${unit}`);
    return Math.trunc(n * mult);
  }),
  define('units.parse', 1, (args) => {
    const [n, unit] = splitQuantity('units.parse', str('units.parse', args, 0));
    const mult = SI_UNITS[unit];
    if (mult === undefined) throw new BuiltinError(`units.parse: unknown unit ${unit}`);
    return n * mult;
  }),
];
