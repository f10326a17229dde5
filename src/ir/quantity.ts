/**
 * Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity): a decimal number with an optional
 * binary (Ki..Ei), decimal (n, u, m, k, M..E) or exponent (e3) suffix. Returns the value in base units, or
 * undefined for text that is not a quantity. Used by the checker for literals and by eval for object values.
 * The suffixes are suffix.go's table (newSuffixer), docs/engines/quantities.md.
 */
const suffixes: Readonly<Record<string, number>> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const quantityPattern = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

export function parseQuantity(text: string): number | undefined {
  const m = quantityPattern.exec(text.trim());
  if (!m || text.trim() !== text) return undefined;
  const number = Number(m[1]);
  const suffix = m[2] ?? '';
  if (/^[eE][+-]?\d+$/.test(suffix)) return number * 10 ** Number(suffix.slice(1));
  // n and u divide, so 100u is the double nearest 0.0001 (as the Gatekeeper helper and the CEL engine compute it).
  if (suffix === 'n' || suffix === 'u') return number / (suffix === 'n' ? 1e9 : 1e6);
  const factor = suffixes[suffix];
  return factor === undefined ? undefined : number * factor;
}

/** suffix.go: DecimalSI suffixes by base-10 exponent, BinarySI by base-1024 exponent. */
const decimalSuffixes: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Readonly<Record<string, number>> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const decimalSuffixOf = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s] as const));
const binarySuffixOf = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

const maxInt64 = 2n ** 63n - 1n;
/** math.go maxInt64Factors: the decimal digits an int64 always holds. */
const maxInt64Factors = 18;

type Format = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/**
 * The quantity as the API server shows it to admission: what it decodes from the written JSON value
 * (resource.ParseQuantity) and serialises again (Quantity.MarshalJSON / String: the written text when ParseQuantity
 * found it already canonical, else CanonicalizeBytes). A number goes through the text JSON writes for it.
 * Exact (BigInt), values rounded up to nano units as ParseQuantity does. Undefined for text that is not a
 * quantity by `parseQuantity`, and for values whose upstream serialisation is unsettled: magnitudes beyond int64
 * and exponents outside ±1000 (docs/engines/quantities.md).
 */
export function canonicalQuantity(written: string | number): string | undefined {
  const text = typeof written === 'number' ? (Number.isFinite(written) ? JSON.stringify(written) : undefined) : written;
  if (text === undefined || parseQuantity(text) === undefined) return undefined;
  if (text === '0') return '0';
  const scanned = scan(text);
  if (!scanned) return undefined;
  const { negative, num, denom, suffix } = scanned;
  const interpreted = interpret(suffix);
  if (!interpreted) return undefined;
  const { format, exponent } = interpreted;
  // The value in base units is digits × 10^scale (× 2^(10·exponent) for BinarySI); checked against int64 first.
  const digits = BigInt(num + denom);
  const binary = format === 'BinarySI' ? 2n ** BigInt(10 * exponent) : 1n;
  const scale = (format === 'BinarySI' ? 0 : exponent) - denom.length;
  if (digits !== 0n && (scale > 19 || digits * binary * 10n ** BigInt(Math.max(scale, 0)) > maxInt64 * 10n ** BigInt(Math.max(-scale, 0)))) return undefined;

  // ParseQuantity's int64 fast path, and its test for keeping the written string.
  const precision =
    format === 'BinarySI' ? (denom.length === 0 ? 15 - num.length - (exponent * 10 * 3) / 10 - 1 : -1) : maxInt64Factors - (num.length + denom.length);
  if (precision >= 0 && scale >= -9) {
    const shifted = num + denom;
    const value = BigInt(shifted);
    if (value * binary <= maxInt64) {
      const keep = format === 'BinarySI' ? (value & 7n) !== 0n : scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
      if (keep) return text;
      return serialise(negative ? -(value * binary) : value * binary, scale, format);
    }
  }

  // The inf.Dec path: exact value, rounded up (away from zero) to nano units.
  let unscaled = digits * binary;
  let e10 = scale;
  if (unscaled !== 0n && e10 < -9) {
    const drop = -9 - e10;
    unscaled = drop > unscaled.toString().length ? 1n : ceilDiv(unscaled, 10n ** BigInt(drop));
    e10 = -9;
  }
  const stays = format === 'BinarySI' && unscaled !== 0n && compare(unscaled, e10, 1n, 0) < 0 ? 'DecimalSI' : format;
  return serialise(negative ? -unscaled : unscaled, e10, stays);
}

/** parseQuantityString: sign, numerator without leading zeros ("0" when none), denominator digits, suffix. */
function scan(text: string): { negative: boolean; num: string; denom: string; suffix: string } | undefined {
  const m = /^([+-]?)0*(\d*)(?:\.(\d*))?(.*)$/.exec(text);
  if (!m) return undefined;
  return { negative: m[1] === '-', num: m[2] || '0', denom: m[3] ?? '', suffix: m[4] ?? '' };
}

/** suffixHandler.interpret: a table suffix, or e/E and a decimal exponent (int32; beyond ±1000 not modelled). */
function interpret(suffix: string): { format: Format; exponent: number } | undefined {
  if (Object.hasOwn(decimalSuffixes, suffix)) return { format: 'DecimalSI', exponent: decimalSuffixes[suffix]! };
  if (Object.hasOwn(binarySuffixes, suffix)) return { format: 'BinarySI', exponent: binarySuffixes[suffix]! };
  const m = /^[eE]([+-]?\d+)$/.exec(suffix);
  if (!m) return undefined;
  const exponent = Number(m[1]);
  return Math.abs(exponent) <= 1000 ? { format: 'DecimalExponent', exponent } : undefined;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** Sign of a·10^ea − b·10^eb for non-negative a, b. */
function compare(a: bigint, ea: number, b: bigint, eb: number): number {
  const e = Math.min(ea, eb);
  const x = a * 10n ** BigInt(ea - e);
  const y = b * 10n ** BigInt(eb - e);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** CanonicalizeBytes: "0" for zero; BinarySI under 1024 or not whole as DecimalSI; else base-1024 or base-10 canonical. */
function serialise(value: bigint, e10: number, format: Format): string | undefined {
  if (value === 0n) return '0';
  const negative = value < 0n;
  let magnitude = negative ? -value : value;
  const sign = negative ? '-' : '';
  let chosen = format;
  if (chosen === 'BinarySI') {
    const whole = e10 >= 0 || magnitude % 10n ** BigInt(-e10) === 0n;
    if (compare(magnitude, e10, 1024n, 0) < 0 || !whole) chosen = 'DecimalSI';
  }
  if (chosen === 'BinarySI') {
    let n = e10 >= 0 ? magnitude * 10n ** BigInt(e10) : magnitude / 10n ** BigInt(-e10);
    let k = 0;
    while (n % 1024n === 0n && k < 6) {
      n /= 1024n;
      k += 1;
    }
    return `${sign}${n}${binarySuffixOf[k]}`;
  }
  let e = e10;
  while (magnitude % 10n === 0n) {
    magnitude /= 10n;
    e += 1;
  }
  while (e % 3 !== 0) {
    magnitude *= 10n;
    e -= 1;
  }
  if (chosen === 'DecimalExponent') return `${sign}${magnitude}${e === 0 ? '' : `e${e}`}`;
  const suffix = decimalSuffixOf.get(e);
  return suffix === undefined ? undefined : `${sign}${magnitude}${suffix}`;
}
