import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/corpora.js';

/**
 * For compile, check and fmt, bin/secpol.js runs the one-script build with the V8 code cache scripts/bundle.mjs made,
 * when the cache fits the running V8, and the ES-module bundle otherwise and for every other command
 * (docs/performance.md, session 6). Both builds come from the same sources and must behave the same, byte for byte.
 * Needs the bundle (`npm run build`).
 */
const launcher = join(projectRoot, 'bin', 'secpol.js');
const distCli = join(projectRoot, 'dist', 'cli');

function run(args: readonly string[], env: Record<string, string> = {}, nodeOptions: readonly string[] = [], bin = launcher) {
  const r = spawnSync(process.execPath, [...nodeOptions, bin, ...args], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', SECPOL_DEBUG: '', SECPOL_CODE_CACHE: '', ...env, SECPOL_CODE_CACHE_REPORT: '1' }, maxBuffer: 1 << 26 });
  const [which, ...rest] = r.stderr.split('\n');
  return { status: r.status, stdout: r.stdout, stderr: rest.join('\n'), which };
}

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** The package as installed (bin, package.json, dist/cli) in a folder of its own, which the test may change. */
function packageCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'secpol-code-cache-pkg-'));
  cpSync(join(projectRoot, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(projectRoot, 'package.json'), join(dir, 'package.json'));
  mkdirSync(join(dir, 'dist'));
  cpSync(distCli, join(dir, 'dist', 'cli'), { recursive: true });
  return dir;
}

beforeAll(() => {
  if (!existsSync(join(distCli, 'secpol.js'))) spawnSync(process.execPath, [join(projectRoot, 'scripts', 'bundle.mjs')], { stdio: 'ignore' });
}, 120_000);

describe('the code-cached one-script build', () => {
  it('the build made a code cache for this node, and the launcher uses it', () => {
    const caches = readdirSync(distCli).filter((n) => n.endsWith('.v8cache'));
    expect(caches.some((n) => n.includes(process.versions.v8)), caches.join(', ')).toBe(true);
    expect(run(['check', join(projectRoot, 'policies')]).which).toBe('secpol: one-script build, code cache used');
    // The other commands run long enough for their start not to matter: the ES-module bundle runs them.
    for (const args of [['--help'], ['verify', '--help'], ['frobnicate'], ['lsp', '--help']]) expect(run(args).which, args.join(' ')).toBe('secpol: ES-module bundle');
  });

  it('compiles the library to every target exactly as the ES-module bundle does', () => {
    const work = mkdtempSync(join(tmpdir(), 'secpol-code-cache-'));
    const library = join(projectRoot, 'policies');
    const cached = run(['compile', library, '--target', 'all', '--out', join(work, 'cached')]);
    const esm = run(['compile', library, '--target', 'all', '--out', join(work, 'esm')], { SECPOL_CODE_CACHE: '0' });
    expect(cached.which).toBe('secpol: one-script build, code cache used');
    expect(esm.which).toBe('secpol: ES-module bundle');
    const files = tree(join(work, 'cached'));
    expect(Object.keys(files).length).toBeGreaterThan(50);
    expect(files).toEqual(tree(join(work, 'esm')));
    const same = (r: typeof cached, dir: string) => ({ status: r.status, stdout: r.stdout, stderr: r.stderr.replaceAll(join(work, dir), 'OUT') });
    expect(same(cached, 'cached')).toEqual(same(esm, 'esm'));
  });

  it('check, fmt, their help and usage errors read the same through both builds', () => {
    const library = join(projectRoot, 'policies');
    const bad = join(projectRoot, 'test', 'cli');
    for (const args of [['check', library], ['check', library, '--format', 'json'], ['fmt', '--check', library], ['fmt', '--help'], ['compile', '--help'], ['compile', '--target', 'nope', library], ['check', join(bad, 'no-such.secpol')], ['check', '--frobnicate']]) {
      const cached = run(args);
      const esm = run(args, { SECPOL_CODE_CACHE: '0' });
      expect(cached.which, args.join(' ')).toBe('secpol: one-script build, code cache used');
      expect(esm.which, args.join(' ')).toBe('secpol: ES-module bundle');
      expect({ status: cached.status, stdout: cached.stdout, stderr: cached.stderr }, args.join(' ')).toEqual({ status: esm.status, stdout: esm.stdout, stderr: esm.stderr });
    }
  });

  it('uses the ES-module bundle under node options or SECPOL_DEBUG (a cache V8 would reject)', () => {
    const help = ['check', '--help'];
    expect(run(help, {}, ['--max-old-space-size=512']).which).toBe('secpol: ES-module bundle');
    expect(run(help, { NODE_OPTIONS: '--max-old-space-size=512' }).which).toBe('secpol: ES-module bundle');
    expect(run(help, { SECPOL_DEBUG: '1' }).which).toBe('secpol: ES-module bundle');
    // Forced under a flag that changes V8's flag hash, V8 refuses the cache and the run still works.
    const forced = run(help, { SECPOL_CODE_CACHE: '1' }, ['--max-old-space-size=512']);
    expect(forced.which).toBe('secpol: one-script build, code cache rejected by V8');
    expect(forced.status).toBe(0);
  });

  it('without a cache for the running node, the first run makes one beside the script and the next use it', () => {
    const dir = packageCopy();
    for (const n of readdirSync(join(dir, 'dist', 'cli'))) if (n.endsWith('.v8cache')) rmSync(join(dir, 'dist', 'cli', n));
    const bin = join(dir, 'bin', 'secpol.js');
    const library = join(projectRoot, 'policies');
    const esm = run(['check', library], { SECPOL_CODE_CACHE: '0' }, [], bin);
    const first = run(['check', library], {}, [], bin);
    expect(first.which).toBe('secpol: one-script build, code cache absent');
    expect(readdirSync(join(dir, 'dist', 'cli')).filter((n) => n.endsWith('-budget.v8cache'))).toHaveLength(1);
    const second = run(['check', library], {}, [], bin);
    expect(second.which).toBe('secpol: one-script build, code cache used');
    for (const r of [first, second]) expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: esm.status, stdout: esm.stdout, stderr: esm.stderr });
    // Other V8 settings are another cache, made the same way.
    expect(run(['check', '--help'], { SECPOL_V8_DEFAULTS: '1' }, [], bin).which).toBe('secpol: one-script build, code cache absent');
    expect(run(['check', '--help'], { SECPOL_V8_DEFAULTS: '1' }, [], bin).which).toBe('secpol: one-script build, code cache used');
    expect(readdirSync(join(dir, 'dist', 'cli')).filter((n) => n.endsWith('.v8cache'))).toHaveLength(2);
  });

  it('never pairs a cache with another build\'s script: a cache without its script is ignored', () => {
    const dir = packageCopy();
    const bin = join(dir, 'bin', 'secpol.js');
    expect(run(['check', '--help'], {}, [], bin).which).toBe('secpol: one-script build, code cache used');
    const script = readdirSync(join(dir, 'dist', 'cli')).find((n) => n.endsWith('.cjs'))!;
    renameSync(join(dir, 'dist', 'cli', script), join(dir, 'dist', 'cli', script.replace(/^secpol-[0-9a-f]+/, 'secpol-0000000000000000')));
    const after = run(['check', '--help'], {}, [], bin);
    expect(after.which).toBe('secpol: ES-module bundle');
    expect(after.status).toBe(0);
  });
});
