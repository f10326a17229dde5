/**
 * OPA's compile-time type check (compiler stage `CheckTypes`, `ast/check.go`), limited to the errors OPA
 * certainly reports. A false type error would refuse a template real Gatekeeper accepts, so every term whose
 * type OPA might see differently is `any`: `input`, `data`, rules, function results and arguments, iteration
 * results, and local variables unless typecheck-vars.ts proves their `:=` fixes their type. Reported:
 *
 * - `<builtin>: invalid argument(s)`: an argument (or output argument) whose type cannot unify with the
 *   builtin's declared parameter (`checkExprBuiltin` with `unify1`; signatures in builtins/signatures.ts);
 * - `match error`: the two sides of `=`, `:=` or an expression-level `==` (RewriteEquals makes it `=`) cannot
 *   unify (`checkExprEq`, `unify2`), and `some x in <scalar literal>`, which OPA rewrites to `x = null[_]`;
 * - `undefined ref: …`: a reference into a statically typed value that goes through a scalar, a missing
 *   object key or an out-of-range array index (`refChecker.checkRef`/`checkRefLeaf`). OPA prints the reference
 *   with its compiler-generated names (`__local0__[__local1__]`); here it has the names of the source.
 *
 * Rule heads are checked like the body expressions OPA turns them into (`rewriteExprTermsInHead`,
 * `rewriteRefsInHead`). `every` bodies are not checked (OPA's `CheckBody` does not enter them); `print` is skipped.
 */
import type { Body, CallTerm, Literal, RegoModule, Rule, Term } from './ast.js';
import { builtins } from './builtins/index.js';
import { signatures } from './builtins/signatures.js';
import type { DataNode } from './compiled.js';
import type { Loc, RegoCompileProblem } from './errors.js';
import * as T from './static-types.js';
import type { RType } from './static-types.js';
import { certainVars } from './typecheck-vars.js';

/** What the checker needs to know about a module's names (compile.ts builds it). */
export interface TypeEnvOfModule {
  readonly module: RegoModule;
  readonly aliases: ReadonlyMap<string, readonly string[]>;
  readonly pkgRules: ReadonlySet<string>;
  readonly root: DataNode;
}

/** Type errors of all modules, sorted by position as OPA sorts them. */
export function checkTypes(modules: readonly RegoModule[], envs: ReadonlyMap<RegoModule, TypeEnvOfModule>): RegoCompileProblem[] {
  const problems: RegoCompileProblem[] = [];
  for (const m of modules) new Checker(envs.get(m)!, problems).module();
  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

class Scope {
  readonly vars = new Map<string, RType>();
  constructor(
    readonly parent: Scope | undefined,
    readonly certain: ReadonlySet<string>,
  ) {}

  lookup(name: string): RType {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const t = s.vars.get(name);
      if (t) return t;
    }
    return T.A;
  }

  declare(t: Term | undefined, type: RType = T.A): void {
    if (!t) return;
    if (t.kind === 'var') {
      if (!t.name.startsWith('$')) this.vars.set(t.name, type);
    } else if (t.kind === 'array') {
      t.items.forEach((i) => this.declare(i));
    } else if (t.kind === 'object') {
      t.entries.forEach(([, v]) => this.declare(v));
    }
  }
}

const wildcard = (name: string): string => (name.startsWith('$') ? '_' : name);

/** A term in Rego syntax, for messages. */
function show(t: Term): string {
  switch (t.kind) {
    case 'scalar':
      return JSON.stringify(t.value);
    case 'var':
      return wildcard(t.name);
    case 'ref':
      return show(t.head) + t.path.map((p) => (p.kind === 'scalar' && typeof p.value === 'string' && /^[A-Za-z_]\w*$/.test(p.value) ? `.${p.value}` : `[${show(p)}]`)).join('');
    case 'call':
      return `${t.fn.join('.')}(${t.args.map(show).join(', ')})`;
    case 'array':
      return `[${t.items.map(show).join(', ')}]`;
    case 'set':
      return t.items.length ? `{${t.items.map(show).join(', ')}}` : 'set()';
    case 'object':
      return `{${t.entries.map(([k, v]) => `${show(k)}: ${show(v)}`).join(', ')}}`;
    default:
      return '<comprehension>';
  }
}

/** Where OPA locates a term: an infix call starts at its left operand. */
function startLoc(t: Term): Loc {
  return t.kind === 'call' && t.infix !== undefined ? startLoc(t.args[0]!) : t.loc;
}

function isConstant(t: Term): boolean {
  switch (t.kind) {
    case 'scalar':
      return true;
    case 'array':
    case 'set':
      return t.items.every(isConstant);
    case 'object':
      return t.entries.every(([k, v]) => isConstant(k) && isConstant(v));
    default:
      return false;
  }
}

class Checker {
  private readonly types = new WeakMap<Term, RType>();

  constructor(
    private readonly env: TypeEnvOfModule,
    private readonly problems: RegoCompileProblem[],
  ) {}

  module(): void {
    for (const rule of this.env.module.rules) if (!rule.isDefault) this.rule(rule);
  }

