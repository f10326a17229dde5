import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/corpora.js';
import { runCli } from '../helpers/cli.js';

/** `secpol explain --inventory`: a rule that reads the bound role is explained, and judged by every engine, with it. */
const policy = join(projectRoot, 'policies/rbac/bound-role-privileges/policy.secpol');
const samples = join(projectRoot, 'policies/rbac/bound-role-privileges/samples');

describe('explain with references', () => {
  it('with the inventory the role decides, the trace reads its rules, and the engines agree', async () => {
    const r = await runCli('explain', policy, '--resource', join(samples, 'deny-secret-reader.yaml'), '--inventory', join(samples, 'inventory.yaml'), '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { resources: { agree: boolean; rules: { rule: string; verdict: string; why?: { tests: { path: string }[] } }[] }[] };
    const rule = out.resources[0]!.rules.find((x) => x.rule === 'no-secret-readers')!;
    expect(rule.verdict).toBe('fail');
    expect(rule.why?.tests.some((t) => t.path.includes('<ClusterRole secret-reader>'))).toBe(true);
    expect(out.resources[0]!.agree).toBe(true);
  });

  it('without it the role is missing: the rule passes, and the trace says why', async () => {
    const r = await runCli('explain', policy, '--resource', join(samples, 'deny-secret-reader.yaml'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('no role referenced by roleRef in the inventory');
  });
});
