import { mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { pathDiagnostic, type Diagnostic } from '../diagnostics/index.js';
import { insideRoot, type PolicyArgument, type ReadFile } from '../load.js';

/**
 * The file system, as the CLI uses it. Everything else in secpol is pure. With a project root, a file is read
 * only when it lies inside the root both by its path and by its real path (symbolic links resolved), and a link
 * keeps its kind (a `.secpol` or `.yaml` name must lead to such a file): policy text controls import and sample
 * paths, and must not make secpol print `/proc/self/environ` or `.git/config` in its diagnostics.
 */
export const readPolicyFile: ReadFile = (path, root) => {
  if (root !== undefined && !insideRoot(root, path)) return { error: `it is outside the project root ${root}`, refused: true };
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return { error: 'it is a directory (give policy files, or use a command that accepts directories)' };
    if (!stat.isFile()) return { error: 'it is not a regular file' };
    if (root === undefined) return { bytes: readFileSync(path) };
    const real = realpathSync(path);
    if (!insideRoot(realpathSync(root), real)) return { error: `its real path leaves the project root ${root} (a symbolic link)`, refused: true };
    if (extname(real) !== extname(path)) return { error: `it is a symbolic link to a file that is not a ${extname(path) || 'file of the same kind'}`, refused: true };
    return { bytes: readFileSync(real) };
  } catch (e) {
    return { error: describeFsError(e) };
  }
};

export function describeFsError(e: unknown): string {
  const code = (e as { code?: string }).code;
  const known: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    EISDIR: 'it is a directory',
    ENOTDIR: 'a parent is not a directory',
    EEXIST: 'a file stands where a directory is needed',
    ELOOP: 'too many symbolic links',
    ENAMETOOLONG: 'the path is too long',
  };
  return (code && known[code]) ?? (e instanceof Error ? e.message : String(e));
}

/**
 * Each path as a policy argument: a directory with the `.secpol` files below it (sorted; symbolic links to
 * directories are not followed), any other path as one file. The project root is `root` (`--root`), else the
 * directory given, else the file's directory.
 */
export function expandPolicyPaths(paths: readonly string[], root?: string): PolicyArgument[] {
  const walk = (dir: string, out: string[]) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p, out);
      else if (entry.name.endsWith('.secpol')) out.push(p);
    }
    return out;
  };
  return paths.map((p) => {
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      isDir = false;
    }
    return isDir ? { path: p, files: walk(p, []), root: root ?? p } : { path: p, files: [p], root: root ?? dirname(p) };
  });
}

/** The policy files of the arguments, in order. */
export function policyFiles(args: readonly PolicyArgument[]): string[] {
  return args.flatMap((a) => a.files);
}

/** `--root DIR`: the project root every import and sample must stay inside. */
export function rootOption(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Writes files below `dir` all or nothing: every directory is created and every file written to a temporary name
 * first, then each is renamed into place. A directory that cannot be created or written (a file in the path,
 * read-only) is SP0012 naming the path, and nothing is left behind.
 */
export function writeOutputFiles(dir: string, files: readonly { readonly path: string; readonly content: string }[]): Diagnostic[] {
  const remove = (path: string) => {
    try {
      rmSync(path, { force: true });
    } catch {
      // nothing was written there (a parent is a file, or not writable)
    }
  };
  // A path given twice is written once, with its last content (as writing one after the other would leave it).
  const contents = new Map(files.map((f) => [join(dir, f.path), f.content]));
  const staged: { tmp: string; path: string }[] = [];
  for (const [path, content] of contents) {
    const tmp = `${path}.secpol-tmp-${process.pid}`;
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(tmp, content);
      staged.push({ tmp, path });
    } catch (e) {
      for (const s of staged) remove(s.tmp);
      remove(tmp);
      return [pathDiagnostic('SP0012', path, { path, reason: describeFsError(e) })];
    }
  }
  for (const s of staged) {
    try {
      renameSync(s.tmp, s.path);
    } catch (e) {
      for (const t of staged) remove(t.tmp);
      return [pathDiagnostic('SP0012', s.path, { path: s.path, reason: describeFsError(e) })];
    }
  }
  return [];
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
