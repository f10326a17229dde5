import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { projectRoot } from '../helpers/corpora.js';
import { installPackage, packProject, type Packed } from './pack.js';

/**
 * The package as a user gets it: `npm pack` (prepack builds the bundle), the tarball installed into an empty prefix
 * with --omit=dev and --offline (the package must need nothing from the registry), and every command run by the
 * installed bin on a copy of the library, from a folder outside the checkout.
 */
let packed: Packed;
let secpol: string;
let work: string;

function run(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(secpol, args, { cwd: work, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', HOME: work } });
}

/** Exit code as expected, something printed, and never a stack trace. */
function expectRun(r: SpawnSyncReturns<string>, code: number): string {
  const output = `${r.stdout}${r.stderr}`;
  expect(r.status, output).toBe(code);
  expect(output.trim()).not.toBe('');
  expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  return output;
}

beforeAll(() => {
  packed = packProject();
  secpol = installPackage(packed.tarball).bin;
  work = mkdtempSync(join(tmpdir(), 'secpol-user-'));
  cpSync(join(projectRoot, 'policies'), join(work, 'policies'), { recursive: true });
  writeFileSync(join(work, 'bad.secpol'), 'policy p {\n  applies to pods\n  rule r {\n    forbid spec.hostPDI = true\n  }\n}\n');
}, 240_000);

describe('the npm package', () => {
  it('ships the bin, the bundle, the templates and the docs, and no tests or sources', () => {
    const files = packed.files;
    for (const f of ['bin/secpol.js', 'dist/cli/secpol.js', 'dist/cli/THIRD-PARTY-LICENSES.md', 'targets/kyverno/cluster-policy.yaml.hbs', 'targets/gatekeeper/constrainttemplate.schema.json', 'docs/cli.md', 'docs/diagnostics/SP2001.md', 'action.yml', '.pre-commit-hooks.yaml', 'package.json', 'README.md']) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => /^(test|src|grammar|scripts|bench|policies|node_modules)\//.test(f) || f.endsWith('.ts'))).toEqual([]);
    expect(files.some((f) => /^dist\/cli\/chunks\/.+\.js$/.test(f)), 'lazily loaded stages are chunks of their own').toBe(true);
  });

  it('installs with no dependency at all (every library is in the bundle)', () => {
    const manifest = JSON.parse(readFileSync(join(packed.dir, 'package', 'package.json'), 'utf8')) as { dependencies?: object; bin?: object };
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.bin).toEqual({ secpol: 'bin/secpol.js' });
    expect(existsSync(join(secpol, '..', '..', 'lib', 'node_modules', 'secpol', 'node_modules'))).toBe(false);
  });

  it('--version, --help, and a usage error without a stack trace', () => {
    expect(expectRun(run('--version'), 0)).toMatch(/^secpol \d+\.\d+\.\d+\n$/);
    expect(expectRun(run('--help'), 0)).toContain('Commands:');
    expect(expectRun(run('frobnicate'), 2)).toContain('unknown command "frobnicate"');
    // A reader that stops early (EPIPE) ends the command quietly.
    const piped = spawnSync('bash', ['-o', 'pipefail', '-c', `"${secpol}" compile policies/ --target kyverno | head -c 100 > /dev/null`], { cwd: work, encoding: 'utf8' });
    expect(piped.stderr).not.toMatch(/EPIPE|^\s+at /m);
    expect(piped.status).toBe(0);
  });

  it('lsp: the installed language server answers over stdio and exits 0 after shutdown and exit', async () => {
    const uri = `file://${join(work, 'bad.secpol')}`;
    const messages = [
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: `file://${work}`, capabilities: {} } },
      { jsonrpc: '2.0', method: 'initialized', params: {} },
      { jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'secpol', version: 1, text: 'policy p {\n  applies to pods\n  rule r {\n    forbid spec.hostN\n  }\n}\n' } } },
      { jsonrpc: '2.0', id: 2, method: 'textDocument/completion', params: { textDocument: { uri }, position: { line: 3, character: 21 } } },
      { jsonrpc: '2.0', id: 3, method: 'shutdown' },
      { jsonrpc: '2.0', method: 'exit' },
    ];
    const input = messages.map((m) => JSON.stringify(m)).map((body) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`).join('');
    // stdin stays open, as an editor keeps it: the exit notification, not the end of input, ends the server.
    const child = spawn(secpol, ['lsp', '--stdio'], { cwd: work, env: { PATH: process.env['PATH'] ?? '', HOME: work } });
    const r = { stdout: '', stderr: '', status: null as number | null };
    child.stdout.on('data', (d: Buffer) => (r.stdout += String(d)));
    child.stderr.on('data', (d: Buffer) => (r.stderr += String(d)));
    child.stdin.write(input);
    r.status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(r.status, r.stderr).toBe(0);
    const replies = r.stdout.split(/Content-Length: \d+\r\n\r\n/).filter(Boolean).map((b) => JSON.parse(b) as { id?: number; result?: unknown });
    expect((replies.find((m) => m.id === 1)?.result as { serverInfo: { name: string } }).serverInfo.name).toBe('secpol');
    expect((replies.find((m) => m.id === 2)?.result as { label: string }[]).map((i) => i.label)).toContain('hostNetwork');
  });

  it('check and fmt', () => {
    expect(expectRun(run('check', 'policies/'), 0)).toMatch(/^ok: \d+ file\(s\)/m);
    const file = 'policies/workload/privileged/policy.secpol';
    expect(expectRun(run('fmt', file), 0)).toBe(readFileSync(join(work, file), 'utf8'));
    expect(run('fmt', '--check', 'policies/').status).toBe(0);
    expect(expectRun(run('check', 'bad.secpol'), 1)).toMatch(/^bad\.secpol:4:17: error SP1002/m);
  });

  it.each([
    ['kyverno', 'policies/', 'kind: ClusterPolicy'],
    ['gatekeeper', 'policies/', 'kind: ConstraintTemplate'],
    ['vap', 'policies/', 'kind: ValidatingAdmissionPolicy'],
    ['kyverno-cel', 'policies/', 'kind: ValidatingPolicy'],
    ['psa', 'policies/pod-security/restricted', 'pod-security.kubernetes.io/enforce: restricted'],
    ['netpol', 'policies/network', 'kind: NetworkPolicy'],
  ])('compile --target %s', (target, path, expected) => {
    expect(expectRun(run('compile', path, '--target', target, '--today', '2026-01-01'), 0)).toContain(expected);
  });

  it('compile --target all --with-tests, then eval each engine on the artifacts it wrote', () => {
    expect(expectRun(run('compile', 'policies/', '--target', 'all', '--with-tests', '--out', 'build', '--today', '2026-01-01'), 0)).toMatch(/^privileged\s+compiled\s+compiled\s+cannot\s+compiled\s+compiled\s+-$/m);
    const pod = 'policies/workload/run-as-non-root/samples/deny-pod-missing.yaml';
    expect(expectRun(run('eval', '--engine', 'kyverno', '--policy', 'build/kyverno/run-as-non-root.yaml', '--resource', pod), 1)).toContain('run-as-non-root');
    expect(expectRun(run('eval', '--engine', 'gatekeeper', '--policy', 'build/gatekeeper/run-as-non-root.yaml', '--resource', pod), 1)).toContain('run-as-non-root');
    expectRun(run('eval', '--engine', 'psa', '--policy', 'build/psa/pss-restricted.yaml', '--resource', 'policies/pod-security/restricted/samples/deny-capabilities-not-dropped.yaml'), 1);
    expectRun(run('eval', '--engine', 'netpol', '--policy', 'build/netpol/default-deny.yaml', '--resource', 'policies/network/default-deny/samples/cluster.yaml'), 0);
  });

  it('test and verify (fast-check and every engine are in the bundle)', () => {
    expect(expectRun(run('test', 'policies/', '--today', '2026-01-01'), 0)).toMatch(/agree with their expectation in every engine/);
    expect(expectRun(run('verify', 'policies/workload/run-as-non-root', 'policies/network/default-deny', '--runs', '200', '--today', '2026-01-01'), 0)).toContain('verified: every backend agrees');
  });

  it('audit, explain and diff', () => {
    const samples = 'policies/workload/run-as-non-root/samples';
    const sarif = JSON.parse(expectRun(run('audit', 'policies/workload', '--manifests', samples, '--format', 'sarif', '--today', '2026-01-01'), 1)) as { runs: { results: unknown[] }[] };
    expect(sarif.runs[0]?.results.length).toBeGreaterThan(0);
    expect(expectRun(run('explain', 'policies/workload/run-as-non-root', '--resource', `${samples}/deny-pod-missing.yaml`), 0)).toContain('every engine agrees');
    const old = readFileSync(join(work, 'policies/workload/privileged/policy.secpol'), 'utf8');
    mkdirSync(join(work, 'diff'), { recursive: true });
    writeFileSync(join(work, 'diff', 'old.secpol'), old);
    writeFileSync(join(work, 'diff', 'new.secpol'), old.replace('securityContext.privileged = true', 'securityContext.privileged != false'));
    expect(expectRun(run('diff', 'diff/old.secpol', 'diff/new.secpol', '--format', 'markdown', '--runs', '100'), 0)).toContain('privileged/no-privileged');
  });

  it('the pre-commit hooks run the installed CLI on the files pre-commit passes', () => {
    const hooks = YAML.parse(readFileSync(join(projectRoot, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string; entry: string; language: string; files: string }[];
    expect(hooks.map((h) => h.id)).toEqual(['secpol-check', 'secpol-fmt']);
    const hook = (id: string, ...files: string[]) => {
      const h = hooks.find((x) => x.id === id)!;
      expect(h.language).toBe('node');
      for (const f of files) expect(f).toMatch(new RegExp(h.files));
      const [command, ...args] = h.entry.split(' ');
      expect(command).toBe('secpol');
      return spawnSync(secpol, [...args, ...files], { cwd: work, encoding: 'utf8' });
    };
    expect(hook('secpol-check', 'policies/workload/privileged/policy.secpol').status).toBe(0);
    expect(hook('secpol-check', 'bad.secpol').status).toBe(1);
    writeFileSync(join(work, 'messy.secpol'), 'policy p {\napplies to pods\n    rule r { forbid spec.hostPID = true }\n}\n');
    expect(hook('secpol-fmt', 'messy.secpol').status).toBe(0);
    expect(readFileSync(join(work, 'messy.secpol'), 'utf8')).toBe('policy p {\n  applies to pods\n\n  rule r {\n    forbid spec.hostPID = true\n  }\n}\n');
  });
});
