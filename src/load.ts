import { posix } from 'node:path';
import { diagnostic, pathDiagnostic, sortDiagnostics, type Diagnostic, type Staged } from './diagnostics/index.js';
import { SourceFile } from './source/index.js';
import { parseSource, type FileAst, type ImportAst } from './syntax/index.js';
import { resolveKeyFiles } from './load-keys.js';

/**
 * Reads a file's bytes; injected so that only cli.ts touches the file system. Given the project `root`, the
 * reader also refuses (`refused: true`) a file outside it, one whose real path (symbolic links resolved) leaves
 * it, or a link to a file of another kind (`x.secpol` -> `.git/config`).
 */
export type ReadFile = (path: string, root?: string) => { readonly bytes: Uint8Array } | { readonly error: string; readonly refused?: boolean };

/**
 * A policy path as given on the command line: a file, or a directory expanded into the `.secpol` files below it,
 * and the project root that its files' imports (and suites' samples) must stay inside: `--root`, else the
 * directory given, else the file's directory. A plain string is a file with its directory as root.
 */
export interface PolicyArgument {
  readonly path: string;
  readonly files: readonly string[];
  readonly root: string;
}

/** Whether `path` is `root` or below it, by their text (the reader checks real paths). */
export function insideRoot(root: string, path: string): boolean {
  const rel = posix.relative(root, path);
  return rel !== '..' && !rel.startsWith('../') && !posix.isAbsolute(rel);
}

/** What an import may not name, as a reason for SP0011; undefined when its text is acceptable. */
function refusedImport(value: string, target: string, root: string): { detail: string; hint: string } | undefined {
  const quoted = JSON.stringify(value);
  const relative = 'imports are relative to the importing file and stay inside the project root (the directory of the file given, or --root DIR)';
  if (/[\u0000-\u001f\u007f]/.test(value)) return { detail: `import ${quoted} contains a control character`, hint: relative };
  if (posix.isAbsolute(value) || /^[A-Za-z]:[\\/]/.test(value)) return { detail: `import ${quoted} is an absolute path`, hint: relative };
  if (!value.endsWith('.secpol')) return { detail: `import ${quoted} does not name a .secpol file`, hint: 'only policy files can be imported: secpol never reads any other file through an import' };
  if (!insideRoot(root, target)) return { detail: `import ${quoted} leaves the project root ${root}`, hint: `${relative}; to share files between directories, pass --root with a directory that holds them all` };
  return undefined;
}

/** Larger inputs are refused up front: parsing them would take long and no real policy is that big. */
export const maxPolicyFileBytes = 16 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Loads the policy files given and, transitively, the files they import (paths relative to the importing file,
 * inside the project root, SP0011 otherwise). Each file is parsed once, whatever the number of paths to it; a
 * cycle is SP0006 at the import that closes it; a path with no policy in it is SP0010. Files come back sorted by
 * path, so the order of arguments never changes the result.
 */
export function loadPolicyFiles(args: readonly (string | PolicyArgument)[], read: ReadFile): Staged<readonly FileAst[]> {
  const diagnostics: Diagnostic[] = [];
  const parsed = new Map<string, FileAst | null>();
  const imported = new Map<string, string[]>();
  const visiting: string[] = [];

  const visit = (path: string, root: string, via?: ImportAst): void => {
    const cycleStart = visiting.indexOf(path);
    if (cycleStart >= 0) {
      const cycle = [...visiting.slice(cycleStart), path].join(' -> ');
      if (via) diagnostics.push(diagnostic('SP0006', via.path.span, { cycle }));
      return;
    }
    if (parsed.has(path)) return;
    const result = read(path, root);
    if ('error' in result) {
      parsed.set(path, null);
      if (result.refused) {
        const detail = via ? `import ${JSON.stringify(via.path.value)} is refused: ${result.error}` : `${path} is refused: ${result.error}`;
        const hint = 'policy files and their imports must be .secpol files inside the project root (the directory of the file given, or --root DIR), symbolic links included';
        diagnostics.push(via ? diagnostic('SP0011', via.path.span, { detail, hint }) : pathDiagnostic('SP0011', path, { detail, hint }));
      } else diagnostics.push(via ? diagnostic('SP0004', via.path.span, { path, reason: result.error }) : pathDiagnostic('SP0004', path, { path, reason: result.error }));
      return;
    }
    if (result.bytes.length > maxPolicyFileBytes) {
      parsed.set(path, null);
      diagnostics.push(pathDiagnostic('SP0007', path, { what: `${path} (${result.bytes.length} bytes)`, limit: `${maxPolicyFileBytes} bytes` }));
      return;
    }
    let text: string;
    try {
      text = utf8.decode(result.bytes);
    } catch {
      parsed.set(path, null);
      diagnostics.push(pathDiagnostic('SP0005', path));
      return;
    }
    const file = parseSource(new SourceFile(path, text.replace(/^\ufeff/, '')));
    diagnostics.push(...file.diagnostics);
    parsed.set(path, file.value ? resolveKeyFiles(file.value, path, root, read, insideRoot, diagnostics) : null);
    if (!file.value) return;
    visiting.push(path);
    const targets: string[] = [];
    for (const imp of file.value.imports) {
      const target = posix.normalize(posix.join(posix.dirname(path), imp.path.value));
      const refused = refusedImport(imp.path.value, target, root);
      if (refused) {
        diagnostics.push(diagnostic('SP0011', imp.path.span, refused));
        continue;
      }
      targets.push(target);
      visit(target, root, imp);
    }
    imported.set(path, targets);
    visiting.pop();
  };

  const inputs = args.map((a) => (typeof a === 'string' ? { path: a, files: [a], root: posix.dirname(a) } : a));
  const entries = inputs.flatMap((a) => a.files.map((f) => ({ file: posix.normalize(f), root: posix.normalize(a.root), arg: a })));
  for (const e of [...entries].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
    if (!insideRoot(e.root, e.file)) {
      if (!parsed.has(e.file)) diagnostics.push(pathDiagnostic('SP0011', e.file, { detail: `${e.file} is outside the project root ${e.root}`, hint: 'give --root a directory that holds every policy file given, or leave --root out' }));
      parsed.set(e.file, null);
      continue;
    }
    visit(e.file, e.root);
  }
  // A path that holds no policy or network block, even through its imports, is a mistake (a wrong path in CI
  // would otherwise pass green); a file that could not be read already has its own diagnostic.
  for (const a of inputs) {
    const seen = new Set<string>();
    const stack = a.files.map((f) => posix.normalize(f));
    let declares = false;
    let unread = false;
    while (stack.length && !declares) {
      const f = stack.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      const ast = parsed.get(f);
      if (!ast) unread = true;
      else if (ast.decls.length) declares = true;
      stack.push(...(imported.get(f) ?? []));
    }
    if (!declares && !unread) diagnostics.push(pathDiagnostic('SP0010', a.path, { path: a.path, reason: a.files.length === 0 ? 'the directory holds no .secpol file' : 'no `policy` or `network` block, in it or in what it imports' }));
  }
  const files = [...parsed.entries()]
    .filter((e): e is [string, FileAst] => e[1] !== null)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, f]) => f);
  return { value: files, diagnostics: sortDiagnostics(diagnostics) };
}
