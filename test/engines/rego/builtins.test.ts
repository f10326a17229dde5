/**
 * Builtins, one describe per family of OPA's builtin reference
 * (https://www.openpolicyagent.org/docs/policy-reference/builtins). Expected values follow the reference
 * text and Go's standard library, which OPA's implementations call.
 */
import { describe, expect, it } from 'vitest';
import { builtinNames } from '../../../src/engines/rego/index.js';
import { holds, value } from './harness.js';

describe('comparison and arithmetic', () => {
  it('arithmetic on numbers', () => {
    expect(value('[1 + 2, 5 - 7, 3 * 4, 7 / 2, 7 % 3, -7 % 3]')).toEqual([3, -2, 12, 3.5, 1, -1]);
    expect(value('[abs(-2), ceil(1.2), floor(1.8), round(2.5), round(-2.5), round(1.4)]')).toEqual([2, 2, 1, 3, -3, 1]);
  });

  it('division or modulo by zero and modulo of floats are errors (undefined)', () => {
    expect(value('1 / 0')).toBeUndefined();
    expect(value('1 % 0')).toBeUndefined();
    expect(value('1.5 % 1')).toBeUndefined();
  });

  it('minus on sets is difference; | and & are union and intersection', () => {
    expect(value('{1, 2, 3} - {2}')).toEqual([1, 3]);
    expect(value('{1, 2} | {2, 3}')).toEqual([1, 2, 3]);
    expect(value('{1, 2} & {2, 3}')).toEqual([2]);
    expect(value('union({{1}, {2}, {1, 3}})')).toEqual([1, 2, 3]);
    expect(value('intersection({{1, 2}, {2, 3}})')).toEqual([2]);
  });

  it('numbers.range includes both ends', () => {
    expect(value('numbers.range(1, 3)')).toEqual([1, 2, 3]);
    expect(value('numbers.range(3, 1)')).toEqual([3, 2, 1]);
    expect(value('numbers.range_step(0, 10, 4)')).toEqual([0, 4, 8]);
  });

  it('equality and ordering', () => {
    expect(holds('1 != 2; 2 >= 2; 1 <= 2; 3 > 2; 1 < 2')).toBe(true);
    expect(holds('input.a == 1', { input: { a: 'a' } })).toBe(false);
  });
});

describe('conversions and units', () => {
  it('to_number', () => {
    expect(value('[to_number("10"), to_number("-1.5"), to_number(true), to_number(false), to_number(null), to_number(4)]')).toEqual([10, -1.5, 1, 0, 0, 4]);
    expect(value('to_number("ten")')).toBeUndefined();
  });

  it('format_int truncates and formats in base 2, 8, 10, 16', () => {
    expect(value('[format_int(10, 2), format_int(10.9, 10), format_int(255, 16), format_int(8, 8), format_int(-15, 16)]')).toEqual(['1010', '10', 'ff', '10', '-f']);
  });

  it('units.parse_bytes: decimal and binary suffixes, case-insensitive', () => {
    expect(value('[units.parse_bytes("100"), units.parse_bytes("1K"), units.parse_bytes("1KiB"), units.parse_bytes("2Mi"), units.parse_bytes("1.5GB")]')).toEqual([
      100, 1000, 1024, 2097152, 1500000000,
    ]);
    expect(value('units.parse_bytes("12 potatoes")')).toBeUndefined();
  });

  it('units.parse: SI with milli and binary suffixes', () => {
    expect(value('[units.parse("1k"), units.parse("1Ki"), units.parse("10m"), units.parse("2M"), units.parse("5")]')).toEqual([1000, 1024, 0.01, 2000000, 5]);
  });
});

describe('aggregates', () => {
  it('count of strings (code points), arrays, objects and sets', () => {
    expect(value('[count("héllo"), count([1, 2]), count({"a": 1}), count({1, 2, 3})]')).toEqual([5, 2, 1, 3]);
    expect(value('count(input.n)', { input: { n: 5 } })).toBeUndefined();
  });

  it('sum, product, max, min, sort', () => {
    expect(value('[sum([1, 2, 3]), sum({1, 2}), product([2, 3]), max([3, 1, 2]), min({3, 1, 2})]')).toEqual([6, 3, 6, 3, 1]);
    expect(value('max([])')).toBeUndefined();
    expect(value('sort([3, 1, 2])')).toEqual([1, 2, 3]);
    expect(value('sort({"b", "a"})')).toEqual(['a', 'b']);
  });

  it('all and any (deprecated but used)', () => {
    expect(value('[all([true, true]), all([true, false]), all([]), any([false, true]), any([]), any({false})]')).toEqual([true, false, true, true, false, false]);
  });
});

