/**
 * Recursive-descent parser for Rego modules. It accepts the union of Rego v0 syntax (`p[x] { ... }`,
 * bodies without `if`, multiple bodies) and v1 syntax (`contains`, `if`, `in`, `every`), the way
 * OPA v0.x reads a module that imports `future.keywords`. Operator precedence follows OPA's parser:
 * `in` < relations (`==` ...) < `|` < `&` < `+ -` < `* / %`.
 */
import type {
  ArrayTerm,
  Body,
  CallTerm,
  ElseClause,
  Expr,
  Import,
  Literal,
  RegoModule,
  Rule,
  RuleKind,
  Term,
  VarTerm,
  WithModifier,
} from './ast.js';
import { RegoSyntaxError, type Loc } from './errors.js';
import { tokenize, type Token } from './lexer.js';

const RELATIONS: Record<string, string> = { '==': 'equal', '!=': 'neq', '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' };
const ARITH: Record<string, string> = { '+': 'plus', '-': 'minus' };
const FACTOR: Record<string, string> = { '*': 'mul', '/': 'div', '%': 'rem' };

/** Words that cannot start a term. */
const RESERVED = new Set(['package', 'import', 'default', 'else', 'not', 'some', 'with', 'as', 'every', 'in', 'if', 'contains']);

/** Parses one Rego module; throws {@link RegoSyntaxError} with the file, line and column of the first mistake. */
export function parseModule(text: string, file = 'policy.rego'): RegoModule {
  return new Parser(tokenize(text, file), file).module();
}

/**
 * Parses a query: one term such as `data.k8sallowedrepos.violation` or `count(data.x.deny)`, optionally
 * followed by `with` modifiers.
 */
export function parseQuery(text: string, file = 'query'): Literal {
  return new Parser(tokenize(text, file), file).query();
}

class Parser {
  private pos = 0;
  private wildcards = 0;

  constructor(
    private readonly toks: readonly Token[],
    private readonly file: string,
  ) {}

  // ---- token helpers -------------------------------------------------------------------------

  private get tok(): Token {
    return this.toks[this.pos]!;
  }

  private peekAt(n: number): Token {
    return this.toks[Math.min(this.pos + n, this.toks.length - 1)]!;
  }

  private advance(): Token {
    const t = this.tok;
    if (this.pos < this.toks.length - 1) this.pos++;
    return t;
  }

  private isOp(op: string, t: Token = this.tok): boolean {
    return t.kind === 'op' && t.text === op;
  }

  private isWord(word: string, t: Token = this.tok): boolean {
    return t.kind === 'ident' && t.text === word;
  }

  private describe(t: Token): string {
    switch (t.kind) {
      case 'eof':
        return 'end of file';
      case 'string':
        return 'string token';
      case 'number':
        return 'number token';
      case 'ident':
        return RESERVED.has(t.text) ? `${t.text} keyword` : `identifier token ${t.text}`;
      case 'op':
        return `${t.text} token`;
    }
  }

  private fail(message: string, t: Token = this.tok): never {
    throw new RegoSyntaxError(this.file, t.loc, message);
  }

  private unexpected(expected?: string, t: Token = this.tok): never {
    this.fail(`unexpected ${this.describe(t)}${expected ? `: expected ${expected}` : ''}`, t);
  }

  private expectOp(op: string): Token {
    if (!this.isOp(op)) this.unexpected(op);
    return this.advance();
  }

  private expectIdent(what: string): Token {
    if (this.tok.kind !== 'ident' || RESERVED.has(this.tok.text)) this.unexpected(what);
    return this.advance();
  }

  // ---- module --------------------------------------------------------------------------------

  module(): RegoModule {
    if (!this.isWord('package')) this.unexpected('package declaration');
    const pkgTok = this.advance();
    const packagePath = this.dottedPath('package name');
    if (packagePath[0] === 'data') packagePath.shift();
    if (packagePath.length === 0) this.fail('package name must not be empty', pkgTok);
    this.endOfStatement();
    const imports: Import[] = [];
    while (this.isWord('import')) imports.push(this.importDecl());
    const rules: Rule[] = [];
    while (this.tok.kind !== 'eof') {
      if (this.isWord('import')) this.fail('import must come before any rule');
      if (this.isWord('package')) this.fail('a module has exactly one package declaration');
      rules.push(...this.rule());
      this.endOfStatement();
    }
    return { file: this.file, packagePath, packageLoc: pkgTok.loc, imports, rules };
  }

