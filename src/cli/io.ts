import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ReadFile } from '../load.js';

/** The file system, as the CLI uses it. Everything else in secpol is pure. */
export const readPolicyFile: ReadFile = (path) => {
  try {
    if (statSync(path).isDirectory()) return { error: 'it is a directory (give policy files, or use a command that accepts directories)' };
    return { bytes: readFileSync(path) };
  } catch (e) {
    return { error: describeFsError(e) };
  }
};

export function describeFsError(e: unknown): string {
  const code = (e as { code?: string }).code;
  const known: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'it is a directory', ENOTDIR: 'a parent is not a directory', ELOOP: 'too many symbolic links' };
  return (code && known[code]) ?? (e instanceof Error ? e.message : String(e));
}

/** Expands directories into the `.secpol` files below them (sorted); other paths pass through unchanged. */
export function expandPolicyPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.secpol')) out.push(p);
    }
  };
  for (const p of paths) {
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      isDir = false;
    }
    if (isDir) walk(p);
    else out.push(p);
  }
  return out;
}

/** Writes through a temporary file and a rename, so an interrupted run never leaves a half-written file. */
export function writeFileAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.secpol-tmp-${process.pid}`;
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
