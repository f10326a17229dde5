/**
 * Behaviours of the Kyverno engine pinned to Kyverno's own source (kyverno/kyverno, read with the search tools),
 * where the engine and secpol's Kyverno backend could otherwise share a wrong belief (issue 14 item 6).
 * Each block names the upstream file and function it restates; no upstream code or test table is copied.
 */
import { describe, expect, it } from 'vitest';
import { pod, policyWith, run, statusOf, yaml } from './harness.js';
import { evaluateResource, loadKyvernoDocuments } from '../../../src/engines/kyverno/index.js';

function denyWhen(key: string, operator: string, value: string): string {
  return policyWith(`
message: denied
deny:
  conditions:
    all:
    - key: ${key}
      operator: ${operator}
      value: ${value}`);
}

/** Whether the deny condition holds (fail) or not (pass); anything else is a test error. */
function holds(key: string, operator: string, value: string): boolean {
  const status = statusOf(denyWhen(key, operator, value), pod({}));
  if (status !== 'fail' && status !== 'pass') throw new Error(`unexpected status ${status}`);
  return status === 'fail';
}

describe('NotEquals is its own handler, not the negation of Equals', () => {
  // pkg/engine/variables/operator/notequal.go (NotEqualHandler.Evaluate and its validateValueWith*Pattern helpers);
  // the NotEquals cases of TestEvaluate in pkg/engine/variables/evaluate_test.go.
  it('a key against a value of another type is not equal', () => {
    expect(holds('"string"', 'NotEquals', '1')).toBe(true);
    expect(holds('true', 'NotEquals', '"false"')).toBe(true);
    expect(holds('false', 'NotEquals', '"true"')).toBe(true);
    expect(holds('[a]', 'NotEquals', '"a"')).toBe(true);
    expect(holds('{a: b}', 'NotEquals', '[a]')).toBe(true);
    // Equals stays false for the same pairs (equal.go answers false on a type mismatch).
    expect(holds('"string"', 'Equals', '1')).toBe(false);
    expect(holds('true', 'Equals', '"false"')).toBe(false);
  });

  it('numbers, quantities and durations are still compared by value', () => {
    expect(holds('1', 'NotEquals', '"2"')).toBe(true);
    expect(holds('1', 'NotEquals', '"1"')).toBe(false);
    expect(holds('"1Gi"', 'NotEquals', '"1024Mi"')).toBe(false);
    expect(holds('"1h"', 'NotEquals', '3600')).toBe(false);
    expect(holds('"2h"', 'NotEquals', '3600')).toBe(true);
  });

  it('a quantity key against a string that is no quantity is neither equal nor not equal', () => {
    expect(holds('"1Gi"', 'NotEquals', '"abc"')).toBe(false);
    expect(holds('"1Gi"', 'Equals', '"abc"')).toBe(false);
  });
});

describe('a null key satisfies no operator', () => {
  // Every handler's Evaluate switches on the key type and returns false in its default ("Unsupported type") case:
  // operator/equal.go, notequal.go, anyin.go, allin.go, anynotin.go, allnotin.go, numeric.go. So a negative
  // operator (AllNotIn, AnyNotIn, NotEquals) on a missing value does not fire either: a deny rule written as
  // "key AllNotIn allowed" passes an object without the field.
  for (const op of ['Equals', 'NotEquals', 'AnyIn', 'AllIn', 'AnyNotIn', 'AllNotIn', 'GreaterThan', 'LessThan']) {
    it(op, () => {
      expect(holds('null', op, '[a, b]')).toBe(false);
      expect(holds('null', op, '"a"')).toBe(false);
    });
  }

  it('a missing field read through a multi-select list is such a null', () => {
    expect(holds('"{{ [request.object.spec.nodeName][0] }}"', 'AllNotIn', '[a]')).toBe(false);
  });
});

