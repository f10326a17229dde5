import { checkFiles, type CheckOptions } from './check/index.js';
import { hasErrors, sortDiagnostics, type Diagnostic, type Staged } from './diagnostics/index.js';
import type { BackendId, PolicySet } from './ir/index.js';
import { loadPolicyFiles, type ReadFile } from './load.js';
import type { EmitOptions, EmittedFile } from './backends/backend.js';
import { loadBackend, type TargetId } from './backends/registry.js';
import type { FileAst } from './syntax/index.js';

/** The front end: load (with imports), parse and check. The one place the stages are wired (with compileTo). */
export function frontEnd(paths: readonly string[], read: ReadFile, options: CheckOptions): Staged<{ files: readonly FileAst[]; set: PolicySet }> {
  const loaded = loadPolicyFiles(paths, read);
  if (!loaded.value || hasErrors(loaded.diagnostics)) return { diagnostics: loaded.diagnostics };
  const checked = checkFiles(loaded.value, options);
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...checked.diagnostics]);
  if (!checked.value) return { diagnostics };
  return { value: { files: loaded.value, set: checked.value }, diagnostics };
}

/**
 * Emits every requested target. Output is all-or-nothing: when any backend reports an error, no files
 * are returned, so a CLI never writes a partial result as if it were complete.
 */
export async function compileTo(set: PolicySet, targets: readonly TargetId[], options: EmitOptions = {}): Promise<Staged<readonly EmittedFile[]>> {
  const files: EmittedFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const target of targets) {
    const backend = await loadBackend(target);
    const out = backend.emit(set, options);
    diagnostics.push(...out.diagnostics);
    files.push(...(out.value ?? []));
  }
  const sorted = sortDiagnostics(diagnostics);
  if (hasErrors(sorted)) return { diagnostics: sorted };
  return { value: files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), diagnostics: sorted };
}

export type { BackendId, TargetId };
