import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPolicyFile } from '../../src/cli/io.js';
import { compileTo, frontEnd } from '../../src/compile.js';
import { projectRoot } from '../helpers/corpora.js';
import { runCli } from '../helpers/cli.js';

/** `secpol eval --inventory` gives both engines that read other objects the cluster's roles (docs/eval.md). */
describe('eval --inventory with references (rbac/bound-role-privileges)', async () => {
  const policyPath = 'policies/rbac/bound-role-privileges/policy.secpol';
  const front = frontEnd([policyPath], (p) => readPolicyFile(join(projectRoot, p)), { today: '2026-11-23' });
  const out = await compileTo(front.value!.set, ['kyverno', 'gatekeeper']);
  const dir = mkdtempSync(join(tmpdir(), 'secpol-refs-'));
  for (const f of out.value ?? []) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
  const samples = join(projectRoot, 'policies/rbac/bound-role-privileges/samples');
  const verdictOf = async (engine: string, policy: string[], sample: string, inventory: boolean) => {
    const r = await runCli('eval', '--engine', engine, '--policy', ...policy, '--resource', join(samples, sample), ...(inventory ? ['--inventory', join(samples, 'inventory.yaml')] : []), '--format', 'json');
    expect(r.code, r.stderr).toBeLessThan(2);
    const verdicts = (JSON.parse(r.stdout) as { verdicts: { rule: string; verdict: string }[] }).verdicts;
    return verdicts.find((v) => v.rule === 'no-secret-readers')?.verdict ?? verdicts.find((v) => /no-secret-readers/.test(JSON.stringify(v)))?.verdict;
  };
  const kyverno = [join(dir, 'kyverno/bound-role-privileges.yaml')];
  // The SyncSet beside the template is accepted (it judges nothing; --inventory stands for what it replicates).
  const gatekeeper = [join(dir, 'gatekeeper/bound-role-privileges.yaml'), join(dir, 'gatekeeper/bound-role-privileges.sync.yaml')];

  it('kyverno: the role from --inventory decides; without it the API calls fail and the role reads as missing', async () => {
    expect(await verdictOf('kyverno', kyverno, 'deny-secret-reader.yaml', true)).toBe('fail');
    expect(await verdictOf('kyverno', kyverno, 'allow-pod-reader.yaml', true)).toBe('pass');
    expect(await verdictOf('kyverno', kyverno, 'deny-secret-reader.yaml', false)).toBe('pass');
  });

  it('gatekeeper: --inventory is data.inventory', async () => {
    const r = await runCli('eval', '--engine', 'gatekeeper', '--policy', ...gatekeeper, '--resource', join(samples, 'deny-secret-reader.yaml'), '--inventory', join(samples, 'inventory.yaml'), '--format', 'json');
    expect(r.code, r.stderr).toBeLessThan(2);
    expect(r.stdout).toContain('which reads Secrets');
  });
});
