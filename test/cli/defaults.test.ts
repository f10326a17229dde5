import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/** The CLI on a defaults block: compile, test, explain and verify through the front door (policies/platform/namespace-defaults). */
const folder = 'policies/platform/namespace-defaults';

describe('secpol CLI on defaults blocks', () => {
  it('compile --target all compiles kyverno, netpol and psa and shows the omitted backends', async () => {
    const out = mkdtempSync(join(tmpdir(), 'secpol-defaults-'));
    const r = await runCli('compile', folder, '--target', 'all', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/tenant-namespaces \(defaults\)\s+compiled\s+omitted\s+compiled\s+omitted\s+omitted\s+compiled/);
    expect(readFileSync(join(out, 'kyverno/tenant-namespaces.yaml'), 'utf8')).toContain('generateExisting: true');
    expect(readFileSync(join(out, 'vap/tenant-namespaces.yaml'), 'utf8')).toContain('# defaults tenant-namespaces is omitted from vap: these engines only validate');
  });

  it('compile --target gatekeeper writes the omission as a comment and exits 0', async () => {
    const r = await runCli('compile', folder, '--target', 'gatekeeper');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('# defaults tenant-namespaces is omitted from gatekeeper: these engines only validate');
    expect(r.stdout).not.toMatch(/^(apiVersion|kind):/m);
  });

  it('without `omit from`, compile --target gatekeeper fails with SP2001 at the block (cannot in --target all), no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secpol-defaults-no-omit-'));
    const source = readFileSync(join(folder, 'policy.secpol'), 'utf8').replace(/^\s*omit from .*\n/m, '');
    expect(source).not.toContain('omit from');
    writeFileSync(join(dir, 'policy.secpol'), source);
    const r = await runCli('compile', dir, '--target', 'gatekeeper');
    expect(r.code).toBe(1);
    expect(r.stderr + r.stdout).toMatch(/policy\.secpol:4:1: error SP2001: gatekeeper cannot express defaults "tenant-namespaces"/);
    expect(r.stderr + r.stdout).not.toMatch(/\n\s+at /);
    const out = mkdtempSync(join(tmpdir(), 'secpol-defaults-no-omit-out-'));
    const all = await runCli('compile', dir, '--target', 'all', '--out', out);
    expect(all.code).toBe(0);
    expect(all.stdout + all.stderr).toMatch(/tenant-namespaces \(defaults\)\s+compiled\s+cannot\s+compiled\s+cannot\s+cannot\s+compiled/);
    expect(readFileSync(join(out, 'vap/tenant-namespaces.yaml'), 'utf8')).toContain('vap cannot express defaults "tenant-namespaces"');
  });

  it('test passes the suite, and fails a wrong expectation', async () => {
    expect((await runCli('test', folder)).code).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'secpol-defaults-suite-'));
    writeFileSync(join(dir, 'policy.secpol'), readFileSync(join(folder, 'policy.secpol')));
    writeFileSync(join(dir, 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: monitoring\n');
    writeFileSync(join(dir, 'suite.yaml'), 'cases:\n  - admit: ns.yaml\n    generates: [NetworkPolicy/tenant-namespaces-default-deny]\n');
    const r = await runCli('test', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL ns.yaml (expect state): ir got generates []');
  });

  it('explain says which block selects the namespace and that every engine agrees', async () => {
    const r = await runCli('explain', folder, '--resource', `${folder}/samples/storefront.yaml`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('selected by tenant-namespaces');
    expect(r.stdout).toContain('kyverno: agrees');
    expect(r.stdout).toContain('netpol+psa: agrees');
  });

  it('verify compares the semantics with the Kyverno engine and the static files', async () => {
    const r = await runCli('verify', folder, '--runs', '200');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ok   defaults: 200 namespaces (semantics vs kyverno, netpol+psa: objects and labels)');
  });
});