  query(): Literal {
    const lit = this.literal();
    if (lit.negated || lit.expr.kind !== 'term') this.fail('a query is a term, optionally with with modifiers', this.toks[0]);
    if (this.tok.kind !== 'eof') this.unexpected('end of query');
    return lit;
  }

  /** `a.b["c"].d`: identifiers separated by dots, or bracketed strings. */
  private dottedPath(what: string): string[] {
    const first = this.tok;
    if (first.kind !== 'ident') this.unexpected(what);
    this.advance();
    const path = [first.text];
    for (;;) {
      if (this.isOp('.') && !this.tok.ws) {
        this.advance();
        if (this.tok.kind !== 'ident') this.unexpected('identifier after .');
        path.push(this.advance().text);
      } else if (this.isOp('[') && !this.tok.ws) {
        this.advance();
        if (this.tok.kind !== 'string') this.fail(`${what} may only contain string operands`);
        path.push(this.advance().text);
        this.expectOp(']');
      } else {
        return path;
      }
    }
  }

  private endOfStatement(): void {
    if (this.isOp(';')) {
      this.advance();
      return;
    }
    if (this.tok.kind === 'eof' || this.tok.nl) return;
    this.unexpected();
  }

  private importDecl(): Import {
    const loc = this.advance().loc;
    const path = this.dottedPath('import path');
    const root = path[0];
    if (root !== 'data' && root !== 'input' && root !== 'future' && root !== 'rego') {
      this.fail(`invalid import path ${path.join('.')}: must begin with input, data, future or rego`);
    }
    let alias: string | undefined;
    if (this.isWord('as') && !this.tok.nl) {
      this.advance();
      alias = this.expectIdent('import alias').text;
    }
    this.endOfStatement();
    return alias === undefined ? { path, loc } : { path, alias, loc };
  }

  // ---- rules ---------------------------------------------------------------------------------

  private rule(): Rule[] {
    if (this.isWord('default')) return [this.defaultRule()];
    const nameTok = this.tok;
    if (nameTok.kind !== 'ident' || RESERVED.has(nameTok.text)) this.unexpected('rule name');
    this.advance();
    const path = [nameTok.text];
    while (this.isOp('.') && !this.tok.ws) {
      this.advance();
      path.push(this.expectIdent('rule name segment').text);
    }
    let kind: RuleKind = 'complete';
    let args: Term[] | undefined;
    let key: Term | undefined;
    let value: Term | undefined;
    let usesContains = false;
    if (this.isOp('(') && !this.tok.nl) {
      this.advance();
      args = this.termList(')');
      kind = 'function';
    } else if (this.isOp('[') && !this.tok.nl) {
      this.advance();
      key = this.termIn(false);
      this.expectOp(']');
      kind = 'partialSet';
    } else if (this.isWord('contains') && !this.tok.nl) {
      this.advance();
      key = this.termIn(false);
      kind = 'partialSet';
      usesContains = true;
    }
    if ((this.isOp('=') || this.isOp(':=')) && !this.tok.nl) {
      if (usesContains) this.fail('a contains rule has no value');
      this.advance();
      value = this.termIn(false);
      if (kind === 'partialSet') kind = 'partialObject';
    }
    const bodies: Body[] = [];
    const elses: ElseClause[] = [];
    const first = this.ruleBody(true);
    if (first === undefined && value === undefined && key === undefined && args === undefined) {
      this.fail(`rule ${path.join('.')} must have a value or a body`, nameTok);
    }
    bodies.push(first ?? []);
    for (;;) {
      if (this.isWord('else')) {
        if (kind !== 'complete' && kind !== 'function') this.fail('else keyword cannot be used on multi-value rules');
        const elseTok = this.advance();
        let elseValue: Term | undefined;
        if (this.isOp('=') || this.isOp(':=')) {
          this.advance();
          elseValue = this.termIn(false);
        }
        const body = this.ruleBody(false) ?? [];
        elses.push(elseValue === undefined ? { body, loc: elseTok.loc } : { value: elseValue, body, loc: elseTok.loc });
        continue;
      }
      if (this.isOp('{') && elses.length === 0) {
        const extra = this.ruleBody(false);
        if (extra !== undefined) bodies.push(extra);
        continue;
      }
      break;
    }
    return bodies.map((body, i) => {
      const rule: Rule = {
        kind,
        path,
        isDefault: false,
        body,
        elses: i === 0 ? elses : [],
        loc: nameTok.loc,
        ...(args !== undefined ? { args } : {}),
        ...(key !== undefined ? { key } : {}),
        ...(value !== undefined ? { value } : {}),
      };
      return rule;
    });
  }

