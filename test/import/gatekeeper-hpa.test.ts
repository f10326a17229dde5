/**
 * gatekeeper-library K8sHorizontalPodAutoscaler (src/import/gatekeeper-hpa.ts): replica ranges, the min/max spread as a
 * field-to-field comparison, and the scaleTargetRef as `scale target referenced by spec.scaleTargetRef` limited to the
 * kinds the template syncs; proven by --verify on the corpus sample, with originals that behave differently caught.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPolicies } from '../../src/import/index.js';
import { corpusPath, hasCorpus } from '../helpers/corpora.js';

const options = { today: '2026-06-01', verify: { runs: 300, seed: 5 } };

const root = () => corpusPath('gatekeeper', 'library', 'general', 'horizontalpodautoscaler');
const template = () => ({ path: join(root(), 'template.yaml'), text: readFileSync(join(root(), 'template.yaml'), 'utf8') });
const constraint = () => {
  const path = join(root(), 'samples', 'horizontalpodautoscaler', 'constraint.yaml');
  return { path, text: readFileSync(path, 'utf8') };
};

async function importOf(inputs: { path: string; text: string }[]) {
  const r = await importPolicies(inputs, options);
  return { rules: r.value!.rules.map((x) => x.status), codes: r.diagnostics.map((d) => d.code), text: r.value!.files.map((f) => f.text).join(''), messages: r.diagnostics.map((d) => d.message).join('\n') };
}

describe.skipIf(!hasCorpus('gatekeeper'))('import: K8sHorizontalPodAutoscaler', () => {
  it('the sample Constraint is proven as one rule over both HPA versions', async () => {
    const r = await importOf([template(), constraint()]);
    expect(r).toMatchObject({ rules: ['proven'], codes: [] });
    expect(r.text).toContain('applies to "autoscaling/v2" HorizontalPodAutoscaler');
    expect(r.text).toContain('applies to "autoscaling/v1" HorizontalPodAutoscaler');
    expect(r.text).toContain('require (spec.minReplicas >= 3 and spec.maxReplicas <= 6) and spec.maxReplicas >= spec.minReplicas + 1 and (not spec.scaleTargetRef.apiVersion exists or spec.scaleTargetRef.kind in ["Deployment", "StatefulSet"] and any scale target referenced by spec.scaleTargetRef has metadata.name exists)');
  }, 120_000);

  it('without enforceScaleTargetRef, with two ranges and a spread of 0 it is proven too', async () => {
    const c = constraint();
    const text = c.text.replace('enforceScaleTargetRef: true', 'enforceScaleTargetRef: false').replace('minimumReplicaSpread: 1', 'minimumReplicaSpread: 0').replace(/ranges:\n/, 'ranges:\n    - min_replicas: 1\n      max_replicas: 2\n');
    expect(text).not.toBe(c.text);
    const r = await importOf([template(), { ...c, text }]);
    expect(r).toMatchObject({ rules: ['proven'], codes: [] });
    expect(r.text).toContain('require (spec.minReplicas >= 1 and spec.maxReplicas <= 2 or spec.minReplicas >= 3 and spec.maxReplicas <= 6) and spec.maxReplicas >= spec.minReplicas\n');
  }, 120_000);

  it('without minimumReplicaSpread or ranges that check reports nothing (its message is undefined): proven without it', async () => {
    for (const [from, left] of [[/\n\s*minimumReplicaSpread: 1/, 'spec.maxReplicas >= spec.minReplicas'], [/\n\s*ranges:\n\s*- min_replicas: 3\n\s*max_replicas: 6/, 'spec.minReplicas >= 3']] as const) {
      const c = constraint();
      const text = c.text.replace(from, '');
      expect(text).not.toBe(c.text);
      const r = await importOf([template(), { ...c, text }]);
      expect(r).toMatchObject({ rules: ['proven'], codes: [] });
      expect(r.text).not.toContain(left);
    }
  }, 120_000);

  it('empty ranges (the template then reports every HPA) stay SP3001', async () => {
    const c = constraint();
    const text = c.text.replace(/ranges:\n\s*- min_replicas: 3\n\s*max_replicas: 6/, 'ranges: []');
    expect(text).not.toBe(c.text);
    const r = await importOf([template(), { ...c, text }]);
    expect(r.codes).toEqual(['SP3001']);
    expect(r.messages).toContain('reports every HorizontalPodAutoscaler');
  }, 60_000);

  const edits: [string, RegExp, string][] = [
    ['exclusive ranges', /range\.min_replicas <= min_provided/, 'range.min_replicas < min_provided'],
    ['a strict spread', /\) >= input\.parameters\.minimumReplicaSpread/, ') > input.parameters.minimumReplicaSpread'],
    ['a scale target looked up in the default namespace', /data\.inventory\.namespace\[hpa\.metadata\.namespace\]/, 'data.inventory.namespace["default"]'],
    ['a scale target looked up as apps/v1 whatever its apiVersion', /\[hpa\.spec\.scaleTargetRef\.apiVersion\]\[hpa\.spec\.scaleTargetRef\.kind\]/, '["apps/v1"][hpa.spec.scaleTargetRef.kind]'],
  ];
  for (const [name, from, to] of edits) {
    it(`an original with ${name} is caught`, async () => {
      const t = template();
      const text = t.text.replace(from, to);
      expect(text).not.toBe(t.text);
      const r = await importOf([{ ...t, text }, constraint()]);
      expect(r.rules).toEqual(['not-imported']);
      expect(r.codes).toContain('SP3002');
    }, 120_000);
  }
});
