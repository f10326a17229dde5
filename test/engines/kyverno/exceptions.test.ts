/** PolicyExceptions, from https://kyverno.io/docs/writing-policies/exceptions/. */
import { describe, expect, it } from 'vitest';
import { run, statuses } from './harness.js';

const hostNamespaces = `
apiVersion: kyverno.io/v2beta1
kind: ClusterPolicy
metadata:
  name: disallow-host-namespaces
spec:
  background: false
  rules:
    - name: host-namespaces
      match:
        any:
        - resources:
            kinds:
              - Pod
      validate:
        failureAction: Enforce
        message: >-
          Sharing the host namespaces is disallowed.
        pattern:
          spec:
            =(hostPID): "false"
            =(hostIPC): "false"
            =(hostNetwork): "false"
`;

const deltaException = `
apiVersion: kyverno.io/v2
kind: PolicyException
metadata:
  name: delta-exception
  namespace: delta
spec:
  exceptions:
  - policyName: disallow-host-namespaces
    ruleNames:
    - host-namespaces
    - autogen-host-namespaces
  match:
    any:
    - resources:
        kinds:
        - Pod
        - Deployment
        namespaces:
        - delta
        names:
        - important-tool*
  conditions:
    any:
    - key: "{{ request.object.metadata.labels.app || '' }}"
      operator: Equals
      value: busybox
`;

const tool = (namespace: string, app: string): unknown => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'important-tool', namespace, labels: { app } },
  spec: { template: { metadata: { labels: { app } }, spec: { hostIPC: true, containers: [{ name: 'busybox', image: 'busybox:1.35' }] } } },
});

describe('PolicyException', () => {
  const policy = `${hostNamespaces}\n---\n${deltaException}`;

  it('turns the excepted rule into skip for a matching resource (docs: delta-exception)', () => {
    const [result] = run(policy, tool('delta', 'busybox'));
    expect(result?.status).toBe('skip');
    expect(result?.message).toContain('delta/delta-exception');
  });

  it('does not apply outside its match block or when its conditions fail', () => {
    expect(statuses(run(policy, tool('other', 'busybox')))).toEqual(['host-namespaces=fail']);
    expect(statuses(run(policy, tool('delta', 'nginx')))).toEqual(['host-namespaces=fail']);
  });

  it('needs the autogen- rule name to except a controller', () => {
    const podOnly = policy.replace('    - autogen-host-namespaces\n', '');
    expect(statuses(run(podOnly, tool('delta', 'busybox')))).toEqual(['host-namespaces=fail']);
  });

  it('accepts wildcards in ruleNames', () => {
    const wildcard = policy.replace('    - host-namespaces\n    - autogen-host-namespaces\n', '    - "*"\n');
    expect(statuses(run(wildcard, tool('delta', 'busybox')))).toEqual(['host-namespaces=skip']);
  });

  it('can also be passed in the evaluation context', () => {
    expect(statuses(run(hostNamespaces, tool('delta', 'busybox')))).toEqual(['host-namespaces=fail']);
  });
});

describe('PolicyException user filters (pkg/engine/utils/exceptions.go checkUserInfo)', () => {
  const byController = `${hostNamespaces}
---
apiVersion: kyverno.io/v2
kind: PolicyException
metadata:
  name: daemonset-pods
  namespace: kyverno
spec:
  background: false
  exceptions:
  - policyName: disallow-host-namespaces
    ruleNames: [host-namespaces]
  match:
    any:
    - resources:
        kinds: [Pod]
        namespaces: [monitoring]
      subjects:
      - kind: ServiceAccount
        name: daemon-set-controller
        namespace: kube-system
      - kind: User
        name: system:kube-controller-manager
`;
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'node-exporter-x7k2p', namespace: 'monitoring' }, spec: { hostPID: true, containers: [{ name: 'c', image: 'busybox' }] } };

  it('applies to requests from a listed service account or user', () => {
    expect(statuses(run(byController, pod, { userInfo: { username: 'system:serviceaccount:kube-system:daemon-set-controller' } }))).toEqual(['host-namespaces=skip']);
    expect(statuses(run(byController, pod, { userInfo: { username: 'system:kube-controller-manager' } }))).toEqual(['host-namespaces=skip']);
    expect(statuses(run(byController, pod, { userInfo: { username: 'system:serviceaccount:monitoring:daemon-set-controller' } }))).toEqual(['host-namespaces=fail']);
  });

  it('does not apply without a user (a background scan), unlike a rule\'s match, which then ignores user filters', () => {
    expect(statuses(run(byController, pod))).toEqual(['host-namespaces=fail']);
  });
});