  /** `[if] { body }`, `if expr`, or nothing (a rule without body). */
  private ruleBody(allowNone: boolean): Body | undefined {
    const hasIf = this.isWord('if');
    if (hasIf) this.advance();
    if (this.isOp('{')) {
      const open = this.advance();
      const body = this.bodyUntil('}');
      if (body.length === 0) this.fail('rule body must not be empty', open);
      this.expectOp('}');
      return body;
    }
    if (hasIf) return [this.literal()];
    if (!allowNone && !(this.tok.nl || this.tok.kind === 'eof')) this.unexpected('rule body');
    return undefined;
  }

  private defaultRule(): Rule {
    this.advance();
    const nameTok = this.expectIdent('rule name');
    const path = [nameTok.text];
    while (this.isOp('.') && !this.tok.ws) {
      this.advance();
      path.push(this.expectIdent('rule name segment').text);
    }
    let args: Term[] | undefined;
    if (this.isOp('(')) {
      this.advance();
      args = this.termList(')');
    }
    if (!this.isOp('=') && !this.isOp(':=')) this.unexpected('= or := after default rule name');
    this.advance();
    const value = this.termIn(false);
    return {
      kind: args ? 'function' : 'complete',
      path,
      isDefault: true,
      value,
      body: [],
      elses: [],
      loc: nameTok.loc,
      ...(args ? { args } : {}),
    };
  }

  // ---- bodies --------------------------------------------------------------------------------

  /** Literals separated by `;` or newlines, up to (not including) the closing token. */
  private bodyUntil(close: string): Literal[] {
    const out: Literal[] = [];
    while (!this.isOp(close)) {
      if (this.tok.kind === 'eof') this.unexpected(close);
      if (this.isOp(';')) {
        this.advance();
        continue;
      }
      out.push(this.literal());
      if (this.isOp(';')) {
        this.advance();
      } else if (!this.isOp(close) && !this.tok.nl) {
        this.unexpected(`; or newline or ${close}`);
      }
    }
    return out;
  }

  private literal(): Literal {
    const start = this.tok;
    let negated = false;
    let expr: Expr;
    if (this.isWord('some')) {
      expr = this.someExpr();
    } else if (this.isWord('every')) {
      expr = this.everyExpr();
    } else {
      if (this.isWord('not')) {
        this.advance();
        negated = true;
        if (this.isWord('some') || this.isWord('every')) this.fail(`unexpected ${this.tok.text} keyword: illegal negation of '${this.tok.text}'`);
      }
      expr = this.expr();
      if (negated && expr.kind === 'assign') this.fail('an assignment cannot be negated', start);
    }
    const withs: WithModifier[] = [];
    while (this.isWord('with')) {
      const w = this.advance();
      const target = this.termRelation(false);
      if (!this.isWord('as')) this.unexpected('as');
      this.advance();
      const value = this.termIn(false);
      withs.push({ target, value, loc: w.loc });
    }
    return { expr, negated, withs, loc: start.loc };
  }

  private expr(): Expr {
    const start = this.tok;
    const lhs = this.termIn(false);
    if (this.isOp(':=') || this.isOp('=')) {
      const op = this.advance().text;
      const rhs = this.termIn(false);
      if (op === ':=') {
        if (lhs.kind !== 'var' && lhs.kind !== 'array' && lhs.kind !== 'object') {
          this.fail('cannot assign to ' + lhs.kind + ': the left-hand side of := must be a variable, array or object', start);
        }
        return { kind: 'assign', lhs, rhs, loc: start.loc };
      }
      return { kind: 'unify', lhs, rhs, loc: start.loc };
    }
    return { kind: 'term', term: lhs, loc: start.loc };
  }

  private someExpr(): Expr {
    const start = this.advance();
    const first = this.termRelation(false);
    let second: Term | undefined;
    if (this.isOp(',')) {
      this.advance();
      second = this.termRelation(false);
      if (!this.isWord('in')) {
        const vars: VarTerm[] = [this.asVar(first), this.asVar(second)];
        while (this.isOp(',')) {
          this.advance();
          vars.push(this.asVar(this.termRelation(false)));
        }
        return { kind: 'some', vars, loc: start.loc };
      }
    }
    if (this.isWord('in')) {
      this.advance();
      const domain = this.termRelation(false);
      return second === undefined
        ? { kind: 'someIn', value: first, domain, loc: start.loc }
        : { kind: 'someIn', key: first, value: second, domain, loc: start.loc };
    }
    return { kind: 'some', vars: [this.asVar(first)], loc: start.loc };
  }

