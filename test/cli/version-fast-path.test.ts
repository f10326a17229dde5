import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { projectRoot } from '../helpers/corpora.js';

/**
 * bin/secpol.js answers `--version` without loading the bundle (docs/performance.md, session 6). Its answer must be
 * main()'s, byte for byte, and anything it does not recognise must still reach main().
 */
const launcher = join(projectRoot, 'bin', 'secpol.js');

/** A package directory with the launcher, the given package.json and optionally a stand-in bundle. */
function packageDir(pkg: object, bundle?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'secpol-version-'));
  mkdirSync(join(dir, 'bin'));
  copyFileSync(launcher, join(dir, 'bin', 'secpol.js'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
  if (bundle !== undefined) {
    mkdirSync(join(dir, 'dist', 'cli'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'cli', 'secpol.js'), bundle);
  }
  return dir;
}

const run = (dir: string, ...args: string[]) => spawnSync(process.execPath, [join(dir, 'bin', 'secpol.js'), ...args], { encoding: 'utf8' });
const hasFastPath = typeof (process as { getBuiltinModule?: unknown }).getBuiltinModule === 'function';
const stub = "export async function main(argv) { process.stdout.write(`main ${argv.join(' ')}\\n`); return 3; }\n";

describe('bin/secpol.js --version fast path', () => {
  it.runIf(hasFastPath)('prints what main() prints, for --version, -v and version, without a bundle to load', async () => {
    const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
    // No dist/ and no scripts/: a launcher that loaded the bundle would fail here.
    const dir = packageDir(pkg);
    for (const arg of ['--version', '-v', 'version']) {
      const expected = await runCli(arg);
      expect(expected.code).toBe(0);
      const r = run(dir, arg);
      expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }, arg).toEqual({ status: 0, stdout: expected.stdout, stderr: '' });
    }
    // Arguments after the flag do not change main()'s answer, nor the launcher's.
    expect(run(dir, '--version', 'extra').stdout).toBe((await runCli('--version', 'extra')).stdout);
  });

  it('leaves everything else to main(): other commands, and a package.json that is not secpol\'s', () => {
    const ours = packageDir({ name: 'secpol', version: '1.2.3' }, stub);
    if (hasFastPath) expect(run(ours, '--version').stdout).toBe('secpol 1.2.3\n');
    expect(run(ours, 'check', 'x')).toMatchObject({ status: 3, stdout: 'main check x\n' });
    expect(run(ours, '--help')).toMatchObject({ status: 3, stdout: 'main --help\n' });
    const other = packageDir({ name: 'other', version: '9.9.9' }, stub);
    expect(run(other, '--version')).toMatchObject({ status: 3, stdout: 'main --version\n' });
    const noVersion = packageDir({ name: 'secpol' }, stub);
    expect(run(noVersion, '-v')).toMatchObject({ status: 3, stdout: 'main -v\n' });
  });

  it.runIf(hasFastPath)('reads dist/package.json before the package root, as main() does from dist/cli/', () => {
    const dir = packageDir({ name: 'secpol', version: '1.2.3' }, stub);
    writeFileSync(join(dir, 'dist', 'package.json'), JSON.stringify({ name: 'secpol', version: '4.5.6' }));
    expect(run(dir, 'version').stdout).toBe('secpol 4.5.6\n');
  });
});
