import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPolicyFile } from '../../src/cli/io.js';
import { frontEnd } from '../../src/compile.js';
import { renderDisagreement, runVerify } from '../../src/verify/index.js';
import { projectRoot } from '../helpers/corpora.js';

/** Issue 5: `secpol verify` on every policy of the library, 1,000 generated cases each, fixed seed. */
const runs = 1000;
const seed = 20261123;

function policyFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? policyFiles(join(dir, e.name)) : e.name === 'policy.secpol' ? [join(dir, e.name)] : []));
}

describe('secpol verify on the policy library', async () => {
  const files = policyFiles(join(projectRoot, 'policies')).map((p) => relative(projectRoot, p)).sort();
  const front = frontEnd(files, (p) => readPolicyFile(join(projectRoot, p)), { today: '2026-11-23' });
  const report = await runVerify(front.value!.set, { runs, seed });

  for (const p of report.policies) {
    it(`${p.policy}: every backend agrees with the reference semantics on ${runs} cases`, () => {
      expect(p.cases).toBe(runs);
      expect(p.disagreement && renderDisagreement(p.disagreement)).toBeUndefined();
      expect(Object.keys(p.compared).length, 'at least one backend engine compared').toBeGreaterThan(0);
      // Every library policy compiles to ValidatingAdmissionPolicy, pod-security included (issue 9), unless it
      // declares the gap: an SP2001 (a rule that reads another object, which CEL on the request cannot) or `omit from`.
      const policy = front.value!.set.policies.find((q) => q.name === p.policy);
      const declared = (backend: string) => report.excluded.some((x) => x.policy === p.policy && x.backend === backend && /^SP2001 /.test(x.reason)) || !!policy?.omissions.some((o) => (o.backends as readonly string[]).includes(backend));
      if (!declared('vap')) expect(p.compared['vap'], 'the VAP engine compared').toBeGreaterThan(0);
      if (!declared('kyverno-cel')) expect(p.compared['kyverno-cel'], 'the Kyverno ValidatingPolicy engine compared').toBeGreaterThan(0);
      expect(['vap', 'kyverno-cel'].filter(declared).length, 'only policies that read other objects leave out a CEL backend').toBe(policy?.rules.some((r) => /referenced by/.test(r.span.file.text.slice(r.span.start, r.span.end))) ? 2 : 0);
    });

    it(`${p.policy}: the generated cases both violate and satisfy every rule`, () => {
      for (const [rule, o] of Object.entries(p.outcomes)) {
        expect(o.fail, `${rule} violated at least once`).toBeGreaterThan(0);
        expect(o.pass, `${rule} satisfied at least once`).toBeGreaterThan(0);
      }
    });
  }

  it('network intents agree with the emitted NetworkPolicies on every generated connection', () => {
    expect(report.network?.cases).toBe(runs);
    expect(report.network?.disagreement).toBeUndefined();
  });

  it('excludes a backend only with a stated SP2001 reason', () => {
    for (const x of report.excluded) expect(x.reason).toMatch(/^SP2001 /);
  });
});
