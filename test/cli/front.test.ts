import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { projectRoot } from '../helpers/corpora.js';

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'secpol-cli-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const good = 'policy p {\n  applies to pods\n\n  rule r {\n    forbid spec.hostPID = true\n  }\n}\n';
const bad = 'policy p {\n  applies to pods\n  rule r {\n    forbid spec.hostPDI = true\n  }\n}\n';

describe('secpol (front end commands)', () => {
  it('--version and --help exit 0 on stdout; no command is a usage error', async () => {
    expect(await runCli('--version')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^secpol \d+\.\d+\.\d+\n$/), stderr: '' });
    expect(await runCli('--help')).toMatchObject({ code: 0, stdout: expect.stringContaining('Commands:') });
    expect((await runCli()).code).toBe(2);
    const unknown = await runCli('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });

  it('every command has --help', async () => {
    for (const cmd of ['check', 'fmt', 'compile', 'test', 'verify', 'eval', 'audit', 'explain', 'diff']) {
      const r = await runCli(cmd, '--help');
      expect(r.code, cmd).toBe(0);
      expect(r.stdout, cmd).toContain(`Usage: secpol ${cmd}`);
    }
  });

  it('check: exit 0 on a clean file, 1 with diagnostics on stderr, 2 for a missing file', async () => {
    const dir = workspace({ 'good.secpol': good, 'bad.secpol': bad });
    const ok = await runCli('check', join(dir, 'good.secpol'));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('');
    const failed = await runCli('check', join(dir, 'bad.secpol'));
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toContain('bad.secpol:4:17: error SP1002: unknown field "hostPDI"');
    expect(failed.stderr).toContain('hint: did you mean "hostPID"?');
    const missing = await runCli('check', join(dir, 'nope.secpol'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('SP0004');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });

  it('check --format json prints the documented shape on stdout', async () => {
    const dir = workspace({ 'bad.secpol': bad });
    const r = await runCli('check', '--format', 'json', join(dir, 'bad.secpol'));
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as { diagnostics: Record<string, unknown>[] };
    expect(json.diagnostics[0]).toMatchObject({ code: 'SP1002', severity: 'error', line: 4, column: 17, file: join(dir, 'bad.secpol') });
  });

  it('check accepts directories and rejects bad flags with usage', async () => {
    const dir = workspace({ 'a/one.secpol': good, 'b/two.secpol': good.replace('policy p', 'policy q') });
    expect((await runCli('check', dir)).code).toBe(0);
    expect((await runCli('check', '--format', 'xml', dir)).code).toBe(2);
  });

  it('fmt --check lists unformatted files; --write fixes them; formatted text is unchanged', async () => {
    const dir = workspace({ 'ugly.secpol': 'policy p {applies to pods\nrule r {   forbid spec.hostPID = true }}\n', 'good.secpol': good });
    const check = await runCli('fmt', '--check', dir);
    expect(check.code).toBe(1);
    expect(check.stdout).toBe(`${join(dir, 'ugly.secpol')}\n`);
    expect((await runCli('fmt', '--write', dir)).code).toBe(0);
    expect(readFileSync(join(dir, 'ugly.secpol'), 'utf8')).toBe('policy p {\n  applies to pods\n\n  rule r {\n    forbid spec.hostPID = true\n  }\n}\n');
    expect((await runCli('fmt', '--check', dir)).code).toBe(0);
  });
});

describe('secpol eval', () => {
  it('runs the Gatekeeper and Kyverno engines on compiled artifacts, exit 1 on a violation', async () => {
    const dir = workspace({});
    const privileged = join(projectRoot, 'policies/workload/privileged');
    expect((await runCli('compile', join(privileged, 'policy.secpol'), '--target', 'kyverno,gatekeeper', '--out', dir, '--today', '2026-11-23')).code).toBe(0);
    for (const [engine, file] of [['gatekeeper', 'gatekeeper/privileged.yaml'], ['kyverno', 'kyverno/privileged.yaml']] as const) {
      const denied = await runCli('eval', '--engine', engine, '--policy', join(dir, file), '--resource', join(privileged, 'samples/deny-privileged.yaml'), '--format', 'json');
      expect(denied.code, `${engine}: ${denied.stderr}`).toBe(1);
      const verdicts = (JSON.parse(denied.stdout) as { verdicts: { verdict: string; resource: { line: number } }[] }).verdicts;
      expect(verdicts.map((v) => v.verdict)).toContain('fail');
      const allowed = await runCli('eval', '--engine', engine, '--policy', join(dir, file), '--resource', join(privileged, 'samples/allow-deployment.yaml'));
      expect(allowed.code, `${engine}: ${allowed.stdout}`).toBe(0);
    }
  });
});
