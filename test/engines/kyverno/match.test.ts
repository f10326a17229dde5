/**
 * match / exclude, from https://kyverno.io/docs/writing-policies/match-exclude/: a rule that does not match
 * produces no result; an excluded resource produces none either.
 */
import { describe, expect, it } from 'vitest';
import { pod, run, statuses } from './harness.js';

/** A policy whose rule always fails, with the given match/exclude YAML (indented at rule level). */
function selecting(blocks: string): string {
  return `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: p
spec:
  rules:
  - name: r
${blocks.replace(/^\n/, '').split('\n').map((l) => `    ${l}`).join('\n')}
    validate:
      deny: {}
`;
}

const applies = (blocks: string, resource: unknown, ctx = {}): boolean => run(selecting(blocks), resource, ctx).length > 0;
const deployment = (name: string, namespace = 'default'): unknown => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace }, spec: {} });

describe('kinds', () => {
  it.each([
    ['Pod', true],
    ['v1/Pod', true],
    ['*/Pod', true],
    ['apps/v1/Deployment', false],
    ['*', true],
    ['*/*', true],
    ['Pod/exec', false],
    ['Deployment', false],
  ])('kind %s selects a v1 Pod: %s', (kind, expected) => {
    expect(applies(`match:\n  any:\n  - resources:\n      kinds: ["${kind}"]`, pod({}))).toBe(expected);
  });

  // pkg/utils/match/kind.go CheckKind, called with allowEphemeralContainers by rule matching (pkg/engine/utils):
  // a subresource selector selects only that subresource; a Pod selector also the Pod's ephemeralcontainers.
  it.each([
    ['Pod', '', true],
    ['Pod', 'ephemeralcontainers', true],
    ['v1/Pod', 'ephemeralcontainers', true],
    ['Pod', 'status', false],
    ['Pod/ephemeralcontainers', 'ephemeralcontainers', true],
    ['Pod/ephemeralcontainers', '', false],
    ['Pod/ephemeralcontainers', 'status', false],
    ['Pod/*', 'status', true],
    ['*/*', 'ephemeralcontainers', true],
  ])('kind %s selects a v1 Pod request on subresource "%s": %s', (kind, subresource, expected) => {
    expect(applies(`match:\n  any:\n  - resources:\n      kinds: ["${kind}"]`, pod({}), { operation: 'UPDATE', subresource })).toBe(expected);
  });

  it('group/version/kind selects only that API group', () => {
    expect(applies('match:\n  any:\n  - resources:\n      kinds: [apps/v1/Deployment]', deployment('d'))).toBe(true);
    expect(applies('match:\n  any:\n  - resources:\n      kinds: [batch/v1/Deployment]', deployment('d'))).toBe(false);
  });
});

describe('names, namespaces, annotations, operations', () => {
  it('names and namespaces accept wildcards', () => {
    const block = 'match:\n  any:\n  - resources:\n      kinds: [Deployment]\n      names: ["*-default"]\n      namespaces: ["team-*"]';
    expect(applies(block, deployment('net-default', 'team-a'))).toBe(true);
    expect(applies(block, deployment('net-default', 'prod'))).toBe(false);
    expect(applies(block, deployment('net', 'team-a'))).toBe(false);
  });

  it('a Namespace is matched by its own name in namespaces', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } };
    expect(applies('match:\n  any:\n  - resources:\n      kinds: [Namespace]\n      namespaces: ["team-*"]', ns)).toBe(true);
  });

  it('annotations must all be present, with wildcards', () => {
    const block = 'match:\n  any:\n  - resources:\n      kinds: [Pod]\n      annotations:\n        policy.test/*: "enab*"';
    expect(applies(block, pod({}, { annotations: { 'policy.test/mode': 'enabled' } }))).toBe(true);
    expect(applies(block, pod({}, { annotations: { 'policy.test/mode': 'off' } }))).toBe(false);
  });

  it('operations select the request type', () => {
    const block = 'match:\n  any:\n  - resources:\n      kinds: [Pod]\n      operations: [CREATE]';
    expect(applies(block, pod({}))).toBe(true);
    expect(applies(block, pod({}), { operation: 'UPDATE' })).toBe(false);
  });
});

