import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../helpers/corpora.js';

export interface Packed {
  /** A fresh folder holding the tarball and its contents unpacked in package/. */
  readonly dir: string;
  readonly tarball: string;
  /** Paths in the tarball, relative to the package root. */
  readonly files: readonly string[];
}

/** `npm pack` of the checkout as `npm publish` would do it: prepack builds the bundle. */
export function packProject(): Packed {
  const dir = mkdtempSync(join(tmpdir(), 'secpol-pack-'));
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [report] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  if (!report) throw new Error(`npm pack reported nothing: ${out}`);
  const tarball = join(dir, report.filename);
  execFileSync('tar', ['-xzf', tarball, '-C', dir]);
  return { dir, tarball, files: report.files.map((f) => f.path) };
}

/**
 * Installs a tarball globally into an empty prefix, production dependencies only, offline and with an empty cache:
 * the install succeeds only if the package needs nothing from the registry. Returns the installed bin.
 */
export function installPackage(tarball: string): { prefix: string; bin: string } {
  const prefix = mkdtempSync(join(tmpdir(), 'secpol-prefix-'));
  const cache = join(prefix, '.npm-cache');
  mkdirSync(cache);
  execFileSync('npm', ['install', '--global', '--prefix', prefix, '--cache', cache, '--omit=dev', '--offline', '--no-audit', '--no-fund', tarball], { cwd: prefix, stdio: ['ignore', 'pipe', 'pipe'] });
  return { prefix, bin: join(prefix, 'bin', 'secpol') };
}
