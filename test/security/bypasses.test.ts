/**
 * Bypasses an attacker would try (issue 22; docs/security.md "Bypasses considered"), each judged by the reference
 * semantics and by every backend's engine on its emitted artifacts.
 */
import { describe, expect, it } from 'vitest';
import { compileTo } from '../../src/compile.js';
import { evaluatePolicy } from '../../src/eval/index.js';
import { engineAdapters } from '../../src/verify/adapters/index.js';
import { adapterLabel, type EngineAdapter, type GeneratedRequest } from '../../src/verify/index.js';
import { dsl, irOf } from '../helpers/dsl.js';

async function judges(text: string, targets: readonly ('kyverno' | 'gatekeeper' | 'vap' | 'psa')[] = ['kyverno', 'gatekeeper', 'vap']): Promise<{ verdicts: (request: GeneratedRequest, rule?: string) => Record<string, boolean> }> {
  const set = irOf(text);
  const policy = set.policies[0]!;
  const adapters: EngineAdapter[] = [];
  for (const target of targets) {
    const out = await compileTo(set, [target]);
    expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    adapters.push(...engineAdapters[target]!(out.value!));
  }
  return {
    verdicts(request, rule = policy.rules[0]?.name ?? 'pod-security-enforce') {
      const out: Record<string, boolean> = {};
      const ir = evaluatePolicy(policy, {
        object: request.object,
        operation: request.operation,
        ...(request.namespace ? { namespace: request.namespace } : {}),
        namespaceLabels: request.namespaceLabels,
        ...(request.subResource ? { subResource: request.subResource } : {}),
        ...(request.userInfo ? { userInfo: request.userInfo } : {}),
      });
      out['ir'] = ir.rules.find((r) => r.rule === rule)!.outcome === 'fail';
      for (const a of adapters) {
        const v = a.evaluate(request);
        if (v && !(a.backend === 'psa' && !v.has(`${policy.name}/${rule}`))) out[adapterLabel(a)] = v.get(`${policy.name}/${rule}`)?.violated ?? false;
      }
      return out;
    },
  };
}

const deployment = (namespace: string, templateNamespace: string): GeneratedRequest => ({
  object: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace },
    spec: { template: { metadata: { namespace: templateNamespace, name: 'decoy' }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } } },
  },
  operation: 'CREATE',
  namespace,
  namespaceLabels: { 'kubernetes.io/metadata.name': namespace },
});

