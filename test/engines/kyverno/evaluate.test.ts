/** Policy-level behaviour: failure actions, rule types, UPDATE requests, loading and odd inputs. */
import { describe, expect, it } from 'vitest';
import { evaluateResource, loadKyvernoDocuments } from '../../../src/engines/kyverno/index.js';
import { pod, run, statuses, yaml } from './harness.js';

const hostNetwork = (spec: string): string => `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: p
spec:
${spec}
  rules:
  - name: r
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: no host network
      pattern:
        spec:
          =(hostNetwork): false
`;

describe('failure actions (docs: Validation Failure Action, Overrides)', () => {
  it('defaults to Audit and reads validationFailureAction', () => {
    expect(run(hostNetwork(''), pod({ hostNetwork: true }))[0]?.failureAction).toBe('Audit');
    expect(run(hostNetwork('  validationFailureAction: Enforce'), pod({ hostNetwork: true }))[0]?.failureAction).toBe('Enforce');
    expect(run(hostNetwork('  validationFailureAction: enforce'), pod({ hostNetwork: true }))[0]?.failureAction).toBe('Enforce');
  });

  it('overrides apply per namespace', () => {
    const policy = hostNetwork(`  validationFailureAction: Audit
  validationFailureActionOverrides:
    - action: Enforce
      namespaces: [default]
    - action: Audit
      namespaces: [test]`);
    expect(run(policy, pod({ hostNetwork: true }, { namespace: 'default' }))[0]?.failureAction).toBe('Enforce');
    expect(run(policy, pod({ hostNetwork: true }, { namespace: 'test' }))[0]?.failureAction).toBe('Audit');
    expect(run(policy, pod({ hostNetwork: true }, { namespace: 'other' }))[0]?.failureAction).toBe('Audit');
  });

  it('a rule-level failureAction wins over the policy', () => {
    const policy = hostNetwork('  validationFailureAction: Audit').replace('      message: no host network', '      failureAction: Enforce\n      message: no host network');
    expect(run(policy, pod({ hostNetwork: true }))[0]?.failureAction).toBe('Enforce');
  });
});

describe('rules', () => {
  it('reports mutate and generate rules as skip', () => {
    const policy = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: p
spec:
  rules:
  - name: add-label
    match:
      any:
      - resources:
          kinds: [Pod]
    mutate:
      patchStrategicMerge:
        metadata:
          labels:
            team: x
`;
    const [result] = run(policy, pod({}));
    expect(result?.status).toBe('skip');
    expect(result?.message).toContain('mutate');
  });

  it('applyRules: One stops after the first rule that passes or fails', () => {
    const policy = hostNetwork('  applyRules: One').replace('  rules:\n', '  rules:\n  - name: first\n    match:\n      any:\n      - resources:\n          kinds: [Pod]\n    validate:\n      deny: {}\n');
    expect(statuses(run(policy, pod({})))).toEqual(['first=fail']);
  });

  // validate_resource.go (Kyverno 1.13+): only for rules whose own action is Enforce, unless allowExistingViolations is false.
  it('skips an Enforce rule on an UPDATE whose old object already failed it, unless allowExistingViolations is false', () => {
    const policy = hostNetwork('  validationFailureAction: Enforce');
    const ctx = { operation: 'UPDATE' as const, oldObject: pod({ hostNetwork: true }) };
    expect(statuses(run(policy, pod({ hostNetwork: true }), ctx))).toEqual(['r=skip']);
    expect(statuses(run(policy, pod({ hostNetwork: true }), { operation: 'UPDATE', oldObject: pod({ hostNetwork: false }) }))).toEqual(['r=fail']);
    expect(statuses(run(policy.replace('message: no host network', 'allowExistingViolations: false\n      message: no host network'), pod({ hostNetwork: true }), ctx))).toEqual(['r=fail']);
    expect(statuses(run(hostNetwork(''), pod({ hostNetwork: true }), ctx)), 'Audit: no old-object check').toEqual(['r=fail']);
    const deny = policy.replace(/pattern:\n\s+spec:\n\s+=\(hostNetwork\): false/, "deny:\n        conditions:\n          all:\n          - key: '{{ request.object.spec.hostNetwork }}'\n            operator: Equals\n            value: true");
    expect(deny).toContain('deny:');
    expect(statuses(run(deny, pod({ hostNetwork: true }), ctx)), 'deny bodies too').toEqual(['r=skip']);
  });

  it('does not report pattern rules on DELETE', () => {
    expect(run(hostNetwork(''), pod({ hostNetwork: true }), { operation: 'DELETE' })).toEqual([]);
  });
});

describe('loading and odd inputs', () => {
  it('reports problems instead of throwing', () => {
    const loaded = loadKyvernoDocuments([
      null,
      42,
      { apiVersion: 'v1', kind: 'Pod' },
      { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy' },
      { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'x' }, spec: { rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: {} }] } },
    ]);
    expect(loaded.policies.map((p) => p.name)).toEqual(['x']);
    expect(loaded.errors.length).toBe(4);
    expect(statuses(evaluateResource(loaded.policies, pod({})))).toEqual(['r=error']);
  });

  it('evaluates odd resources without throwing', () => {
    const { policies } = loadKyvernoDocuments(yaml(hostNetwork('')));
    for (const resource of [null, 'text', [], { kind: 'Pod' }, { kind: 'Pod', metadata: 'x', spec: [] }, { kind: 'Pod', spec: { hostNetwork: 'yes' } }]) {
      expect(() => evaluateResource(policies, resource)).not.toThrow();
    }
    expect(statuses(evaluateResource(policies, { kind: 'Pod', apiVersion: 'v1', spec: [] }))).toEqual(['r=fail']);
  });

  it('reports invalid JMESPath as an error result', () => {
    const policy = hostNetwork('').replace(
      '      pattern:\n        spec:\n          =(hostNetwork): false',
      '      deny:\n        conditions:\n          any:\n          - key: "{{ request.object.[ }}"\n            operator: Equals\n            value: x',
    );
    expect(statuses(run(policy, pod({})))).toEqual(['r=error']);
  });
});
