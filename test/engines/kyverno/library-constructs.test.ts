/**
 * Behaviours the wider kyverno/policies library relies on (pod-security/restricted, best-practices, other), which the
 * engine met while it was checked against those policies' upstream expectations (docs/engines/kyverno.md). Each case
 * is a small policy of our own with the shape the library uses.
 */
import { describe, expect, it } from 'vitest';
import { pod, policyWith, statusOf } from './harness.js';

const c = (extra: Record<string, unknown> = {}) => ({ name: 'c', image: 'nginx:1.25', ...extra });

describe('kyverno/policies library constructs', () => {
  it('a scalar ">0" against a list of integers holds only when every element does (supplementalGroups)', () => {
    const policy = policyWith(`
message: no root groups
pattern:
  spec:
    =(securityContext):
      =(supplementalGroups): ">0"`);
    expect(statusOf(policy, pod({ containers: [c()], securityContext: { supplementalGroups: [0] } }))).toBe('fail');
    expect(statusOf(policy, pod({ containers: [c()], securityContext: { supplementalGroups: [1000, 0] } }))).toBe('fail');
    expect(statusOf(policy, pod({ containers: [c()], securityContext: { supplementalGroups: [1000, 2000] } }))).toBe('pass');
    expect(statusOf(policy, pod({ containers: [c()], securityContext: {} }))).toBe('pass');
  });

  it('AllNotIn with a literal key against element.keys(@)[]: a container with any one probe passes (require-probes)', () => {
    const policy = policyWith(`
message: a probe is required
foreach:
- list: request.object.spec.containers[]
  deny:
    conditions:
      all:
      - key: livenessProbe
        operator: AllNotIn
        value: "{{ element.keys(@)[] }}"
      - key: readinessProbe
        operator: AllNotIn
        value: "{{ element.keys(@)[] }}"`);
    const probe = { tcpSocket: { port: 8080 } };
    expect(statusOf(policy, pod({ containers: [c({ readinessProbe: probe })] }))).toBe('pass');
    expect(statusOf(policy, pod({ containers: [c({ livenessProbe: probe }), c({ name: 'd' })] }))).toBe('fail');
  });

  it('`a || b | length(@)` pipes the whole `||` (the rules with a host against those with http)', () => {
    const policy = policyWith(`
message: every rule needs a host
deny:
  conditions:
    all:
    - key: "{{ request.object.spec.rules[].host || \`[]\` | length(@) }}"
      operator: NotEquals
      value: "{{ request.object.spec.rules[].http || \`[]\` | length(@) }}"`, { kinds: 'Ingress' });
    const ingress = (rules: unknown[]) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i', namespace: 'default' }, spec: { rules } });
    const http = { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 's', port: { number: 80 } } } }] };
    expect(statusOf(policy, ingress([{ host: 'a.example', http }]))).toBe('pass');
    expect(statusOf(policy, ingress([{ http }]))).toBe('fail');
    expect(statusOf(policy, ingress([{ host: 'a.example', http }, { http }]))).toBe('fail');
  });

  it('a filter comparing two fields counts the containers whose probes are equal, absent ones included as unequal to a set one', () => {
    const policy = policyWith(`
message: probes must differ
deny:
  conditions:
    any:
    - key: "{{ request.object.spec.containers[?readinessProbe==livenessProbe] | length(@) }}"
      operator: GreaterThan
      value: 0`);
    const probe = { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10 };
    expect(statusOf(policy, pod({ containers: [c({ livenessProbe: probe, readinessProbe: { ...probe } })] }))).toBe('fail');
    expect(statusOf(policy, pod({ containers: [c({ livenessProbe: probe })] }))).toBe('pass');
    // Neither probe set: null == null, so the container counts (the library's description warns of it).
    expect(statusOf(policy, pod({ containers: [c()] }))).toBe('fail');
  });
});
