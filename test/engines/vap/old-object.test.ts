import { describe, expect, it } from 'vitest';
import { unchanged } from '../../../src/backends/vap/cel.js';
import { compileExpression, toCel } from '../../../src/engines/vap/cel-env.js';
import { admissionContext } from '../../../src/engines/vap/evaluate.js';

/**
 * `PATH is unchanged` in CEL (docs/engines/vap.md, "The old object"): the engine's `==` on the JSON values the API
 * server hands a policy (cel-go's heterogeneous equality: types/int.go `Int.Equal`, types/list.go and types/map.go
 * `Equal`), the request's oldObject as the API server fills it, and the backend's expression on both.
 */
describe('the VAP engine: == on JSON values, as cel-go', () => {
  const eq = compileExpression('object.a == oldObject.a', 'bool');
  const run = (a: unknown, b: unknown) => eq({ object: { a }, oldObject: { a: b } });

  it('compares int and double by value (a JSON 1.0 decodes to float64, a 1 to int64)', () => {
    expect(run(1n, 1)).toBe(true);
    expect(run(1n, 1.5)).toBe(false);
  });

  it('is false, not an error, across types', () => {
    expect(run(1n, '1')).toBe(false);
    expect(run('true', true)).toBe(false);
    expect(run({ x: 1n }, [1n])).toBe(false);
    expect(run({ x: 1n }, 'old')).toBe(false);
    expect(run(null, 'x')).toBe(false);
  });

  it('compares lists in order and maps by key set and values, nested', () => {
    expect(run(toCel(['a', 'b']), toCel(['a', 'b']))).toBe(true);
    expect(run(toCel(['a', 'b']), toCel(['b', 'a']))).toBe(false);
    expect(run(toCel({ x: 1, y: [1, { z: 'a' }] }), toCel({ y: [1, { z: 'a' }], x: 1 }))).toBe(true);
    expect(run(toCel({ x: 1 }), toCel({ x: 1, y: null }))).toBe(false);
  });
});

describe('the VAP engine: oldObject as the API server provides it', () => {
  const object = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns' }, spec: { replicas: 2 } };
  const old = { ...object, spec: { replicas: 3 } };

  it('is the stored object on an UPDATE, null on CREATE and CONNECT; on DELETE object is null', () => {
    expect(admissionContext({ object, oldObject: old, operation: 'UPDATE' }).context['oldObject']).toEqual(toCel(old));
    expect(admissionContext({ object, operation: 'CREATE' }).context['oldObject']).toBeNull();
    expect(admissionContext({ object, operation: 'CONNECT' }).context['oldObject']).toBeNull();
    // An UPDATE given without its stored object (a suite sample): none, as the semantics compares with missing values.
    expect(admissionContext({ object, operation: 'UPDATE' }).context['oldObject']).toBeNull();
    const del = admissionContext({ object, operation: 'DELETE' }).context;
    expect(del['object']).toBeNull();
    expect(del['oldObject']).toEqual(toCel(object));
  });
});

describe('`is unchanged` as the vap backend writes it, on the engine', () => {
  const test = compileExpression(unchanged(['spec', 'serviceAccountName']), 'bool');
  const update = (now: unknown, before: unknown) => test(admissionContext({ object: { spec: now }, oldObject: before === undefined ? undefined : { spec: before }, operation: 'UPDATE' }).context);

  it('holds on every request but an UPDATE', () => {
    for (const operation of ['CREATE', 'DELETE', 'CONNECT'] as const) expect(test(admissionContext({ object: { spec: { serviceAccountName: 'a' } }, operation }).context)).toBe(true);
  });

  it('on an UPDATE: equal values, or both missing (absent or null)', () => {
    expect(update({ serviceAccountName: 'a' }, { serviceAccountName: 'a' })).toBe(true);
    expect(update({ serviceAccountName: 'a' }, { serviceAccountName: 'b' })).toBe(false);
    expect(update({ serviceAccountName: 'a' }, {})).toBe(false);
    expect(update({}, { serviceAccountName: 'a' })).toBe(false);
    expect(update({}, {})).toBe(true);
    expect(update({ serviceAccountName: null }, {})).toBe(true);
    expect(update({}, { serviceAccountName: null })).toBe(true);
    expect(update({ serviceAccountName: 1 }, { serviceAccountName: '1' })).toBe(false);
  });

  it('reads an old object of another shape, or none, without error', () => {
    expect(update({ serviceAccountName: 'a' }, 'text')).toBe(false);
    expect(update({}, 'text')).toBe(true);
    expect(test({ ...admissionContext({ object: { spec: {} }, operation: 'UPDATE' }).context, oldObject: null })).toBe(true);
    expect(test({ ...admissionContext({ object: { spec: { serviceAccountName: 'a' } }, operation: 'UPDATE' }).context, oldObject: null })).toBe(false);
  });

  it('keeps hostile keys inside string literals (no CEL injection through a path)', () => {
    const key = 'x") || true || ("\\u0022 in';
    const hostile = compileExpression(unchanged(['metadata', 'annotations', key]), 'bool');
    const ctx = (now: string, before: string) => admissionContext({ object: { metadata: { annotations: { [key]: now } } }, oldObject: { metadata: { annotations: { [key]: before } } }, operation: 'UPDATE' }).context;
    expect(hostile(ctx('a', 'a'))).toBe(true);
    expect(hostile(ctx('a', 'b'))).toBe(false);
  });
});
