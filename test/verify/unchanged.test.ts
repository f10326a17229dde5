import { describe, expect, it } from 'vitest';
import { compileTo } from '../../src/compile.js';
import { renderDisagreement } from '../../src/verify/index.js';
import { dsl, irOf } from '../helpers/dsl.js';
import { verifyReports, type Mutation } from '../helpers/verify-artifacts.js';

/**
 * `PATH is unchanged` (docs/language/changes.md): verify gives UPDATE requests an old object that keeps, unsets or
 * changes the value; Gatekeeper, Kyverno and the two CEL backends (vap, kyverno-cel: `oldObject` and
 * `request.operation`) must agree with the semantics, and artifacts that read the wrong object, ignore the operation
 * or take two missing values for a change are caught.
 */
const set = irOf(dsl`
  policy service-accounts {
    in namespaces "kube-system"

    rule template-service-account {
      applies to "apps/v1" Deployment, DaemonSet
      applies to "v1" ReplicationController
      require spec.template.spec.serviceAccountName exists and spec.template.spec.serviceAccountName is unchanged
    }

    rule cronjob-service-account {
      applies to "batch/v1" CronJob
      forbid not spec.jobTemplate.spec.template.spec.serviceAccountName is unchanged
    }

    rule selector {
      applies to "apps/v1" Deployment
      require spec.selector is unchanged
    }
  }`);

type Target = 'kyverno' | 'gatekeeper' | 'vap' | 'kyverno-cel';

const reportOf = async (target: Target, mutation?: Mutation, runs = 400) => (await verifyReports(set, target, { seed: 31, runs, ...(mutation ? { mutation } : {}) }))[0];

describe('verify on `is unchanged`', () => {
  for (const target of ['kyverno', 'gatekeeper', 'vap', 'kyverno-cel'] as const) {
    it(`${target}: agrees with the semantics, every rule both violated and satisfied`, async () => {
      const report = await reportOf(target);
      expect(report?.disagreement && renderDisagreement(report.disagreement)).toBeUndefined();
      for (const rule of ['template-service-account', 'cronjob-service-account', 'selector']) {
        expect(report?.outcomes[rule]?.fail, `${rule} violated`).toBeGreaterThan(0);
        expect(report?.outcomes[rule]?.pass, `${rule} satisfied`).toBeGreaterThan(0);
      }
    });
  }

  it('vap and kyverno-cel read oldObject and request.operation (no SP2001)', async () => {
    for (const target of ['vap', 'kyverno-cel'] as const) {
      const out = await compileTo(set, [target]);
      expect(out.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
      const text = (out.value ?? []).map((f) => f.content).join('\n');
      expect(text).toContain('oldObject.spec.selector');
      expect(text).toContain('request.operation != \\"UPDATE\\"');
    }
  });

  // A space of the emitted CEL, which the YAML writer may fold into ` \`, a line break and indentation.
  const sp = String.raw`[ \\\n]+`;
  const cel = (text: string) => new RegExp(text.split(' ').map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join(sp), 'g');
  const mutations: [string, Target, RegExp, string][] = [
    ['gatekeeper compares the object with itself', 'gatekeeper', /object\.get\(input\.review, "oldObject", null\)/g, 'input.review.object'],
    ['gatekeeper judges CREATE requests too', 'gatekeeper', /review_operation != "UPDATE"/g, 'review_operation == "DELETE"'],
    ['kyverno compares the object with itself', 'kyverno', /\[request\.oldObject\./g, '[request.object.'],
    ['vap compares the object with itself', 'vap', cel('== oldObject.'), '== object.'],
    ['vap judges CREATE requests too', 'vap', cel('request.operation != \\"UPDATE\\"'), 'request.operation == \\"DELETE\\"'],
    ['vap takes two missing values for a change', 'vap', cel(': !(type(oldObject) == map'), ': (type(oldObject) == map'],
    ['kyverno-cel compares the object with itself', 'kyverno-cel', cel('== oldObject.'), '== object.'],
    ['kyverno-cel judges CREATE requests too', 'kyverno-cel', cel('request.operation != \\"UPDATE\\"'), 'request.operation == \\"DELETE\\"'],
  ];
  for (const [name, target, from, to] of mutations) {
    it(`catches: ${name}`, async () => {
      expect((await reportOf(target, [from, to], 1000))?.disagreement, 'a counterexample').toBeDefined();
    });
  }
});
