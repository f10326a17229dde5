import { checkFiles } from '../../src/check/index.js';
import type { Diagnostic } from '../../src/diagnostics/index.js';
import type { PolicySet } from '../../src/ir/index.js';
import { SourceFile } from '../../src/source/index.js';
import { parseSource } from '../../src/syntax/index.js';

/** A fixed "today" so exception expiry is reproducible in tests. */
export const testToday = '2026-06-01';

/** Template tag that strips the common indentation, so policies can be written inline in tests. */
export function dsl(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').replace(/\n[ \t]*$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0));
  return `${lines.map((l) => l.slice(indent)).join('\n')}\n`;
}

export interface CompactDiagnostic {
  code: string;
  at: string;
  related?: string[];
}

/** Diagnostics of one in-memory file, as `{code, at: 'line:col'}` (R9). */
export function diagnosticsOf(text: string, today = testToday): CompactDiagnostic[] {
  return rawDiagnosticsOf(text, today).map(compact);
}

export function rawDiagnosticsOf(text: string, today = testToday): readonly Diagnostic[] {
  const file = new SourceFile('test.secpol', text);
  const parsed = parseSource(file);
  if (!parsed.value) return parsed.diagnostics;
  return checkFiles([parsed.value], { today }).diagnostics;
}

export function compact(d: Diagnostic): CompactDiagnostic {
  const at = (span: NonNullable<Diagnostic['span']>) => {
    const p = span.file.lineColumn(span.start);
    return `${p.line}:${p.column}`;
  };
  const out: CompactDiagnostic = { code: d.code, at: d.span ? at(d.span) : '' };
  if (d.related.length) out.related = d.related.map((r) => at(r.span));
  return out;
}

/** The IR of an in-memory file; fails the test with the rendered diagnostics when there are errors. */
export function irOf(text: string, today = testToday): PolicySet {
  const file = new SourceFile('test.secpol', text);
  const parsed = parseSource(file);
  if (!parsed.value) throw new Error(`syntax errors: ${parsed.diagnostics.map((d) => d.message).join('; ')}`);
  const checked = checkFiles([parsed.value], { today });
  const errors = checked.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length || !checked.value) throw new Error(`check errors: ${errors.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  return checked.value;
}
