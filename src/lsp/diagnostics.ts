import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import type { Diagnostic } from '../diagnostics/index.js';
import { rangeOf } from './positions.js';
import { uriOfPath } from './uri.js';

/** Where each code's page (docs/diagnostics/<code>.md) is published. */
export const diagnosticsDocsBase = 'https://github.com/secpol/secpol/blob/main/docs/diagnostics/';

/** What a code action needs back from a published diagnostic: its hint. */
export interface DiagnosticData {
  readonly hint: string;
}

/**
 * A secpol diagnostic as the editor shows it: the code links to its page, the hint follows the message (editors
 * show one text), related spans become related information. A diagnostic without a span (a path problem) sits
 * at the start of the document.
 */
export function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
  const range = d.span ? rangeOf(d.span) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const data: DiagnosticData = { hint: d.hint };
  return {
    range,
    severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.code,
    codeDescription: { href: `${diagnosticsDocsBase}${d.code}.md` },
    source: 'secpol',
    message: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message,
    ...(d.related.length ? { relatedInformation: d.related.map((r) => ({ location: { uri: uriOfPath(r.span.file.path), range: rangeOf(r.span) }, message: r.note })) } : {}),
    data,
  };
}
