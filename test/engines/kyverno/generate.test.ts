import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { KyvernoBackground } from '../../../src/engines/kyverno/index.js';

/**
 * The generate/mutate interpreter on foreign policies, written here in the shapes the kyverno/policies library uses
 * (read with the search tools, not copied): best-practices/add-network-policy (a Namespace trigger generating a
 * default-deny NetworkPolicy from `data` into `{{request.object.metadata.name}}`, synchronized),
 * best-practices/add-ns-quota (two generate rules, ResourceQuota and LimitRange, quantities as strings),
 * psa/add-psa-labels (a mutate rule adding PSA labels with `+()` only when absent) and
 * psa/add-privileged-existing-namespaces (mutate-existing on every Namespace, guarded by a `<(name)` global anchor,
 * which is outside the engine's subset and must be an error, not silently applied).
 */
const ns = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const docs = (text: string) => YAML.parseAllDocuments(text).map((d) => d.toJSON() as unknown);

const networkPolicy = docs(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: add-networkpolicy
spec:
  rules:
    - name: default-deny
      match:
        any:
          - resources:
              kinds: [Namespace]
      exclude:
        any:
          - resources:
              namespaces: [kube-system, kube-public, kyverno]
      generate:
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        name: default-deny
        namespace: "{{request.object.metadata.name}}"
        synchronize: true
        data:
          spec:
            podSelector: {}
            policyTypes: [Ingress, Egress]
`);

describe('Kyverno generate rules (foreign policies)', () => {
  it('generates the default-deny NetworkPolicy in a new namespace, with the tracking labels, and not in an excluded one', () => {
    const cluster = new KyvernoBackground(networkPolicy);
    cluster.admit(ns('team-alpha'), 'CREATE');
    cluster.admit(ns('kube-public'), 'CREATE');
    const np = cluster.get('networking.k8s.io/v1/NetworkPolicy/team-alpha/default-deny');
    expect(np).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {
        name: 'default-deny',
        namespace: 'team-alpha',
        labels: { 'app.kubernetes.io/managed-by': 'kyverno', 'kyverno.io/generated-by-kind': 'Namespace', 'kyverno.io/generated-by-namespace': '', 'kyverno.io/generated-by-name': 'team-alpha' },
      },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    expect(cluster.provenance('networking.k8s.io/v1/NetworkPolicy/team-alpha/default-deny')).toMatchObject({ policy: 'add-networkpolicy', rule: 'default-deny', synchronize: true });
    expect(cluster.get('networking.k8s.io/v1/NetworkPolicy/kube-public/default-deny')).toBeUndefined();
  });

  it('re-creates a deleted synchronized downstream, and does not re-create a non-synchronized one', () => {
    const synced = new KyvernoBackground(networkPolicy);
    synced.admit(ns('a'), 'CREATE');
    synced.delete('networking.k8s.io/v1/NetworkPolicy/a/default-deny');
    synced.admit(ns('a', { touched: 'yes' }), 'UPDATE');
    expect(synced.get('networking.k8s.io/v1/NetworkPolicy/a/default-deny')).toBeDefined();

    const unsynced = new KyvernoBackground(docs(YAML.stringify(networkPolicy[0]).replace('synchronize: true', 'synchronize: false')));
    unsynced.admit(ns('a'), 'CREATE');
    unsynced.delete('networking.k8s.io/v1/NetworkPolicy/a/default-deny');
    unsynced.admit(ns('a', { touched: 'yes' }), 'UPDATE');
    expect(unsynced.get('networking.k8s.io/v1/NetworkPolicy/a/default-deny')).toBeUndefined();
  });

  it('leaves existing namespaces alone unless the rule says generateExisting', () => {
    const plain = new KyvernoBackground(networkPolicy);
    plain.install([ns('old')]);
    expect(plain.get('networking.k8s.io/v1/NetworkPolicy/old/default-deny')).toBeUndefined();
    const existing = new KyvernoBackground(docs(YAML.stringify(networkPolicy[0]).replace('synchronize: true', 'synchronize: true\n        generateExisting: true')));
    existing.install([ns('old')]);
    expect(existing.get('networking.k8s.io/v1/NetworkPolicy/old/default-deny')).toBeDefined();
  });

  it('substitutes variables in names and data, as the namespace quota policy does', () => {
    const cluster = new KyvernoBackground(
      docs(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: add-ns-quota
spec:
  rules:
    - name: generate-resourcequota
      match:
        any:
          - resources:
              kinds: [Namespace]
      generate:
        apiVersion: v1
        kind: ResourceQuota
        name: "{{request.object.metadata.name}}-quota"
        namespace: "{{request.object.metadata.name}}"
        synchronize: true
        data:
          metadata:
            labels:
              team: "{{request.object.metadata.labels.team}}"
          spec:
            hard:
              requests.cpu: "4"
              requests.memory: 16Gi
    - name: generate-limitrange
      match:
        any:
          - resources:
              kinds: [Namespace]
      generate:
        apiVersion: v1
        kind: LimitRange
        name: default-limits
        namespace: "{{request.object.metadata.name}}"
        data:
          spec:
            limits:
              - type: Container
                default: { cpu: 500m, memory: 1Gi }
`),
    );
    cluster.admit(ns('shop', { team: 'web' }), 'CREATE');
    const quota = cluster.get('v1/ResourceQuota/shop/shop-quota');
    expect(quota?.['spec']).toEqual({ hard: { 'requests.cpu': '4', 'requests.memory': '16Gi' } });
    expect((quota?.['metadata'] as { labels: Record<string, string> }).labels['team']).toBe('web');
    expect(cluster.provenance('v1/LimitRange/shop/default-limits')).toMatchObject({ synchronize: false });
  });

  it('reports a clone source as outside its subset', () => {
    const cluster = new KyvernoBackground(
      docs(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: { name: sync-secrets }
spec:
  rules:
    - name: sync-image-pull-secret
      match: { any: [{ resources: { kinds: [Namespace] } }] }
      generate:
        apiVersion: v1
        kind: Secret
        name: regcred
        namespace: "{{request.object.metadata.name}}"
        synchronize: true
        clone: { namespace: default, name: regcred }
`),
    );
    cluster.admit(ns('shop'), 'CREATE');
    expect(cluster.results).toEqual([{ policy: 'sync-secrets', rule: 'sync-image-pull-secret', status: 'error', message: 'generate.clone is outside the engine subset' }]);
    expect(cluster.objects().map((o) => o['kind'])).toEqual(['Namespace']);
  });
});

describe('Kyverno mutate rules on namespaces (foreign policies)', () => {
  const addPsaLabels = docs(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: add-psa-labels
spec:
  rules:
    - name: add-baseline-enforce-restricted-warn
      match:
        any:
          - resources:
              kinds: [Namespace]
      mutate:
        patchStrategicMerge:
          metadata:
            labels:
              +(pod-security.kubernetes.io/enforce): baseline
              +(pod-security.kubernetes.io/warn): restricted
`);

  // Upstream's own Kyverno CLI test of add-psa-labels (psa/add-psa-labels, .kyverno-test at 88d92ec) expects the
  // unlabelled namespace `test` patched to exactly these two labels (its patchedResource.yaml at 6877e63).
  it('adds the labels only where they are absent', () => {
    const cluster = new KyvernoBackground(addPsaLabels);
    const fresh = cluster.admit(ns('fresh'), 'CREATE');
    expect((fresh['metadata'] as { labels: unknown }).labels).toEqual({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' });
    const own = cluster.admit(ns('own', { 'pod-security.kubernetes.io/enforce': 'privileged' }), 'CREATE');
    expect((own['metadata'] as { labels: unknown }).labels).toEqual({ 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/warn': 'restricted' });
  });

  it('does not mutate existing namespaces without targets', () => {
    const cluster = new KyvernoBackground(addPsaLabels);
    cluster.install([ns('old')]);
    expect(cluster.get('v1/Namespace//old')?.['metadata']).toEqual({ name: 'old', labels: {} });
  });

  it('refuses a global anchor in a mutate-existing patch instead of applying it unguarded', () => {
    const cluster = new KyvernoBackground(
      docs(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: { name: add-privileged-existing-namespaces }
spec:
  rules:
    - name: label-privileged-namespaces
      match: { any: [{ resources: { kinds: [Namespace] } }] }
      mutate:
        mutateExistingOnPolicyUpdate: true
        targets: [{ apiVersion: v1, kind: Namespace }]
        patchStrategicMerge:
          metadata:
            <(name): "!kube-system"
            labels:
              pod-security.kubernetes.io/enforce: privileged
`),
    );
    cluster.install([ns('kube-system'), ns('apps')]);
    expect(cluster.get('v1/Namespace//kube-system')?.['metadata']).toEqual({ name: 'kube-system', labels: {} });
    expect(cluster.results.every((r) => r.status === 'error' && r.message.includes('outside the engine'))).toBe(true);
    expect(cluster.results.length).toBeGreaterThan(0);
  });

  it('mutate-existing with the spec-level field still applies (deprecated, still read)', () => {
    const cluster = new KyvernoBackground(
      docs(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: { name: label-existing }
spec:
  mutateExistingOnPolicyUpdate: true
  rules:
    - name: label
      match: { any: [{ resources: { kinds: [Namespace], names: [apps] } }] }
      mutate:
        targets: [{ apiVersion: v1, kind: Namespace, name: "{{request.object.metadata.name}}" }]
        patchStrategicMerge: { metadata: { labels: { tier: apps } } }
`),
    );
    cluster.install([ns('apps'), ns('other')]);
    expect((cluster.get('v1/Namespace//apps')?.['metadata'] as { labels: unknown }).labels).toEqual({ tier: 'apps' });
    expect((cluster.get('v1/Namespace//other')?.['metadata'] as { labels: unknown }).labels).toEqual({});
  });
});
