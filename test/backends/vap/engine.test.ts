import { describe, expect, it } from 'vitest';
import { evaluateVap, loadVapDocuments, parseQuantity } from '../../../src/engines/vap/index.js';

/** The offline engine on hand-written ValidatingAdmissionPolicies (not secpol's output). */
const binding = (policyName: string, actions = ['Deny']) => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: policyName }, spec: { policyName, validationActions: actions } });
const vap = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name },
  spec: { matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }] }, ...spec },
});
const deployment = (replicas: unknown, labels: Record<string, string> = {}) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'apps', labels }, spec: { replicas } });
const ns = { name: 'apps', labels: { 'kubernetes.io/metadata.name': 'apps', env: 'prod' } };

describe('offline VAP engine', () => {
  it('evaluates variables and validations, with messageExpression', () => {
    const loaded = loadVapDocuments([
      vap('replicas', { variables: [{ name: 'r', expression: 'object.spec.replicas' }], validations: [{ expression: 'variables.r <= 5', messageExpression: '"too many: " + string(variables.r)' }] }),
      binding('replicas'),
    ]);
    expect(loaded.errors).toEqual([]);
    expect(evaluateVap(loaded, { object: deployment(3), operation: 'CREATE', namespace: ns })).toMatchObject([{ policy: 'replicas', validation: 0, allowed: true, actions: ['Deny'] }]);
    expect(evaluateVap(loaded, { object: deployment(9), operation: 'CREATE', namespace: ns })).toMatchObject([{ allowed: false, message: 'too many: 9' }]);
  });

  it('rejects expressions that do not type-check, as the API server does when the policy is written', () => {
    const bad = [
      ['!variables.ns in ["a"]', 'no such overload'],
      ['[1, "a"].size() == 2', 'same type'],
      ['"a" + 1 == "a1"', 'no such overload'],
      ['1 + 2', 'int, bool is required'],
    ] as const;
    for (const [expression, error] of bad) {
      const loaded = loadVapDocuments([vap('t', { validations: [{ expression }] }), binding('t')]);
      expect(loaded.errors.join(';'), expression).toContain(error);
    }
    const message = loadVapDocuments([vap('m', { validations: [{ expression: 'true', messageExpression: '1' }] }), binding('m')]);
    expect(message.errors.join(';')).toContain('string is required');
  });

  it('counts an expression error as a denial under failurePolicy Fail, and ignores it under Ignore', () => {
    const docs = (failurePolicy: string) => [vap('e', { failurePolicy, validations: [{ expression: 'object.spec.missing == 1' }] }), binding('e')];
    expect(evaluateVap(loadVapDocuments(docs('Fail')), { object: deployment(1), operation: 'CREATE', namespace: ns })).toMatchObject([{ allowed: false, error: expect.any(String) }]);
    expect(evaluateVap(loadVapDocuments(docs('Ignore')), { object: deployment(1), operation: 'CREATE', namespace: ns })).toEqual([]);
  });

  it('matches resource rules, operations, selectors and match conditions', () => {
    const loaded = loadVapDocuments([
      vap('m', {
        matchConstraints: {
          resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['deployments'] }],
          namespaceSelector: { matchLabels: { env: 'prod' } },
          objectSelector: { matchExpressions: [{ key: 'team', operator: 'Exists' }] },
        },
        matchConditions: [{ name: 'not-dry', expression: '!request.dryRun' }],
        validations: [{ expression: 'false', message: 'no' }],
      }),
      binding('m'),
    ]);
    const run = (o: unknown, op: 'CREATE' | 'UPDATE', labels = ns.labels) => evaluateVap(loaded, { object: o, operation: op, namespace: { name: 'apps', labels } }).length;
    expect(run(deployment(1, { team: 'a' }), 'CREATE')).toBe(1);
    expect(run(deployment(1, { team: 'a' }), 'UPDATE')).toBe(0);
    expect(run(deployment(1), 'CREATE')).toBe(0);
    expect(run(deployment(1, { team: 'a' }), 'CREATE', { 'kubernetes.io/metadata.name': 'apps', env: 'dev' })).toBe(0);
    expect(run({ ...deployment(1, { team: 'a' }), kind: 'StatefulSet' }, 'CREATE')).toBe(0);
  });

  it('ignores policies without a binding, and reports expressions that do not compile', () => {
    expect(evaluateVap(loadVapDocuments([vap('u', { validations: [{ expression: 'false' }] })]), { object: deployment(1), operation: 'CREATE', namespace: ns })).toEqual([]);
    expect(loadVapDocuments([vap('bad', { validations: [{ expression: 'object.(' }] })]).errors).toHaveLength(1);
  });

  it('sees the deleted object as oldObject, object being null', () => {
    const loaded = loadVapDocuments([
      vap('del', { matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['DELETE'], resources: ['deployments'] }] }, validations: [{ expression: 'object == null && oldObject.spec.replicas == 1' }] }),
      binding('del'),
    ]);
    expect(evaluateVap(loaded, { object: deployment(1), operation: 'DELETE', namespace: ns })).toMatchObject([{ allowed: true }]);
  });

  it('shims the Kubernetes quantity library', () => {
    expect(parseQuantity('512Mi')).toBe(536870912);
    expect(parseQuantity('500m')).toBe(0.5);
    expect(parseQuantity('1e3')).toBe(1000);
    // suffix.go's n and u: resource.ParseQuantity, which isQuantity()/quantity() call, takes them.
    expect(parseQuantity('100u')).toBe(0.0001);
    expect(parseQuantity('5n')).toBe(5e-9);
    expect(parseQuantity('12 Mi')).toBeUndefined();
    const loaded = loadVapDocuments([
      vap('q', { validations: [{ expression: 'isQuantity(object.spec.replicas) && quantity(object.spec.replicas).compareTo(quantity("1Gi")) < 0 && quantity("1k").isGreaterThan(quantity("999"))' }] }),
      binding('q'),
    ]);
    expect(evaluateVap(loaded, { object: deployment('512Mi'), operation: 'CREATE', namespace: ns })).toMatchObject([{ allowed: true }]);
    expect(evaluateVap(loaded, { object: deployment('2Gi'), operation: 'CREATE', namespace: ns })).toMatchObject([{ allowed: false }]);
  });
});
