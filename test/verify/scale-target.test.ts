import { describe, expect, it } from 'vitest';
import { compileTo } from '../../src/compile.js';
import { renderDisagreement } from '../../src/verify/index.js';
import { dsl, irOf } from '../helpers/dsl.js';
import { verifyReports, type Mutation } from '../helpers/verify-artifacts.js';

/**
 * `scale target referenced by spec.scaleTargetRef` (docs/language/references.md): verify generates HPAs naming
 * Deployments, StatefulSets, ReplicaSets and ReplicationControllers by apiVersion, kind and name (and pairs that name
 * nothing: another apiVersion, a kind without scale, no apiVersion), and beside them targets present or missing, in
 * the HPA's namespace or another, under each of those apiVersions and kinds; Gatekeeper and Kyverno must agree with
 * the semantics, and artifacts that pick the target wrongly are caught.
 */
const set = irOf(dsl`
  policy autoscaling {
    applies to "autoscaling/v2" HorizontalPodAutoscaler
    applies to "autoscaling/v1" HorizontalPodAutoscaler

    rule target-exists {
      require any scale target referenced by spec.scaleTargetRef has metadata.name exists
    }

    rule target-labelled {
      require every scale target referenced by spec.scaleTargetRef has metadata.labels.autoscaled = "yes"
    }

    rule no-fixed-target {
      forbid any scale target referenced by spec.scaleTargetRef has spec.replicas exists
    }
  }`);

type Target = 'kyverno' | 'gatekeeper';

const reportOf = async (target: Target, mutation?: Mutation, runs = 400) => (await verifyReports(set, target, { seed: 31, runs, ...(mutation ? { mutation } : {}) }))[0];

describe('verify on scale target references', () => {
  for (const target of ['kyverno', 'gatekeeper'] as const) {
    it(`${target}: agrees with the semantics, every rule both violated and satisfied`, async () => {
      const report = await reportOf(target);
      expect(report?.disagreement && renderDisagreement(report.disagreement)).toBeUndefined();
      for (const rule of ['target-exists', 'target-labelled', 'no-fixed-target']) {
        expect(report?.outcomes[rule]?.fail, `${rule} violated`).toBeGreaterThan(0);
        expect(report?.outcomes[rule]?.pass, `${rule} satisfied`).toBeGreaterThan(0);
      }
    });
  }

  it('vap, kyverno-cel and psa refuse it (SP2001 naming the reference)', async () => {
    for (const target of ['vap', 'kyverno-cel', 'psa'] as const) {
      const text = (await compileTo(set, [target])).diagnostics.map((d) => `${d.code} ${d.message}`).join('\n');
      expect(text).toContain('SP2001');
      if (target !== 'psa') expect(text).toContain('`scale target referenced by spec.scaleTargetRef`');
    }
  });

  const mutations: [string, Target, RegExp, string][] = [
    ['gatekeeper ignores the apiVersion', 'gatekeeper', /\tvalue_at\(obj, \["spec", "scaleTargetRef", "apiVersion"\]\) == "apps\/v1"\n/g, ''],
    ['gatekeeper looks targets up in every namespace', 'gatekeeper', /data\.inventory\.namespace\[ns\]/g, 'data.inventory.namespace[_]'],
    ['gatekeeper takes a StatefulSet for a Deployment', 'gatekeeper', /\["apps\/v1"\]\["Deployment"\]\[name\]/g, '["apps/v1"]["StatefulSet"][name]'],
    ['kyverno ignores the apiVersion', 'kyverno', /scaleTargetRef\.apiVersion\]\[0\] == 'apps\/v1'/g, "scaleTargetRef.apiVersion][0] != 'none'"],
    ['kyverno lists DaemonSets in place of StatefulSets', 'kyverno', /"\/apis\/apps\/v1\/statefulsets"/g, '"/apis/apps/v1/daemonsets"'],
  ];
  for (const [name, target, from, to] of mutations) {
    it(`catches: ${name}`, async () => {
      expect((await reportOf(target, [from, to], 1000))?.disagreement, 'a counterexample').toBeDefined();
    });
  }
});
