/**
 * The static CEL cost estimator (src/engines/vap/cost.ts) against cel-go's cost model (checker/cost.go) as Kubernetes
 * configures it. Expected values are either cel-go's own test expectations (checker/cost_test.go) or derived by hand
 * from the model, with the derivation next to the number. Constants used in derivations: ident / field select 1,
 * literal 0, O(1) call 1, list literal 10, map literal 30, string traversal ×0.1 rounded up, regex length ×0.25.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  estimateExpressionCost,
  KUBERNETES_REQUEST_SIZE_BOUNDS,
  MAX_REQUEST_SIZE_BYTES,
  PER_CALL_LIMIT,
  UNBOUNDED,
  UNBOUNDED_SIZES,
  type CostOptions,
  type SizeBounds,
} from '../../../src/engines/vap/cost.js';

const cost = (text: string, options?: CostOptions) => {
  const { min, max } = estimateExpressionCost(text, options);
  return { min, max };
};
const maxOf = (text: string, options?: CostOptions) => estimateExpressionCost(text, options).max;

/** L: the request-size bound on a dyn list's length, (3 MiB − 2) / (1 + 1). S: a dyn string's length, 3 MiB − 2. */
const L = 1_572_863;
const S = 3_145_726;

describe('size bounds derived from the 3 MiB request limit', () => {
  it('match the formulas of apiserver/pkg/cel/common/schemas.go for a one-byte minimum element', () => {
    expect(MAX_REQUEST_SIZE_BYTES).toBe(3_145_728);
    // string: request − 2 quotes; list: (request − 2 brackets) / (1 + 1 comma); map: (request − 2) / (1 + 6).
    expect(KUBERNETES_REQUEST_SIZE_BOUNDS).toEqual({ string: S, list: L, map: 449_389 });
  });
});

describe("cel-go's own expectations (checker/cost_test.go), for expressions without inputs", () => {
  it.each([
    ['"Hello World!"', 0, 0],
    ['[1, 2, 3]', 10, 10],
    ['{"a": 1, "b": 2, "c": 3}', 30, 30],
    ['[1, 2, 3].all(x, true)', 20, 20],
    ["'123'.matches('[0-9]')", 2, 2],
    ['true || false', 0, 0],
    ['true && false', 0, 0],
    ['1 < 2', 1, 1],
    ['1 <= 2', 1, 1],
    ['1 == 2', 1, 1],
    ['2 > 1', 1, 1],
    ['2 >= 1', 1, 1],
    ['2 in [1, 2, 3]', 13, 13],
    ['1 + 1', 1, 1],
    ['1 - 1', 1, 1],
    ['1 / 1', 1, 1],
    ['1 * 1', 1, 1],
    ['1 % 1', 1, 1],
    ['true ? 1 : 2', 0, 0],
    ['size("123")', 1, 1],
    ['string(1)', 1, 1],
  ])('%s costs [%i, %i]', (text, min, max) => {
    expect(cost(text)).toEqual({ min, max });
  });
});