describe('unresolved variables are errors, in preconditions as in deny conditions', () => {
  // pkg/engine/variables/vars.go: newPreconditionsVariableResolver returns the resolver's error (older releases
  // substituted "" instead), substituteVariablesIfAny passes NotFoundError through; validate_resource.go turns
  // it into RuleError ("failed to evaluate preconditions" / "failed to check deny conditions"). A real policy
  // report shows "JMESPath query failed: Unknown key ... in path" for a missing field in a deny key.
  it('deny', () => {
    const results = run(denyWhen('"{{ request.object.spec.nodeName }}"', 'Equals', '"x"'), pod({}));
    expect(results.map((r) => r.status)).toEqual(['error']);
  });

  it('preconditions', () => {
    const policy = policyWith('deny: {}', {
      extra: `      preconditions:
        all:
        - key: "{{ request.object.spec.nodeName }}"
          operator: Equals
          value: x`,
    });
    expect(run(policy, pod({})).map((r) => r.status)).toEqual(['error']);
  });
});

describe('foreach over an empty list', () => {
  // validate_resource.go validateForEach: no element applied (applyCount == 0) gives RuleSkip "rule skipped".
  it('skips the rule', () => {
    const policy = policyWith(`
foreach:
- list: "request.object.spec.volumes || []"
  deny:
    conditions:
      all:
      - key: a
        operator: Equals
        value: a`);
    expect(statusOf(policy, pod({ containers: [{ name: 'c', image: 'i' }] }))).toBe('skip');
  });
});

describe('failure actions: one action per policy up to Kyverno 1.18.0 (kyverno#16557)', () => {
  // kyverno#16557 (fixed by PR #16558, after 1.18.0): EngineResponse.GetValidationFailureAction resolves one action
  // for the policy, the first validate rule that sets failureAction, and pkg/utils/engine BlockRequest uses it for
  // every failing rule. With an Audit rule first, a later Enforce rule does not block.
  const mixed = (first: string, second: string) => `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: mixed
spec:
  rules:
  - name: first
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      failureAction: ${first}
      deny: {}
  - name: second
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      failureAction: ${second}
      deny: {}
`;
  const actions = (text: string, failureActionPerRule?: boolean) => {
    const { policies } = loadKyvernoDocuments(yaml(text));
    return evaluateResource(policies, pod({}), failureActionPerRule === undefined ? {} : { failureActionPerRule }).map((r) => `${r.rule}=${r.failureAction}`);
  };

  it('the first rule that sets failureAction decides for every rule', () => {
    expect(actions(mixed('Audit', 'Enforce'))).toEqual(['first=Audit', 'second=Audit']);
    expect(actions(mixed('Enforce', 'Audit'))).toEqual(['first=Enforce', 'second=Enforce']);
  });

  it('with the fix each rule keeps its own action', () => {
    expect(actions(mixed('Audit', 'Enforce'), true)).toEqual(['first=Audit', 'second=Enforce']);
  });
});

describe('background scans', () => {
  // pkg/controllers/report/utils/scanner.go validateResource: engine.NewPolicyContext(jp, resource, kyvernov1.Create,
  // nil, config); pkg/engine/policycontext NewPolicyContext adds only the object, the namespace, image infos and
  // the operation to the JSON context when there is no admission info.
  const readOperation = policyWith(`
message: "{{ request.operation }}"
deny: {}`);

  it('request.operation is CREATE', () => {
    expect(run(readOperation, pod({}), { background: true, operation: 'UPDATE' }).map((r) => r.message)).toEqual(['CREATE']);
  });

  it('match operations see CREATE: a CREATE, UPDATE rule is scanned, an UPDATE-only rule is not', () => {
    const only = (ops: string) => policyWith('deny: {}', { extra: '' }).replace('kinds: [Pod]', `kinds: [Pod]\n            operations: [${ops}]`);
    expect(run(only('CREATE, UPDATE'), pod({}), { background: true })).toHaveLength(1);
    expect(run(only('UPDATE'), pod({}), { background: true })).toHaveLength(0);
  });

  it('request.userInfo, request.name, request.kind and request.oldObject are unknown keys', () => {
    for (const path of ['request.userInfo', 'request.name', 'request.kind.kind', 'request.oldObject', 'serviceAccountName']) {
      const policy = denyWhen(`"{{ ${path} }}"`, 'Equals', '"x"');
      expect(run(policy, pod({}), { background: true }).map((r) => r.status), path).toEqual(['error']);
      expect(run(policy, pod({})).map((r) => r.status), path).not.toEqual(['error']);
    }
  });
});