describe('arrays and objects', () => {
  it('array.concat, array.slice, array.reverse', () => {
    expect(value('array.concat([1, 2], [3])')).toEqual([1, 2, 3]);
    expect(value('[array.slice([1, 2, 3, 4], 1, 3), array.slice([1, 2], -1, 9), array.slice([1, 2], 2, 1)]')).toEqual([[2, 3], [1, 2], []]);
    expect(value('array.reverse([1, 2, 3])')).toEqual([3, 2, 1]);
  });

  it('object.get with a key, a missing key, a null value and a path', () => {
    expect(value('object.get({"a": 1}, "a", 0)')).toBe(1);
    expect(value('object.get({"a": 1}, "b", 0)')).toBe(0);
    expect(value('object.get({"a": null}, "a", 0)')).toBeNull();
    expect(value('object.get({"a": {"b": [5, 6]}}, ["a", "b", 1], 0)')).toBe(6);
    expect(value('object.get({"a": {"b": 1}}, ["a", "c"], "d")')).toBe('d');
    expect(value('object.get(input.s, "a", 0)', { input: { s: 'x' } })).toBeUndefined();
  });

  it('object.keys, object.remove, object.filter', () => {
    expect(value('object.keys({"a": 1, "b": 2})')).toEqual(['a', 'b']);
    expect(value('object.remove({"a": 1, "b": 2}, ["a"])')).toEqual({ b: 2 });
    expect(value('object.remove({"a": 1, "b": 2}, {"b"})')).toEqual({ a: 1 });
    expect(value('object.filter({"a": 1, "b": 2, "c": 3}, ["a", "c"])')).toEqual({ a: 1, c: 3 });
  });

  it('object.union merges recursively, right wins; union_n folds', () => {
    expect(value('object.union({"a": 1, "b": {"c": 1}}, {"b": {"d": 2}, "a": 3})')).toEqual({ a: 3, b: { c: 1, d: 2 } });
    expect(value('object.union_n([{"a": 1}, {"b": 2}, {"a": 3}])')).toEqual({ a: 3, b: 2 });
  });

  it('object.subset', () => {
    expect(value('object.subset({"a": 1, "b": {"c": 2, "d": 3}}, {"b": {"c": 2}})')).toBe(true);
    expect(value('object.subset({"a": 1}, {"a": 2})')).toBe(false);
    expect(value('object.subset([1, 2, 3, 4], [2, 3])')).toBe(true);
  });

  it('json.filter and json.remove by paths', () => {
    expect(value('json.filter({"a": {"b": 1, "c": 2}, "d": 3}, ["a/b", "d"])')).toEqual({ a: { b: 1 }, d: 3 });
    expect(value('json.remove({"a": {"b": 1, "c": 2}, "d": 3}, ["a/b"])')).toEqual({ a: { c: 2 }, d: 3 });
  });
});

