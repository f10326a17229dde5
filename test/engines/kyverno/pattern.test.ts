/**
 * Patterns, anchors, wildcards and value operators, each case taken from the Kyverno validate docs
 * (https://kyverno.io/docs/writing-policies/validate/#patterns, #anchors, #operators, #wildcards).
 */
import { describe, expect, it } from 'vitest';
import { pod, policyWith, run, statusOf } from './harness.js';

const patternPolicy = (pattern: string): string => policyWith(`pattern:\n${pattern.replace(/^\n/, '').split('\n').map((l) => `  ${l}`).join('\n')}`);

describe('plain patterns', () => {
  const policy = patternPolicy(`
metadata:
  labels:
    purpose: production`);

  it('passes when the field has the value and fails otherwise (docs: require-ns-purpose-label)', () => {
    expect(statusOf(policy, pod({}, { labels: { purpose: 'production' } }))).toBe('pass');
    expect(statusOf(policy, pod({}, { labels: { purpose: 'development' } }))).toBe('fail');
  });

  it('fails when a field in the pattern is missing from the resource', () => {
    expect(statusOf(policy, pod({}))).toBe('fail');
  });

  it('reports the message and the failing path', () => {
    const policyWithMessage = policyWith('message: "purpose label required"\npattern:\n  metadata:\n    labels:\n      purpose: production');
    const [result] = run(policyWithMessage, pod({}, { labels: { purpose: 'x' } }));
    expect(result?.message).toBe('validation error: purpose label required. rule r failed at path /metadata/labels/purpose/');
    expect(result?.failureAction).toBe('Enforce');
  });
});

describe('wildcards', () => {
  const requestsLimits = patternPolicy(`
spec:
  containers:
  - name: "*"
    resources:
      limits:
        memory: "?*"
      requests:
        memory: "?*"
        cpu: "?*"`);
  const c = (resources: unknown): unknown => pod({ containers: [{ name: 'c', image: 'i', resources }] });

  it('"?*" requires a non-empty value (docs: all-containers-need-requests-and-limits)', () => {
    expect(statusOf(requestsLimits, c({ limits: { memory: '1Gi' }, requests: { memory: '1Gi', cpu: '1' } }))).toBe('pass');
    expect(statusOf(requestsLimits, c({ limits: { memory: '' }, requests: { memory: '1Gi', cpu: '1' } }))).toBe('fail');
    expect(statusOf(requestsLimits, c({ limits: {}, requests: { memory: '1Gi', cpu: '1' } }))).toBe('fail');
  });

  it('"*" as a whole value requires the field to be present', () => {
    const policy = patternPolicy(`
metadata:
  labels:
    app: "*"`);
    expect(statusOf(policy, pod({}, { labels: { app: '' } }))).toBe('pass');
    expect(statusOf(policy, pod({}, { labels: { other: 'x' } }))).toBe('fail');
  });

  it('"*" and "?" match inside values', () => {
    const policy = patternPolicy(`
spec:
  containers:
  - image: "registry.domain.com/*"`);
    expect(statusOf(policy, pod({ containers: [{ name: 'a', image: 'registry.domain.com/app:1' }] }))).toBe('pass');
    expect(statusOf(policy, pod({ containers: [{ name: 'a', image: 'docker.io/app:1' }] }))).toBe('fail');
    const single = patternPolicy(`
metadata:
  labels:
    tier: "db?"`);
    expect(statusOf(single, pod({}, { labels: { tier: 'db1' } }))).toBe('pass');
    expect(statusOf(single, pod({}, { labels: { tier: 'db12' } }))).toBe('fail');
  });

  it('expands wildcard keys under metadata.annotations', () => {
    const policy = patternPolicy(`
=(metadata):
  =(annotations):
    =(container.apparmor.security.beta.kubernetes.io/*): "runtime/default | localhost/*"`);
    const annotated = (v: string): unknown => pod({}, { annotations: { 'container.apparmor.security.beta.kubernetes.io/c1': v } });
    expect(statusOf(policy, annotated('runtime/default'))).toBe('pass');
    expect(statusOf(policy, annotated('localhost/custom'))).toBe('pass');
    expect(statusOf(policy, annotated('unconfined'))).toBe('fail');
    expect(statusOf(policy, pod({}))).toBe('pass');
  });
});

