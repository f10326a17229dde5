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

  describe('gatekeeper artifacts that check nothing are errors, never an empty pass', () => {
    const privileged = join(projectRoot, 'policies/workload/privileged');
    const split = async () => {
      const dir = workspace({});
      expect((await runCli('compile', join(privileged, 'policy.secpol'), '--target', 'gatekeeper', '--out', dir, '--today', '2026-11-23')).code).toBe(0);
      const [template, ...constraints] = readFileSync(join(dir, 'gatekeeper/privileged.yaml'), 'utf8').split(/^---\n/m);
      writeFileSync(join(dir, 'template.yaml'), template!);
      writeFileSync(join(dir, 'constraint.yaml'), constraints.join('---\n'));
      return dir;
    };
    const deny = join(privileged, 'samples/deny-privileged.yaml');

    it('--policy takes several files (template and constraint), as its help says', async () => {
      const dir = await split();
      const r = await runCli('eval', '--engine', 'gatekeeper', '--policy', join(dir, 'template.yaml'), join(dir, 'constraint.yaml'), '--resource', deny);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/^FAIL +Pod\//m);
    });

    it('a template without constraint, a constraint without template, a template that does not compile', async () => {
      const dir = await split();
      const alone = await runCli('eval', '--engine', 'gatekeeper', '--policy', join(dir, 'template.yaml'), '--resource', deny);
      expect(alone.code).not.toBe(0);
      expect(alone.stdout).toBe('');
      expect(alone.stderr).toMatch(/template\.yaml:\d+:\d+: error SP0030: no Constraint given/);
      const orphan = await runCli('eval', '--engine', 'gatekeeper', '--policy', join(dir, 'constraint.yaml'), '--resource', deny);
      expect(orphan.code).not.toBe(0);
      expect(orphan.stderr).toMatch(/constraint\.yaml:\d+:\d+: error SP0030: no ConstraintTemplate given defines the Constraint kind/);
      writeFileSync(join(dir, 'broken.yaml'), readFileSync(join(dir, 'template.yaml'), 'utf8').replace('violation contains', 'violation contains contains'));
      const broken = await runCli('eval', '--engine', 'gatekeeper', '--policy', join(dir, 'broken.yaml'), join(dir, 'constraint.yaml'), '--resource', deny);
      expect(broken.code).not.toBe(0);
      expect(broken.stderr).toMatch(/broken\.yaml:\d+:\d+: error SP0030: this ConstraintTemplate does not load/);
    });

    it('reads the items of a typed list (kubectl get --raw) as their item kind', async () => {
      const dir = await split();
      const pod = (readFileSync(deny, 'utf8'));
      const { parse } = await import('yaml');
      const item = parse(pod) as Record<string, unknown>;
      delete item['kind'];
      delete item['apiVersion'];
      writeFileSync(join(dir, 'pods.json'), JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: [item] }));
      const r = await runCli('eval', '--engine', 'gatekeeper', '--policy', join(dir, 'template.yaml'), join(dir, 'constraint.yaml'), '--resource', join(dir, 'pods.json'));
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/^FAIL +Pod\//m);
    });
  });
});
