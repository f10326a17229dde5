import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { EmittedFile } from '../../src/backends/backend.js';
import { readPolicyFile } from '../../src/cli/io.js';
import { apiProblems, asStored, problemKind, renderDisagreement, requestArbitrary, runVerify } from '../../src/verify/index.js';
import { compileTo, frontEnd } from '../../src/compile.js';
import { engineAdapters } from '../../src/verify/adapters/index.js';
import { verifyPolicies } from '../../src/verify/verify.js';
import { projectRoot } from '../helpers/corpora.js';
import { dsl, irOf } from '../helpers/dsl.js';

/**
 * verify's main domain is the admitted objects (docs/verification.md, "The generated domain"). The backends still
 * guard every expression against shapes the API server rejects (`"true"` for a boolean, a null list element,
 * ephemeral containers in a template); until a change drops those guards, the library's output must keep agreeing
 * with the semantics on them too. This runs verify on the `any` domain, the hostile shapes included.
 */
const runs = 500;
const seed = 20261205;

function policyFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? policyFiles(join(dir, e.name)) : e.name === 'policy.secpol' ? [join(dir, e.name)] : []));
}

describe('secpol verify on hostile shapes (the any domain): the guarded output still agrees', async () => {
  const files = policyFiles(join(projectRoot, 'policies')).map((p) => relative(projectRoot, p)).sort();
  const set = frontEnd(files, (p) => readPolicyFile(join(projectRoot, p)), { today: '2026-11-23' }).value!.set;
  const admissionOnly = { policies: set.policies, networks: [] };
  const report = await runVerify(admissionOnly, { runs, seed, domain: 'any' }, ['kyverno', 'gatekeeper', 'psa', 'vap', 'kyverno-cel']);

  for (const p of report.policies) {
    it(`${p.policy}: every backend engine agrees with the semantics on ${runs} cases, API-invalid ones included`, () => {
      expect(p.cases).toBe(runs);
      expect(p.disagreement && renderDisagreement(p.disagreement)).toBeUndefined();
      expect(p.unexercised).toEqual([]);
    });
  }

  it('the any domain does generate what the API server rejects, of every kind the guards are for', () => {
    const kinds = new Set<string>();
    let rejected = 0;
    for (const policy of set.policies) {
      for (const r of fc.sample(requestArbitrary(policy, 'any'), { numRuns: 100, seed })) {
        const problems = apiProblems(asStored(r));
        if (problems.length) rejected++;
        for (const k of problems) kinds.add(problemKind(k).replace(/^.*?(containers|volumes|securityContext|ports)/, '$1'));
      }
    }
    expect(rejected).toBeGreaterThan(set.policies.length * 10);
    const seen = [...kinds].join('\n');
    expect(seen).toMatch(/: Invalid value$/m);
    expect(seen).toMatch(/ephemeralContainers: Forbidden$/m);
    expect(seen).toMatch(/volumes\[\*\]\.name: Duplicate value$/m);
    expect(seen).toMatch(/image: Required value$/m);
  });
});

describe('the two domains differ where a guard only covers API-invalid shapes', () => {
  const set = irOf(dsl`
    policy min-uid {
      applies to pods
      rule min-uid {
        require every container has securityContext.runAsUser >= 1000
      }
    }`);

  /** The emitted VAP with the number type test before `double(runAsUser)` dropped (the text re-read as YAML). */
  async function unguarded(): Promise<EmittedFile[]> {
    const out = await compileTo(set, ['vap']);
    let hits = 0;
    const guard = /\(type\((\w+)\.securityContext\.runAsUser\) == int \|\| type\(\1\.securityContext\.runAsUser\) == uint \|\| type\(\1\.securityContext\.runAsUser\) == double\) && /g;
    const files = (out.value ?? []).map((f) => {
      const docs = YAML.parseAllDocuments(f.content).map((d) => JSON.parse(JSON.stringify(d.toJS()).replace(guard, () => (hits++, ''))) as unknown);
      return { ...f, content: docs.map((d) => YAML.stringify(d)).join('---\n') };
    });
    expect(hits, 'the guard was found and dropped').toBeGreaterThan(0);
    return files;
  }

  it('vap without the number type test: verify on admitted objects passes, on hostile shapes (runAsUser: "1000") it fails', async () => {
    const adapters = engineAdapters['vap']!(await unguarded());
    const admitted = verifyPolicies(set, adapters, { runs: 500, seed: 5 })[0]!;
    expect(admitted.disagreement && renderDisagreement(admitted.disagreement)).toBeUndefined();
    expect(admitted.unexercised).toEqual([]);
    const hostile = verifyPolicies(set, adapters, { runs: 500, seed: 5, domain: 'any' })[0]!;
    expect(hostile.disagreement, 'a counterexample').toBeDefined();
    expect(renderDisagreement(hostile.disagreement!)).toMatch(/runAsUser: "\d+"/);
  });
});
