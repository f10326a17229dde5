import { describe, expect, it } from 'vitest';
import { search } from '../../../src/engines/kyverno/jmespath.js';

/**
 * Kyverno's JMESPath arithmetic on quantities as the field-relative comparisons use it (pkg/engine/jmespath/
 * arithmetic.go): `multiply` of a quantity by a number multiplies decimals (inf.Dec), `subtract` of two quantities is
 * resource.Quantity's exact Sub, both printed by Quantity.String() (zero as "0", negatives with a leading "-");
 * `subtract` of a quantity and a number is a type mismatch.
 */
describe('the Kyverno engine: exact quantity multiply and subtract', () => {
  const run = (expression: string, data: unknown = {}) => search(data, expression);

  it('multiplies and subtracts exactly, printing the canonical difference', () => {
    expect(run("subtract(multiply('1', `1`), multiply('250m', `4`))")).toBe('0');
    expect(run("subtract(multiply('1001m', `1`), multiply('250m', `4`))")).toBe('1m');
    expect(run("subtract(multiply('999m', `1`), multiply('250m', `4`))")).toBe('-1m');
    expect(run("subtract(multiply('300m', `1`), multiply('100m', `3`))")).toBe('0');
    expect(run("subtract(multiply('1073741825', `1`), multiply('512Mi', `2`))")).toBe('1');
    expect(run("subtract(multiply('3', `2`), multiply('2', `3`))")).toBe('0');
  });

  it('reads a JSON number through to_string, and refuses a number beside a quantity', () => {
    expect(run("subtract(multiply(to_string(@), `2`), multiply('1', `1`))", 0.5)).toBe('0');
    expect(() => run("subtract(`1`, '1')")).toThrow();
  });
});
