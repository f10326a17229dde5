/**
 * `sprintf` with Go's fmt verbs. OPA hands Go each argument as: an integer number → `int` (or `*big.Int`),
 * another number → `float64`, a string → `string`, anything else → the string of its Rego form (so `%v`
 * of an array prints `["a", "b"]` and `%d` of it prints `%!d(string=["a", "b"])`).
 */
import { formatNumber, formatValue, goQuote } from './format.js';
import type { Value } from './values.js';

type GoArg = { readonly type: 'int'; readonly n: number } | { readonly type: 'float64'; readonly n: number } | { readonly type: 'string'; readonly s: string };

function goArg(v: Value): GoArg {
  if (typeof v === 'number') return Number.isInteger(v) ? { type: 'int', n: v } : { type: 'float64', n: v };
  if (typeof v === 'string') return { type: 'string', s: v };
  return { type: 'string', s: formatValue(v) };
}

interface Spec {
  readonly minus: boolean;
  readonly plus: boolean;
  readonly sharp: boolean;
  readonly space: boolean;
  readonly zero: boolean;
  readonly width?: number;
  readonly prec?: number;
  readonly verb: string;
}

function goTypeName(a: GoArg): string {
  if (a.type === 'int') return isBig(a.n) ? '*big.Int' : 'int';
  return a.type;
}

/** Integers beyond int64 reach Go as *big.Int, whose Format also accepts %s. */
function isBig(n: number): boolean {
  return Math.abs(n) >= 2 ** 63;
}

function plainV(a: GoArg): string {
  switch (a.type) {
    case 'int':
      return formatNumber(a.n);
    case 'float64':
      return formatFloatG(a.n, undefined, false);
    case 'string':
      return a.s;
  }
}

function badVerb(verb: string, a: GoArg): string {
  return `%!${verb}(${goTypeName(a)}=${plainV(a)})`;
}

/** Mantissa digits and decimal exponent of the shortest round-trip form (or `prec` significant digits). */
function decompose(n: number, prec?: number): { digits: string; exp: number } {
  const text = prec === undefined ? Math.abs(n).toExponential() : Math.abs(n).toExponential(Math.max(0, prec - 1));
  const [mant, e] = text.split('e');
  return { digits: mant!.replace('.', ''), exp: Number(e) };
}

function expSuffix(exp: number, upper: boolean): string {
  const sign = exp < 0 ? '-' : '+';
  const abs = Math.abs(exp);
  return `${upper ? 'E' : 'e'}${sign}${abs < 10 ? '0' : ''}${abs}`;
}

function formatFloatG(n: number, prec: number | undefined, upper: boolean): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const p = prec === 0 ? 1 : prec;
  let { digits, exp } = decompose(n, p);
  digits = digits.replace(/0+$/, '') || '0';
  let eprec: number;
  if (p === undefined) {
    eprec = 6;
  } else {
    eprec = p;
    if (eprec > digits.length && digits.length >= exp + 1) eprec = digits.length;
  }
  const sign = n < 0 ? '-' : '';
  if (exp < -4 || exp >= eprec) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return sign + mant + expSuffix(exp, upper);
  }
  if (exp >= 0) {
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    return sign + intPart + (frac ? `.${frac}` : '');
  }
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}

function formatFloatE(n: number, prec: number, upper: boolean): string {
  const text = n.toExponential(prec);
  const [mant, e] = text.split('e');
  return mant + expSuffix(Number(e), upper);
}

function formatFloatF(n: number, prec: number): string {
  if (Math.abs(n) < 1e21) return n.toFixed(prec);
  const whole = BigInt(Math.trunc(n)).toString();
  return prec > 0 ? `${whole}.${'0'.repeat(prec)}` : whole;
}

function signed(body: string, negative: boolean, spec: Spec): string {
  if (negative) return `-${body}`;
  if (spec.plus) return `+${body}`;
  if (spec.space) return ` ${body}`;
  return body;
}

function intDigits(n: number, base: number): string {
  const abs = Math.abs(n);
  return abs <= Number.MAX_SAFE_INTEGER ? abs.toString(base) : BigInt(abs).toString(base);
}

function formatInt(spec: Spec, n: number): string | undefined {
  const neg = n < 0;
  switch (spec.verb) {
    case 's':
      return isBig(n) ? signed(intDigits(n, 10), neg, spec) : undefined;
    case 'v':
    case 'd':
      return signed(intDigits(n, 10), neg, spec);
    case 'b':
      return signed(intDigits(n, 2), neg, spec);
    case 'o':
      return signed((spec.sharp ? '0' : '') + intDigits(n, 8), neg, spec);
    case 'O':
      return signed(`0o${intDigits(n, 8)}`, neg, spec);
    case 'x':
      return signed((spec.sharp ? '0x' : '') + intDigits(n, 16), neg, spec);
    case 'X':
      return signed((spec.sharp ? '0X' : '') + intDigits(n, 16).toUpperCase(), neg, spec);
    case 'c':
      return String.fromCodePoint(n);
    case 'q':
      return `'${String.fromCodePoint(n)}'`;
    case 'U':
      return `U+${intDigits(n, 16).toUpperCase().padStart(4, '0')}`;
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      return undefined;
    default:
      return undefined;
  }
}

