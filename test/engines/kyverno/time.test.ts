/**
 * Kyverno's time JMESPath functions with the engine's injectable clock (EvaluationContext.now). Semantics from
 * Kyverno's pkg/engine/jmespath/time.go: time_now_utc() formats time.Now().UTC() as RFC 3339 (whole seconds),
 * time_before(a, b) is a.Before(b) on RFC 3339 arguments. PolicyException conditions: kyverno.io/v2 API.
 */
import { describe, expect, it } from 'vitest';
import { run, statuses } from './harness.js';

const policy = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: no-host-pid
spec:
  background: true
  rules:
    - name: host-pid
      match:
        any:
        - resources:
            kinds:
              - Pod
      validate:
        failureAction: Enforce
        message: hostPID is not allowed
        deny:
          conditions:
            any:
            - key: "{{ request.object.spec.hostPID || \`false\` }}"
              operator: Equals
              value: true
`;

const expiring = `
apiVersion: kyverno.io/v2
kind: PolicyException
metadata:
  name: legacy
  namespace: kyverno
spec:
  exceptions:
  - policyName: no-host-pid
    ruleNames:
    - host-pid
  match:
    any:
    - resources:
        namespaces:
        - legacy
  conditions:
    all:
    - key: "{{ time_before(time_now_utc(), '2030-07-01T00:00:00Z') }}"
      operator: Equals
      value: true
`;

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'legacy' }, spec: { hostPID: true, containers: [{ name: 'c', image: 'nginx' }] } };

describe('time functions read the injected clock', () => {
  const at = (text: string) => Date.parse(text);

  it('a PolicyException with a time_before condition applies before the instant and not from it', () => {
    expect(statuses(run(policy + '---' + expiring, pod, { now: at('2030-06-29T12:00:00Z') }))).toEqual(['host-pid=skip']);
    expect(statuses(run(policy + '---' + expiring, pod, { now: at('2030-06-30T23:59:59Z') }))).toEqual(['host-pid=skip']);
    // time_now_utc() drops the fraction, as Go's RFC 3339 layout does.
    expect(statuses(run(policy + '---' + expiring, pod, { now: at('2030-06-30T23:59:59.999Z') }))).toEqual(['host-pid=skip']);
    expect(statuses(run(policy + '---' + expiring, pod, { now: at('2030-07-01T00:00:00Z') }))).toEqual(['host-pid=fail']);
  });

  it('also in a background scan', () => {
    expect(statuses(run(policy + '---' + expiring, pod, { background: true, now: at('2030-06-30T23:59:59Z') }))).toEqual(['host-pid=skip']);
    expect(statuses(run(policy + '---' + expiring, pod, { background: true, now: at('2030-07-01T00:00:00Z') }))).toEqual(['host-pid=fail']);
  });

  it('time_now_utc, time_now and time_since in a deny condition and a message', () => {
    const clocked = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: clock
spec:
  rules:
    - name: r
      match:
        any:
        - resources:
            kinds:
              - Pod
      validate:
        failureAction: Enforce
        message: "now {{ time_now_utc() }} / {{ time_now() }} / {{ time_since('', '2030-06-30T00:00:00Z', '') }}"
        deny:
          conditions:
            all:
            - key: "{{ time_after(time_now_utc(), '2030-06-30T12:00:00Z') }}"
              operator: Equals
              value: true
`;
    const late = run(clocked, pod, { now: at('2030-06-30T13:30:00.250Z') });
    expect(statuses(late)).toEqual(['r=fail']);
    expect(late[0]?.message).toContain('now 2030-06-30T13:30:00Z / 2030-06-30T13:30:00Z / 13h30m0.25s');
    expect(statuses(run(clocked, pod, { now: at('2030-06-30T12:00:00Z') }))).toEqual(['r=pass']);
  });
});