describe('value operators', () => {
  const replicas = (value: string): string =>
    policyWith(`pattern:\n  spec:\n    replicas: "${value}"`, { kinds: 'Deployment' });
  const deployment = (n: number): unknown => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: n } });

  it.each([
    ['>=2', 2, 'pass'],
    ['>=2', 1, 'fail'],
    ['>2', 2, 'fail'],
    ['<3', 2, 'pass'],
    ['<=3', 4, 'fail'],
    ['!2', 2, 'fail'],
    ['!2', 3, 'pass'],
    ['1-5', 5, 'pass'],
    ['1-5', 6, 'fail'],
    ['1!-5', 6, 'pass'],
    ['1!-5', 3, 'fail'],
    ['1 | 3', 3, 'pass'],
    ['>1 & <3', 2, 'pass'],
    ['>1 & <3', 3, 'fail'],
  ])('replicas "%s" against %d is %s', (pattern, n, expected) => {
    expect(statusOf(replicas(pattern), deployment(n))).toBe(expected);
  });

  it('compares quantities across units', () => {
    const policy = patternPolicy(`
spec:
  containers:
  - resources:
      limits:
        memory: "<=1Gi"`);
    const withMemory = (m: string): unknown => pod({ containers: [{ name: 'c', resources: { limits: { memory: m } } }] });
    expect(statusOf(policy, withMemory('512Mi'))).toBe('pass');
    expect(statusOf(policy, withMemory('1024Mi'))).toBe('pass');
    expect(statusOf(policy, withMemory('2Gi'))).toBe('fail');
    expect(statusOf(policy, withMemory('1.5G'))).toBe('fail');
  });

  it('compares durations', () => {
    const policy = patternPolicy(`
metadata:
  annotations:
    ttl: "<=1h"`);
    expect(statusOf(policy, pod({}, { annotations: { ttl: '30m' } }))).toBe('pass');
    expect(statusOf(policy, pod({}, { annotations: { ttl: '90m' } }))).toBe('fail');
  });

  it('matches numbers written as strings and booleans written as strings', () => {
    const policy = patternPolicy(`
spec:
  =(hostNetwork): "false"
  =(priority): 10`);
    expect(statusOf(policy, pod({ hostNetwork: false, priority: 10 }))).toBe('pass');
    expect(statusOf(policy, pod({ hostNetwork: true }))).toBe('fail');
    expect(statusOf(policy, pod({ priority: '10' }))).toBe('pass');
  });

  it('"null" as a pattern value accepts an absent or empty field', () => {
    const policy = patternPolicy(`
spec:
  =(volumes):
  - =(hostPath):
      path: "!/var/run/docker.sock"`);
    expect(statusOf(policy, pod({ volumes: [{ name: 'v', hostPath: { path: '/var/run/docker.sock' } }] }))).toBe('fail');
    expect(statusOf(policy, pod({ volumes: [{ name: 'v', hostPath: { path: '/data' } }] }))).toBe('pass');
    const nullPattern = patternPolicy(`
spec:
  serviceAccountName: null`);
    expect(statusOf(nullPattern, pod({}))).toBe('pass');
    expect(statusOf(nullPattern, pod({ serviceAccountName: '' }))).toBe('pass');
    expect(statusOf(nullPattern, pod({ serviceAccountName: 'sa' }))).toBe('fail');
  });
});

