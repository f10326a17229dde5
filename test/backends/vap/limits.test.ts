/**
 * The backend's compile-time check of the API server's CEL limits (src/backends/vap/limits.ts): an upper bound of
 * cel-go's runtime cost (checker/cost.go prices, docs/engines/vap-cost.md) on objects within the design bounds.
 * Costs below are derived by hand, the derivation next to each number.
 */
import { describe, expect, it } from 'vitest';
import { vapBackend } from '../../../src/backends/vap/index.js';
import { DESIGN_BOUNDS, limitFindings, PER_CALL_LIMIT, worstCaseCost } from '../../../src/backends/vap/limits.js';
import { dsl, irOf } from '../../helpers/dsl.js';

const small = { list: 10, map: 20, string: 100 };

describe('worst-case cost of an expression', () => {
  it.each([
    // ident 1, two selects 1 each: 3; all: fixed 1 + 20 items (a dyn value may be a map: 20 entries) × (3 + body);
    // body: c 1 + select 1, literal 0, == on a 1-sized operand ⌈0.1⌉ = 1: 3. 3 + 1 + 20 × 6 = 124.
    ['object.spec.containers.all(c, c.privileged == true)', 124],
    // The same range proven a list by `type(x) == list`: at most 10 items. Condition: has(object.spec.containers) 2
    // (the presence test is free), type(…) 3 + 1, list 1, == 1 (type values are no strings): 8; the costlier branch
    // is the literal [] (10); all: 1 + 10 × 6. 8 + 10 + 61 = 79.
    ['(has(object.spec.containers) && type(object.spec.containers) == list ? object.spec.containers : []).all(c, c.privileged == true)', 79],
    // matches: receiver 2 (ident, select), ⌈0.1 × (100 + 1)⌉ = 11 × ⌈0.25 × 8⌉ = 2 for the 8-character pattern: 24.
    ['object.image.matches("^[a-z]+$")', 24],
    // in: 2 + a 3-element literal list (10) + its size 3: 15.
    ['object.kind in ["A", "B", "C"]', 15],
    // string +: literal 0 + 2, ⌈0.1 × (2 + 100)⌉ = 11: 13.
    ['"x:" + object.name', 13],
  ])('%s costs at most %d', (text, cost) => {
    expect(worstCaseCost(text, small).cost).toBe(cost);
  });

  it('charges a variable read 2 and uses the sizes the variable was given', () => {
    const containers = { cost: 0, text: 0, items: 5 };
    // variables.containers: 2; all: 1 + 5 × (3 + c 1) = 21; 23.
    expect(worstCaseCost('variables.containers.all(c, c)', small, new Map([['containers', containers]])).cost).toBe(23);
  });
});

describe('limit findings of a policy spec', () => {
  it('reports each expression over the per-call limit, and the policy over its budget', () => {
    const heavy = 'object.a.all(x, object.b.all(y, object.c.all(z, z.matches("' + 'a'.repeat(64) + '"))))';
    const cost = worstCaseCost(heavy, DESIGN_BOUNDS).cost;
    expect(cost).toBeGreaterThan(PER_CALL_LIMIT);
    const findings = limitFindings({ variables: [], validations: Array.from({ length: 11 }, () => ({ expression: heavy })) });
    expect(findings.filter((f) => 'validation' in f.at)).toHaveLength(11);
    expect(findings.find((f) => 'policy' in f.at)).toMatchObject({ limit: 10_000_000, estimate: 11 * cost });
  });

  it('counts the variables the match conditions read against their own budget', () => {
    const v = { name: 'big', expression: 'object.a.all(x, object.b.all(y, y.matches("' + 'a'.repeat(100) + '")))' };
    const cost = worstCaseCost(v.expression, DESIGN_BOUNDS).cost;
    expect(cost).toBeGreaterThan(2_500_000);
    const read = limitFindings({ variables: [v], validations: [], matchConditions: [{ name: 'm', expression: 'variables.big' }] });
    expect(read.find((f) => 'matchConditions' in f.at)).toMatchObject({ limit: 2_500_000, estimate: cost + 2 });
    const unread = limitFindings({ variables: [v], validations: [], matchConditions: [{ name: 'm', expression: 'request.namespace != ""' }] });
    expect(unread.some((f) => 'matchConditions' in f.at)).toBe(false);
  });
});

describe('the backend reports a rule beyond the limits as SP2001', () => {
  it('names the rule, the limit and the bounds', () => {
    const set = irOf(dsl`
      policy heavy {
        applies to pods
        rule env-values {
          forbid any container has any env has value matches regex "${'(a|b)'.repeat(12)}"
        }
        rule light {
          forbid any container has securityContext.privileged = true
        }
      }`);
    const out = vapBackend.emit(set);
    const messages = out.diagnostics.map((d) => `${d.code} ${d.message}`);
    // The default message names the container, so its messageExpression walks the same lists and is over too.
    expect(messages.length).toBeGreaterThanOrEqual(1);
    expect(messages.every((m) => m.includes('rule "env-values"'))).toBe(true);
    expect(messages[0]).toMatch(/^SP2001 vap cannot express rule "env-values" within the API server's limit on (expression|variable offending_env_values): CEL cost per evaluation \(1,000,000\): up to [\d,]+ on objects with at most 32 items in a list, 64 entries in a map and 256 characters in a string$/);
    expect(out.diagnostics[0]!.span?.start).toBe(set.policies[0]!.rules[0]!.span.start);
  });
});
