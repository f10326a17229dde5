/**
 * sprintf: Go fmt verbs over OPA's argument conversion (integers → int, other numbers → float64,
 * strings → string, everything else → its Rego text as a string). Expected strings follow Go's fmt docs.
 */
import { describe, expect, it } from 'vitest';
import { value } from './harness.js';

const fmt = (format: string, args: string) => value(`sprintf(${JSON.stringify(format)}, [${args}])`);

describe('sprintf', () => {
  it('%v prints strings raw and composites in Rego syntax', () => {
    expect(fmt('container <%v> image <%v>', '"nginx", "nginx:1.0"')).toBe('container <nginx> image <nginx:1.0>');
    expect(fmt('%v', '["a", "b"]')).toBe('["a", "b"]');
    expect(fmt('%v', '{"b": 1, "a": [true, null]}')).toBe('{"a": [true, null], "b": 1}');
    expect(fmt('%v', '{"x", "y"}')).toBe('{"x", "y"}');
    expect(fmt('%v', 'set()')).toBe('set()');
    expect(fmt('%v %v', 'true, null')).toBe('true null');
  });

  it('numbers: integers without a fraction, floats in %g form', () => {
    expect(fmt('%v', '5')).toBe('5');
    expect(fmt('%v', '1.5')).toBe('1.5');
    expect(fmt('%v', '1000000000000000000000')).toBe('1000000000000000000000');
    expect(fmt('%v', '0.00001')).toBe('1e-05');
    expect(fmt('%v', '1234567.5')).toBe('1.2345675e+06');
    expect(fmt('%d', '42')).toBe('42');
    // Integers beyond int64 are *big.Int in Go, which also formats with %s (2^70 is exact as a double).
    expect(fmt('%s', '1180591620717411303424')).toBe('1180591620717411303424');
    expect(fmt('%s', '13')).toBe('%!s(int=13)');
    expect(fmt('%.2f', '3.14159')).toBe('3.14');
    expect(fmt('%f', '2')).toBe('%!f(int=2)');
    expect(fmt('%e', '1234.5')).toBe('1.234500e+03');
    expect(fmt('%x %X %o %b', '255, 255, 8, 5')).toBe('ff FF 10 101');
  });

  it('%s, %q and %x on strings', () => {
    expect(fmt('%s', '"a"')).toBe('a');
    expect(fmt('%q', '"a\\"b"')).toBe('"a\\"b"');
    expect(fmt('%x', '"hi"')).toBe('6869');
  });

  it('width, precision and flags', () => {
    expect(fmt('[%5s][%-5s]', '"ab", "ab"')).toBe('[   ab][ab   ]');
    expect(fmt('[%05d][%+d]', '42, 7')).toBe('[00042][+7]');
    expect(fmt('%.2s', '"abcdef"')).toBe('ab');
  });

  it('mismatched verbs, missing and extra arguments follow Go', () => {
    expect(fmt('%d', '"x"')).toBe('%!d(string=x)');
    expect(fmt('%d', '[1]')).toBe('%!d(string=[1])');
    expect(fmt('%t', 'true')).toBe('%!t(string=true)');
    expect(fmt('%v and %v', '1')).toBe('1 and %!v(MISSING)');
    expect(fmt('%v', '1, "a"')).toBe('1%!(EXTRA string=a)');
    expect(fmt('100%%', '')).toBe('100%');
  });

  it('escapes strings inside composites like Go strconv.Quote', () => {
    expect(fmt('%v', '["a\\nb", "q\\""]')).toBe('["a\\nb", "q\\""]');
  });
});
