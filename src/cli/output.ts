import { diagnosticToJson, renderDiagnostic, type Diagnostic } from '../diagnostics/index.js';

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Exit codes (docs/cli.md): 0 ok, 1 problems found in the policies or resources, 2 usage, unreadable input or unwritable output. */
export const exitCodes = { ok: 0, problems: 1, usage: 2 } as const;

/** Unreadable, refused or missing input, and output that cannot be written: usage problems, exit 2. */
const inputCodes = new Set(['SP0004', 'SP0005', 'SP0007', 'SP0010', 'SP0011', 'SP0012']);

/** 2 when an input could not be read at all, else 1 when any error remains, else 0. */
export function exitCodeFor(diagnostics: readonly Diagnostic[]): number {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.some((d) => inputCodes.has(d.code))) return exitCodes.usage;
  return errors.length ? exitCodes.problems : exitCodes.ok;
}

export function printDiagnostics(io: Io, diagnostics: readonly Diagnostic[], format: 'text' | 'json'): void {
  if (format === 'json') {
    io.stdout(`${JSON.stringify({ diagnostics: diagnostics.map(diagnosticToJson) }, null, 2)}\n`);
    return;
  }
  for (const d of diagnostics) io.stderr(`${renderDiagnostic(d)}\n\n`);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  if (diagnostics.length) io.stderr(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
}
