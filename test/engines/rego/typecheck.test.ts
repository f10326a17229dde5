/**
 * The compile-time type check (src/engines/rego/typecheck.ts; OPA ast/check.go). Each rule has cases OPA
 * rejects and, as important, neighbouring cases OPA accepts: a false type error would refuse a template
 * real Gatekeeper runs.
 */
import { describe, expect, it } from 'vitest';
import { builtinNames, compileModules, parseModule, RegoCompileError } from '../../../src/engines/rego/index.js';
import { signatures } from '../../../src/engines/rego/builtins/signatures.js';
import { builtins } from '../../../src/engines/rego/builtins/index.js';
import { query, rego } from './harness.js';

/** The compile problems of a module (empty when it compiles), as `code at line:col: message`. */
function problems(text: string): string[] {
  try {
    compileModules([parseModule(text, 'm.rego')]);
    return [];
  } catch (e) {
    if (!(e instanceof RegoCompileError)) throw e;
    return e.problems.map((p) => `${p.code} at ${p.line}:${p.column}: ${p.message}`);
  }
}

/** The problems of one rule body (line 2 of the module; its first expression starts at column 6). */
const inBody = (body: string): string[] => problems(`package t\np if { ${body} }\n`);
const accepted = (body: string) => expect(inBody(body)).toEqual([]);
const typeError = (body: string, message: string, at = '2:8') => expect(inBody(body)).toEqual([`rego_type_error at ${at}: ${message}`]);

describe('builtin arguments (checkExprBuiltin)', () => {
  it('rejects a constant of the wrong type, negated or not', () => {
    typeError('startswith(1, "a")', 'startswith: invalid argument(s)');
    typeError('not startswith(1, "a")', 'startswith: invalid argument(s)');
    typeError('count(5)', 'count: invalid argument(s)');
    typeError('sprintf("%v", "a") == "a"', 'sprintf: invalid argument(s)');
  });

  it('checks composite literals element by element (unify1)', () => {
    typeError('concat(",", ["a", 1]) == "a"', 'concat: invalid argument(s)');
    typeError('sum(["a"]) == 1', 'sum: invalid argument(s)');
    typeError('object.get({"a": 1}, "a", 0) == {1} | [1]', 'or: invalid argument(s)', '2:40');
    accepted('concat(",", ["a", input.x]) == "a"');
    accepted('sum([1, 2.5]) == 3.5');
    accepted('object.get({"a": 1}, "a", 0) == 1');
  });

  it('locates a nested call at the call (an infix one at its left operand), as OPA expands it', () => {
    typeError('x := lower(1); x == "a"', 'lower: invalid argument(s)', '2:13');
    typeError('x := 1 + "a"; x > 0', 'plus: invalid argument(s)', '2:13');
  });

  it('checks the output argument against the result type', () => {
    typeError('split("a/b", "/", "x")', 'split: invalid argument(s)');
    accepted('split("a/b", "/", [a, b]); a == "a"');
    accepted('split("a/b", "/", parts); count(parts) == 2');
  });

  it('knows the type of a variable assigned from a constant or a builtin result', () => {
    typeError('x := 1; startswith(x, "a")', 'startswith: invalid argument(s)', '2:16');
    typeError('x := lower("A"); y := x + 1; y > 0', 'plus: invalid argument(s)', '2:30');
    typeError('x := count(input.a); startswith(x, "1")', 'startswith: invalid argument(s)', '2:29');
  });

  it('accepts anything it cannot type statically: input, data, rules, function results and arguments', () => {
    accepted('startswith(input.s, "a")');
    accepted('count(input.x) > 0');
    accepted('x := input.y; startswith(x, "a")');
    accepted('x := input.y[_]; startswith(x, "a")');
    accepted('x := object.get(input, ["a", "b"], {}); startswith(x, "a")');
    accepted('object.get(input.a, "k", null) == 1');
    accepted('object.get(input, ["a", 0, "b"], "d") == "x"');
    expect(problems('package t\nf(x) := x\np if { startswith(f(1), "a") }\n')).toEqual([]);
    expect(problems('package t\nf(x) if { startswith(x, "a") }\n')).toEqual([]);
  });

  it('accepts the declared unions: to_number, glob.match delimiters, count of strings, set difference', () => {
    accepted('to_number(true) == 1; to_number(null) == 0; to_number("1") == 1');
    accepted('glob.match("a*", null, "ab"); glob.match("a*", [], "ab")');
    accepted('count("abc") == 3; count({"a": 1}) == 1; count({1}) == 1');
    accepted('{1, 2} - {1} == {2}; 3 - 1 == 2');
    accepted('"a" >= 1000; null >= 1000; 1 == 1.0; "a" in {"k": "a"}; 1 != "a"');
  });
});

