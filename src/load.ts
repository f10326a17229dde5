import { posix } from 'node:path';
import { diagnostic, pathDiagnostic, sortDiagnostics, type Diagnostic, type Staged } from './diagnostics/index.js';
import { SourceFile } from './source/index.js';
import { parseSource, type FileAst, type ImportAst } from './syntax/index.js';

/** Reads a file's bytes; injected so that only cli.ts touches the file system. */
export type ReadFile = (path: string) => { readonly bytes: Uint8Array } | { readonly error: string };

/** Larger inputs are refused up front: parsing them would take long and no real policy is that big. */
export const maxPolicyFileBytes = 16 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Loads root policy files and, transitively, the files they import (paths relative to the importing file).
 * Each file is parsed once, whatever the number of paths to it; a cycle is SP0006 at the import that closes it.
 * Files come back sorted by path, so the order of arguments never changes the result.
 */
export function loadPolicyFiles(roots: readonly string[], read: ReadFile): Staged<readonly FileAst[]> {
  const diagnostics: Diagnostic[] = [];
  const parsed = new Map<string, FileAst | null>();
  const visiting: string[] = [];

  const visit = (path: string, via?: ImportAst): void => {
    const cycleStart = visiting.indexOf(path);
    if (cycleStart >= 0) {
      const cycle = [...visiting.slice(cycleStart), path].join(' -> ');
      if (via) diagnostics.push(diagnostic('SP0006', via.path.span, { cycle }));
      return;
    }
    if (parsed.has(path)) return;
    const result = read(path);
    if ('error' in result) {
      parsed.set(path, null);
      diagnostics.push(via ? diagnostic('SP0004', via.path.span, { path, reason: result.error }) : pathDiagnostic('SP0004', path, { path, reason: result.error }));
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
    parsed.set(path, file.value ?? null);
    if (!file.value) return;
    visiting.push(path);
    for (const imp of file.value.imports) visit(posix.normalize(posix.join(posix.dirname(path), imp.path.value)), imp);
    visiting.pop();
  };

  for (const root of [...roots].sort()) visit(posix.normalize(root));
  const files = [...parsed.entries()]
    .filter((e): e is [string, FileAst] => e[1] !== null)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, f]) => f);
  return { value: files, diagnostics: sortDiagnostics(diagnostics) };
}
