import type { Span } from './source-file.js';

/**
 * A caret snippet under the span's first line, e.g.
 *    12 |     forbid any container has securityContext.privilegd = true
 *       |                                              ^^^^^^^^^
 * Tabs are kept so the caret lines up in the terminal; multi-line spans underline to the end of the first line.
 */
export function codeFrame(span: Span): string {
  const { file } = span;
  const start = file.lineColumn(span.start);
  const end = file.lineColumn(span.end);
  const text = file.lineText(start.line);
  const gutter = String(start.line).length;
  const pad = ' '.repeat(gutter);
  const lastColumn = end.line === start.line ? end.column : text.length + 1;
  const width = Math.max(1, lastColumn - start.column);
  const lead = text.slice(0, start.column - 1).replace(/[^\t]/g, ' ');
  return `${start.line} | ${text}\n${pad} | ${lead}${'^'.repeat(width)}`;
}
