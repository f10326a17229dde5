import type { Span } from '../source/index.js';
import { diagnosticCodes, type DiagnosticCode } from './codes.js';

export type Severity = 'error' | 'warning';

export interface RelatedSpan {
  readonly span: Span;
  readonly note: string;
}

/** A user mistake, as data: code + primary span + related spans. Line/column are computed when rendering. */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly hint: string;
  /** Absent only for whole-input problems with no file (e.g. a missing file argument). */
  readonly span?: Span;
  /** For problems outside any policy file (unreadable path); rendered in place of file:line:col. */
  readonly path?: string;
  readonly related: readonly RelatedSpan[];
}

/** A stage's result: a value when one could be built, plus every diagnostic found (R2). */
export interface Staged<T> {
  readonly value?: T;
  readonly diagnostics: readonly Diagnostic[];
}

export type DiagnosticArgs = Readonly<Record<string, string | number>>;

function fill(template: string, args: DiagnosticArgs): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in args ? String(args[key]) : whole));
}

/** Builds a diagnostic from the code table; wording never lives at the call site. */
export function diagnostic(
  code: DiagnosticCode,
  span: Span | undefined,
  args: DiagnosticArgs = {},
  related: readonly RelatedSpan[] = [],
): Diagnostic {
  const entry = diagnosticCodes[code];
  const base = { code, severity: entry.severity, message: fill(entry.message, args), hint: fill(entry.hint, args), related };
  return span ? { ...base, span } : base;
}

/** A diagnostic about a path that is not a policy file (unreadable, a directory, missing). */
export function pathDiagnostic(code: DiagnosticCode, path: string, args: DiagnosticArgs = {}): Diagnostic {
  return { ...diagnostic(code, undefined, args), path };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Stable order for reporting: by file, then offset, then code. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => {
    const fa = a.span?.file.path ?? a.path ?? '';
    const fb = b.span?.file.path ?? b.path ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const oa = a.span?.start ?? -1;
    const ob = b.span?.start ?? -1;
    if (oa !== ob) return oa - ob;
    return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
  });
}
