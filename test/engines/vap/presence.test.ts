import { describe, expect, it } from 'vitest';
import { compileExpression, toCel } from '../../../src/engines/vap/cel-env.js';

/**
 * `has(x.f)` as cel-go decides it on the unstructured JSON a ValidatingAdmissionPolicy sees
 * (interpreter/attributes.go, `refQualify` with a presence test): key presence on a map, an error on a list, false
 * on anything else. cel-js alone answers false on a list, which would hide a dropped `type(x) == map` guard.
 */
describe('the VAP engine: has() on JSON values, as cel-go', () => {
  const has = compileExpression('has(object.spec.f)', 'bool');
  const run = (spec: unknown) => has({ object: toCel({ spec }) });

  it('tests key presence on a map, a null value included', () => {
    expect(run({ f: 1 })).toBe(true);
    expect(run({ f: null })).toBe(true);
    expect(run({ g: 1 })).toBe(false);
  });

  it('is false on a scalar or null', () => {
    for (const spec of ['x', 5, true, null]) expect(run(spec)).toBe(false);
  });

  it('is an error on a list (a list is qualified by an index, not a field name)', () => {
    expect(() => run([{ f: 1 }])).toThrow(/list/);
  });

  it('applies inside comprehensions and on map literals, and leaves field names in strings alone', () => {
    const e = compileExpression('object.items.exists(m, has(m.f)) && [{"f": 1}].all(m, has(m.f)) && "has(x.f)" != ""', 'bool');
    expect(e({ object: toCel({ items: [{ g: 1 }, { f: 2 }] }) })).toBe(true);
    expect(() => e({ object: toCel({ items: [[1]] }) })).toThrow(/list/);
  });
});
