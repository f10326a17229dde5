/**
 * Foreign policies written in the style of the public Kyverno policy library (https://kyverno.io/policies/),
 * with the verdicts their descriptions promise.
 */
import { describe, expect, it } from 'vitest';
import { pod, run, statuses } from './harness.js';

const container = (image: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name: 'c', image, ...extra });
const deployment = (spec: Record<string, unknown>, namespace = 'apps'): unknown => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec } },
});

describe('require-labels', () => {
  const policy = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-labels
  annotations:
    policies.kyverno.io/title: Require Labels
spec:
  validationFailureAction: Audit
  background: true
  rules:
  - name: check-for-labels
    match:
      any:
      - resources:
          kinds:
          - Pod
    validate:
      message: "The label \`app.kubernetes.io/name\` is required."
      pattern:
        metadata:
          labels:
            app.kubernetes.io/name: "?*"
`;
  it('requires a non-empty app.kubernetes.io/name label, in Audit mode', () => {
    const [result] = run(policy, pod({ containers: [container('nginx')] }));
    expect(result?.status).toBe('fail');
    expect(result?.failureAction).toBe('Audit');
    expect(result?.message).toBe('validation error: The label `app.kubernetes.io/name` is required. rule check-for-labels failed at path /metadata/labels/');
    expect(statuses(run(policy, pod({ containers: [container('nginx')] }, { labels: { 'app.kubernetes.io/name': 'web' } })))).toEqual(['check-for-labels=pass']);
  });
});

describe('disallow-latest-tag', () => {
  const policy = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: disallow-latest-tag
spec:
  validationFailureAction: Enforce
  background: true
  rules:
  - name: require-image-tag
    match:
      any:
      - resources:
          kinds:
          - Pod
    validate:
      message: "An image tag is required."
      pattern:
        spec:
          containers:
          - image: "*:*"
  - name: validate-image-tag
    match:
      any:
      - resources:
          kinds:
          - Pod
    validate:
      message: "Using a mutable image tag e.g. 'latest' is not allowed."
      pattern:
        spec:
          containers:
          - image: "!*:latest"
`;
  it('needs a tag that is not latest, also in Deployments', () => {
    expect(statuses(run(policy, pod({ containers: [container('nginx')] })))).toEqual(['require-image-tag=fail', 'validate-image-tag=pass']);
    expect(statuses(run(policy, pod({ containers: [container('nginx:latest')] })))).toEqual(['require-image-tag=pass', 'validate-image-tag=fail']);
    expect(statuses(run(policy, pod({ containers: [container('nginx:1.25')] })))).toEqual(['require-image-tag=pass', 'validate-image-tag=pass']);
    expect(statuses(run(policy, deployment({ containers: [container('nginx:latest')] })))).toEqual(['require-image-tag=pass', 'validate-image-tag=fail']);
  });
});

