import type { Span } from './source-file.js';

/** A diagnostic echoes at most this many characters of a source line (a minified or generated line can be huge). */
export const maxFrameWidth = 200;

/**
 * A caret snippet under the span's first line, e.g.
 *    12 |     forbid any container has securityContext.privilegd = true
 *       |                                              ^^^^^^^^^
 * Tabs are kept so the caret lines up in the terminal; multi-line spans underline to the end of the first line.
 * A line longer than maxFrameWidth is shown as a window of that many characters around the span's start, with `…`
 * where it was cut.
 */
export function codeFrame(span: Span): string {
  const { file } = span;
  const start = file.lineColumn(span.start);
  const end = file.lineColumn(span.end);
  const line = file.lineText(start.line);
  const gutter = String(start.line).length;
  const pad = ' '.repeat(gutter);
  const lastColumn = end.line === start.line ? end.column : line.length + 1;
  // The window: from a little before the span, so its context shows, and never past the end of the line.
  const from = line.length <= maxFrameWidth ? 0 : Math.max(0, Math.min(start.column - 1 - 40, line.length - maxFrameWidth));
  const to = Math.min(line.length, from + maxFrameWidth);
  const before = from > 0 ? '…' : '';
  const text = `${before}${line.slice(from, to)}${to < line.length ? '…' : ''}`;
  const width = Math.max(1, Math.min(lastColumn, to + 1) - start.column);
  const lead = (before + line.slice(from, start.column - 1)).replace(/[^\t]/g, ' ');
  return `${start.line} | ${text}\n${pad} | ${lead}${'^'.repeat(width)}`;
}
