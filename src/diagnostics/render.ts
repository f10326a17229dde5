import { codeFrame, formatLocation } from '../source/index.js';
import type { Diagnostic } from './diagnostic.js';

/**
 * `file:line:col: error SP1002: message`, the caret snippet, related locations, then the hint.
 * The format compilers and editors understand (problem matchers parse the first line).
 */
export function renderDiagnostic(d: Diagnostic): string {
  const where = d.span ? formatLocation(d.span) : (d.path ?? '<input>');
  const lines = [`${where}: ${d.severity} ${d.code}: ${d.message}`];
  if (d.span) lines.push(indent(codeFrame(d.span)));
  for (const r of d.related) {
    lines.push(`  ${formatLocation(r.span)}: note: ${r.note}`);
    lines.push(indent(codeFrame(r.span)));
  }
  if (d.hint) lines.push(`  hint: ${d.hint}`);
  return lines.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/** The documented JSON shape of a diagnostic for `--format json` (stable field order). */
export interface DiagnosticJson {
  code: string;
  severity: string;
  message: string;
  hint: string;
  file: string;
  line: number | null;
  column: number | null;
  endLine: number | null;
  endColumn: number | null;
  related: { file: string; line: number; column: number; note: string }[];
}

export function diagnosticToJson(d: Diagnostic): DiagnosticJson {
  const start = d.span?.file.lineColumn(d.span.start);
  const end = d.span?.file.lineColumn(d.span.end);
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    hint: d.hint,
    file: d.span?.file.path ?? d.path ?? '',
    line: start?.line ?? null,
    column: start?.column ?? null,
    endLine: end?.line ?? null,
    endColumn: end?.column ?? null,
    related: d.related.map((r) => {
      const p = r.span.file.lineColumn(r.span.start);
      return { file: r.span.file.path, line: p.line, column: p.column, note: r.note };
    }),
  };
}