describe('strings', () => {
  it('concat over arrays and sets', () => {
    expect(value('concat(", ", ["a", "b"])')).toBe('a, b');
    expect(value('concat("-", {"b", "a"})')).toBe('a-b');
    expect(value('concat(",", [])')).toBe('');
  });

  it('contains, startswith, endswith', () => {
    expect(value('[contains("abc", "b"), startswith("abc", "ab"), endswith("abc", "bc"), contains("abc", "x")]')).toEqual([true, true, true, false]);
  });

  it('lower, upper, replace, split, strings.reverse', () => {
    expect(value('[lower("AbC"), upper("aBc"), replace("a.b.c", ".", "/"), strings.reverse("abc")]')).toEqual(['abc', 'ABC', 'a/b/c', 'cba']);
    expect(value('split("a/b/c", "/")')).toEqual(['a', 'b', 'c']);
    expect(value('split("", ",")')).toEqual(['']);
  });

  it('indexof, indexof_n count code points; -1 when absent', () => {
    expect(value('[indexof("abcb", "b"), indexof("abc", "x"), indexof("héllo", "l")]')).toEqual([1, -1, 2]);
    expect(value('indexof_n("abcb", "b")')).toEqual([1, 3]);
  });

  it('substring: negative length reads to the end; start past the end is empty; negative start is an error', () => {
    expect(value('[substring("abcdef", 1, 3), substring("abcdef", 2, -1), substring("abc", 5, 1)]')).toEqual(['bcd', 'cdef', '']);
    expect(value('substring("abc", -1, 1)')).toBeUndefined();
  });

  it('trim family uses a cutset; prefix/suffix trims once', () => {
    expect(value('[trim("  xx  ", " "), trim_left("aabca", "a"), trim_right("aabca", "a"), trim_space("\\t x \\n")]')).toEqual(['xx', 'bca', 'aabc', 'x']);
    expect(value('[trim_prefix("prefix-x", "prefix-"), trim_suffix("x.rego.rego", ".rego"), trim_prefix("x", "y")]')).toEqual(['x', 'x.rego', 'x']);
  });

  it('strings.any_prefix_match and any_suffix_match take strings, arrays or sets', () => {
    expect(value('strings.any_prefix_match("openpolicyagent/opa", ["nginx/", "openpolicyagent/"])')).toBe(true);
    expect(value('strings.any_prefix_match(["a/x", "b/y"], "c/")')).toBe(false);
    expect(value('strings.any_suffix_match("img:latest", {":latest"})')).toBe(true);
  });

  it('strings.replace_n and strings.count', () => {
    expect(value('strings.replace_n({"a": "1", "b": "2"}, "abc")')).toBe('12c');
    expect(value('strings.count("cheese", "e")')).toBe(3);
  });
});

describe('types', () => {
  it('is_* are true or false', () => {
    expect(value('[is_string("a"), is_number(1), is_boolean(false), is_array([]), is_set(set()), is_object({}), is_null(null)]')).toEqual([
      true, true, true, true, true, true, true,
    ]);
    expect(value('[is_string(1), is_number("1"), is_array({}), is_object([])]')).toEqual([false, false, false, false]);
  });

  it('type_name', () => {
    expect(value('[type_name(null), type_name(true), type_name(1), type_name("s"), type_name([]), type_name({}), type_name(set())]')).toEqual([
      'null', 'boolean', 'number', 'string', 'array', 'object', 'set',
    ]);
  });
});

describe('regular expressions and globs', () => {
  it('regex.match searches (unanchored) with RE2 syntax', () => {
    expect(value('regex.match("^[0-9]+(\\\\.[0-9]+)?$", "1.5")')).toBe(true);
    expect(value('regex.match("b", "abc")')).toBe(true);
    expect(value('re_match("^b", "abc")')).toBe(false);
    expect(value('regex.match("(?i)^ABC$", "abc")')).toBe(true);
    expect(value('regex.match("[[:digit:]]+", "a1")')).toBe(true);
    expect(value('regex.match("@[a-z0-9]+([+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+", "nginx@sha256:abc")')).toBe(true);
  });

  it('an invalid pattern makes the call undefined; regex.is_valid reports it', () => {
    expect(value('regex.match("(", "x")')).toBeUndefined();
    expect(value('[regex.is_valid("("), regex.is_valid("a+")]')).toEqual([false, true]);
  });

  it('regex.split, regex.find_n, regex.replace, regex.find_all_string_submatch_n', () => {
    expect(value('regex.split("[,;]", "a,b;c")')).toEqual(['a', 'b', 'c']);
    expect(value('regex.find_n("[0-9]", "a1b2c3", 2)')).toEqual(['1', '2']);
    expect(value('regex.find_n("[0-9]", "a1b2c3", -1)')).toEqual(['1', '2', '3']);
    expect(value('regex.replace("abc-def", "[a-c]", "x")')).toBe('xxx-def');
    expect(value('regex.find_all_string_submatch_n("([a-z])([0-9])", "a1 b2", -1)')).toEqual([
      ['a1', 'a', '1'],
      ['b2', 'b', '2'],
    ]);
  });

  it('glob.match follows the reference examples', () => {
    expect(value('glob.match("*.github.com", [], "api.github.com")')).toBe(true);
    expect(value('glob.match("*.github.com", [], "api.cdn.github.com")')).toBe(false);
    expect(value('glob.match("*hub.com", null, "api.cdn.github.com")')).toBe(true);
    expect(value('glob.match("*:github:com", [":"], "api:github:com")')).toBe(true);
    expect(value('glob.match("api.**.com", [], "api.github.com")')).toBe(true);
    expect(value('glob.match("api.**.com", [], "api.cdn.github.com")')).toBe(true);
    expect(value('glob.match("?at", [], "cat")')).toBe(true);
    expect(value('glob.match("[!a]at", [], "cat")')).toBe(true);
    expect(value('glob.match("{cat,bat}", [], "bat")')).toBe(true);
    expect(value('glob.quote_meta("*.github.com")')).toBe('\\*.github.com');
  });
});

