/** Laws of the Kyverno engine that follow from the documented semantics. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateResource, loadKyvernoDocuments } from '../../../src/engines/kyverno/index.js';
import { pod, policyWith, statusOf } from './harness.js';

/** Whether `key <op> value` holds, via a deny rule (fail = holds). */
function holds(key: unknown, op: string, value: unknown): boolean {
  const policy = policyWith(`deny:\n  conditions:\n    all:\n    - key: ${JSON.stringify(key)}\n      operator: ${op}\n      value: ${JSON.stringify(value)}`);
  return statusOf(policy, pod({})) === 'fail';
}

const word = fc.stringMatching(/^[a-z]{1,4}$/);

describe('set operator laws (docs: AnyIn/AllIn/AnyNotIn/AllNotIn definitions)', () => {
  it('AnyIn is the negation of AllNotIn, AnyNotIn the negation of AllIn', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), fc.array(word, { minLength: 1, maxLength: 4 }), (keys, values) => {
        expect(holds(keys, 'AnyIn', values)).toBe(!holds(keys, 'AllNotIn', values));
        expect(holds(keys, 'AnyNotIn', values)).toBe(!holds(keys, 'AllIn', values));
      }),
      { numRuns: 60 },
    );
  });

  it('a key list is always AllIn a value list containing it', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), fc.array(word, { maxLength: 3 }), (keys, extra) => {
        expect(holds(keys, 'AllIn', [...extra, ...keys])).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

describe('equality laws', () => {
  it('NotEquals is the negation of Equals for plain strings', () => {
    fc.assert(
      fc.property(word, word, (a, b) => {
        expect(holds(a, 'NotEquals', b)).toBe(!holds(a, 'Equals', b));
      }),
      { numRuns: 60 },
    );
  });

  it('quantities equal across scales: n Ki equals 1024·n', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (n) => {
        expect(holds(`${n}Ki`, 'Equals', `${n * 1024}`)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

describe('pattern laws', () => {
  it('an equality anchor on an absent field never fails', () => {
    fc.assert(
      fc.property(word, fc.oneof(word, fc.integer(), fc.boolean()), (key, value) => {
        const policy = policyWith(`pattern:\n  spec:\n    =(x${key}): ${JSON.stringify(value)}`);
        expect(statusOf(policy, pod({ containers: [] }))).toBe('pass');
      }),
      { numRuns: 40 },
    );
  });

  it('a literal pattern value matches itself', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9.-]{1,12}$/), (value) => {
        const policy = policyWith(`pattern:\n  metadata:\n    labels:\n      app: ${JSON.stringify(value)}`);
        expect(statusOf(policy, pod({}, { labels: { app: value } }))).toBe('pass');
      }),
      { numRuns: 40 },
    );
  });
});

describe('robustness', () => {
  const json = fc.jsonValue({ maxDepth: 4 });
  const kyvernoish = fc.record({
    match: fc.oneof(json, fc.constant({ any: [{ resources: { kinds: ['Pod'] } }] })),
    exclude: fc.option(json, { nil: undefined }),
    preconditions: fc.option(json, { nil: undefined }),
    validate: fc.oneof(
      json,
      fc.record({ pattern: json }),
      fc.record({ anyPattern: json }),
      fc.record({ deny: json }),
      fc.record({ foreach: json }),
      fc.record({ podSecurity: json }),
    ),
  });

  it('loading and evaluating arbitrary shapes never throws', () => {
    fc.assert(
      fc.property(fc.array(kyvernoish, { maxLength: 3 }), fc.oneof(json, fc.record({ kind: fc.constant('Pod'), spec: json, metadata: json })), (rules, resource) => {
        const doc = { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'p' }, spec: { rules: rules.map((r, i) => ({ name: `r${i}`, ...r })) } };
        const loaded = loadKyvernoDocuments([doc]);
        evaluateResource(loaded.policies, resource, { operation: 'UPDATE', oldObject: resource });
      }),
      { numRuns: 300 },
    );
  });
});