describe('bypasses considered', () => {
  it('a pod rule reads the namespace and name of the controller as applied, not its template (issue 22 item 3)', async () => {
    const j = await judges(dsl`
      policy no-default {
        applies to pods
        rule not-in-default {
          forbid metadata.namespace = "default"
        }
      }`);
    const everywhere = (v: boolean) => ({ ir: v, kyverno: v, gatekeeper: v, 'gatekeeper-audit': v, vap: v });
    // The template claims another namespace; the API server creates the pods in default anyway.
    expect(j.verdicts(deployment('default', 'tenant-a'))).toEqual(everywhere(true));
    expect(j.verdicts(deployment('tenant-a', 'default'))).toEqual(everywhere(false));
  });

  describe('kubectl debug adds containers through the pods/ephemeralcontainers subresource (issue 22 item 1)', () => {
    // What `kubectl debug` sends: an UPDATE of the subresource whose object is the whole Pod, new ephemeral container included.
    const debug = (ephemeral: Record<string, unknown>, subResource = 'ephemeralcontainers'): GeneratedRequest => ({
      object: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'checkout-5d8f7b9c4-q2x7m', namespace: 'shop' },
        spec: { containers: [{ name: 'checkout', image: 'nginx:1.25' }], ephemeralContainers: [{ name: 'debugger', image: 'busybox:1.36', targetContainerName: 'checkout', ...ephemeral }] },
      },
      operation: 'UPDATE',
      namespace: 'shop',
      namespaceLabels: { 'kubernetes.io/metadata.name': 'shop' },
      subResource,
      userInfo: { username: 'alice' },
    });
    const everywhere = (v: boolean) => ({ ir: v, kyverno: v, gatekeeper: v, vap: v });

    it('a privileged ephemeral container added by the subresource is judged by every backend', async () => {
      const j = await judges(dsl`
        policy privileged {
          applies to pods
          rule no-privileged {
            forbid any container has securityContext.privileged = true
          }
        }`);
      // Before: VAP listed only `pods`, which Kubernetes' rule matching never applies to a subresource request.
      expect(j.verdicts(debug({ securityContext: { privileged: true } }))).toEqual(everywhere(true));
      expect(j.verdicts(debug({ securityContext: { privileged: false } }))).toEqual(everywhere(false));
      // Another subresource of a Pod is out of every rule's scope (semantics §1). Gatekeeper's constraints match by
      // kind, so they judge any Pod subresource its webhook is sent (pods/resize, not pods/status): docs/backends/gatekeeper.md.
      expect(j.verdicts(debug({ securityContext: { privileged: true } }, 'resize'))).toEqual({ ...everywhere(false), gatekeeper: true });
    });

    it('a policy limited to create never sees the subresource, an UPDATE (documented in semantics §1)', async () => {
      const j = await judges(dsl`
        policy privileged {
          applies to pods
          on create
          rule no-privileged {
            forbid any container has securityContext.privileged = true
          }
        }`);
      expect(j.verdicts(debug({ securityContext: { privileged: true } }))).toEqual(everywhere(false));
    });

    it('Pod Security Admission judges the subresource as the pod', async () => {
      const j = await judges(
        dsl`
          policy pss {
            applies to pods
            in namespaces "shop"
            enforce pod-security baseline version v1.30
          }`,
        ['kyverno', 'gatekeeper', 'vap', 'psa'],
      );
      expect(j.verdicts(debug({ securityContext: { privileged: true } }))).toEqual({ ...everywhere(true), psa: true });
      expect(j.verdicts(debug({}))).toEqual({ ...everywhere(false), psa: false });
    });
  });

  describe('a workload exception exempts the workload and what its controllers create, not a name prefix (issue 22 item 2)', () => {
    const policy = dsl`
      policy host-namespaces {
        applies to pods
        rule no-host-network {
          forbid spec.hostNetwork = true
        }
        exception agents {
          workloads DaemonSet "monitoring/node-exporter", Deployment "monitoring/kube-state-metrics", CronJob "monitoring/scraper"
          reason "host network metrics"
        }
      }`;
    const owner = (apiVersion: string, kind: string, name: string, controller: boolean | 'absent' = true) => [{ apiVersion, kind, name, uid: 'u', ...(controller === 'absent' ? {} : { controller }) }];
    const object = (apiVersion: string, kind: string, name: string, ownerReferences?: unknown[]) => {
      const podSpec = { hostNetwork: true, containers: [{ name: 'c', image: 'busybox:1.36' }] };
      const spec = kind === 'Pod' ? podSpec : { template: { spec: podSpec } };
      return { apiVersion, kind, metadata: { name, namespace: 'monitoring', ...(ownerReferences ? { ownerReferences } : {}) }, spec };
    };
    const request = (o: Record<string, unknown>, username?: string): GeneratedRequest => ({
      object: o,
      operation: 'CREATE',
      namespace: 'monitoring',
      namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' },
      ...(username ? { userInfo: { username } } : {}),
    });
    const sa = (name: string) => `system:serviceaccount:kube-system:${name}`;
    const admission = (v: boolean) => ({ ir: v, kyverno: v, gatekeeper: v, vap: v });

    it('exempts the workloads themselves and the objects their controllers send', async () => {
      const j = await judges(policy);
      expect(j.verdicts(request(object('apps/v1', 'DaemonSet', 'node-exporter'), 'alice'))).toEqual(admission(false));
      expect(j.verdicts(request(object('v1', 'Pod', 'node-exporter-x7k2p', owner('apps/v1', 'DaemonSet', 'node-exporter')), sa('daemon-set-controller')))).toEqual(admission(false));
      expect(j.verdicts(request(object('v1', 'Pod', 'node-exporter-x7k2p', owner('apps/v1', 'DaemonSet', 'node-exporter')), 'system:kube-controller-manager'))).toEqual(admission(false));
      // Deployment → ReplicaSet (deployment controller) → Pod (ReplicaSet controller); CronJob → Job → Pod.
      expect(j.verdicts(request(object('apps/v1', 'ReplicaSet', 'kube-state-metrics-7f9c5d', owner('apps/v1', 'Deployment', 'kube-state-metrics')), sa('deployment-controller')))).toEqual(admission(false));
      expect(j.verdicts(request(object('v1', 'Pod', 'kube-state-metrics-7f9c5d-abcde', owner('apps/v1', 'ReplicaSet', 'kube-state-metrics-7f9c5d')), sa('replicaset-controller')))).toEqual(admission(false));
      expect(j.verdicts(request(object('batch/v1', 'Job', 'scraper-28930211', owner('batch/v1', 'CronJob', 'scraper')), sa('cronjob-controller')))).toEqual(admission(false));
      expect(j.verdicts(request(object('v1', 'Pod', 'scraper-28930211-q2x7m', owner('batch/v1', 'Job', 'scraper-28930211')), sa('job-controller')))).toEqual(admission(false));
    });

    it('judges a look-alike pod written by a user, whatever its name and ownerReferences say', async () => {
      const j = await judges(policy);
      // Before: exempt in the semantics, Kyverno (names: node-exporter-*), Gatekeeper and VAP (startsWith).
      const spoofed = object('v1', 'Pod', 'node-exporter-anything', owner('apps/v1', 'DaemonSet', 'node-exporter'));
      expect(j.verdicts(request(spoofed, 'alice'))).toEqual(admission(true));
      expect(j.verdicts(request(spoofed, 'system:serviceaccount:monitoring:default'))).toEqual(admission(true));
      // Nobody known (an audit of an existing pod): nothing proves the DaemonSet controller created it.
      expect(j.verdicts(request(spoofed))).toEqual({ ...admission(true), 'gatekeeper-audit': true });
    });

    it('judges what a controller sends for another workload, another level or a forged reference', async () => {
      const j = await judges(policy);
      const cases: [Record<string, unknown>, string][] = [
        // Another DaemonSet's pod, a non-controller reference, a reference of another kind or apiVersion.
        [object('v1', 'Pod', 'node-exporter-x7k2p', owner('apps/v1', 'DaemonSet', 'node-exporter-evil')), sa('daemon-set-controller')],
        [object('v1', 'Pod', 'node-exporter-x7k2p', owner('apps/v1', 'DaemonSet', 'node-exporter', false)), sa('daemon-set-controller')],
        [object('v1', 'Pod', 'node-exporter-x7k2p', owner('apps/v1', 'DaemonSet', 'node-exporter', 'absent')), sa('daemon-set-controller')],
        [object('v1', 'Pod', 'node-exporter-x7k2p', owner('apps/v1', 'StatefulSet', 'node-exporter')), sa('daemon-set-controller')],
        [object('v1', 'Pod', 'node-exporter-x7k2p', owner('extensions/v1beta1', 'DaemonSet', 'node-exporter')), sa('daemon-set-controller')],
        // The right reference sent by the wrong controller.
        [object('v1', 'Pod', 'node-exporter-x7k2p', owner('apps/v1', 'DaemonSet', 'node-exporter')), sa('replicaset-controller')],
        // A pod of another deployment's ReplicaSet (kube-state-metrics-evil's), or of a ReplicaSet not named <name>-<suffix>.
        [object('v1', 'Pod', 'x', owner('apps/v1', 'ReplicaSet', 'kube-state-metrics-evil-7f9c5d')), sa('replicaset-controller')],
        [object('v1', 'Pod', 'x', owner('apps/v1', 'ReplicaSet', 'kube-state-metrics-')), sa('replicaset-controller')],
        [object('v1', 'Pod', 'x', owner('apps/v1', 'ReplicaSet', 'kube-state-metrics')), sa('replicaset-controller')],
        // A pod directly owned by the Deployment (no controller creates one), a ReplicaSet sent by the ReplicaSet controller.
        [object('v1', 'Pod', 'x', owner('apps/v1', 'Deployment', 'kube-state-metrics')), sa('replicaset-controller')],
        [object('apps/v1', 'ReplicaSet', 'kube-state-metrics-7f9c5d', owner('apps/v1', 'Deployment', 'kube-state-metrics')), sa('replicaset-controller')],
      ];
      for (const [o, user] of cases) expect(j.verdicts(request(o, user)), JSON.stringify([o['metadata'], user])).toEqual(admission(true));
    });
  });
});
