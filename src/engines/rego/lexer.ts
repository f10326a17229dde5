import { RegoSyntaxError, type Loc } from './errors.js';

export type TokenKind = 'ident' | 'string' | 'number' | 'op' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Identifier or operator image; decoded string value; number source text. */
  readonly text: string;
  readonly loc: Loc;
  /** A newline separates this token from the previous one. */
  readonly nl: boolean;
  /** Whitespace (or a comment) separates this token from the previous one. */
  readonly ws: boolean;
}

const OPERATORS = [':=', '==', '!=', '<=', '>=', '=', '<', '>', '+', '-', '*', '/', '%', '|', '&', '(', ')', '[', ']', '{', '}', ',', ';', '.', ':'];

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** Splits Rego source into tokens (policy reference, "Grammar"). Comments run from `#` to the end of the line. */
export function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const loc = (at: number): Loc => ({ line, column: at - lineStart + 1, offset: at });
  const fail = (at: number, message: string): never => {
    throw new RegoSyntaxError(file, loc(at), message);
  };
  let nl = true;
  let ws = true;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      nl = true;
      ws = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      ws = true;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      ws = true;
      continue;
    }
    const start = i;
    const at = loc(start);
    const push = (kind: TokenKind, value: string) => {
      tokens.push({ kind, text: value, loc: at, nl, ws });
      nl = false;
      ws = false;
    };
    if (isIdentStart(c)) {
      while (i < text.length && (isIdentStart(text[i]!) || isDigit(text[i]!))) i++;
      push('ident', text.slice(start, i));
      continue;
    }
    if (isDigit(c)) {
      while (i < text.length && isDigit(text[i]!)) i++;
      if (text[i] === '.' && isDigit(text[i + 1] ?? '')) {
        i++;
        while (i < text.length && isDigit(text[i]!)) i++;
      }
      if (text[i] === 'e' || text[i] === 'E') {
        let j = i + 1;
        if (text[j] === '+' || text[j] === '-') j++;
        if (!isDigit(text[j] ?? '')) fail(i, 'malformed number exponent');
        i = j;
        while (i < text.length && isDigit(text[i]!)) i++;
      }
      if (i < text.length && isIdentStart(text[i]!)) fail(i, `unexpected character ${JSON.stringify(text[i])} after number`);
      push('number', text.slice(start, i));
      continue;
    }
    if (c === '"') {
      i++;
      let value = '';
      for (;;) {
        if (i >= text.length) fail(start, 'non-terminated string');
        const d = text[i]!;
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\n') fail(start, 'non-terminated string');
        if (d === '\\') {
          const e = text[i + 1] ?? '';
          const simple = SIMPLE_ESCAPES[e];
          if (simple !== undefined) {
            value += simple;
            i += 2;
            continue;
          }
          if (e === 'u') {
            const hex = text.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail(i, 'illegal \\u escape in string');
            value += String.fromCharCode(parseInt(hex, 16));
            i += 6;
            continue;
          }
          fail(i, `illegal escape sequence \\${e} in string`);
        }
        value += d;
        i++;
      }
      push('string', value);
      continue;
    }
    if (c === '`') {
      i++;
      const from = i;
      while (i < text.length && text[i] !== '`') {
        if (text[i] === '\n') {
          line++;
          lineStart = i + 1;
        }
        i++;
      }
      if (i >= text.length) throw new RegoSyntaxError(file, at, 'non-terminated raw string');
      const value = text.slice(from, i);
      i++;
      push('string', value);
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op === undefined) fail(i, `illegal character ${JSON.stringify(c)}`);
    i += op!.length;
    push('op', op!);
  }
  tokens.push({ kind: 'eof', text: '', loc: loc(i), nl: true, ws: true });
  return tokens;
}