  private report(loc: Loc, message: string): void {
    this.problems.push({ code: 'rego_type_error', file: this.env.module.file, line: loc.line, column: loc.column, message });
  }

  /** What a call names: a user function (whose types OPA infers; here `any`) or a builtin. */
  private target(t: CallTerm): { readonly builtin?: string; readonly arity: number | undefined } {
    if (t.infix === undefined) {
      const first = t.fn[0]!;
      let path: readonly string[] | undefined;
      if (this.env.aliases.has(first)) path = [...this.env.aliases.get(first)!, ...t.fn.slice(1)];
      else if (this.env.pkgRules.has(first)) path = ['data', ...this.env.module.packagePath, ...t.fn];
      else if (first === 'data') path = t.fn;
      if (path?.[0] === 'data') {
        let node: DataNode | undefined = this.env.root;
        for (const seg of path.slice(1)) node = node?.children.get(seg);
        if (node?.rules?.kind === 'function') return { arity: node.rules.arity };
      }
    }
    const name = t.fn.join('.');
    return { builtin: name, arity: builtins.get(name)?.arity };
  }

  private arity = (t: CallTerm): number | undefined => this.target(t).arity;

  private rule(rule: Rule): void {
    const args = new Scope(undefined, new Set());
    rule.args?.forEach((a) => args.declare(a));
    const links = [{ value: rule.value, body: rule.body, key: rule.key }, ...rule.elses.map((e) => ({ ...e, key: undefined }))];
    for (const link of links) {
      const scope = new Scope(args, certainVars(link.body, [link.key, link.value], this.arity));
      this.body(link.body, scope);
      if (link.key) this.term(link.key, scope);
      if (link.value) this.term(link.value, scope);
    }
  }

  private body(body: Body, scope: Scope): void {
    for (const l of body) this.literal(l, scope);
  }

  private literal(l: Literal, scope: Scope): void {
    for (const w of l.withs) this.term(w.value, scope);
    const e = l.expr;
    switch (e.kind) {
      case 'term': {
        const t = e.term;
        if (t.kind !== 'call') {
          this.term(t, scope);
        } else if (t.args.length === 2 && this.target(t).builtin === 'equal') {
          this.unify2(this.term(t.args[0]!, scope), this.term(t.args[1]!, scope), l.loc);
        } else {
          this.call(t, scope, l.loc);
        }
        break;
      }
      case 'unify':
        this.unify2(this.term(e.lhs, scope), this.term(e.rhs, scope), l.loc);
        break;
      case 'assign': {
        const rhs = this.term(e.rhs, scope);
        if (e.lhs.kind === 'var') {
          scope.declare(e.lhs, scope.certain.has(e.lhs.name) ? rhs : T.A);
        } else {
          this.unify2(this.pattern(e.lhs, scope), rhs, l.loc);
          scope.declare(e.lhs);
        }
        break;
      }
      case 'some':
        e.vars.forEach((v) => scope.declare(v));
        break;
      case 'someIn':
        this.someIn(e.domain, e.value, e.key, scope, l.loc);
        scope.declare(e.key);
        scope.declare(e.value);
        break;
      case 'every':
        this.term(e.domain, scope);
        break;
    }
  }

  /**
   * `some [k,] v in xs` is `v = xs[k]` to OPA (`rewriteSomeDeclStatement`). A scalar literal domain makes the
   * reference's type unknown and the unification fails; a domain statically typed as a scalar cannot be
   * iterated (`undefined ref`).
   */
  private someIn(domain: Term, value: Term, key: Term | undefined, scope: Scope, loc: Loc): void {
    const type = this.term(domain, scope);
    if (domain.kind === 'scalar') {
      this.report(loc, 'match error');
      return;
    }
    if (T.isTop(type)) return;
    const values = T.valuesOf(type);
    if (T.keysOf(type) === undefined || values === undefined) {
      this.report(startLoc(domain), `undefined ref: ${show(domain)}[${key ? show(key) : '_'}]`);
    } else if (value.kind !== 'var') {
      this.unify2(this.pattern(value, scope), values, loc);
    }
  }

  private unify2(a: RType, b: RType, loc: Loc): void {
    if (!T.unifies(a, b)) this.report(loc, 'match error');
  }

  /** The type of a pattern whose variables are being declared (fresh, so `any`). */
  private pattern(t: Term, scope: Scope): RType {
    switch (t.kind) {
      case 'var':
        return T.A;
      case 'array':
        return t.items.length ? T.tuple(t.items.map((i) => this.pattern(i, scope))) : T.arrayOf(T.A);
      case 'object':
        return this.objectType(t.entries.map(([k, v]) => [k, this.pattern(v, scope)] as const), scope);
      default:
        return this.term(t, scope);
    }
  }

  private term(t: Term, scope: Scope): RType {
    const cached = this.types.get(t);
    if (cached) return cached;
    const type = this.compute(t, scope);
    this.types.set(t, type);
    return type;
  }

