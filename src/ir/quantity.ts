/**
 * Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity): a decimal number with an optional
 * binary (Ki..Ei), decimal (m, k, M..E) or exponent (e3) suffix. Returns the value in base units, or
 * undefined for text that is not a quantity. Used by the checker for literals and by eval for object values.
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

const quantityPattern = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

export function parseQuantity(text: string): number | undefined {
  const m = quantityPattern.exec(text.trim());
  if (!m || text.trim() !== text) return undefined;
  const number = Number(m[1]);
  const suffix = m[2] ?? '';
  if (/^[eE]/.test(suffix)) return number * 10 ** Number(suffix.slice(1));
  const factor = suffixes[suffix];
  return factor === undefined ? undefined : number * factor;
}
