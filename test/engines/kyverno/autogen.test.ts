/** Auto-generated Pod controller rules, from https://kyverno.io/docs/writing-policies/autogen/. */
import { describe, expect, it } from 'vitest';
import { pod, run, statuses } from './harness.js';

const registries = (annotations = '', extraMatch = ''): string => `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: restrict-image-registries
${annotations}
spec:
  rules:
  - name: validate-registries
    match:
      any:
      - resources:
          kinds:
          - Pod
${extraMatch}
    validate:
      failureAction: Enforce
      message: "Images may only come from our internal enterprise registry."
      pattern:
        spec:
          containers:
          - image: "registry.domain.com/*"
`;

const podSpec = (image: string): Record<string, unknown> => ({ containers: [{ name: 'c', image }] });
const deployment = (image: string): unknown => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { metadata: {}, spec: podSpec(image) } } });
const cronJob = (image: string): unknown => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'c' },
  spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: podSpec(image) } } } },
});

describe('autogen', () => {
  it('applies a Pod rule to the pod template of controllers, reported under the original rule name', () => {
    expect(statuses(run(registries(), deployment('registry.domain.com/app')))).toEqual(['validate-registries=pass']);
    expect(statuses(run(registries(), deployment('docker.io/app')))).toEqual(['validate-registries=fail']);
    expect(statuses(run(registries(), cronJob('docker.io/app')))).toEqual(['validate-registries=fail']);
    for (const kind of ['StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController']) {
      const workload = { ...(deployment('docker.io/app') as object), kind };
      expect(statuses(run(registries(), workload))).toEqual(['validate-registries=fail']);
    }
    expect(statuses(run(registries(), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: podSpec('docker.io/app') }))).toEqual([
      'validate-registries=fail',
    ]);
  });

  // The anyPattern form of kyverno/policies require-run-as-nonroot; pkg/autogen/v1/rule.go nests each entry.
  it('nests every anyPattern entry under the template, the CronJob one under spec.jobTemplate.spec.template', () => {
    const policy = registries().replace(
      /pattern:[\s\S]*$/,
      `anyPattern:
      - spec:
          securityContext:
            runAsNonRoot: true
      - spec:
          containers:
          - securityContext:
              runAsNonRoot: true
`,
    );
    const root = { name: 'c', image: 'a' };
    const withSpec = (spec: Record<string, unknown>, kind: 'Deployment' | 'CronJob') =>
      kind === 'Deployment'
        ? { apiVersion: 'apps/v1', kind, metadata: { name: 'd' }, spec: { template: { metadata: {}, spec } } }
        : { apiVersion: 'batch/v1', kind, metadata: { name: 'c' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec } } } } };
    expect(statuses(run(policy, withSpec({ securityContext: { runAsNonRoot: true }, containers: [root] }, 'Deployment')))).toEqual(['validate-registries=pass']);
    expect(statuses(run(policy, withSpec({ containers: [{ ...root, securityContext: { runAsNonRoot: true } }] }, 'CronJob')))).toEqual(['validate-registries=pass']);
    const failed = run(policy, withSpec({ containers: [root] }, 'CronJob'))[0];
    expect(failed?.status).toBe('fail');
    expect(failed?.message).toContain('rule autogen-cronjob-validate-registries[0] failed at path /spec/jobTemplate/spec/template/spec/securityContext/');
    expect(failed?.message).toContain('rule autogen-cronjob-validate-registries[1] failed at path /spec/jobTemplate/spec/template/spec/containers/0/securityContext/');
  });

  it('keeps the rule-level failure action on generated rules', () => {
    expect(run(registries(), deployment('docker.io/app'))[0]?.failureAction).toBe('Enforce');
  });

  it('the autogen-controllers annotation narrows or disables generation', () => {
    const onlyDeployments = registries('  annotations:\n    pod-policies.kyverno.io/autogen-controllers: Deployment');
    expect(statuses(run(onlyDeployments, deployment('docker.io/app')))).toEqual(['validate-registries=fail']);
    expect(run(onlyDeployments, cronJob('docker.io/app'))).toEqual([]);
    const none = registries('  annotations:\n    pod-policies.kyverno.io/autogen-controllers: none');
    expect(run(none, deployment('docker.io/app'))).toEqual([]);
  });

  it('is skipped when a rule filters by selector, names or annotations', () => {
    const withSelector = registries('', '          selector:\n            matchLabels:\n              app: web');
    expect(run(withSelector, deployment('docker.io/app'))).toEqual([]);
    const withNames = registries('', '          names: ["web-*"]');
    expect(run(withNames, deployment('docker.io/app'))).toEqual([]);
  });

  it('is skipped when a rule matches Pod together with other kinds', () => {
    const mixed = registries().replace('          - Pod', '          - Pod\n          - Service');
    expect(run(mixed, deployment('docker.io/app'))).toEqual([]);
  });

  it('redirects request.object.spec and metadata in deny rules to the pod template', () => {
    const policy = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: no-host-network
spec:
  rules:
  - name: host-network
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: "{{ request.object.metadata.labels.app }} must not use the host network"
      deny:
        conditions:
          any:
          - key: "{{ request.object.spec.hostNetwork || \`false\` }}"
            operator: Equals
            value: true
`;
    const hostNet = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { metadata: { labels: { app: 'web' } }, spec: { hostNetwork: true } } } };
    const [result] = run(policy, hostNet);
    expect(result?.status).toBe('fail');
    expect(result?.message).toBe('web must not use the host network');
    expect(statuses(run(policy, pod({ hostNetwork: true }, { labels: { app: 'web' } })))).toEqual(['host-network=fail']);
  });
});
