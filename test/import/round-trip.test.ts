/**
 * Issue 18 item 5, for the backend whose output the importer reads: the library compiled to PSA Namespace labels,
 * imported back, is proven to give the same verdicts (Pod Security Admission on the emitted labels against the
 * imported policy compiled back and its semantics). secpol's own Kyverno and Gatekeeper output is not read yet
 * (docs/import.md): its deny conditions and templates are not the shapes the importer translates.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileExpressible, frontEnd } from '../../src/compile.js';
import { importPolicies } from '../../src/import/index.js';
import { projectRoot } from '../helpers/corpora.js';

function secpolFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? secpolFiles(p) : p.endsWith('.secpol') ? [p] : [];
  });
}

describe('import of secpol\'s own output', () => {
  it('the library\'s PSA labels import back to pod-security lines proven equivalent', async () => {
    const front = frontEnd(secpolFiles(join(projectRoot, 'policies')), (p) => ({ bytes: readFileSync(p) }), { today: '2026-06-01' });
    const compiled = await compileExpressible(front.value!.set, ['psa']);
    const files = compiled.value!.files.filter((f) => f.objects.length > 0);
    expect(files.length).toBeGreaterThan(0);
    const r = await importPolicies(files.map((f) => ({ path: f.path, text: f.content })), { today: '2026-06-01', verify: { runs: 150, seed: 1 } });
    const rules = r.value!.rules;
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.filter((x) => x.status !== 'proven')).toEqual([]);
    expect(r.diagnostics).toEqual([]);
  }, 120_000);
});
