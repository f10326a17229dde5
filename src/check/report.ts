import { diagnostic, type Diagnostic, type DiagnosticArgs, type DiagnosticCode, type RelatedSpan } from '../diagnostics/index.js';
import type { Span } from '../source/index.js';

/** Collects diagnostics while a stage keeps going (R2: user mistakes are data). */
export class Reporter {
  readonly diagnostics: Diagnostic[] = [];

  report(code: DiagnosticCode, span: Span, args: DiagnosticArgs = {}, related: readonly RelatedSpan[] = []): void {
    this.diagnostics.push(diagnostic(code, span, args, related));
  }
}

/** Options that make checking reproducible: "today" decides which exceptions have expired. */
export interface CheckOptions {
  /** YYYY-MM-DD; defaults to the current UTC date in the CLI, fixed in tests. */
  readonly today: string;
}