describe('hand-computed costs of VAP expressions (default: request-size bounds)', () => {
  it('a field check on object: ident 1, selects on dyn 0, == against a 1-char literal ceil(1 × 0.1) = 1', () => {
    expect(cost('object.metadata.name == "x"')).toEqual({ min: 2, max: 2 });
  });

  it('has(): the operand `object.spec` costs 1; Kubernetes prices the presence test at 0 (cel-go default 1)', () => {
    expect(cost('has(object.spec.hostNetwork)')).toEqual({ min: 1, max: 1 });
    expect(cost('has(object.spec.hostNetwork)', { presenceTestCost: 1 })).toEqual({ min: 2, max: 2 });
  });

  it('request is a declared object type, so each select costs 1: 1 + 1 + 1 + (== "admin") 1', () => {
    expect(cost('request.userInfo.username == "admin"')).toEqual({ min: 4, max: 4 });
  });

  it('a literal `-1` is a constant (cel-go folds the sign), `-x` is a call', () => {
    expect(cost('-1')).toEqual({ min: 0, max: 0 });
    expect(cost('-object.x')).toEqual({ min: 2, max: 2 });
  });

  it('all over a literal list: 10 + result 1 + 3 × (condition 2 + step [1, 1 + (x > 0: 1 + 1)])', () => {
    // per item: min 2 + 1 = 3, max 2 + 1 + 2 = 5 → [10 + 1 + 9, 10 + 1 + 15]
    expect(cost('[1, 2, 3].all(x, x > 0)')).toEqual({ min: 20, max: 26 });
  });

  it('exists: condition @not_strictly_false(!@r) costs 3', () => {
    // 10 + 1 + 3 × [3 + 1, 3 + 1 + 2]
    expect(cost('[1, 2, 3].exists(x, x > 0)')).toEqual({ min: 23, max: 29 });
  });

  it('exists_one: result `@r == 1` 2, step `p ? @r + 1 : @r` = p + [1, 2]', () => {
    // 10 + 2 + 3 × [2 + 1, 2 + 2]
    expect(cost('[1, 2, 3].exists_one(x, x > 1)')).toEqual({ min: 21, max: 24 });
  });

  it('map: init [] 10 + result 1 + 3 × (`@r + [t]` = 1 + 1 + 10 + (x * 2: 2))', () => {
    expect(cost('[1, 2, 3].map(x, x * 2)')).toEqual({ min: 63, max: 63 });
  });

  it('filter: 10 + 11 + 3 × (p 2 + [1, 13])', () => {
    expect(cost('[1, 2, 3].filter(x, x > 1)')).toEqual({ min: 30, max: 66 });
  });

  it('list concatenation is O(1): 10 + 10 + 1; `in` scans the list: size 2 + 10', () => {
    expect(cost('[1, 2] + [3]')).toEqual({ min: 21, max: 21 });
    expect(cost('"a" in ["a", "b"]')).toEqual({ min: 12, max: 12 });
  });

  it('matches on a dyn string: (size + 1) × 0.1 rounded up, times pattern length × 0.25 rounded up, plus object 1', () => {
    // pattern '^[a-z]+$' has 8 chars → ceil(2) = 2; string [0, S] → [ceil(0.1), ceil(314572.7)] = [1, 314573]
    expect(cost('object.metadata.name.matches("^[a-z]+$")')).toEqual({ min: 1 * 2 + 1, max: 314_573 * 2 + 1 });
  });

  it('startsWith is priced by the prefix, contains by both strings', () => {
    // startsWith: ceil(4 × 0.1) = 1, plus object 1
    expect(cost('object.metadata.name.startsWith("kube")')).toEqual({ min: 2, max: 2 });
    // contains: ceil(S × 0.1) × ceil(3 × 0.1) = 314573 × 1, plus object 1
    expect(cost('object.metadata.name.contains("abc")')).toEqual({ min: 1, max: 314_574 });
  });

  it('comparing two dyn values traverses the shorter one, which may be a whole-request string', () => {
    // 1 + 1 + [ceil(0.1), ceil(S × 0.1)]
    expect(cost('object.a == object.b')).toEqual({ min: 3, max: 2 + 314_573 });
  });

  it('the quantity library: compareTo and isQuantity/quantity called globally cost 1 each', () => {
    // isQuantity(object.spec.x) = 1 + 1; quantity(object.spec.x) = 2, quantity("1Gi") = 1, compareTo 1 → 4; `< 0` 1 → 5
    expect(cost('isQuantity(object.spec.x) && quantity(object.spec.x).compareTo(quantity("1Gi")) < 0')).toEqual({ min: 2, max: 7 });
  });

  it('all over a dyn list: range 1 + result 1 + L × (2 + 1 + (c.name != "": 1 + 0))', () => {
    expect(cost('object.spec.containers.all(c, c.name != "")')).toEqual({ min: 2, max: 2 + 4 * L });
  });

  it('nested all over dyn lists multiplies: inner 2 + 5L per outer item, outer 2 + L × (3 + inner)', () => {
    const inner = 2 + 5 * L; // c.ports 1 + result 1 + L × (2 + 1 + (p.containerPort > 0: 2))
    expect(cost('object.spec.containers.all(c, c.ports.all(p, p.containerPort > 0))')).toEqual({ min: 2, max: 2 + L * (3 + inner) });
  });
});

describe('composited variables', () => {
  const variables: CostOptions['variables'] = {
    names: { cost: { min: 3, max: 50 }, type: { kind: 'list', elem: { kind: 'string' } }, size: { min: 0, max: 4 } },
    flag: { cost: { min: 7, max: 7 }, type: { kind: 'bool' } },
  };

  it('`variables.X` is a select on an object type (1 + 1); its size comes from the variable', () => {
    // range 2 + result 1 + 4 × (3 + 1 + (x == "a": 1 + 1))
    const report = estimateExpressionCost('variables.names.exists(x, x == "a")', { variables });
    expect(report).toMatchObject({ min: 3, max: 27, variablesReferenced: ['names'] });
  });

  it("a variable's own cost is charged once, however often and wherever it is read", () => {
    const once = estimateExpressionCost('variables.flag', { variables });
    const thrice = estimateExpressionCost('variables.flag && [1, 2].all(i, variables.flag) && variables.flag', { variables });
    expect(once.withVariables).toEqual({ min: 2, max: 2 + 7 });
    expect(thrice.withVariables.max - thrice.max).toBe(7);
    expect(thrice.variablesReferenced).toEqual(['flag']);
  });

  it('a comprehension variable named `variables` shadows the root', () => {
    const report = estimateExpressionCost('[{"flag": true}].all(variables, variables.flag)', { variables });
    expect(report.variablesReferenced).toEqual([]);
  });
});