function formatFloat(spec: Spec, n: number): string | undefined {
  const neg = n < 0 || Object.is(n, -0);
  const abs = Math.abs(n);
  switch (spec.verb) {
    case 'v':
    case 'g':
      return signed(formatFloatG(abs, spec.prec, false), neg, spec);
    case 'G':
      return signed(formatFloatG(abs, spec.prec, true), neg, spec);
    case 'e':
      return signed(formatFloatE(abs, spec.prec ?? 6, false), neg, spec);
    case 'E':
      return signed(formatFloatE(abs, spec.prec ?? 6, true), neg, spec);
    case 'f':
    case 'F':
      return signed(formatFloatF(abs, spec.prec ?? 6), neg, spec);
    default:
      return undefined;
  }
}

function utf8Hex(s: string, upper: boolean): string {
  const hex = [...Buffer.from(s, 'utf8')].map((b) => b.toString(16).padStart(2, '0')).join('');
  return upper ? hex.toUpperCase() : hex;
}

function formatString(spec: Spec, s: string): string | undefined {
  const cut = (t: string) => (spec.prec === undefined ? t : Array.from(t).slice(0, spec.prec).join(''));
  switch (spec.verb) {
    case 'v':
    case 's':
      return cut(s);
    case 'q':
      return spec.sharp && !s.includes('`') ? `\`${s}\`` : goQuote(cut(s));
    case 'x':
      return utf8Hex(cut(s), false);
    case 'X':
      return utf8Hex(cut(s), true);
    default:
      return undefined;
  }
}

function pad(text: string, spec: Spec, numeric: boolean): string {
  const width = spec.width;
  const len = Array.from(text).length;
  if (width === undefined || len >= width) return text;
  const fill = width - len;
  if (spec.minus) return text + ' '.repeat(fill);
  if (spec.zero && numeric) {
    const m = /^[+\- ]/.exec(text);
    const sign = m ? m[0] : '';
    return sign + '0'.repeat(fill) + text.slice(sign.length);
  }
  return ' '.repeat(fill) + text;
}

function formatArg(spec: Spec, a: GoArg): string {
  let out: string | undefined;
  let numeric = false;
  switch (a.type) {
    case 'int':
      out = formatInt(spec, a.n);
      numeric = true;
      break;
    case 'float64':
      out = formatFloat(spec, a.n);
      numeric = true;
      break;
    case 'string':
      out = formatString(spec, a.s);
      break;
  }
  return out === undefined ? badVerb(spec.verb, a) : pad(out, spec, numeric);
}

/** Go's fmt.Sprintf over Rego values. */
export function sprintf(format: string, values: readonly Value[]): string {
  const args = values.map(goArg);
  let next = 0;
  let out = '';
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    if (c !== '%') {
      out += c;
      i++;
      continue;
    }
    i++;
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    if (format[i] === '%') {
      out += '%';
      i++;
      continue;
    }
    let minus = false;
    let plus = false;
    let sharp = false;
    let space = false;
    let zero = false;
    for (; i < format.length; i++) {
      const f = format[i];
      if (f === '-') minus = true;
      else if (f === '+') plus = true;
      else if (f === '#') sharp = true;
      else if (f === ' ') space = true;
      else if (f === '0') zero = true;
      else break;
    }
    const argIndex = /^\[(\d+)\]/.exec(format.slice(i));
    if (argIndex) {
      next = Number(argIndex[1]) - 1;
      i += argIndex[0].length;
    }
    let width: number | undefined;
    const w = /^\d+/.exec(format.slice(i));
    if (w) {
      width = Number(w[0]);
      i += w[0].length;
    }
    let prec: number | undefined;
    if (format[i] === '.') {
      i++;
      const p = /^\d+/.exec(format.slice(i));
      prec = p ? Number(p[0]) : 0;
      if (p) i += p[0].length;
    }
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    const spec: Spec = { minus, plus, sharp, space, zero: zero && !minus, verb, ...(width !== undefined ? { width } : {}), ...(prec !== undefined ? { prec } : {}) };
    const arg = args[next];
    if (arg === undefined) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    next++;
    out += verb === 't' ? badVerb('t', arg) : formatArg(spec, arg);
  }
  if (next < args.length && !/%\[\d+\]/.test(format)) {
    out += `%!(EXTRA ${args
      .slice(next)
      .map((a) => `${goTypeName(a)}=${plainV(a)}`)
      .join(', ')})`;
  }
  return out;
}
