/** Parsing: accepted syntax (v0 and v1) and syntax errors reported as values with file:line:column. */
import { describe, expect, it } from 'vitest';
import { parseModule, RegoCompileError, RegoSyntaxError } from '../../../src/engines/rego/index.js';
import { query, rego } from './harness.js';

function syntaxError(text: string): { line: number; column: number; message: string } {
  try {
    parseModule(text, 'bad.rego');
  } catch (e) {
    expect(e).toBeInstanceOf(RegoSyntaxError);
    const err = e as RegoSyntaxError;
    expect(err.file).toBe('bad.rego');
    expect(err.message.startsWith(`bad.rego:${err.line}:${err.column}: `)).toBe(true);
    return { line: err.line, column: err.column, message: err.detail };
  }
  throw new Error('expected a syntax error');
}

describe('syntax errors', () => {
  it('need a package first', () => {
    expect(syntaxError('p := 1')).toMatchObject({ line: 1, column: 1 });
  });

  it('point at the offending token', () => {
    expect(syntaxError('package x\n\np {\n  x := \n}\n')).toMatchObject({ line: 5, column: 1 });
    expect(syntaxError('package x\np { 1 2 }')).toMatchObject({ line: 2, column: 7 });
    expect(syntaxError('package x\np := [1, 2')).toMatchObject({ line: 2, column: 11, message: 'unexpected end of file: expected , or ]' });
  });

  it('report unterminated strings and bad escapes', () => {
    expect(syntaxError('package x\np := "abc\n')).toMatchObject({ line: 2, column: 6, message: 'non-terminated string' });
    expect(syntaxError('package x\np := "a\\qb"')).toMatchObject({ line: 2, column: 8 });
    expect(syntaxError('package x\np := `abc')).toMatchObject({ line: 2, column: 6 });
  });

  it('report illegal characters', () => {
    expect(syntaxError('package x\np := 1 ^ 2')).toMatchObject({ line: 2, column: 8 });
  });

  it('reject negating some/every and assigning to references', () => {
    expect(syntaxError('package x\np { not some x in [1] }').message).toMatch(/unexpected some keyword: illegal negation of 'some'/);
    expect(syntaxError('package x\np { input.x := 1 }').message).toMatch(/cannot assign/);
  });

  it('reject a rule without value or body, and an empty body', () => {
    expect(syntaxError('package x\np\n').message).toMatch(/must have a value or a body/);
    expect(syntaxError('package x\np { }').message).toMatch(/must not be empty/);
  });

  it('reject else on multi-value rules', () => {
    expect(syntaxError('package x\np[x] { x := 1 } else { true }').message).toMatch(/else/);
  });
});

describe('accepted syntax', () => {
  it('comments, semicolons and newlines separate expressions', () => {
    const m = rego`
      package s # trailing comment
      # full-line comment
      t { x := 42; y := 41
        x > y  # why not
      }
    `;
    expect(query(m, 'data.s.t')).toBe(true);
  });

  it('multi-line calls, arrays and objects with trailing commas', () => {
    const m = rego`
      package s
      msg := sprintf(
        "%v-%v",
        [
          "a",
          "b",
        ],
      )
      o := {
        "k": 1,
      }
    `;
    expect(query(m, 'data.s.msg')).toBe('a-b');
    expect(query(m, 'data.s.o')).toEqual({ k: 1 });
  });

  it('operator precedence: * over +, arithmetic over comparison, | and & over ==', () => {
    const m = rego`
      package s
      a := 1 + 2 * 3
      b := (1 + 2) * 3
      c := 1 + 1 == 2
      d := {1} | {2} == {1, 2}
      e := 10 - 2 - 3
      f := -1
      g := substring("abc", 0, -1)
    `;
    expect(query(m, '[data.s.a, data.s.b, data.s.c, data.s.d, data.s.e, data.s.f, data.s.g]')).toEqual([7, 9, true, true, 5, -1, 'abc']);
  });

  it('v0 contains() is the builtin; v1 contains is the keyword', () => {
    const m = rego`
      package s
      import future.keywords.contains
      import future.keywords.if
      wild(h) = true { contains(h, "*") }
      p contains x if { x := "a"; wild("*") }
    `;
    expect(query(m, 'data.s.p')).toEqual(['a']);
  });

  it('package names may use brackets and capital letters', () => {
    expect(query('package K8sBlock["x-y"]\np := 1', 'data.K8sBlock["x-y"].p')).toBe(1);
  });

  it('locations of rules are recorded', () => {
    const mod = parseModule('package p\n\n  r := 1\n', 'p.rego');
    expect(mod.rules[0]!.loc).toMatchObject({ line: 3, column: 3 });
    expect(mod.packagePath).toEqual(['p']);
  });

  it('compile errors carry locations too', () => {
    try {
      query('package c\n\np { q(1) }\n', 'data.c.p');
      throw new Error('expected a compile error');
    } catch (e) {
      expect(e).toBeInstanceOf(RegoCompileError);
      expect((e as RegoCompileError).line).toBe(3);
      expect((e as RegoCompileError).column).toBe(5);
    }
  });
});