describe('selectors', () => {
  it('selector with matchLabels and matchExpressions', () => {
    const block = `match:
  any:
  - resources:
      kinds: [Pod]
      selector:
        matchLabels:
          app: web
        matchExpressions:
        - key: tier
          operator: In
          values: [frontend, edge]
        - key: legacy
          operator: DoesNotExist`;
    expect(applies(block, pod({}, { labels: { app: 'web', tier: 'edge' } }))).toBe(true);
    expect(applies(block, pod({}, { labels: { app: 'web', tier: 'backend' } }))).toBe(false);
    expect(applies(block, pod({}, { labels: { app: 'web', tier: 'edge', legacy: 'y' } }))).toBe(false);
  });

  it('matchLabels accept wildcards in keys and values', () => {
    const block = 'match:\n  any:\n  - resources:\n      kinds: [Pod]\n      selector:\n        matchLabels:\n          "app.kubernetes.io/*": "web*"';
    expect(applies(block, pod({}, { labels: { 'app.kubernetes.io/name': 'web-1' } }))).toBe(true);
    expect(applies(block, pod({}, { labels: { 'app.kubernetes.io/name': 'db' } }))).toBe(false);
  });

  it('namespaceSelector uses the namespace labels given with the request', () => {
    const block = 'match:\n  any:\n  - resources:\n      kinds: [Pod]\n      namespaceSelector:\n        matchLabels:\n          env: prod';
    expect(applies(block, pod({}), { namespaceLabels: { env: 'prod' } })).toBe(true);
    expect(applies(block, pod({}), { namespaceLabels: { env: 'dev' } })).toBe(false);
    expect(applies(block, pod({}))).toBe(false);
  });
});

describe('any, all, legacy and user filters', () => {
  it('any needs one filter, all needs every filter', () => {
    const any = 'match:\n  any:\n  - resources:\n      kinds: [Pod]\n      names: [a]\n  - resources:\n      kinds: [Pod]\n      names: [p1]';
    const all = 'match:\n  all:\n  - resources:\n      kinds: [Pod]\n  - resources:\n      names: [other]';
    expect(applies(any, pod({}))).toBe(true);
    expect(applies(all, pod({}))).toBe(false);
  });

  it('the legacy resources form still matches', () => {
    expect(applies('match:\n  resources:\n    kinds: [Pod]', pod({}))).toBe(true);
  });

  it('clusterRoles and subjects select the requester when one is given', () => {
    const block = 'match:\n  any:\n  - resources:\n      kinds: [Pod]\n    clusterRoles: [cluster-admin]';
    expect(applies(block, pod({}), { userInfo: { username: 'alice', clusterRoles: ['cluster-admin'] } })).toBe(true);
    expect(applies(block, pod({}), { userInfo: { username: 'bob', clusterRoles: ['view'] } })).toBe(false);
    const subjects = 'match:\n  any:\n  - resources:\n      kinds: [Pod]\n    subjects:\n    - kind: ServiceAccount\n      name: builder\n      namespace: ci';
    expect(applies(subjects, pod({}), { userInfo: { username: 'system:serviceaccount:ci:builder' } })).toBe(true);
    expect(applies(subjects, pod({}), { userInfo: { username: 'system:serviceaccount:ci:other' } })).toBe(false);
  });
});

describe('exclude', () => {
  it('excluded resources produce no result (docs: exclude by annotation)', () => {
    const blocks = `match:
  any:
  - resources:
      kinds: [Pod]
exclude:
  any:
  - resources:
      annotations:
        policy.test/require-requests-limits: skip`;
    expect(applies(blocks, pod({}))).toBe(true);
    expect(applies(blocks, pod({}, { annotations: { 'policy.test/require-requests-limits': 'skip' } }))).toBe(false);
  });

  it('exclude all needs every filter to match', () => {
    const blocks = `match:
  any:
  - resources:
      kinds: [Pod]
exclude:
  all:
  - resources:
      namespaces: [kube-system]
  - resources:
      names: ["coredns*"]`;
    expect(applies(blocks, pod({}, { name: 'coredns-1', namespace: 'kube-system' }))).toBe(false);
    expect(applies(blocks, pod({}, { name: 'other', namespace: 'kube-system' }))).toBe(true);
  });

  it('exclude by clusterRoles (docs: deny-deletes)', () => {
    const blocks = 'match:\n  any:\n  - resources:\n      kinds: [Pod]\nexclude:\n  any:\n  - clusterRoles: [cluster-admin]';
    expect(applies(blocks, pod({}), { userInfo: { username: 'root', clusterRoles: ['cluster-admin'] } })).toBe(false);
    expect(applies(blocks, pod({}), { userInfo: { username: 'dev', clusterRoles: ['edit'] } })).toBe(true);
  });
});

describe('policy scope', () => {
  it('a namespaced Policy applies only to its own namespace', () => {
    const policy = `
apiVersion: kyverno.io/v1
kind: Policy
metadata:
  name: p
  namespace: team-a
spec:
  rules:
  - name: r
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      deny: {}
`;
    expect(statuses(run(policy, pod({}, { namespace: 'team-a' })))).toEqual(['r=fail']);
    expect(run(policy, pod({}, { namespace: 'team-b' }))).toEqual([]);
  });
});