  private asVar(t: Term): VarTerm {
    if (t.kind !== 'var') throw new RegoSyntaxError(this.file, t.loc, 'expected a variable in some declaration');
    return t;
  }

  private everyExpr(): Expr {
    const start = this.advance();
    const first = this.asVar(this.termRelation(false));
    let key: VarTerm | undefined;
    let value = first;
    if (this.isOp(',')) {
      this.advance();
      key = first;
      value = this.asVar(this.termRelation(false));
    }
    if (!this.isWord('in')) this.unexpected('in');
    this.advance();
    const domain = this.termRelation(false);
    this.expectOp('{');
    const body = this.bodyUntil('}');
    this.expectOp('}');
    return key === undefined
      ? { kind: 'every', value, domain, body, loc: start.loc }
      : { kind: 'every', key, value, domain, body, loc: start.loc };
  }

  // ---- terms ---------------------------------------------------------------------------------

  private call(fn: string, args: Term[], loc: Loc, infix: string): CallTerm {
    return { kind: 'call', fn: fn.split('.'), args, infix, loc };
  }

  /** `noOr` stops at a top-level `|`, which then starts a comprehension body. */
  private termIn(noOr: boolean): Term {
    let left = this.termRelation(noOr);
    while (this.isWord('in') && !this.tok.nl) {
      const op = this.advance();
      const right = this.termRelation(noOr);
      left = this.call('internal.member_2', [left, right], op.loc, 'in');
    }
    return left;
  }

  private termRelation(noOr: boolean): Term {
    let left = this.termOr(noOr);
    for (;;) {
      const t = this.tok;
      const fn = t.kind === 'op' && !t.nl ? RELATIONS[t.text] : undefined;
      if (fn === undefined) return left;
      this.advance();
      left = this.call(fn, [left, this.termOr(noOr)], t.loc, t.text);
    }
  }

  private termOr(noOr: boolean): Term {
    let left = this.termAnd();
    while (!noOr && this.isOp('|') && !this.tok.nl) {
      const t = this.advance();
      left = this.call('or', [left, this.termAnd()], t.loc, '|');
    }
    return left;
  }

  private termAnd(): Term {
    let left = this.termArith();
    while (this.isOp('&') && !this.tok.nl) {
      const t = this.advance();
      left = this.call('and', [left, this.termArith()], t.loc, '&');
    }
    return left;
  }

  private termArith(): Term {
    let left = this.termFactor();
    for (;;) {
      const t = this.tok;
      const fn = t.kind === 'op' && !t.nl ? ARITH[t.text] : undefined;
      if (fn === undefined) return left;
      this.advance();
      left = this.call(fn, [left, this.termFactor()], t.loc, t.text);
    }
  }

  private termFactor(): Term {
    let left = this.termPrimary();
    for (;;) {
      const t = this.tok;
      const fn = t.kind === 'op' && !t.nl ? FACTOR[t.text] : undefined;
      if (fn === undefined) return left;
      this.advance();
      left = this.call(fn, [left, this.termPrimary()], t.loc, t.text);
    }
  }

  private termPrimary(): Term {
    const t = this.tok;
    let term: Term;
    switch (t.kind) {
      case 'number':
        this.advance();
        term = { kind: 'scalar', value: Number(t.text), loc: t.loc };
        break;
      case 'string':
        this.advance();
        term = { kind: 'scalar', value: t.text, loc: t.loc };
        break;
      case 'ident':
        term = this.identTerm();
        break;
      case 'op':
        if (t.text === '-' && this.peekAt(1).kind === 'number' && !this.peekAt(1).ws) {
          this.advance();
          const n = this.advance();
          term = { kind: 'scalar', value: -Number(n.text), loc: t.loc };
        } else if (t.text === '(') {
          this.advance();
          term = this.termIn(false);
          this.expectOp(')');
        } else if (t.text === '[') {
          term = this.arrayTerm();
        } else if (t.text === '{') {
          term = this.braceTerm();
        } else {
          this.unexpected('term');
        }
        break;
      case 'eof':
        this.unexpected('term');
    }
    return this.suffixes(term);
  }

