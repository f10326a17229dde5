import { describe, expect, it } from 'vitest';
import type { EmittedFile } from '../../src/backends/backend.js';
import { compileTo } from '../../src/compile.js';
import { engineAdapters } from '../../src/verify/adapters/index.js';
import { renderDisagreement } from '../../src/verify/index.js';
import { verifyPolicies } from '../../src/verify/verify.js';
import { dsl, irOf } from '../helpers/dsl.js';

/**
 * `applies to` a removed API version (docs/language/scope.md, "Removed API versions"): verify generates objects of
 * every subject, each keeping its apiVersion and kind (the API server sets both from the endpoint), and every
 * backend matches the exact version; an artifact that matches the served version in its place is caught.
 */
const set = irOf(dsl`
  policy removed-apis {
    applies to "apps/v1beta1" Deployment, StatefulSet
    applies to "extensions/v1beta1" Ingress
    applies to "batch/v1beta1" CronJob
    applies to "apps/v1" Deployment
    applies to "networking.k8s.io/v1" Ingress

    rule removed {
      forbid apiVersion in ["apps/v1beta1", "extensions/v1beta1", "batch/v1beta1"]
      message "{apiVersion} {kind} is no longer served"
    }
  }`);

type Target = 'kyverno' | 'gatekeeper' | 'vap' | 'kyverno-cel';

function mutate(files: readonly EmittedFile[], from: RegExp, to: string): EmittedFile[] {
  let hits = 0;
  const out = files.map((f) => ({ ...f, content: f.content.replace(from, () => (hits++, to)) }));
  expect(hits, `the mutation ${from} must apply to the emitted text`).toBeGreaterThan(0);
  return out;
}

async function reportOf(target: Target, mutation?: [RegExp, string]) {
  const out = await compileTo(set, [target]);
  expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const files = mutation ? mutate(out.value ?? [], ...mutation) : (out.value ?? []);
  const [report] = verifyPolicies(set, engineAdapters[target]!(files), { runs: 300, seed: 7 });
  return report;
}

describe('verify on removed API versions', () => {
  for (const target of ['kyverno', 'gatekeeper', 'vap', 'kyverno-cel'] as const) {
    it(`${target}: agrees with the semantics, the rule both violated and satisfied`, async () => {
      const report = await reportOf(target);
      expect(report?.disagreement && renderDisagreement(report.disagreement)).toBeUndefined();
      expect(report?.outcomes['removed']?.fail).toBeGreaterThan(0);
      expect(report?.outcomes['removed']?.pass).toBeGreaterThan(0);
    });
  }

  it('psa refuses it (SP2001), as any rule that is not a Pod Security level', async () => {
    const out = await compileTo(set, ['psa']);
    expect(out.diagnostics.map((d) => d.code)).toContain('SP2001');
  });

  const mutations: [string, Target, RegExp, string][] = [
    ['kyverno matches apps/v1 where the rule names apps/v1beta1', 'kyverno', /apps\/v1beta1\/Deployment/g, 'apps/v1/Deployment'],
    ['gatekeeper views apps/v1 objects where the rule names apps/v1beta1', 'gatekeeper', /input\.review\.object\.apiVersion == "apps\/v1beta1"/g, 'input.review.object.apiVersion == "apps/v1"'],
  ];
  for (const [name, target, from, to] of mutations) {
    it(`catches: ${name}`, async () => {
      expect((await reportOf(target, [from, to]))?.disagreement, 'a counterexample').toBeDefined();
    });
  }
});
