/**
 * What `not` negates after OPA's compiler has rewritten the body (src/engines/rego/negation.ts; OPA
 * ast/compile.go RewriteExprTerms, RewriteEquals, RewriteDynamicTerms, and the safety check that gives negation
 * no outputs). The rego-probes corpus pins the headline cases against the real OPA; these cover each rewrite rule.
 */
import { describe, expect, it } from 'vitest';
import { RegoCompileError } from '../../../src/engines/rego/index.js';
import { query } from './harness.js';

/** The value of `result` in a module with the helpers the probes use; undefined when not defined. */
const result = (body: string, input?: unknown): unknown =>
  query(
    `package p
lab := {"present": "v"}
num(x) := x if { is_number(x) }
result if {
${body}
}`,
    'data.p.result',
    input === undefined ? {} : { input },
  );

describe('OPA rewrites before negation', () => {
  it('== keeps a reference operand inside the negation (it becomes a unification)', () => {
    expect(result('not lab["k"] == "x"')).toBe(true);
    expect(result('not input.missing == 1', {})).toBe(true);
  });

  it('other calls evaluate reference operands outside: an undefined one makes the body undefined', () => {
    expect(result('not lab["k"] in ["x"]')).toBeUndefined();
    expect(result('not lab["k"] != "x"')).toBeUndefined();
    expect(result('not startswith(input.s, "a")', {})).toBeUndefined();
    expect(result('not startswith(input.s, "a")', { s: 'b' })).toBe(true);
    expect(result('not lab["present"] in ["x"]')).toBe(true);
  });

  it('nested calls are evaluated outside, also under ==', () => {
    expect(result('not num(null) >= 1000')).toBeUndefined();
    expect(result('not num(5) >= 1000')).toBe(true);
    expect(result('not object.get(input, "k", null) == 1', 'not an object')).toBeUndefined();
    expect(result('not object.get(input, "k", null) == 1', {})).toBe(true);
  });

  it('under ==, dynamic segments of a reference and references inside array operands move out', () => {
    expect(result('not input.a[input.b] == 1', { a: {} })).toBeUndefined();
    expect(result('not input.a[input.b] == 1', { a: {}, b: 'k' })).toBe(true);
    expect(result('not [lab["k"]] == ["x"]')).toBeUndefined();
    expect(result('not [lab["present"]] == ["x"]')).toBe(true);
  });

  it('a function call stays inside the negation; only its arguments move', () => {
    expect(result('not num("s")')).toBe(true);
    expect(result('not num(input.missing)', {})).toBeUndefined();
  });

  it('the moved parts see the with modifiers of the negated expression', () => {
    expect(result('not startswith(input.s, "a") with input.s as "b"', {})).toBe(true);
    expect(result('not startswith(input.s, "a") with input.s as "abc"', { s: 'b' })).toBeUndefined();
  });
});

describe('safety of negation', () => {
  it('a variable only in the negated expression is unsafe, wildcards included', () => {
    expect(() => result('not input.x[_] == 1', { x: [1] })).toThrow(RegoCompileError);
    expect(() => result('not input.x[_] == 1', { x: [1] })).toThrow(/var _ is unsafe/);
    expect(() => result('not input.x[i] == 1', { x: [1] })).toThrow(/var i is unsafe/);
  });

  it('a variable bound elsewhere is safe, whatever the order', () => {
    expect(result('not x == 2; x = input.x[_]', { x: [2, 3] })).toBe(true);
    expect(result('x := input.x[_]; not x == 2', { x: [2] })).toBeUndefined();
  });

  it('a wildcard inside a nested call is bound by the call moved out of the negation', () => {
    expect(result('not startswith(lower(input.x[_]), "a")', { x: ['A', 'b'] })).toBe(true);
    expect(result('not startswith(lower(input.x[_]), "a")', { x: ['A'] })).toBeUndefined();
  });
});