  private compute(t: Term, scope: Scope): RType {
    switch (t.kind) {
      case 'scalar':
        return T.typeOfScalar(t.value);
      case 'var':
        return scope.lookup(t.name);
      case 'ref':
        return this.ref(t, scope);
      case 'call':
        return this.call(t, scope, startLoc(t));
      case 'array': {
        const items = t.items.map((i) => this.term(i, scope));
        return items.length ? T.tuple(items) : T.arrayOf(T.A);
      }
      case 'set':
        return T.setOf(t.items.reduce<RType | undefined>((acc, i) => T.or(acc, this.term(i, scope)), undefined) ?? T.A);
      case 'object':
        return this.objectType(t.entries.map(([k, v]) => [k, this.term(v, scope)] as const), scope);
      case 'arrayCompr':
      case 'setCompr':
      case 'objectCompr':
        return this.comprehension(t, scope);
    }
  }

  /** `env.Get` of an object literal: scalar keys are known properties, other keys the dynamic part. */
  private objectType(entries: readonly (readonly [Term, RType])[], scope: Scope): RType {
    const props: T.StaticProp[] = [];
    let dynamic: T.DynamicProp | undefined;
    for (const [k, value] of entries) {
      const keyType = this.term(k, scope);
      if (k.kind === 'scalar') props.push({ key: k.value, value });
      else if (isConstant(k)) return T.A;
      else dynamic = { key: keyType, value };
    }
    return T.objectOf(props.length === 0 && !dynamic ? { key: T.A, value: T.A } : dynamic, props);
  }

  private comprehension(t: Term & { kind: 'arrayCompr' | 'setCompr' | 'objectCompr' }, outer: Scope): RType {
    const heads = t.kind === 'objectCompr' ? [t.key, t.value] : [t.head];
    const scope = new Scope(outer, certainVars(t.body, heads, this.arity));
    const before = this.problems.length;
    this.body(t.body, scope);
    const [h0, h1] = heads.map((h) => this.term(h, scope));
    if (this.problems.length > before) return T.A;
    if (t.kind === 'arrayCompr') return T.arrayOf(h0!);
    if (t.kind === 'setCompr') return T.setOf(h0!);
    return T.objectOf({ key: h0!, value: h1! });
  }

  /** A builtin call: each argument, and the output argument, must unify with the declared type. */
  private call(t: CallTerm, scope: Scope, loc: Loc): RType {
    if (t.fn.length === 1 && t.fn[0] === 'print') return T.A;
    t.args.forEach((a) => this.term(a, scope));
    const name = this.target(t).builtin;
    const sig = name === undefined ? undefined : signatures.get(name);
    if (!sig) return T.A;
    const params = [...sig.args, sig.result];
    if (t.args.some((a, i) => !this.unify1(a, params[i]!, scope))) {
      this.report(loc, `${name}: invalid argument(s)`);
      return T.A;
    }
    return sig.result;
  }

  /** OPA's `unify1`: a literal array, object or set is matched element by element, anything else by its type. */
  private unify1(t: Term, type: RType, scope: Scope): boolean {
    const composite = t.kind === 'array' || t.kind === 'object' || t.kind === 'set';
    if (!composite) return T.unifies(this.term(t, scope), type);
    if (type.k === 'any') return type.of.length === 0 || type.of.some((m) => this.unify1(t, m, scope));
    if (t.kind === 'array' && type.k === 'array') {
      if (t.items.length !== type.static.length && !type.dynamic) return false;
      return t.items.every((item, i) => this.unify1(item, i < type.static.length ? type.static[i]! : type.dynamic!, scope));
    }
    if (t.kind === 'set' && type.k === 'set') return t.items.every((item) => this.unify1(item, type.of, scope));
    if (t.kind === 'object' && type.k === 'object') {
      if (t.entries.length !== type.static.length && !type.dynamic) return false;
      return t.entries.every(([k, v]) => {
        if (k.kind !== 'scalar') return true;
        const child = T.select(type, k.value);
        return child !== undefined && this.unify1(v, child, scope);
      });
    }
    return false;
  }

  /** A reference: its type, and OPA's `undefined ref` when it leaves a statically typed value. */
  private ref(t: Term & { kind: 'ref' }, scope: Scope): RType {
    const head = t.head;
    let type = head.kind === 'scalar' ? T.A : this.term(head, scope);
    const indexTypes = t.path.map((p) => this.term(p, scope));
    for (let i = 0; i < t.path.length && !T.isTop(type); i++) {
      const index = t.path[i]!;
      const keys = T.keysOf(type);
      let next: RType | undefined;
      if (keys === undefined) next = undefined;
      else if (index.kind === 'scalar') next = T.select(type, index.value);
      else if (index.kind === 'array' || index.kind === 'object' || index.kind === 'set') next = this.unify1(index, keys, scope) ? T.valuesOf(type) : undefined;
      else next = T.unifies(indexTypes[i], keys) ? T.valuesOf(type) : undefined;
      if (next === undefined) {
        this.report(startLoc(head), `undefined ref: ${show(t)}`);
        return T.A;
      }
      type = next;
    }
    return type;
  }
}
