/**
 * A copy of a value as a JSON round trip (`JSON.parse(JSON.stringify(v))`) makes it, without writing and reading the
 * text: a property whose value is undefined, a function or a symbol is dropped, such a list element and a
 * non-finite number become null, -0 becomes 0, a `__proto__` key stays an own property. Generating a verify case
 * copies its pooled values several times, which the round trip made a tenth of generation. Anything but plain
 * objects, lists and primitives (a Date, a class instance, a bigint) takes the round trip itself.
 * test/verify/json-copy.prop.test.ts compares both on generated values.
 */
export function jsonCopy(v: unknown): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v + 0 : null;
  if (Array.isArray(v)) {
    const out: unknown[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      out[i] = x === undefined || typeof x === 'function' || typeof x === 'symbol' ? null : jsonCopy(x);
    }
    return out;
  }
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype && typeof (v as { toJSON?: unknown }).toJSON !== 'function') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      const x = (v as Record<string, unknown>)[k];
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
      // An assignment to "__proto__" would set the prototype; JSON.parse makes it an own property.
      if (k === '__proto__') Object.defineProperty(out, k, { value: jsonCopy(x), enumerable: true, writable: true, configurable: true });
      else out[k] = jsonCopy(x);
    }
    return out;
  }
  return JSON.parse(JSON.stringify(v)) as unknown;
}
