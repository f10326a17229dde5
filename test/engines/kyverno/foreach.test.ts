/** foreach validation, from https://kyverno.io/docs/writing-policies/validate/#foreach. */
import { describe, expect, it } from 'vitest';
import { pod, policyWith, run, statusOf } from './harness.js';

describe('foreach', () => {
  const registry = policyWith(`
message: "unknown registry"
foreach:
- list: "request.object.spec.initContainers"
  pattern:
    image: "trusted-registry.io/*"
- list: "request.object.spec.containers"
  pattern:
    image: "trusted-registry.io/*"`);

  it('applies the pattern to each element (docs: check-images)', () => {
    expect(statusOf(registry, pod({ containers: [{ name: 'a', image: 'trusted-registry.io/a' }] }))).toBe('pass');
    expect(statusOf(registry, pod({ containers: [{ name: 'a', image: 'trusted-registry.io/a' }, { name: 'b', image: 'docker.io/b' }] }))).toBe('fail');
    expect(statusOf(registry, pod({ initContainers: [{ name: 'i', image: 'docker.io/i' }], containers: [{ name: 'a', image: 'trusted-registry.io/a' }] }))).toBe('fail');
  });

  it('prefixes failures with "validation failure"', () => {
    const [result] = run(registry, pod({ containers: [{ name: 'b', image: 'docker.io/b' }] }));
    expect(result?.message).toMatch(/^validation failure: validation error: unknown registry\. rule r failed at path \/image\//);
  });

  it('skips when the list is empty', () => {
    expect(statusOf(registry, pod({ containers: [] }))).toBe('skip');
  });

  it('deny with element variables (docs: restrict-ingress-wildcard)', () => {
    const policy = policyWith(
      `
message: "Wildcards are not permitted as hosts."
foreach:
- list: "request.object.spec.rules"
  deny:
    conditions:
      any:
      - key: "{{ contains(element.host, '*') }}"
        operator: Equals
        value: true`,
      { kinds: 'Ingress' },
    );
    const ingress = (host: string): unknown => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i' }, spec: { rules: [{ host: 'a.com' }, { host }] } });
    expect(statusOf(policy, ingress('b.com'))).toBe('pass');
    expect(statusOf(policy, ingress('*.b.com'))).toBe('fail');
  });

  it('nested foreach with element and elementIndex variables (docs: check-tls-secret-host)', () => {
    const policy = policyWith(
      `
message: "All TLS hosts must use a domain of old.com."
foreach:
- list: request.object.spec.tls[]
  foreach:
  - list: "element.hosts"
    deny:
      conditions:
        all:
        - key: "{{element}}"
          operator: Equals
          value: "*.new.com"`,
      { kinds: 'Ingress' },
    );
    const ingress = (hosts: string[][]): unknown => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'kuard' }, spec: { tls: hosts.map((h) => ({ hosts: h })) } });
    expect(statusOf(policy, ingress([['kuard.old.com', 'kuard-foo.new.com'], ['hr.old.com']]))).toBe('fail');
    expect(statusOf(policy, ingress([['kuard.old.com'], ['hr.old.com']]))).toBe('pass');
    const indexed = policyWith(
      `
foreach:
- list: "request.object.spec.containers"
  deny:
    conditions:
      all:
      - key: "{{ elementIndex }}"
        operator: GreaterThan
        value: 1`,
    );
    expect(statusOf(indexed, pod({ containers: [{ name: 'a' }, { name: 'b' }] }))).toBe('pass');
    expect(statusOf(indexed, pod({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }))).toBe('fail');
  });

  it('preconditions inside foreach skip elements', () => {
    const policy = policyWith(`
foreach:
- list: "request.object.spec.containers"
  preconditions:
    all:
    - key: "{{ element.name }}"
      operator: NotEquals
      value: sidecar
  pattern:
    securityContext:
      privileged: false`);
    expect(statusOf(policy, pod({ containers: [{ name: 'sidecar', securityContext: { privileged: true } }, { name: 'app', securityContext: { privileged: false } }] }))).toBe('pass');
    expect(statusOf(policy, pod({ containers: [{ name: 'sidecar' }] }))).toBe('skip');
  });

  it('elementScope: false applies the pattern to the whole resource', () => {
    const policy = policyWith(`
foreach:
- list: "request.object.spec.containers"
  elementScope: false
  pattern:
    spec:
      =(hostNetwork): false`);
    expect(statusOf(policy, pod({ hostNetwork: true, containers: [{ name: 'a' }] }))).toBe('fail');
    expect(statusOf(policy, pod({ containers: [{ name: 'a' }] }))).toBe('pass');
  });
});
