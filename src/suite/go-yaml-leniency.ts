/**
 * What Go's YAML reader accepts and the YAML specification (and the `yaml` package) does not.
 *
 * go-yaml (the reader of kubectl, Gatekeeper, gator and Kyverno, through sigs.k8s.io/yaml) does not check the
 * indentation of a quoted scalar's continuation lines: its scanner (scannerc.go, yaml_parser_scan_flow_scalar)
 * only stops a quoted scalar at its closing quote, at a document indicator (`---` or `...` in column 0) or at the
 * end of the stream. gatekeeper-library's general/httpsonly/template.yaml relies on it:
 *
 *     description: "When set to `true` the TLS {} is optional, defaults
 *     to false."                      <- continuation line less indented than the key
 *
 * `rewriteUnderIndentedQuotedScalars` rewrites each such scalar onto one line with the value go-yaml reads (line
 * folding: a single break is a space, n breaks are n - 1 newlines, blanks around breaks dropped, an escaped break in
 * a double-quoted scalar joins the lines), padded with spaces after its closing quote so that every offset in the
 * text stays where it was: positions reported on the rewritten text are positions in the file.
 */
import YAML from 'yaml';

/** One rewritten scalar: the offsets of its opening and closing quotes in the original text. */
export interface RewrittenScalar {
  readonly start: number;
  readonly end: number;
  /** The 1-based line of the first continuation line that is less indented than the line holding the opening quote. */
  readonly underIndentedLine: number;
}

/** Lexer control characters that stand for no source text (yaml's cst.ts: BOM, DOCUMENT, FLOW_END, SCALAR). */
const CONTROL = new Set(['\u{FEFF}', '\x02', '\x18', '\x1f']);

/** Offsets of quoted scalars the `yaml` lexer did not see closed (its scan stopped at the under-indented line). */
function unterminatedQuotedScalars(text: string): number[] {
  const starts: number[] = [];
  let offset = 0;
  for (const token of new YAML.Lexer().lex(text)) {
    if (token.length === 1 && CONTROL.has(token)) continue;
    const q = token[0];
    if ((q === '"' || q === "'") && !closes(token, q)) starts.push(offset);
    offset += token.length;
  }
  return starts;
}

/** Whether a lexer token that opens with quote `q` also closes it. */
function closes(token: string, q: string): boolean {
  return closingQuote(token, 0, q) === token.length - 1;
}

/** The offset of the quote that closes the scalar opened at `start`, as go-yaml's scanner finds it; -1 if none. */
function closingQuote(text: string, start: number, q: string): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    const lineStart = i === 0 || text[i - 1] === '\n';
    if (lineStart && /^(?:---|\.\.\.)(?:[ \t\r\n]|$)/.test(text.slice(i, i + 4))) return -1;
    if (q === "'" && c === "'") {
      if (text[i + 1] === "'") {
        i += 2;
        continue;
      }
      return i;
    }
    if (q === '"' && c === '\\') {
      i += 2;
      continue;
    }
    if (q === '"' && c === '"') return i;
    i++;
  }
  return -1;
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset; i++) if (text[i] === '\n') n++;
  return n;
}

function indentOfLineAt(text: string, offset: number): number {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let i = lineStart;
  while (text[i] === ' ') i++;
  return i - lineStart;
}

/**
 * The scalar between quotes `start` and `end` folded onto one line, in the same quoting; undefined when it cannot
 * be written in `end - start + 1` characters (a single-quoted scalar with an empty line has no escape for it).
 */
function foldOnto(text: string, start: number, end: number): string | undefined {
  const q = text[start]!;
  const lines = text.slice(start + 1, end).split('\n').map((l) => l.replace(/\r$/, ''));
  let out = '';
  let breaks = 0;
  lines.forEach((raw, i) => {
    const last = i === lines.length - 1;
    let line = i === 0 ? raw : raw.replace(/^[ \t]+/, '');
    if (!last) line = line.replace(/[ \t]+$/, '');
    if (i > 0 && line === '' && !last) {
      breaks++;
      return;
    }
    if (i > 0) out += breaks === 0 ? ' ' : (q === '"' ? '\\n' : '\n').repeat(breaks);
    breaks = 0;
    out += line;
  });
  // An escaped line break (a backslash ending the line) joins the lines without a space in go-yaml; not rewritten.
  if (q === '"' && lines.slice(0, -1).some((l) => /(?:^|[^\\])(?:\\\\)*\\[ \t]*$/.test(l))) return undefined;
  if (out.includes('\n')) return undefined;
  const folded = `${q}${out}${q}`;
  const length = end - start + 1;
  return folded.length <= length ? folded + ' '.repeat(length - folded.length) : undefined;
}

/**
 * Rewrites the quoted scalars whose continuation lines are less indented than their key's line (which go-yaml
 * reads) onto one line each, offsets preserved. Returns the text unchanged and no scalars when there are none.
 */
export function rewriteUnderIndentedQuotedScalars(text: string): { text: string; scalars: RewrittenScalar[] } {
  const scalars: RewrittenScalar[] = [];
  let out = text;
  for (const start of unterminatedQuotedScalars(text)) {
    const end = closingQuote(text, start, text[start]!);
    if (end < 0 || !text.slice(start, end).includes('\n')) continue;
    const keyIndent = indentOfLineAt(text, start);
    let underIndentedLine = 0;
    let at = text.indexOf('\n', start);
    while (at >= 0 && at < end) {
      const next = at + 1;
      const rest = text.slice(next, text.indexOf('\n', next) < 0 ? undefined : text.indexOf('\n', next));
      if (rest.trim() !== '' && indentOfLineAt(text, next + 1) <= keyIndent) {
        underIndentedLine = lineOf(text, next);
        break;
      }
      at = text.indexOf('\n', next);
    }
    if (underIndentedLine === 0) continue;
    const folded = foldOnto(text, start, end);
    if (folded === undefined) continue;
    out = out.slice(0, start) + folded + out.slice(end + 1);
    scalars.push({ start, end, underIndentedLine });
  }
  return { text: out, scalars };
}
