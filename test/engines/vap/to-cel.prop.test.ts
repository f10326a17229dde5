import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCel } from '../../../src/engines/vap/cel-env.js';

/**
 * toCel assigns properties (defineProperty only for a "__proto__" key) since session 6, for speed. It must build what
 * defining every property built: the same own properties, in the same order, with the same attributes and values,
 * and plain-object prototypes; a "__proto__" key stays data and never becomes the prototype.
 */
function reference(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(reference);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: reference(v), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

/** Everything observable about a converted value: prototypes, own keys in order, descriptors, values. */
function observe(v: unknown): unknown {
  if (Array.isArray(v)) return ['array', Object.getPrototypeOf(v) === Array.prototype, v.map(observe)];
  if (v !== null && typeof v === 'object') {
    return [
      'object',
      Object.getPrototypeOf(v) === Object.prototype,
      Reflect.ownKeys(v).map((k) => {
        const d = Object.getOwnPropertyDescriptor(v, k)!;
        return [String(k), d.enumerable, d.writable, d.configurable, 'get' in d && d.get !== undefined, observe(d.value)];
      }),
    ];
  }
  return [typeof v, typeof v === 'bigint' ? String(v) : v];
}

describe('toCel (VAP engine)', () => {
  it('builds what defining every property built, on arbitrary JSON with awkward keys', () => {
    const key = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '0', '10', '-1', 'length'));
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.integer(), fc.double({ noNaN: true }), fc.string({ maxLength: 5 }), tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 4 }),
      object: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
    })).value;
    fc.assert(
      fc.property(json, (v) => {
        // Through JSON text, as objects reach the engine: a "__proto__" key is then an own data property.
        const parsed = JSON.parse(JSON.stringify(v)) as unknown;
        expect(observe(toCel(parsed))).toEqual(observe(reference(parsed)));
      }),
      { seed: 20261206, numRuns: 2000 },
    );
  });

  it('keeps a "__proto__" key as data', () => {
    const out = toCel(JSON.parse('{"__proto__": {"polluted": 1}, "a": 2}')) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
