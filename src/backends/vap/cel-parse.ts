/**
 * A parser for the CEL the VAP backend writes, for its cost check (limits.ts): text → the tree of `op` and `args`
 * that cel-js's parser builds (the same operator names, argument order, left-associative chains, int literals as
 * bigint, strings with their escapes decoded), without positions. It replaced cel-js's parser on the compile path,
 * whose start-up and first parse of a 100-rule policy's ~60 KB of CEL cost ~40 ms; test/backends/vap/cel-parse.test.ts
 * checks both give the same tree on every golden VAP policy and on generated policies.
 *
 * Grammar (cel-spec `doc/langdef.md`, "Syntax"), lowest precedence first:
 *   expr := or ('?' or ':' expr)?      or := and ('||' and)*      and := rel ('&&' rel)*
 *   rel  := add (('==' | '!=' | '<' | '<=' | '>' | '>=' | 'in') add)*  (cel-js gives == and != their own level)
 *   add  := mul (('+' | '-') mul)*     mul := unary (('*' | '/' | '%') unary)*    unary := ('!' | '-') unary | member
 *   member := primary ('.' IDENT ('(' args ')')? | '[' expr ']')*
 *   primary := literal | IDENT ('(' args ')')? | '(' expr ')' | '[' list ']' | '{' entries '}'
 * Only what the backend emits is accepted: double-quoted strings with the escapes `celString` writes and CEL's
 * single-character ones, decimal ints and doubles, no bytes, raw or triple-quoted strings, unsigned or hex ints,
 * optional selection or message construction. Anything else is a bug in the backend: an invariant error.
 */
export interface CelNode {
  readonly op: string;
  readonly args: unknown;
}

/** Token kinds of `CelLexer`. */
export const T = { End: 0, Value: 1, Ident: 2, Punct: 3 } as const;
type TokenKind = (typeof T)[keyof typeof T];

const simpleEscapes: Readonly<Record<string, string>> = { '\\': '\\', '?': '?', '"': '"', "'": "'", '`': '`', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
const oneCharOps = new Set(['<', '>', '!', '+', '-', '*', '/', '%', '(', ')', '[', ']', '{', '}', '.', ',', ':', '?']);
/** cel-js's levels, loosest first: || && (== !=) (< <= > >= in) (+ -) (* / %), then unary operators. */
export const binaryLevel: Readonly<Record<string, number>> = { '||': 1, '&&': 2, '==': 3, '!=': 3, '<': 4, '<=': 4, '>': 4, '>=': 4, in: 4, '+': 5, '-': 5, '*': 6, '/': 6, '%': 6 };

const isDigit = (c: number) => c >= 48 && c <= 57;
const identTail = /[A-Za-z0-9_]*/y;
const isIdentChar = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 95;

export function fail(text: string, at: number, what: string): never {
  throw new Error(`invariant: the VAP backend wrote CEL its cost check cannot read (${what} at ${at}): ${text.slice(Math.max(0, at - 40), at + 40)}`);
}

/**
 * The tokens of the backend's dialect, one at a time: `kind` and `value` describe the current token, which spans
 * `start` to `pos`; `prevEnd` is where the token before it ended. Shared by the tree parser below and the cost
 * estimator (limits.ts), which estimates while it reads instead of building a tree.
 */
export class CelLexer {
  pos = 0;
  kind: TokenKind = T.End;
  /** The current token: the punctuation or identifier text, or the literal's value. */
  value: unknown;
  start = 0;
  prevEnd = 0;

  constructor(readonly text: string) {
    this.next();
  }

  next(): void {
    const s = this.text;
    let p = this.pos;
    this.prevEnd = p;
    let c = s.charCodeAt(p);
    while (c === 32 || c === 9 || c === 10 || c === 13) c = s.charCodeAt(++p);
    this.start = p;
    if (p >= s.length) {
      this.kind = T.End;
      this.pos = p;
      return;
    }
    if (c === 34) return this.string(p);
    if (isDigit(c)) return this.number(p);
    if (isIdentChar(c)) {
      // A sticky regular expression finds the word's end: a loop over characters costs far more while the code is
      // still interpreted, which the one parse of a compile mostly is.
      identTail.lastIndex = p + 1;
      identTail.test(s);
      const e = identTail.lastIndex;
      const word = s.slice(p, e);
      this.pos = e;
      this.kind = T.Value;
      if (word === 'true') this.value = true;
      else if (word === 'false') this.value = false;
      else if (word === 'null') this.value = null;
      else if (word === 'in') {
        this.kind = T.Punct;
        this.value = 'in';
      } else if (s[e] === '"' || s[e] === "'") fail(s, p, 'a prefixed string');
      else {
        this.kind = T.Ident;
        this.value = word;
      }
      return;
    }
    this.kind = T.Punct;
    const d = s.charCodeAt(p + 1);
    // == != <= >= && ||
    if ((d === 61 && (c === 61 || c === 33 || c === 60 || c === 62)) || (c === 38 && d === 38) || (c === 124 && d === 124)) {
      this.value = s.slice(p, p + 2);
      this.pos = p + 2;
    } else if (oneCharOps.has(s[p]!) && !(c === 47 && d === 47)) {
      this.value = s[p];
      this.pos = p + 1;
    } else fail(s, p, `the character ${JSON.stringify(s[p])}`);
  }

  private string(p: number): void {
    const s = this.text;
    if (s.startsWith('"""', p)) fail(s, p, 'a triple-quoted string');
    let out = '';
    let from = p + 1;
    let i = from;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c !== c || c === 10 || c === 13) fail(s, p, 'an unterminated string');
      if (c === 34) break;
      if (c !== 92) {
        i++;
        continue;
      }
      out += s.slice(from, i);
      const e = s[i + 1] ?? '';
      if (e in simpleEscapes) {
        out += simpleEscapes[e];
        i += 2;
      } else if (e === 'u' || e === 'U') {
        const hex = s.slice(i + 2, i + 2 + (e === 'u' ? 4 : 8));
        const cp = Number.parseInt(hex, 16);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== (e === 'u' ? 4 : 8) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) fail(s, i, 'an invalid unicode escape');
        out += String.fromCodePoint(cp);
        i += 2 + hex.length;
      } else fail(s, i, `the escape \\${e}`);
      from = i;
    }
    this.kind = T.Value;
    this.value = out + s.slice(from, i);
    this.pos = i + 1;
  }

  private number(p: number): void {
    const s = this.text;
    let e = p;
    while (isDigit(s.charCodeAt(e))) e++;
    let double = false;
    if (s[e] === '.' && isDigit(s.charCodeAt(e + 1))) {
      double = true;
      e++;
      while (isDigit(s.charCodeAt(e))) e++;
    }
    if (s[e] === 'e' || s[e] === 'E') {
      let x = e + 1;
      if (s[x] === '+' || s[x] === '-') x++;
      if (isDigit(s.charCodeAt(x))) {
        double = true;
        while (isDigit(s.charCodeAt(x))) x++;
        e = x;
      }
    }
    const c = s[e];
    if (c === 'x' || c === 'X' || c === 'u' || c === 'U' || c === 'e' || c === 'E' || (c !== undefined && isIdentChar(s.charCodeAt(e)))) fail(s, p, 'an unsupported number');
    this.kind = T.Value;
    this.value = double ? Number(s.slice(p, e)) : BigInt(s.slice(p, e));
    this.pos = e;
  }

  at(punct: string): boolean {
    return this.kind === T.Punct && this.value === punct;
  }

  expect(punct: string): void {
    if (!this.at(punct)) fail(this.text, this.start, `expected ${punct}`);
    this.next();
  }
}

