import { describe, expect, it } from 'vitest';
import { search } from '../../../src/engines/kyverno/jmespath.js';
import { applyOperator, type Operator } from '../../../src/engines/kyverno/operators.js';
import { parseDuration } from '../../../src/engines/kyverno/quantity.js';

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

/**
 * The operator form of a field comparison (docs/backends/kyverno.md, "Comparing two fields"): a quantity string key
 * against `multiply(…)`'s canonical string under GreaterThan and friends (pkg/engine/variables/operator/numeric.go).
 * Both sides are tried as Go durations first (`operator.go` parseDuration: only when neither is "0"; a string that
 * is no duration beside one that is makes the pair no durations), then as quantities (`Quantity.Cmp`). A milli
 * quantity is a duration in minutes, so the duration order is the quantity order; past 2^63 ns (153722868m)
 * time.ParseDuration fails and the pair falls back to quantities.
 */
describe('the Kyverno engine: numeric operators on canonical quantity strings', () => {
  const cases: [key: string, op: Operator, value: string, expected: boolean][] = [
    ['500m', 'GreaterThan', '1200m', false], // both durations: 500 min against 1200 min
    ['1300m', 'GreaterThan', '1200m', true],
    ['1200m', 'GreaterThanOrEquals', '1200m', true],
    ['500m', 'LessThan', '2', true], // "2" is no duration (a missing unit): quantities
    ['2500m', 'GreaterThan', '2', true],
    ['2', 'GreaterThan', '1999m', true],
    ['0', 'GreaterThanOrEquals', '0', true], // "0" is never read as a duration
    ['500m', 'GreaterThanOrEquals', '0', true],
    ['1Gi', 'GreaterThan', '1073741823', true],
    ['1e3', 'LessThanOrEquals', '1k', true],
    ['100u', 'LessThan', '1m', true], // "u" is no Go unit ("us" is)
    ['200000000m', 'GreaterThan', '153722867m', true], // beyond int64 ns: no duration, quantities
    ['153722867m', 'LessThan', '200000000m', true],
    ['', 'GreaterThan', '1', false], // `x || ''` of a missing field: never ordered
    ['', 'LessThan', '1200m', false],
  ];
  for (const [key, op, value, expected] of cases) {
    it(`${JSON.stringify(key)} ${op} ${JSON.stringify(value)} is ${expected}`, () => {
      expect(applyOperator(op, key, value)).toBe(expected);
    });
  }

  it('Go durations past 2^63 ns are invalid, as time.ParseDuration says', () => {
    expect(parseDuration('153722867m')).toBe(153722867 * 60e9);
    expect(parseDuration('153722868m')).toBeUndefined();
    expect(parseDuration('9223372036854775807ns')).toBeDefined();
    expect(parseDuration('9223372036854775808ns')).toBeUndefined();
    expect(parseDuration('-9223372036854775808ns')).toBeDefined();
    expect(parseDuration('1.5h')).toBe(5400e9);
  });

  it('multiply reads a quantity string as a quantity before a duration, and a missing field read as `|| \'0\'` multiplies to "0"', () => {
    expect(search({ c: '300m' }, "multiply(c || '0', `4`)")).toBe('1200m');
    expect(search({}, "multiply(c || '0', `4`)")).toBe('0');
    expect(search({ c: '1Gi' }, "multiply(c || '0', `2`)")).toBe('2Gi');
    expect(search({ n: 2 }, 'add(n || `0`, `1`)')).toBe(3);
  });
});