describe('restrict-image-registries', () => {
  const policy = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: restrict-image-registries
spec:
  validationFailureAction: Enforce
  background: true
  rules:
  - name: validate-registries
    match:
      any:
      - resources:
          kinds:
          - Pod
    validate:
      message: "Unknown image registry."
      pattern:
        spec:
          =(ephemeralContainers):
          - image: "eu.foo.io/* | bar.io/*"
          =(initContainers):
          - image: "eu.foo.io/* | bar.io/*"
          containers:
          - image: "eu.foo.io/* | bar.io/*"
`;
  it('allows only the listed registries in every container list', () => {
    expect(statuses(run(policy, pod({ containers: [container('eu.foo.io/app:1'), container('bar.io/x:2')] })))).toEqual(['validate-registries=pass']);
    expect(statuses(run(policy, pod({ initContainers: [container('docker.io/busybox')], containers: [container('bar.io/x:2')] })))).toEqual([
      'validate-registries=fail',
    ]);
    expect(statuses(run(policy, deployment({ containers: [container('ghcr.io/app')] })))).toEqual(['validate-registries=fail']);
  });
});

describe('require-run-as-nonroot', () => {
  const policy = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-run-as-nonroot
spec:
  validationFailureAction: Enforce
  background: true
  rules:
  - name: run-as-non-root
    match:
      any:
      - resources:
          kinds:
          - Pod
    validate:
      message: "Running as root is not allowed."
      anyPattern:
      - spec:
          securityContext:
            runAsNonRoot: "true"
          =(ephemeralContainers):
          - =(securityContext):
              =(runAsNonRoot): "true"
          =(initContainers):
          - =(securityContext):
              =(runAsNonRoot): "true"
          containers:
          - =(securityContext):
              =(runAsNonRoot): "true"
      - spec:
          =(ephemeralContainers):
          - securityContext:
              runAsNonRoot: "true"
          =(initContainers):
          - securityContext:
              runAsNonRoot: "true"
          containers:
          - securityContext:
              runAsNonRoot: "true"
`;
  it('accepts pod-level or per-container runAsNonRoot, rejects anything else', () => {
    expect(statuses(run(policy, pod({ securityContext: { runAsNonRoot: true }, containers: [container('a')] })))).toEqual(['run-as-non-root=pass']);
    expect(statuses(run(policy, pod({ containers: [container('a', { securityContext: { runAsNonRoot: true } })] })))).toEqual(['run-as-non-root=pass']);
    expect(statuses(run(policy, pod({ containers: [container('a')] })))).toEqual(['run-as-non-root=fail']);
    expect(
      statuses(run(policy, pod({ securityContext: { runAsNonRoot: true }, containers: [container('a', { securityContext: { runAsNonRoot: false } })] }))),
    ).toEqual(['run-as-non-root=fail']);
  });
});

describe('disallow-default-namespace', () => {
  const policy = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: disallow-default-namespace
spec:
  validationFailureAction: Audit
  rules:
  - name: validate-namespace
    match:
      any:
      - resources:
          kinds:
          - Pod
    validate:
      message: "Using 'default' namespace is not allowed."
      pattern:
        metadata:
          namespace: "!default"
`;
  it('checks the Pod namespace, and (as the autogen docs warn) fails every controller', () => {
    expect(statuses(run(policy, pod({ containers: [container('a')] }, { namespace: 'default' })))).toEqual(['validate-namespace=fail']);
    expect(statuses(run(policy, pod({ containers: [container('a')] }, { namespace: 'apps' })))).toEqual(['validate-namespace=pass']);
    expect(statuses(run(policy, deployment({ containers: [container('a')] }, 'apps')))).toEqual(['validate-namespace=fail']);
  });
});

describe('require-requests-limits', () => {
  const policy = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-requests-limits
spec:
  validationFailureAction: Enforce
  rules:
  - name: validate-resources
    match:
      any:
      - resources:
          kinds:
          - Pod
    preconditions:
      all:
      - key: "{{ request.\\"object\\".metadata.annotations.\\"policy.test.io/require-requests-limits\\" || '' }}"
        operator: NotEquals
        value: skip
    validate:
      message: "CPU and memory resource requests and limits are required."
      pattern:
        spec:
          containers:
          - resources:
              requests:
                memory: "?*"
                cpu: "?*"
              limits:
                memory: "?*"
`;
  const resources = { requests: { memory: '64Mi', cpu: '250m' }, limits: { memory: '128Mi' } };
  it('requires requests and limits unless the Pod opts out by annotation', () => {
    expect(statuses(run(policy, pod({ containers: [container('a', { resources })] })))).toEqual(['validate-resources=pass']);
    expect(statuses(run(policy, pod({ containers: [container('a')] })))).toEqual(['validate-resources=fail']);
    const optOut = pod({ containers: [container('a')] }, { annotations: { 'policy.test.io/require-requests-limits': 'skip' } });
    expect(statuses(run(policy, optOut))).toEqual(['validate-resources=skip']);
  });
});
