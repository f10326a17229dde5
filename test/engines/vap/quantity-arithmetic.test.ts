import { describe, expect, it } from 'vitest';
import { compileExpression, toCel } from '../../../src/engines/vap/cel-env.js';

/**
 * Kubernetes CEL's Quantity arithmetic (apiserver pkg/cel/library/quantity.go over apimachinery resource.Quantity):
 * `add` and `sub` of a Quantity or an int are exact sums, and `compareTo`/`isLessThan`/`isGreaterThan` compare exact
 * values (Quantity.Cmp), where float64 would not (0.1 + 0.2 is not 0.3 there).
 */
describe('the VAP engine: quantity add, sub and compareTo, exactly', () => {
  const cmp = (expression: string) => compileExpression(expression)({ object: toCel({}) });

  it('adds and subtracts exactly where float64 would round', () => {
    expect(cmp('quantity("100m").add(quantity("200m")).compareTo(quantity("300m"))')).toBe(0n);
    expect(cmp('quantity("100m").add(quantity("100m")).add(quantity("100m")).compareTo(quantity("300m"))')).toBe(0n);
    expect(cmp('quantity("1").sub(quantity("1m")).compareTo(quantity("999m"))')).toBe(0n);
    expect(cmp('quantity("50k").add(20).compareTo(quantity("50020"))')).toBe(0n);
    expect(cmp('quantity("50k").sub(20000).compareTo(quantity("30k"))')).toBe(0n);
  });

  it('compares exact values beyond float64 precision', () => {
    expect(cmp('quantity("9007199254740993").compareTo(quantity("9007199254740992"))')).toBe(1n);
    expect(cmp('quantity("1Gi").add(quantity("1Gi")).compareTo(quantity("2147483648"))')).toBe(0n);
    expect(cmp('quantity("1Gi").isLessThan(quantity("1073741825"))')).toBe(true);
    expect(cmp('quantity("2").isGreaterThan(quantity("1999m"))')).toBe(true);
  });

  it('reads the suffix E as exa and E3 as an exponent (suffix.go), on both the exact and the float path', () => {
    expect(cmp('quantity("3E").compareTo(quantity("3000P"))')).toBe(0n);
    expect(cmp('quantity("3E").isGreaterThan(quantity("1Gi"))')).toBe(true);
    expect(cmp('quantity("3E3").compareTo(quantity("3k"))')).toBe(0n);
    expect(cmp('quantity("3E").asApproximateFloat() > 1e18')).toBe(true);
  });

  it('rounds digits finer than nano up, as ParseQuantity does', () => {
    expect(cmp('quantity("0.0000000011").compareTo(quantity("2n"))')).toBe(0n);
  });

  it('type-checks add and sub only with a Quantity or an int', () => {
    expect(() => compileExpression('quantity("1").add("1")')).toThrow();
  });
});
