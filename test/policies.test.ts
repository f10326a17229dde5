import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPolicyFile } from '../src/cli/io.js';
import { frontEnd } from '../src/compile.js';
import { renderDiagnostic } from '../src/diagnostics/index.js';
import { loadSuite, runSuite } from '../src/suite/index.js';
import { printFile } from '../src/syntax/index.js';
import { projectRoot } from './helpers/corpora.js';

/** R11: policies are tested where they live. Every folder has a policy, samples and a suite, and every suite passes in every engine. */
const today = '2026-11-23';

function policyFolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (!e.isDirectory()) return [];
    const p = join(dir, e.name);
    return existsSync(join(p, 'policy.secpol')) ? [p] : policyFolders(p);
  });
}

const folders = policyFolders(join(projectRoot, 'policies')).sort();

describe('the policy library', () => {
  it('has policies', () => {
    expect(folders.length).toBeGreaterThan(20);
  });

  describe.each(folders.map((f) => [relative(projectRoot, f), f] as const))('%s', (_, folder) => {
    const policyPath = relative(projectRoot, join(folder, 'policy.secpol'));
    const read = (p: string) => readPolicyFile(join(projectRoot, p));
    const front = frontEnd([policyPath], read, { today });

    it('checks cleanly and is formatted', () => {
      expect(front.diagnostics.map(renderDiagnostic)).toEqual([]);
      const file = front.value?.files[0];
      expect(file && printFile(file)).toBe(file?.span.file.text);
    });

    it('has samples and a suite that exercises every rule', () => {
      const suite = loadSuite(relative(projectRoot, join(folder, 'suite.yaml')), read);
      expect(suite.diagnostics.map(renderDiagnostic)).toEqual([]);
      const s = suite.value!;
      const set = front.value!.set;
      if (set.defaults?.length) {
        const ns = s.namespaces ?? [];
        expect(ns.some((c) => c.generates.length > 0 || Object.keys(c.labels).some((k) => k.startsWith('pod-security.kubernetes.io/'))), 'a namespace that gets defaults').toBe(true);
        expect(ns.some((c) => c.generates.length === 0), 'a namespace that gets nothing').toBe(true);
        expect(ns.some((c) => c.existing), 'a namespace that exists when the policy is installed').toBe(true);
        return;
      }
      if (set.networks.length) {
        expect(s.connections.some((c) => c.expect === 'allow')).toBe(true);
        expect(s.connections.some((c) => c.expect === 'deny')).toBe(true);
        return;
      }
      expect(s.admission.some((c) => c.expect === 'allow'), 'an allowed sample').toBe(true);
      expect(s.admission.some((c) => c.expect === 'deny'), 'a denied sample').toBe(true);
      const denied = new Set(s.admission.flatMap((c) => c.rules));
      const ruleNames = set.policies.flatMap((p) => [...p.rules.map((r) => r.name), ...(p.images ?? []).map((b) => b.name), ...p.podSecurity.filter((x) => x.mode === 'enforce').map(() => 'pod-security-enforce')]);
      // `verify images` blocks are judged only with signature facts (docs/policies.md#signatures).
      if (set.policies.some((p) => p.images?.length)) expect(s.signatures?.length, 'a suite with signatures: facts').toBeGreaterThan(0);
      for (const r of ruleNames) expect(denied.has(r), `a sample denied by rule ${r}`).toBe(true);
    });

    it('passes its suite in the reference semantics and every backend engine', async () => {
      const suite = loadSuite(relative(projectRoot, join(folder, 'suite.yaml')), read);
      const result = await runSuite(front.value!.set, suite.value!);
      const failures = result.cases.filter((c) => !c.ok).map((c) => `${c.name} (expect ${c.expect}): ${c.judges.filter((j) => !j.ok).map((j) => `${j.judge} got ${j.got}`).join('; ')}`);
      expect(failures).toEqual([]);
      // A backend may only be skipped for a declared capability gap (SP2001), never for an error.
      expect(result.notes.filter((n) => !/not run on (psa|vap|kyverno): SP2001/.test(n))).toEqual([]);
    });
  });
});

export { dirname };
