/** jsonCopy (src/verify/json-copy.ts) makes what a JSON round trip makes, key order, -0 and `__proto__` keys included. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonCopy } from '../../src/verify/json-copy.js';

/** The value with its structure spelled out: key order, own-property prototypes, -0 apart from 0. */
function shape(v: unknown): unknown {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'NaN' : v;
  if (Array.isArray(v)) return ['list', v.length, ...v.map(shape)];
  if (typeof v === 'object' && v !== null) return ['object', Object.getPrototypeOf(v) === Object.prototype, Object.getOwnPropertyNames(v).map((k) => [k, shape((v as Record<string, unknown>)[k])])];
  return [typeof v, v];
}

const outcome = (f: () => unknown) => {
  try {
    return shape(f());
  } catch {
    return 'throws';
  }
};

describe('jsonCopy', () => {
  it('equals the JSON round trip on generated values', () => {
    const key = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('__proto__', 'constructor', '0', '10', 'toString'));
    const leaf = fc.oneof(fc.constantFrom(undefined, null, -0, 0, Number.NaN, Number.POSITIVE_INFINITY, true, () => 1), fc.double(), fc.integer(), fc.string({ maxLength: 5 }), fc.date());
    const value = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 4 }), fc.sparseArray(tie('v'), { maxLength: 4 }), fc.dictionary(key, tie('v'), { maxKeys: 4 })),
    })).v;
    fc.assert(
      fc.property(value, (v) => {
        if (v === undefined) return;
        expect(outcome(() => jsonCopy(v))).toEqual(outcome(() => JSON.parse(JSON.stringify(v))));
      }),
      { seed: 11, numRuns: 3000 },
    );
  });

  it('copies: changing the copy leaves the original alone', () => {
    const original = { a: [{ b: 1 }], c: { d: 'x' } };
    const copy = jsonCopy(original) as typeof original;
    copy.a[0]!.b = 2;
    copy.c.d = 'y';
    expect(original).toEqual({ a: [{ b: 1 }], c: { d: 'x' } });
  });

  it('refuses a bigint as the round trip does', () => {
    expect(() => jsonCopy({ n: 1n })).toThrow();
  });
});
