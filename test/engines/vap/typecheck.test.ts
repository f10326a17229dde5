/**
 * The engine's type check against what the Kubernetes CEL environment rejects when a ValidatingAdmissionPolicy is
 * written (issue 23). Expectations are derived from cel-go's checker (checker.go `checkCreateList`/`checkCreateMap`/
 * `joinTypes`, types.go `internalIsAssignable`, which lets any type value stand for any other) and its homogeneous
 * aggregate literal validator (validator.go, `IsEquivalentType`), which Kubernetes enables (environment/base.go).
 * The messages are cel-go's, except where cel-js's own checker reports first (its `list<int>` notation).
 */
import { describe, expect, it } from 'vitest';
import { loadVapDocuments } from '../../../src/engines/vap/index.js';
import { compileExpression } from '../../../src/engines/vap/cel-env.js';

const errorOf = (text: string): string | undefined => {
  try {
    compileExpression(text);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
};

describe('mixed-type aggregate literals are rejected', () => {
  it.each([
    ['[1, "a"]', "expected type 'int' but found 'string'"],
    ['{"a": 1, "b": "x"}', "expected type 'int' but found 'string'"],
    ['{1: "a", "b": "c"}', "expected type 'int' but found 'string'"],
    ['[1, 1u]', "expected type 'int' but found 'uint'"],
    ['[null, 1]', "expected type 'null' but found 'int'"],
    // Type values are type(T), so a list of different ones mixes types: the emitted guards of issue 23.
    ['type(object) in [int, bool]', "expected type 'type(int)' but found 'type(bool)'"],
    ['!(type(object) in [null_type, bool, int, uint, double, string, bytes, list])', "expected type 'type(null)' but found 'type(bool)'"],
    ['type(object.a) in [int, uint, double, bool] ? string(object.a) : ""', "expected type 'type(int)' but found 'type(uint)'"],
    ['[list, map]', "expected type 'type(list(dyn))' but found 'type(map(dyn, dyn))'"],
    ['[[int], [bool]]', "expected type 'list(type(int))' but found 'list(type(bool))'"],
    ['[type(object), int]', "expected type 'type(dyn)' but found 'type(int)'"],
    ['{"a": int, "b": string}', "expected type 'type(int)' but found 'type(string)'"],
    // dyn is a type of its own to the validator: wrapping the first element does not help, nor does an empty literal.
    ['[dyn(null_type), bool]', "expected type 'dyn' but found"],
    ['[dyn(1), "a"]', "expected type 'dyn' but found 'string'"],
    ['[object.a, []]', "expected type 'dyn' but found 'list(dyn)'"],
    ['[object, {}]', "expected type 'dyn' but found 'map(dyn, dyn)'"],
    ['object.items.map(x, [x, 1])', "expected type 'dyn' but found 'int'"],
    // An empty literal takes the type of the element it was joined with: list(int), then list(string) differs
    // (cel-js's own checker catches this one, in its notation).
    ['[[], [1], ["a"]]', "expected type 'list<int>' but found 'list<string>'"],
  ])('%s', (text, message) => {
    expect(errorOf(text)).toContain(message);
  });
});

describe('what the Kubernetes CEL environment accepts is accepted', () => {
  it.each([
    'type(object) == map',
    'type(object) != null_type && (type(object.a) == int || type(object.a) == uint || type(object.a) == double || type(object.a) == bool)',
    '[int, int]',
    'type(object) in [int]',
    '[type(object.a), type(object.b)]',
    // The checker assigns any type value to any other: only literals compare their parameters.
    'int == bool',
    'true ? int : bool',
    '[[1], []]',
    '[[], []]',
    '{"a": [], "b": [1]}',
    '{"metadata": dyn(object.a), "spec": dyn(object.b)}',
    '[object.a, object.b]',
    'object.items.map(x, [x])',
    '[1, 2].map(x, [x, 1])',
    'object.items.filter(x, type(x) == map).map(x, x.name) + ["fallback"]',
  ])('%s', (text) => {
    expect(errorOf(text)).toBeUndefined();
  });
});

describe('a policy with a mixed literal does not load', () => {
  it('reports the expression, as the API server refuses the policy', () => {
    const policy = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'p' },
      spec: {
        matchConstraints: { resourceRules: [] },
        variables: [{ name: 'isObject', expression: '!(type(object.spec) in [null_type, bool, int, uint, double, string, bytes, list])' }],
        validations: [{ expression: 'variables.isObject', messageExpression: '"kind: " + (type(object.kind) in [int, bool] ? string(object.kind) : "?")' }],
      },
    };
    const loaded = loadVapDocuments([policy]);
    expect(loaded.errors).toEqual([
      "policy p: variables[0] does not compile: type error: expected type 'type(null)' but found 'type(bool)'",
      "policy p: validations[0].messageExpression does not compile: type error: expected type 'type(int)' but found 'type(bool)'",
    ]);
  });
});
