/**
 * docs/import.md's numbers, recomputed: the upstream corpora imported with --verify. Fails when a share drops.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPolicies, type RuleReport } from '../../src/import/index.js';
import { corpusPath, hasCorpus } from '../helpers/corpora.js';

const options = { today: '2026-06-01', verify: { runs: 200, seed: 1 } };
const read = (path: string) => ({ path, text: readFileSync(path, 'utf8') });

function share(rules: readonly RuleReport[]) {
  const policies = new Map<string, boolean>();
  for (const r of rules) policies.set(r.policy, (policies.get(r.policy) ?? true) && r.status === 'proven');
  return { rules: rules.length, proven: rules.filter((r) => r.status === 'proven').length, policies: policies.size, policiesProven: [...policies.values()].filter(Boolean).length };
}

describe.skipIf(!hasCorpus('kyverno'))('import: kyverno pod-security/baseline', () => {
  it('imports and proves at least 12 of its 13 validate rules (docs/import.md)', async () => {
    const root = corpusPath('kyverno', 'pod-security', 'baseline');
    const dirs = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    const r = await importPolicies(dirs.map((d) => read(join(root, d, `${d}.yaml`))), options);
    const s = share(r.value!.rules);
    expect(s).toMatchObject({ rules: 13, policies: 12 });
    expect(s.proven).toBeGreaterThanOrEqual(12);
    expect(s.policiesProven).toBeGreaterThanOrEqual(11);
  }, 120_000);
});

describe.skipIf(!hasCorpus('gatekeeper'))('import: gatekeeper library/general', () => {
  it('imports and proves at least 41 of the 43 sample Constraints (docs/import.md)', async () => {
    const root = corpusPath('gatekeeper', 'library', 'general');
    const dirs = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    const inputs = dirs.flatMap((d) => [read(join(root, d, 'template.yaml')), ...readdirSync(join(root, d, 'samples')).sort().map((s) => read(join(root, d, 'samples', s, 'constraint.yaml')))]);
    const r = await importPolicies(inputs, options);
    const s = share(r.value!.rules);
    // One policy per Constraint (a Constraint may become one rule per kind: K8sStorageClass).
    expect(s.policies).toBe(43);
    expect(s.policiesProven).toBeGreaterThanOrEqual(41);
  }, 120_000);
});
