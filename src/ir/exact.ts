/**
 * Exact rational values for field-relative comparisons (semantics §3.5): a comparison at the boundary
 * (`limit == 2 × request`) must not depend on binary floating point.
 */
export interface Exact {
  readonly n: bigint;
  /** Always positive. */
  readonly d: bigint;
}

const decimalPattern = /^([+-]?)(\d+)(?:\.(\d*))?$|^([+-]?)\.(\d+)$/;

/** A decimal numeral (`12`, `-0.5`, `1.`, `.5`) exactly, or undefined. */
function exactDecimal(text: string): Exact | undefined {
  const m = decimalPattern.exec(text);
  if (!m) return undefined;
  const sign = (m[1] ?? m[4]) === '-' ? -1n : 1n;
  const whole = m[2] ?? '0';
  const fraction = m[3] ?? m[5] ?? '';
  return { n: sign * BigInt(whole + fraction), d: 10n ** BigInt(fraction.length) };
}

const scale: Readonly<Record<string, Exact>> = {
  '': { n: 1n, d: 1n },
  n: { n: 1n, d: 10n ** 9n },
  u: { n: 1n, d: 10n ** 6n },
  m: { n: 1n, d: 1000n },
  k: { n: 10n ** 3n, d: 1n },
  M: { n: 10n ** 6n, d: 1n },
  G: { n: 10n ** 9n, d: 1n },
  T: { n: 10n ** 12n, d: 1n },
  P: { n: 10n ** 15n, d: 1n },
  E: { n: 10n ** 18n, d: 1n },
  Ki: { n: 2n ** 10n, d: 1n },
  Mi: { n: 2n ** 20n, d: 1n },
  Gi: { n: 2n ** 30n, d: 1n },
  Ti: { n: 2n ** 40n, d: 1n },
  Pi: { n: 2n ** 50n, d: 1n },
  Ei: { n: 2n ** 60n, d: 1n },
};

const quantityPattern = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

/**
 * A Kubernetes quantity string (k8s.io/apimachinery resource.Quantity syntax, with its n and u suffixes) exactly.
 * Exponents beyond ±1000 are refused rather than expanded.
 */
export function exactQuantity(text: string): Exact | undefined {
  const m = quantityPattern.exec(text);
  if (!m) return undefined;
  const number = exactDecimal(m[1]!);
  if (!number) return undefined;
  const suffix = m[2] ?? '';
  if (/^[eE][+-]?\d+$/.test(suffix)) {
    const e = Number(suffix.slice(1));
    if (!Number.isSafeInteger(e) || Math.abs(e) > 1000) return undefined;
    const p = 10n ** BigInt(Math.abs(e));
    return e >= 0 ? { n: number.n * p, d: number.d } : { n: number.n, d: number.d * p };
  }
  const f = scale[suffix]!;
  return { n: number.n * f.n, d: number.d * f.d };
}

/** A JSON number exactly, as its shortest decimal spelling (the digits a manifest writes for it). */
export function exactNumber(v: number): Exact | undefined {
  if (!Number.isFinite(v)) return undefined;
  const text = String(v);
  const e = /^(-?[\d.]+)e([+-]\d+)$/.exec(text);
  if (!e) return exactDecimal(text);
  const mantissa = exactDecimal(e[1]!)!;
  const p = 10n ** BigInt(Math.abs(Number(e[2])));
  return Number(e[2]) >= 0 ? { n: mantissa.n * p, d: mantissa.d } : { n: mantissa.n, d: mantissa.d * p };
}

/** Whether the value is a whole number of nano-units (10^-9), Kubernetes' finest quantity scale. */
export function wholeNano(v: Exact): boolean {
  return (v.n * 10n ** 9n) % v.d === 0n;
}

/** The sign of a − (f × b + o), each exact: -1, 0 or 1. */
export function compareExact(a: Exact, f: Exact, b: Exact, o: Exact): -1 | 0 | 1 {
  // a − (f·b + o) over the common denominator a.d·f.d·b.d·o.d (all positive).
  const left = a.n * f.d * b.d * o.d;
  const right = (f.n * b.n * o.d + o.n * f.d * b.d) * a.d;
  return left < right ? -1 : left > right ? 1 : 0;
}
