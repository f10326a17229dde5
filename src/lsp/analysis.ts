import { posix } from 'node:path';
import { checkFiles } from '../check/index.js';
import { compileTo, type TargetId } from '../compile.js';
import { hasErrors, sortDiagnostics, type Diagnostic, type Staged } from '../diagnostics/index.js';
import type { PolicySet } from '../ir/index.js';
import { loadPolicyFiles, type ReadFile } from '../load.js';
import type { FileAst } from '../syntax/index.js';
import { reparseRule } from './incremental.js';

/** What the server knows about one open document after its last analysis. */
export interface Analysis {
  readonly path: string;
  /** This document's syntax tree, when it parses. */
  readonly file?: FileAst;
  /** The document and every file it imports (those that parse). */
  readonly files: readonly FileAst[];
  /** The checked policies, when loading and checking found no error. */
  readonly set?: PolicySet;
  /** The diagnostics to show in this document. */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Loads the document with its imports and checks it: the stages `secpol check` runs (compile.ts frontEnd), kept
 * apart here so the syntax trees survive an error in an import (symbols, definitions and formatting need them).
 */
export function analyse(path: string, root: string, read: ReadFile, today: string, previous?: FileAst, text?: string): Analysis {
  // An edit inside one rule of a file without imports: only that rule is parsed again (incremental.ts).
  const reparsed = previous && text !== undefined && previous.imports.length === 0 ? reparseRule(previous, text) : undefined;
  const loaded: Staged<readonly FileAst[]> = reparsed ? { value: [reparsed], diagnostics: [] } : loadPolicyFiles([{ path, files: [path], root }], read);
  const files = loaded.value ?? [];
  const file = files.find((f) => f.span.file.path === path);
  let set: PolicySet | undefined;
  let all = loaded.diagnostics;
  if (!hasErrors(loaded.diagnostics)) {
    const checked = checkFiles(files, { today });
    set = checked.value;
    all = sortDiagnostics([...loaded.diagnostics, ...checked.diagnostics]);
  }
  return { path, files, diagnostics: own(path, file, all), ...(file ? { file } : {}), ...(set ? { set } : {}) };
}

/** SP2xxx diagnostics of the targets named in the project config or settings (SP2001: what a backend cannot express). */
export async function targetDiagnostics(analysis: Analysis, targets: readonly TargetId[]): Promise<Diagnostic[]> {
  if (!analysis.set || targets.length === 0) return [];
  const out = await compileTo(analysis.set, targets);
  return own(analysis.path, analysis.file, out.diagnostics);
}

/**
 * The diagnostics that belong in this document: its own, a path problem about it, and a problem inside a file it
 * imports directly, shown at that import (the file's own diagnostics appear when it is opened).
 */
function own(path: string, file: FileAst | undefined, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    const where = d.span?.file.path ?? d.path;
    if (where === path) {
      out.push(d);
      continue;
    }
    const via = file?.imports.find((i) => where !== undefined && normalise(path, i.path.value) === where);
    if (via && d.span) {
      const { line, column } = d.span.file.lineColumn(d.span.start);
      out.push({ ...d, span: via.path.span, message: `in ${where}:${line}:${column}: ${d.message}`, related: [{ span: d.span, note: 'here' }, ...d.related] });
    } else if (via) out.push({ ...d, span: via.path.span });
  }
  return out;
}

/** The path an import names, as load.ts resolves it (relative to the importing file). */
export function normalise(from: string, relative: string): string {
  return posix.normalize(posix.join(posix.dirname(from), relative));
}