class Parser extends CelLexer {
  parse(): CelNode {
    const node = this.expr();
    if (this.kind !== T.End) fail(this.text, this.start, 'trailing text');
    return node;
  }

  private expr(): CelNode {
    const condition = this.or();
    if (!this.at('?')) return condition;
    this.next();
    const then = this.expr();
    this.expect(':');
    return { op: '?:', args: [condition, then, this.expr()] };
  }

  /** Binary operators at `level` and above, left-associative (precedence climbing over `binaryLevel`). */
  private binary(level: number): CelNode {
    let left = level === 6 ? this.unary() : this.binary(level + 1);
    for (;;) {
      if (this.kind !== T.Punct) return left;
      const op = this.value as string;
      if (binaryLevel[op] !== level) return left;
      this.next();
      left = { op, args: [left, level === 6 ? this.unary() : this.binary(level + 1)] };
    }
  }

  private or(): CelNode {
    return this.binary(1);
  }

  private unary(): CelNode {
    if (this.at('!') || this.at('-')) {
      const op = this.value === '!' ? '!_' : '-_';
      this.next();
      return { op, args: this.unary() };
    }
    return this.member();
  }

  private member(): CelNode {
    let node = this.primary();
    for (;;) {
      if (this.at('.')) {
        this.next();
        if (this.kind !== T.Ident) fail(this.text, this.start, 'expected a field name');
        const name = this.value as string;
        this.next();
        if (this.at('(')) {
          this.next();
          node = { op: 'rcall', args: [name, node, this.list(')')] };
        } else node = { op: '.', args: [node, name] };
      } else if (this.at('[')) {
        this.next();
        const index = this.expr();
        this.expect(']');
        node = { op: '[]', args: [node, index] };
      } else return node;
    }
  }

  /** Comma-separated expressions up to `close` (a trailing comma allowed), consuming `close`. */
  private list(close: string): CelNode[] {
    const items: CelNode[] = [];
    while (!this.at(close)) {
      items.push(this.expr());
      if (!this.at(',')) break;
      this.next();
    }
    this.expect(close);
    return items;
  }

  private primary(): CelNode {
    const value = this.value;
    switch (this.kind) {
      case T.Value:
        this.next();
        return { op: 'value', args: value };
      case T.Ident:
        this.next();
        if (!this.at('(')) return { op: 'id', args: value };
        this.next();
        return { op: 'call', args: [value, this.list(')')] };
      case T.Punct:
        this.next();
        if (value === '(') {
          const inner = this.expr();
          this.expect(')');
          return inner;
        }
        if (value === '[') return { op: 'list', args: this.list(']') };
        if (value === '{') {
          const entries: [CelNode, CelNode][] = [];
          while (!this.at('}')) {
            const key = this.expr();
            this.expect(':');
            entries.push([key, this.expr()]);
            if (!this.at(',')) break;
            this.next();
          }
          this.expect('}');
          return { op: 'map', args: entries };
        }
        return fail(this.text, this.start, `unexpected ${String(value)}`);
      default:
        return fail(this.text, this.start, 'unexpected end');
    }
  }
}

export function parseCel(text: string): CelNode {
  return new Parser(text).parse();
}