describe('limits', () => {
  it('nested comprehensions over unbounded dyn lists exceed the per-call limit; a simple field check does not', () => {
    expect(maxOf('object.spec.containers.all(c, c.env.all(e, e.name != "SECRET"))')).toBeGreaterThan(PER_CALL_LIMIT);
    expect(maxOf('object.spec.hostNetwork == true')).toBeLessThanOrEqual(PER_CALL_LIMIT);
    expect(maxOf('has(object.spec.hostNetwork) && object.spec.hostNetwork == false')).toBeLessThanOrEqual(PER_CALL_LIMIT);
  });

  it('bounding the lists brings the same nested comprehension under the limit', () => {
    const small: SizeBounds = { string: 253, list: 100, map: 100 };
    expect(maxOf('object.spec.containers.all(c, c.env.all(e, e.name != "SECRET"))', { sizeBounds: small })).toBeLessThanOrEqual(PER_CALL_LIMIT);
  });

  it('without size bounds (cel-go with no size estimator) a dyn comprehension saturates at 2^64', () => {
    expect(maxOf('object.spec.containers.all(c, true)', { sizeBounds: UNBOUNDED_SIZES })).toBe(UNBOUNDED);
    expect(maxOf('object.spec.containers.all(c, c.env.all(e, true))', { sizeBounds: UNBOUNDED_SIZES })).toBe(UNBOUNDED);
  });
});

describe('monotonicity', () => {
  /** Small VAP-like expressions; all parse with the VAP engine's environment. */
  const leaves = [
    'true', 'object.spec.hostNetwork == true', 'has(object.metadata.labels)', 'request.operation == "CREATE"',
    'object.metadata.name.startsWith("kube-")', 'object.metadata.name.matches("^[a-z]+$")', 'size(object.spec.containers) < 10',
    '"a" in object.metadata.finalizers', 'params.max > 3', 'object.spec.containers.all(c, has(c.image))',
  ];
  const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom(...leaves),
      fc.tuple(tie('e'), tie('e')).map(([a, b]) => `(${a}) && (${b})`),
      fc.tuple(tie('e'), tie('e')).map(([a, b]) => `(${a}) || (${b})`),
      fc.tuple(tie('e'), tie('e'), tie('e')).map(([a, b, c]) => `(${a}) ? (${b}) : (${c})`),
      tie('e').map((a) => `!(${a})`),
    ),
  })).e;
  const bounds: fc.Arbitrary<SizeBounds> = fc.record({
    string: fc.integer({ min: 0, max: 10_000 }),
    list: fc.integer({ min: 0, max: 1_000 }),
    map: fc.integer({ min: 0, max: 1_000 }),
  });

  it('adding work never lowers the estimate: a conjunction, disjunction or branch costs at least its parts', () => {
    fc.assert(
      fc.property(expression, expression, (a, b) => {
        for (const combined of [`(${a}) && (${b})`, `(${a}) || (${b})`, `[${a}, ${b}].all(x, x)`]) {
          expect(maxOf(combined)).toBeGreaterThanOrEqual(Math.max(maxOf(a), maxOf(b)));
        }
        expect(maxOf(`(${a}) ? (${b}) : false`)).toBeGreaterThanOrEqual(maxOf(b));
      }),
    );
  });

  it('min never exceeds max', () => {
    fc.assert(
      fc.property(expression, (a) => {
        const { min, max } = cost(a);
        expect(min).toBeLessThanOrEqual(max);
      }),
    );
  });

  it('nesting a body in a comprehension over a list of n items multiplies its cost by n', () => {
    fc.assert(
      fc.property(expression, fc.integer({ min: 1, max: 50 }), (body, n) => {
        const sizeBounds: SizeBounds = { string: 1_000, list: n, map: n };
        const once = maxOf(body, { sizeBounds });
        const nested = maxOf(`object.items.all(i, ${body})`, { sizeBounds });
        const twice = maxOf(`object.items.all(j, object.items.all(i, ${body}))`, { sizeBounds });
        expect(nested).toBeGreaterThanOrEqual(n * once);
        expect(twice).toBeGreaterThanOrEqual(n * nested);
      }),
    );
  });

  it('larger size bounds never lower the estimate', () => {
    fc.assert(
      fc.property(expression, bounds, bounds, (a, x, y) => {
        const larger: SizeBounds = { string: Math.max(x.string, y.string), list: Math.max(x.list, y.list), map: Math.max(x.map, y.map) };
        expect(maxOf(a, { sizeBounds: larger })).toBeGreaterThanOrEqual(maxOf(a, { sizeBounds: x }));
      }),
    );
  });
});
