import { describe, expect, it } from 'vitest';
import { evaluateResource, loadKyvernoDocuments } from '../../../src/engines/kyverno/index.js';
import { apiGet } from '../../../src/engines/kyverno/context.js';

/** Rule `context` API calls over an offline cluster (src/engines/kyverno/context.ts, docs/engines/kyverno.md). */
const roles = [
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'b', namespace: 'shop' } },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'a', namespace: 'shop' } },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'a', namespace: 'billing' } },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'view' } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'shop' }, data: { k: 'v' } },
];

describe('apiGet: the API server over a snapshot', () => {
  it('lists a kind across namespaces, in namespace/name order, or in one namespace', () => {
    expect((apiGet('/apis/rbac.authorization.k8s.io/v1/roles', roles) as { items: { metadata: { namespace: string; name: string } }[] }).items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual(['billing/a', 'shop/a', 'shop/b']);
    expect((apiGet('/apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles', roles) as { kind: string; items: unknown[] }).items).toHaveLength(2);
    expect((apiGet('/api/v1/namespaces/shop/configmaps', roles) as { kind: string }).kind).toBe('ConfigMapList');
  });

  it('gets one object, and a missing one (or an unknown path, a query string) fails', () => {
    expect(apiGet('/apis/rbac.authorization.k8s.io/v1/clusterroles/view', roles)).toMatchObject({ kind: 'ClusterRole' });
    expect(() => apiGet('/apis/rbac.authorization.k8s.io/v1/clusterroles/edit', roles)).toThrow(/not found/);
    expect(() => apiGet('/apis/rbac.authorization.k8s.io', roles)).toThrow();
    expect(() => apiGet('/apis/rbac.authorization.k8s.io/v1/clusterroles/view?x=1', roles)).toThrow(/query/);
  });
});

function policy(apiCall: Record<string, unknown>, key: string) {
  return loadKyvernoDocuments([
    {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'p' },
      spec: {
        rules: [
          {
            name: 'r',
            match: { any: [{ resources: { kinds: ['ConfigMap'] } }] },
            context: [{ name: 'fetched', apiCall }],
            validate: { failureAction: 'Enforce', message: 'found {{ fetched }}', deny: { conditions: { all: [{ key, operator: 'Equals', value: true }] } } },
          },
        ],
      },
    },
  ]).policies;
}

const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'shop' } };

describe('context apiCall entries (Kyverno: fetch, then jmesPath; default on a failed fetch)', () => {
  it('a fetched list is transformed by jmesPath and read by the rule', () => {
    const [r] = evaluateResource(policy({ urlPath: '/apis/rbac.authorization.k8s.io/v1/namespaces/{{ request.namespace }}/roles', jmesPath: 'items[].metadata.name' }, "{{ contains(fetched, 'a') }}"), object, { cluster: roles });
    expect(r?.status).toBe('fail');
  });

  it('a failed fetch takes `default`, untransformed', () => {
    const [r] = evaluateResource(policy({ urlPath: '/apis/rbac.authorization.k8s.io/v1/clusterroles/edit', jmesPath: 'metadata.name', default: 'none' }, "{{ fetched == 'none' }}"), object, { cluster: roles });
    expect(r?.status).toBe('fail');
  });

  it('a failed fetch without `default` is a rule error, and so is no cluster at all', () => {
    const p = policy({ urlPath: '/apis/rbac.authorization.k8s.io/v1/clusterroles/edit' }, '{{ true }}');
    expect(evaluateResource(p, object, { cluster: roles })[0]).toMatchObject({ status: 'error', message: expect.stringMatching(/^failed to load context/) });
    expect(evaluateResource(p, object, {})[0]?.status).toBe('error');
  });

  it('a jmesPath that fails on a fetched response is an error even with `default`', () => {
    const [r] = evaluateResource(policy({ urlPath: '/apis/rbac.authorization.k8s.io/v1/clusterroles/view', jmesPath: 'length(`1`, `2`)', default: [] }, '{{ true }}'), object, { cluster: roles });
    expect(r?.status).toBe('error');
  });
});