describe('encoding', () => {
  it('json.marshal: sorted keys, compact, sets as arrays', () => {
    expect(value('json.marshal({"b": [1, {2}], "a": "x"})')).toBe('{"a":"x","b":[1,[2]]}');
    expect(value('json.marshal("<&>")')).toBe('"\\u003c\\u0026\\u003e"');
  });

  it('json.unmarshal and json.is_valid', () => {
    expect(value('json.unmarshal("{\\"a\\": [1, true, null]}")')).toEqual({ a: [1, true, null] });
    expect(value('json.unmarshal("{")')).toBeUndefined();
    expect(value('[json.is_valid("[]"), json.is_valid("[")]')).toEqual([true, false]);
  });

  it('base64, base64url, hex, urlquery', () => {
    expect(value('[base64.encode("hello"), base64.decode("aGVsbG8="), base64.is_valid("aGVsbG8="), base64.is_valid("!")]')).toEqual([
      'aGVsbG8=', 'hello', true, false,
    ]);
    expect(value('[base64url.encode("??>"), base64url.encode_no_pad("a"), base64url.decode("Pz8-")]')).toEqual(['Pz8-', 'YQ', '??>']);
    expect(value('[hex.encode("hi"), hex.decode("6869")]')).toEqual(['6869', 'hi']);
    expect(value('[urlquery.encode("a b&c"), urlquery.decode("a+b%26c")]')).toEqual(['a+b%26c', 'a b&c']);
  });

  it('yaml.unmarshal and yaml.marshal round-trip', () => {
    expect(value('yaml.unmarshal("a: [1, 2]\\nb: x\\n")')).toEqual({ a: [1, 2], b: 'x' });
    expect(value('yaml.unmarshal(yaml.marshal({"k": ["v"]}))')).toEqual({ k: ['v'] });
  });
});

describe('time, semver, misc', () => {
  it('time.now_ns is fixed (2024-01-01T00:00:00Z unless nowNs is given)', () => {
    expect(value('time.now_ns()')).toBe(Date.UTC(2024, 0, 1) * 1e6);
    expect(value('time.now_ns()', { nowNs: 5 })).toBe(5);
  });

  it('time.parse_rfc3339_ns', () => {
    expect(value('time.parse_rfc3339_ns("1970-01-01T00:00:01Z")')).toBe(1e9);
    expect(value('time.parse_rfc3339_ns("1970-01-01T00:00:00.5+00:00")')).toBe(5e8);
  });

  it('semver.compare and semver.is_valid', () => {
    expect(value('[semver.compare("1.2.3", "1.2.4"), semver.compare("2.0.0", "1.9.9"), semver.compare("1.0.0-alpha", "1.0.0"), semver.compare("1.0.0", "1.0.0+b")]')).toEqual([
      -1, 1, -1, 0,
    ]);
    expect(value('[semver.is_valid("1.0.0"), semver.is_valid("v1.0.0"), semver.is_valid("1.0")]')).toEqual([true, false, false]);
  });

  it('lists the builtins it supports', () => {
    const names = builtinNames();
    for (const n of ['sprintf', 'object.get', 'regex.match', 'strings.any_prefix_match', 'units.parse_bytes', 'glob.match']) expect(names).toContain(n);
  });
});
