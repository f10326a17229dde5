/** Laws of Rego values: the ordering is total, equality agrees with it, JSON round-trips. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileModules, evaluate, formatValue, fromJS, parseModule, toJSON } from '../../../src/engines/rego/index.js';
import { compare, equals, SetValue, type Value } from '../../../src/engines/rego/values.js';

const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -1000, max: 1000 }),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
    fc.string({ maxLength: 6 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 4 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

const value: fc.Arbitrary<Value> = fc.oneof(
  json.map((j) => fromJS(j)),
  fc.array(json, { maxLength: 4 }).map((xs) => SetValue.of(xs.map((x) => fromJS(x)))),
);

describe('value laws', () => {
  it('compare is antisymmetric and agrees with equals', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(Math.sign(compare(a, b)) + Math.sign(compare(b, a))).toBe(0);
        expect(compare(a, b) === 0).toBe(equals(a, b));
      }),
    );
  });

  it('compare is transitive', () => {
    fc.assert(
      fc.property(value, value, value, (a, b, c) => {
        const [x, y, z] = [a, b, c].sort(compare);
        expect(compare(x!, z!)).toBeLessThanOrEqual(0);
        expect(compare(x!, y!)).toBeLessThanOrEqual(0);
      }),
    );
  });

  it('json.unmarshal(json.marshal(x)) == x for JSON values', () => {
    const program = compileModules([parseModule('package j\nr := json.unmarshal(json.marshal(input))\n')]);
    fc.assert(
      fc.property(json, (j) => {
        const r = evaluate(program, 'data.j.r', { input: j });
        expect(r.defined).toBe(true);
        expect(equals(fromJS(r.value), fromJS(j))).toBe(true);
      }),
    );
  });

  it('the printed form of a value parses back to the same value', () => {
    fc.assert(
      fc.property(value, (v) => {
        const program = compileModules([parseModule(`package p\nr := ${formatValue(v)}\n`)]);
        const r = evaluate(program, 'data.p.r');
        expect(equals(fromJS(r.value), v)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('sets are independent of insertion order', () => {
    fc.assert(
      fc.property(fc.array(json, { maxLength: 6 }), (xs) => {
        const a = SetValue.of(xs.map((x) => fromJS(x)));
        const b = SetValue.of([...xs].reverse().map((x) => fromJS(x)));
        expect(equals(a, b)).toBe(true);
        expect(toJSON(a)).toEqual(toJSON(b));
      }),
    );
  });
});