describe('unification (checkExprEq, unify2)', () => {
  it('rejects == between statically different types (RewriteEquals makes it =)', () => {
    typeError('1 == "a"', 'match error', '2:8');
    typeError('x := 1; x == "a"', 'match error', '2:16');
    typeError('not {1} == [1]', 'match error');
    typeError('count(input.x) == "3"', 'match error');
    typeError('[1, 2] = [1, 2, 3]', 'match error');
    typeError('[a, b] := "s"; a == b', 'match error');
    typeError('{"a": 1} = {"b": 1}', 'match error');
  });

  it('accepts == whose sides may have a value in common', () => {
    accepted('input.x == 1');
    accepted('x := 1; x == 2');
    accepted('x := {"a": 1}; x == {"a": 2}');
    accepted('[a, "world"] = ["hello", b]; a == b');
    accepted('{"a": v} = {"a": [1]}; count(v) == 1');
    accepted('x := [1, "a"]; x[_] == "a"');
    accepted('x := [y | y := input.a[_]]; x == ["a"]');
  });

  it('does not apply to == inside a term: there it is the builtin equal, whose arguments are any', () => {
    accepted('x := 1 == "a"; x == false');
  });

  it('keeps a local rule value untyped: lab := {} then lab["k"] == "x" (probe not-ref-eq)', () => {
    expect(problems('package t\nlab := {}\np if { not lab["k"] == "x" }\n')).toEqual([]);
    accepted('lab := {}; not lab["k"] == "x"');
  });
});

describe('iteration (some ... in, references)', () => {
  it('rejects some x in a scalar literal: OPA unifies x with null[_], whose type is unknown', () => {
    typeError('some v in null', 'match error');
    typeError('count({v | some v in null}) == 0', 'match error', '2:19');
    typeError('some k, v in "abc"; v == 1', 'match error');
  });

  it('rejects iterating or indexing a value statically known to be a scalar (undefined ref)', () => {
    typeError('y := "s"; some v in y', 'undefined ref: y[_]', '2:28');
    typeError('some v in count(input.x)', 'undefined ref: count(input.x)[_]', '2:18');
    typeError('x := 1; x[0] == 1', 'undefined ref: x[0]', '2:16');
    typeError('o := {"a": 1}; o.b == 1', 'undefined ref: o.b', '2:23');
    typeError('a := [1]; a[1] == 1', 'undefined ref: a[1]', '2:18');
  });

  it('accepts iteration over collections and over anything untyped', () => {
    accepted('some v in input.items');
    accepted('some v in []');
    accepted('some k, v in {}');
    accepted('x := []; x[0] == 1');
    accepted('lab := {}; lab["k"] == "x"');
    accepted('o := {"a": 1}; o[k] == 1; k == "a"');
    accepted('every x in null { x > 1 }');
    accepted('every x in [1] { startswith(x, 1) }');
  });
});

describe('which variables have a static type (typecheck-vars.ts)', () => {
  it('not one another expression can bind before its := (OPA reorders for safety)', () => {
    // OPA binds x by iterating input.a[x] first (x: any), so x == 1 passes there.
    accepted('x := lower(y); input.a[x]; y = input.b; x == 1');
  });

  it('not one met inside a composite literal: OPA widens it to any there', () => {
    // count([x]) unifies [x] with array[any] in union mode: x becomes any before x == "a".
    accepted('x := 1; count([x]) > 0; x == "a"');
    accepted('x := 1; y := "a" in [x]; x == "a"');
  });

  it('but an assignment of a whole composite keeps both typed', () => {
    typeError('x := 1; y := [x]; x == "a"', 'match error', '2:26');
    typeError('y := [1, 2]; y[5] == 1', 'undefined ref: y[5]', '2:21');
  });
});

describe('stage order and shape', () => {
  it('runs only when every earlier stage succeeded, as OPA stops at the first failing stage', () => {
    expect(inBody('startswith(1, "a"); x == y')).toEqual(['rego_unsafe_var_error at 2:28: var x is unsafe']);
  });

  it('reports every type error of every rule, sorted by position', () => {
    expect(problems('package t\np if { startswith(1, "a") }\nq if { 1 == "a" }\nr := lower(1)\n')).toEqual([
      'rego_type_error at 2:8: startswith: invalid argument(s)',
      'rego_type_error at 3:8: match error',
      'rego_type_error at 4:6: lower: invalid argument(s)',
    ]);
  });

  it('checks else bodies and comprehension heads; a comprehension with an error is any outside', () => {
    expect(problems('package t\nf(x) := 1 if { x > 0 } else := lower(1)\n')).toEqual(['rego_type_error at 2:32: lower: invalid argument(s)']);
    expect(inBody('count([x | x := lower(1)]) == "a"')).toEqual([
      'rego_type_error at 2:8: match error',
      'rego_type_error at 2:24: lower: invalid argument(s)',
    ]);
  });

  it('leaves accepted modules evaluating as before', () => {
    const m = rego`
      package ok
      names := [lower(n) | n := input.names[_]]
      p if { x := count(names); x > 1; startswith(names[0], "a") }
    `;
    expect(query(m, 'data.ok.p', { input: { names: ['Ab', 'c'] } })).toBe(true);
  });

  it('declares a signature for every supported builtin, with its arity', () => {
    for (const name of builtinNames()) {
      expect(signatures.get(name)?.args.length, name).toBe(builtins.get(name)!.arity);
    }
  });
});
