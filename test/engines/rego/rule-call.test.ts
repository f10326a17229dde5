/**
 * A complete rule called as a function with no arguments, `r()`. OPA's type checker (ast/check.go,
 * checkExprBuiltin) lets the call through when the rule's type is `any` (a value read from input, or values of
 * several types) and evaluation reads the rule's value; a rule whose values are literals of one type is still
 * "undefined function". Found running gatekeeper-library's forbidden-sysctls template, whose message calls
 * `allowed_sysctl_string()` (docs/engines/rego.md).
 */
import { describe, expect, it } from 'vitest';
import { RegoCompileError } from '../../../src/engines/rego/index.js';
import { query, rego } from './harness.js';

const label = rego`
  package p

  label := out if {
    not input.names
    out := "none given"
  }

  label := out if {
    out := input.names
  }

  msg := m if {
    m := sprintf("names: %v", [label()])
  }

  used if label()
`;

function compileError(src: string): string {
  try {
    query(src, 'data.p');
  } catch (e) {
    if (e instanceof RegoCompileError) return e.message;
    throw e;
  }
  return 'compiled';
}

describe('calling a complete rule with no arguments', () => {
  it('reads the rule\'s value when its type is any', () => {
    expect(query(label, 'data.p.msg', { input: { names: ['a', 'b'] } })).toBe('names: ["a", "b"]');
    expect(query(label, 'data.p.msg', { input: {} })).toBe('names: none given');
    expect(query(label, 'data.p.used', { input: {} })).toBe(true);
  });

  it('values of two literal types make the type any too', () => {
    const src = rego`
      package p
      default f := ""
      f := 1 if input.x
      r := f()
    `;
    expect(query(src, 'data.p.r', { input: { x: true } })).toBe(1);
    expect(query(src, 'data.p.r', { input: {} })).toBe('');
  });

  it('a rule whose values are literals of one type is not a function', () => {
    expect(compileError(rego`
      package p
      f := 1
      r := f()
    `)).toMatch(/data\.p\.f is not a function/);
    expect(compileError(rego`
      package p
      f := "a" if input.x
      f := "b" if not input.x
      r := f()
    `)).toMatch(/is not a function/);
  });

  it('arguments to a rule stay an error, and partial rules are not callable', () => {
    expect(compileError(rego`
      package p
      f := input.x
      r := f(1)
    `)).toMatch(/is not a function/);
    expect(compileError(rego`
      package p
      s contains input.x
      r := s()
    `)).toMatch(/is not a function/);
  });
});