describe('anchors', () => {
  it('conditional (): peers are checked only when the condition holds (docs: image latest => pull policy)', () => {
    const policy = patternPolicy(`
spec:
  containers:
  - (image): "*:latest"
    imagePullPolicy: "!IfNotPresent"`);
    const c = (image: string, imagePullPolicy: string): unknown => pod({ containers: [{ name: 'c', image, imagePullPolicy }] });
    expect(statusOf(policy, c('nginx:latest', 'Always'))).toBe('pass');
    expect(statusOf(policy, c('nginx:latest', 'IfNotPresent'))).toBe('fail');
    expect(statusOf(policy, c('nginx:1.2', 'IfNotPresent'))).toBe('skip');
  });

  it('conditional (): array elements that do not meet the condition are skipped, others validated', () => {
    const policy = patternPolicy(`
spec:
  containers:
  - (image): "*:latest"
    imagePullPolicy: "Always"`);
    const two = (second: string): unknown =>
      pod({ containers: [{ name: 'a', image: 'nginx:1.2', imagePullPolicy: 'IfNotPresent' }, { name: 'b', image: 'nginx:latest', imagePullPolicy: second }] });
    expect(statusOf(policy, two('Always'))).toBe('pass');
    expect(statusOf(policy, two('IfNotPresent'))).toBe('fail');
  });

  it('conditional (): a nested if-clause selects the rule (docs: conditional-anchor-dockersock)', () => {
    const policy = patternPolicy(`
metadata:
  labels:
    allow-docker: "true"
(spec):
  (volumes):
  - (hostPath):
      path: "/var/run/docker.sock"`);
    const dockerSock = { volumes: [{ name: 'v', hostPath: { path: '/var/run/docker.sock' } }] };
    expect(statusOf(policy, pod(dockerSock, { labels: { 'allow-docker': 'true' } }))).toBe('pass');
    expect(statusOf(policy, pod(dockerSock, { labels: { 'allow-docker': 'false' } }))).toBe('fail');
    expect(statusOf(policy, pod({ volumes: [{ name: 'v', emptyDir: {} }] }))).toBe('skip');
  });

  it('equality =(): checked only when the key exists', () => {
    const policy = patternPolicy(`
spec:
  =(hostPID): "false"`);
    expect(statusOf(policy, pod({}))).toBe('pass');
    expect(statusOf(policy, pod({ hostPID: false }))).toBe('pass');
    expect(statusOf(policy, pod({ hostPID: true }))).toBe('fail');
  });

  it('existence ^(): at least one list element must match (docs: at-least-one-nginx)', () => {
    const policy = patternPolicy(`
spec:
  ^(containers):
  - image: nginx:latest`);
    expect(statusOf(policy, pod({ containers: [{ name: 'a', image: 'busybox' }, { name: 'b', image: 'nginx:latest' }] }))).toBe('pass');
    expect(statusOf(policy, pod({ containers: [{ name: 'a', image: 'busybox' }] }))).toBe('fail');
  });

  it('negation X(): the key must not be present', () => {
    const policy = patternPolicy(`
spec:
  =(volumes):
  - X(hostPath): "null"`);
    expect(statusOf(policy, pod({ volumes: [{ name: 'v', emptyDir: {} }] }))).toBe('pass');
    expect(statusOf(policy, pod({ volumes: [{ name: 'v', hostPath: { path: '/' } }] }))).toBe('fail');
    expect(statusOf(policy, pod({}))).toBe('pass');
  });

  it('global <(): a false global condition skips the whole rule (docs: corp.reg.com imagePullSecret)', () => {
    const policy = patternPolicy(`
spec:
  containers:
  - name: "*"
    <(image): "corp.reg.com/*"
  imagePullSecrets:
  - name: my-registry-secret`);
    const p = (image: string, secret: string): unknown => pod({ containers: [{ name: 'web', image }], imagePullSecrets: [{ name: secret }] });
    expect(statusOf(policy, p('corp.reg.com/nginx', 'other-secret'))).toBe('fail');
    expect(statusOf(policy, p('corp.reg.com/nginx', 'my-registry-secret'))).toBe('pass');
    expect(statusOf(policy, p('docker.io/nginx', 'other-secret'))).toBe('skip');
  });

  it('add-if-not-present +() is rejected in validate rules', () => {
    const policy = patternPolicy(`
metadata:
  labels:
    +(team): platform`);
    expect(() => statusOf(policy, pod({}))).toThrow(/add-if-not-present/);
  });
});

describe('anyPattern', () => {
  const policy = policyWith(`
anyPattern:
- spec:
    securityContext:
      runAsNonRoot: true
    containers:
    - =(securityContext):
        =(runAsNonRoot): true
- spec:
    containers:
    - securityContext:
        runAsNonRoot: true`);

  it('passes when any pattern matches (docs: require-run-as-non-root)', () => {
    expect(statusOf(policy, pod({ securityContext: { runAsNonRoot: true }, containers: [{ name: 'c' }] }))).toBe('pass');
    expect(statusOf(policy, pod({ containers: [{ name: 'c', securityContext: { runAsNonRoot: true } }] }))).toBe('pass');
  });

  it('fails when no pattern matches', () => {
    expect(statusOf(policy, pod({ containers: [{ name: 'c' }] }))).toBe('fail');
    expect(statusOf(policy, pod({ securityContext: { runAsNonRoot: true }, containers: [{ name: 'c', securityContext: { runAsNonRoot: false } }] }))).toBe('fail');
  });
});
