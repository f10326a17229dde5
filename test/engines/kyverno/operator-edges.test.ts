/**
 * The operator cases secpol's Kyverno backend relies on in deny conditions (issue 16; src/backends/kyverno/operators.ts),
 * as Kyverno's own handlers answer them (pkg/engine/variables/operator: equal.go, notequal.go, numeric.go, anyin.go,
 * parseDuration in operator.go; read with the search tools, docs/engines/kyverno.md). Keys are YAML scalars here,
 * as a `{{ }}` key substitutes to the raw value.
 */
import { describe, expect, it } from 'vitest';
import { pod, policyWith, statusOf } from './harness.js';

function holds(key: string, operator: string, value: string): boolean {
  const status = statusOf(policyWith(`
message: denied
deny:
  conditions:
    all:
    - key: ${key}
      operator: ${operator}
      value: ${value}`), pod({}));
  if (status !== 'fail' && status !== 'pass') throw new Error(`unexpected status ${status}`);
  return status === 'fail';
}

describe('Equals / NotEquals with the backend\'s `PATH || \'\'` keys', () => {
  it('a quantity-like key against a value that is no quantity is neither equal nor unequal', () => {
    expect(holds('"5"', 'Equals', 'restricted')).toBe(false);
    expect(holds('"5"', 'NotEquals', 'restricted')).toBe(false);
    expect(holds('"5"', 'Equals', '""')).toBe(false);
  });

  it('a duration key against a string that is no duration is not compared as a duration', () => {
    expect(holds('"5m"', 'Equals', '"5m0s"')).toBe(true);
    expect(holds('"5m"', 'Equals', 'default')).toBe(false);
    expect(holds('"1h"', 'Equals', 'default')).toBe(false);
    expect(holds('"1h"', 'NotEquals', 'default')).toBe(true);
  });

  it("'' (an absent field) equals only '', is unequal to any number or boolean, and a request value is never the pattern", () => {
    expect(holds('""', 'Equals', '""')).toBe(true);
    expect(holds('""', 'Equals', '0')).toBe(false);
    expect(holds('""', 'NotEquals', '0')).toBe(true);
    expect(holds('""', 'Equals', 'true')).toBe(false);
    expect(holds('""', 'NotEquals', 'true')).toBe(true);
    expect(holds('"*"', 'Equals', 'default')).toBe(false);
    expect(holds('"*"', 'NotEquals', 'default')).toBe(true);
  });
});

describe('numeric operators on quantities', () => {
  it('a quantity string key against a decimal bound compares quantities; a number key compares numbers', () => {
    expect(holds('"3Gi"', 'GreaterThan', '"2147483648"')).toBe(true);
    expect(holds('"2Gi"', 'GreaterThan', '"2147483648"')).toBe(false);
    expect(holds('"5m"', 'GreaterThan', '"0.004"')).toBe(true);
    expect(holds('3221225472', 'GreaterThan', '"2147483648"')).toBe(true);
    expect(holds('""', 'GreaterThan', '"0"')).toBe(false);
  });

  it('a number key is not compared with a bound written `2Gi` (why the backend writes digits)', () => {
    expect(holds('3221225472', 'GreaterThan', '"2Gi"')).toBe(false);
    expect(holds('"3Gi"', 'GreaterThan', '"2Gi"')).toBe(true);
  });
});

describe('AnyNotIn', () => {
  it('matches request elements with wildcards in both directions; an empty key list is false', () => {
    expect(holds('[SYS_ADMIN]', 'AnyNotIn', '[NET_BIND_SERVICE]')).toBe(true);
    expect(holds('["*"]', 'AnyNotIn', '[NET_BIND_SERVICE]')).toBe(false);
    expect(holds('["NET_*"]', 'AnyNotIn', '[NET_BIND_SERVICE]')).toBe(false);
    expect(holds('[]', 'AnyNotIn', '[NET_BIND_SERVICE]')).toBe(false);
    expect(holds('ALL', 'AnyNotIn', '[]')).toBe(true);
    expect(holds('ALL', 'AnyNotIn', '[ALL]')).toBe(false);
    expect(holds('ALL', 'AnyNotIn', '["A*"]')).toBe(false);
  });
});