  private identTerm(): Term {
    const t = this.advance();
    switch (t.text) {
      case 'true':
        return { kind: 'scalar', value: true, loc: t.loc };
      case 'false':
        return { kind: 'scalar', value: false, loc: t.loc };
      case 'null':
        return { kind: 'scalar', value: null, loc: t.loc };
      case 'set':
        if (this.isOp('(') && !this.tok.ws && this.isOp(')', this.peekAt(1))) {
          this.advance();
          this.advance();
          return { kind: 'set', items: [], loc: t.loc };
        }
        break;
      case 'contains':
        // In v0 modules `contains` is the builtin; as a keyword it only appears in rule heads.
        break;
      default:
        if (RESERVED.has(t.text)) this.unexpected('term', t);
    }
    if (t.text === '_') return { kind: 'var', name: `$_${this.wildcards++}`, loc: t.loc };
    return { kind: 'var', name: t.text, loc: t.loc };
  }

  /** `.name`, `[term]` and `(args)` following a term on the same line. */
  private suffixes(term: Term): Term {
    for (;;) {
      const t = this.tok;
      if (t.nl) return term;
      if (this.isOp('.') && !t.ws) {
        this.advance();
        const name = this.tok;
        if (name.kind !== 'ident') this.unexpected('identifier after .');
        this.advance();
        term = this.extend(term, { kind: 'scalar', value: name.text, loc: name.loc });
      } else if (this.isOp('[') && !t.ws) {
        this.advance();
        const index = this.termIn(false);
        this.expectOp(']');
        term = this.extend(term, index);
      } else if (this.isOp('(') && !t.ws) {
        const fn = this.functionName(term);
        if (fn === undefined) this.fail('only a function name can be called', t);
        this.advance();
        const args = this.termList(')');
        term = { kind: 'call', fn, args, loc: term.loc };
      } else {
        return term;
      }
    }
  }

  private extend(term: Term, index: Term): Term {
    if (term.kind === 'ref') return { kind: 'ref', head: term.head, path: [...term.path, index], loc: term.loc };
    return { kind: 'ref', head: term, path: [index], loc: term.loc };
  }

  private functionName(term: Term): string[] | undefined {
    if (term.kind === 'var') return term.name.startsWith('$') ? undefined : [term.name];
    if (term.kind !== 'ref' || term.head.kind !== 'var') return undefined;
    const out = [term.head.name];
    for (const p of term.path) {
      if (p.kind !== 'scalar' || typeof p.value !== 'string') return undefined;
      out.push(p.value);
    }
    return out;
  }

  /** Comma-separated terms up to `close` (trailing comma allowed). */
  private termList(close: string): Term[] {
    const out: Term[] = [];
    while (!this.isOp(close)) {
      out.push(this.termIn(false));
      if (this.isOp(',')) this.advance();
      else if (!this.isOp(close)) this.unexpected(`, or ${close}`);
    }
    this.advance();
    return out;
  }

  private arrayTerm(): Term {
    const open = this.advance();
    if (this.isOp(']')) {
      this.advance();
      return { kind: 'array', items: [], loc: open.loc } satisfies ArrayTerm;
    }
    const first = this.termIn(true);
    if (this.isOp('|')) {
      this.advance();
      const body = this.bodyUntil(']');
      this.expectOp(']');
      return { kind: 'arrayCompr', head: first, body, loc: open.loc };
    }
    const items = [first];
    if (this.isOp(',')) {
      this.advance();
      items.push(...this.termList(']'));
    } else {
      this.expectOp(']');
    }
    return { kind: 'array', items, loc: open.loc };
  }

  private braceTerm(): Term {
    const open = this.advance();
    if (this.isOp('}')) {
      this.advance();
      return { kind: 'object', entries: [], loc: open.loc };
    }
    const first = this.termIn(true);
    if (this.isOp('|')) {
      this.advance();
      const body = this.bodyUntil('}');
      this.expectOp('}');
      return { kind: 'setCompr', head: first, body, loc: open.loc };
    }
    if (this.isOp(':')) {
      this.advance();
      const value = this.termIn(true);
      if (this.isOp('|')) {
        this.advance();
        const body = this.bodyUntil('}');
        this.expectOp('}');
        return { kind: 'objectCompr', key: first, value, body, loc: open.loc };
      }
      const entries: [Term, Term][] = [[first, value]];
      while (this.isOp(',')) {
        this.advance();
        if (this.isOp('}')) break;
        const k = this.termIn(false);
        this.expectOp(':');
        entries.push([k, this.termIn(false)]);
      }
      this.expectOp('}');
      return { kind: 'object', entries, loc: open.loc };
    }
    const items = [first];
    if (this.isOp(',')) {
      this.advance();
      items.push(...this.termList('}'));
    } else {
      this.expectOp('}');
    }
    return { kind: 'set', items, loc: open.loc };
  }
}
