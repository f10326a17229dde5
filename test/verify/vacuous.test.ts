/**
 * Verification of nothing is an error (issue 15 item 9, issue 22 item 5): a run that compares no engine on a
 * rule, or never sees a rule both violated and satisfied in scope, proves nothing about it and must fail.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { projectRoot } from '../helpers/corpora.js';

function policyFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'secpol-vacuous-'));
  writeFileSync(join(dir, 'p.secpol'), text);
  return join(dir, 'p.secpol');
}

describe('secpol verify refuses vacuous proofs', () => {
  it('--runs 0 is a usage error, not "verified"', async () => {
    const r = await runCli('verify', join(projectRoot, 'policies/workload/privileged'), '--runs', '0');
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain('verified');
  });

  it('a policy omitted from every backend verifies nothing: exit 1, the rule named', async () => {
    const file = policyFile(`policy nowhere {
  applies to pods
  omit from kyverno, gatekeeper, vap, kyverno-cel, psa because "enforced by an external admission controller"

  rule no-host-pid {
    forbid spec.hostPID = true
  }
}
`);
    const r = await runCli('verify', file, '--runs', '100');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/no-host-pid: NOT VERIFIED: no backend engine decides it/);
    expect(r.stdout).toContain('verification FAILED');
  });

  it('a rule never violated in scope is not verified', async () => {
    // The \`when\` contradicts itself: the rule is always skipped, so no engine is ever shown to enforce it.
    const file = policyFile(`policy never-applies {
  applies to pods

  rule no-host-pid {
    when spec.hostNetwork = true and spec.hostNetwork = false
    forbid spec.hostPID = true
  }
}
`);
    const r = await runCli('verify', file, '--runs', '100');
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/no-host-pid: NOT VERIFIED: in scope it was never violated/);
  });

  it('reports, per rule and engine, how often each side was reached', async () => {
    const r = await runCli('verify', join(projectRoot, 'policies/workload/privileged'), '--runs', '100', '--format', 'json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { policies: { reach: Record<string, Record<string, { violated: number; allowed: number }>>; unexercised: unknown[] }[] };
    const reach = report.policies[0]!.reach['no-privileged']!;
    for (const engine of ['kyverno', 'gatekeeper', 'gatekeeper-audit', 'vap']) {
      expect(reach[engine]!.violated, engine).toBeGreaterThan(0);
      expect(reach[engine]!.allowed, engine).toBeGreaterThan(0);
    }
  });
});
