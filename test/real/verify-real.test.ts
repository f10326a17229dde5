/**
 * `secpol verify --real` with stand-in tools (the real gator, kyverno and opa are not on this machine): the
 * plumbing (which suites each tool is given, how their answers become agreements and disagreements, exit codes)
 * is tested with scripts that behave like the tools. When the real tools are on PATH, the last test runs them.
 */
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { projectRoot } from '../helpers/corpora.js';

const privileged = join(projectRoot, 'policies/workload/privileged');

function tool(name: string, script: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'secpol-fake-'));
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
  return path;
}

const onPath = (name: string) => (process.env['PATH'] ?? '').split(delimiter).some((d) => d && existsSync(join(d, name)));

describe('secpol verify --real', () => {
  it('no real engine is exit 2 with the reason, never a pass', async () => {
    const r = await runCli('verify', privileged, '--real', '--gator', '/nonexistent/gator');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not an executable file/);
  });

  it('gives gator each Gatekeeper suite folder and kyverno each Test folder; agreement is exit 0', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'secpol-log-')), 'calls');
    const gator = tool('gator', `test "$1" = verify && test -f "$2/suite.yaml" || exit 3\necho "gator $2" >> ${log}\necho ok`);
    const kyverno = tool('kyverno', `test "$1" = test && test -f "$2/kyverno-test.yaml" || exit 3\necho "kyverno $2" >> ${log}`);
    const r = await runCli('verify', privileged, '--real', '--gator', gator, '--kyverno', kyverno);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('ok   gator gatekeeper/tests/privileged');
    expect(r.stdout).toContain('ok   kyverno kyverno/tests/privileged');
    expect(r.stdout).toContain('ok   kyverno vap/tests/privileged');
    expect(r.stdout).toContain('ok   kyverno kyverno-cel/tests/privileged');
    expect(r.stdout).toMatch(/opa: not found/);
    expect(r.stdout).toMatch(/^4 real-engine checks agree/m);
  });

  it('a failing real tool is a disagreement: exit 1 with what it said', async () => {
    const gator = tool('gator', 'echo "--- FAIL: privileged/deny-privileged (0.01s)"; echo "    got 0 violations, want yes"; exit 1');
    const r = await runCli('verify', privileged, '--real', '--gator', gator);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL gator gatekeeper/tests/privileged');
    expect(r.stdout).toContain('got 0 violations, want yes');
    expect(r.stdout).toMatch(/1 of 1 real-engine checks disagree/);
  });

  it('opa answers are compared with the offline engine, sample by sample', async () => {
    // An OPA that finds no violation: every sample the offline engine denies is a disagreement.
    const opa = tool('opa', `test "$1" = eval || exit 3\ncat > /dev/null\necho '{"result":[{"expressions":[{"value":[]}]}]}'`);
    const r = await runCli('verify', privileged, '--real', '--opa', opa);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ok   opa gatekeeper\/tests\/privileged\/template\.yaml \(privileged\) on allow-/m);
    expect(r.stdout).toMatch(/^FAIL opa gatekeeper\/tests\/privileged\/template\.yaml \(privileged\) on deny-privileged\.yaml/m);
    expect(r.stdout).toContain('offline engine: ["container');
  });

  it.skipIf(!onPath('gator') && !onPath('kyverno') && !onPath('opa'))('the real engines on PATH agree with the offline engines on the library', async () => {
    const r = await runCli('verify', join(projectRoot, 'policies'), '--real');
    expect(r.code, r.stdout).toBe(0);
  }, 1_800_000);
});
