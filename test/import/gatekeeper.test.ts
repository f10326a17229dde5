/**
 * gatekeeper-library recognisers added for issue 18, each proven by --verify on the corpus sample, and each shown
 * to catch an original that behaves differently (the template's Rego edited in place, package unchanged).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPolicies } from '../../src/import/index.js';
import { corpusPath, hasCorpus } from '../helpers/corpora.js';

const options = { today: '2026-06-01', verify: { runs: 200, seed: 1 } };

function sample(dir: string, name: string) {
  const root = corpusPath('gatekeeper', 'library', 'general', dir);
  const template = join(root, 'template.yaml');
  const constraint = join(root, 'samples', name, 'constraint.yaml');
  return { template: { path: template, text: readFileSync(template, 'utf8') }, constraint: { path: constraint, text: readFileSync(constraint, 'utf8') } };
}

async function statusOf(inputs: { path: string; text: string }[]) {
  const r = await importPolicies(inputs, options);
  return { rules: r.value!.rules.map((x) => x.status), codes: r.diagnostics.map((d) => d.code) };
}

describe.skipIf(!hasCorpus('gatekeeper'))('import: gatekeeper-library recognisers', () => {
  it('K8sBlockEndpointEditDefaultRole is proven, and an original that no longer counts patch as an edit verb is caught', async () => {
    const s = sample('block-endpoint-edit-default-role', 'block-endpoint-edit-default-role');
    expect(await statusOf([s.template, s.constraint])).toEqual({ rules: ['proven'], codes: [] });
    const edited = s.template.text.replace(/hasEditVerb\(verbs\) \{\n\s*"patch" == verbs\[_\]\n\s*\}/, '');
    expect(edited).not.toBe(s.template.text);
    const r = await statusOf([{ ...s.template, text: edited }, s.constraint]);
    expect(r.rules).toEqual(['not-imported']);
    expect(r.codes).toContain('SP3002');
  }, 60_000);
});
