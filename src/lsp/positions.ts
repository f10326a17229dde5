import type { Position, Range } from 'vscode-languageserver';
import type { Span } from '../source/index.js';

/** LSP positions are 0-based lines and UTF-16 columns; secpol's are 1-based, in the same units. */
export function rangeOf(span: Span): Range {
  const s = span.file.lineColumn(span.start);
  const e = span.file.lineColumn(span.end);
  return { start: { line: s.line - 1, character: s.column - 1 }, end: { line: e.line - 1, character: e.column - 1 } };
}

/** The offset of an LSP position in `text` (a position past a line's end is clamped to it). */
export function offsetAt(text: string, position: Position): number {
  let line = 0;
  let i = 0;
  while (line < position.line) {
    const next = text.indexOf('\n', i);
    if (next < 0) return text.length;
    i = next + 1;
    line++;
  }
  const end = text.indexOf('\n', i);
  return Math.min(i + position.character, end < 0 ? text.length : end);
}

export function contains(span: Span, offset: number): boolean {
  return offset >= span.start && offset <= span.end;
}
