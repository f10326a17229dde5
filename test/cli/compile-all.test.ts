import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { projectRoot } from '../helpers/corpora.js';

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'secpol-all-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** The table row of one policy: its name, then one cell per backend. */
function rowOf(stderr: string, name: string): string[] | undefined {
  return stderr
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/))
    .find((cells) => cells[0] === name);
}

const privileged = 'policy no-priv {\n  applies to pods\n\n  rule no-privileged {\n    forbid any container has securityContext.privileged = true\n  }\n}\n';

describe('secpol compile --target all: every backend that can express each policy', () => {
  it('compiles the library, notes each skipped (policy, backend) pair in the output and exits 0', async () => {
    const out = mkdtempSync(join(tmpdir(), 'secpol-all-out-'));
    const run = await runCli('compile', join(projectRoot, 'policies'), '--target', 'all', '--out', out, '--today', '2026-01-01');
    expect(run.code, run.stderr).toBe(0);
    expect(rowOf(run.stderr, 'policy')).toEqual(['policy', 'kyverno', 'gatekeeper', 'psa', 'vap', 'kyverno-cel', 'netpol']);
    expect(rowOf(run.stderr, 'privileged')).toEqual(['privileged', 'compiled', 'compiled', 'cannot', 'compiled', 'compiled', '-']);
    expect(rowOf(run.stderr, 'pss-restricted')?.[3]).toBe('compiled');
    expect(rowOf(run.stderr, 'default-deny (network)')).toEqual(['default-deny (network)', '-', '-', '-', '-', '-', 'compiled']);
    // The note names the backend, the rule it cannot express and where that rule is.
    const note = readFileSync(join(out, 'psa', 'privileged.yaml'), 'utf8');
    expect(note).toMatch(/^# policy privileged is not compiled for psa, which cannot express it: .*policies\/workload\/privileged\/policy\.secpol:\d+:\d+: psa cannot express rule "no-privileged"/m);
    expect(note.split('\n').every((l) => l === '' || l.startsWith('#'))).toBe(true);
    expect(readFileSync(join(out, 'kyverno', 'privileged.yaml'), 'utf8')).toContain('kind: ClusterPolicy');
    expect(readFileSync(join(out, 'psa', 'pss-restricted.yaml'), 'utf8')).toContain('kind: Namespace');
    expect(readFileSync(join(out, 'kyverno-cel', 'privileged.yaml'), 'utf8')).toContain('kind: ValidatingPolicy');
    expect(readFileSync(join(out, 'netpol', 'default-deny.yaml'), 'utf8')).toContain('kind: NetworkPolicy');
    // Exceptions whose expiry vap cannot enforce (no clock): one note, not a warning each (docs/verification.md).
    expect(run.stderr).toMatch(/^note: 6 exception expiry\(ies\) not enforced by kyverno-cel, vap, which have no clock \(SP2003\)$/m);
    expect(run.stderr).not.toContain('warning SP2003');
    expect(readFileSync(join(out, 'vap', 'host-namespaces.yaml'), 'utf8')).toMatch(/^# exception "[a-z-]+" expires \d{4}-\d\d-\d\d but is NOT enforced as expiring here/m);
    // One screen: a header, one row per policy and network block, a blank line, two summary lines.
    expect(run.stderr.split('\n').filter((l) => l.length > 100)).toEqual([]);
  });

  it('a backend named explicitly must still express every policy (SP2001, nothing written)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'secpol-all-out-'));
    const run = await runCli('compile', join(projectRoot, 'policies', 'workload', 'privileged'), '--target', 'psa', '--out', out);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/policy\.secpol:\d+:\d+: error SP2001: psa cannot express rule "no-privileged"/);
    expect(run.stderr).not.toContain('wrote');
    const both = await runCli('compile', join(projectRoot, 'policies', 'workload', 'privileged'), '--target', 'kyverno,psa');
    expect(both.code).toBe(1);
  });

  it('tells omitted (omit from), not expressible and not applicable apart', async () => {
    const dir = workspace({
      'p.secpol': [
        'policy omitted-from-psa {\n  applies to pods\n\n  rule r {\n    forbid spec.hostPID = true\n    omit from psa because "the cluster runs Kyverno"\n  }\n}\n',
        privileged,
        'network shop {\n  namespace "shop"\n  default deny ingress in namespaces "shop"\n}\n',
      ].join('\n'),
    });
    const run = await runCli('compile', dir, '--target', 'all');
    expect(run.code, run.stderr).toBe(0);
    expect(rowOf(run.stderr, 'omitted-from-psa')).toEqual(['omitted-from-psa', 'compiled', 'compiled', 'omitted', 'compiled', 'compiled', '-']);
    expect(rowOf(run.stderr, 'no-priv')).toEqual(['no-priv', 'compiled', 'compiled', 'cannot', 'compiled', 'compiled', '-']);
    expect(rowOf(run.stderr, 'shop (network)')).toEqual(['shop (network)', '-', '-', '-', '-', '-', 'compiled']);
    expect(run.stderr).toContain('9 compiled; 1 cannot');
    // On stdout, the skipped pair is a comment in the stream, next to the artifacts.
    expect(run.stdout).toMatch(/# policy no-priv is not compiled for psa, which cannot express it: .*p\.secpol:13:3: psa cannot express rule "no-privileged"/);
    expect(run.stdout).toContain('kind: ClusterPolicy');
  });

  it('a limit between policies blames the later one and keeps the first (two policies labelling one namespace for PSA)', async () => {
    const pss = (name: string, level: string) => `policy ${name} {\n  in namespaces "apps"\n\n  enforce pod-security ${level} version v1.30\n}\n`;
    const dir = workspace({ 'a.secpol': pss('first', 'baseline'), 'b.secpol': pss('second', 'restricted') });
    const run = await runCli('compile', dir, '--target', 'all');
    expect(run.code, run.stderr).toBe(0);
    expect(rowOf(run.stderr, 'first')?.[3]).toBe('compiled');
    expect(rowOf(run.stderr, 'second')?.[3]).toBe('cannot');
    expect(run.stdout).toMatch(/# policy second is not compiled for psa.*namespace "apps" labelled by two policies/);
    expect(run.stdout).toContain('pod-security.kubernetes.io/enforce: baseline');
  });

  it('groups identical rows past one screen, and warns about a policy no backend compiles', async () => {
    const many = Array.from({ length: 40 }, (_, i) => privileged.replace('no-priv', `p${i}`)).join('\n');
    const dir = workspace({ 'many.secpol': many });
    const run = await runCli('compile', dir, '--target', 'all');
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines.length).toBeLessThan(10);
    expect(lines[1]).toMatch(/^40 × p0, p1, p10, .*…\s+compiled\s+compiled\s+cannot\s+compiled\s+compiled\s+-$/);

    const nowhere = workspace({ 'n.secpol': privileged.replace('  applies to pods\n', '  applies to pods\n  omit from kyverno, gatekeeper, vap, kyverno-cel because "judged by an external scanner"\n') });
    const omitted = await runCli('compile', nowhere, '--target', 'all');
    expect(omitted.code).toBe(0);
    expect(rowOf(omitted.stderr, 'no-priv')).toEqual(['no-priv', 'omitted', 'omitted', 'cannot', 'omitted', 'omitted', '-']);
    expect(omitted.stderr).toContain('warning: policy no-priv is compiled for no backend');
    expect(run.stderr).not.toContain('warning');
  });
});
