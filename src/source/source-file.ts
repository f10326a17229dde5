/** A policy file's text with a precomputed line index, so positions are computed only when rendered. */
export class SourceFile {
  private readonly lineStarts: readonly number[];

  constructor(
    /** The path as the user gave it (used verbatim in diagnostics and source annotations). */
    readonly path: string,
    readonly text: string,
  ) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
    this.lineStarts = starts;
  }

  /** 1-based line and column of a 0-based offset; columns count UTF-16 units, as editors do. */
  lineColumn(offset: number): { line: number; column: number } {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: clamped - (this.lineStarts[lo] ?? 0) + 1 };
  }

  /** The text of a 1-based line without its line break. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return '';
    const next = this.lineStarts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, '');
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** Keeps serialized spans short (counterexamples, debugging): a file prints as its path. */
  toJSON(): string {
    return this.path;
  }
}

/** A half-open range [start, end) of offsets in one file. Spans travel from tokens to the IR. */
export interface Span {
  readonly file: SourceFile;
  readonly start: number;
  readonly end: number;
}

export function spanOf(file: SourceFile, start: number, end: number): Span {
  return { file, start, end: Math.max(start, end) };
}

/** The smallest span covering both (same file assumed: spans never cross files). */
export function joinSpans(a: Span, b: Span): Span {
  return { file: a.file, start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

/** `path:line:column` of a span's start, the form every diagnostic and annotation uses. */
export function formatLocation(span: Span): string {
  const { line, column } = span.file.lineColumn(span.start);
  return `${span.file.path}:${line}:${column}`;
}

/** `path:line` for source annotations in emitted artifacts. */
export function formatLine(span: Span): string {
  return `${span.file.path}:${span.file.lineColumn(span.start).line}`;
}
