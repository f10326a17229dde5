/**
 * Compiles one rule definition: resolves each name (local variable, rule, import, builtin) through nested
 * scopes and orders every body for safety (see safety.ts).
 */
import type { Body, Literal, RegoModule, Term } from './ast.js';
import { builtins } from './builtins/index.js';
import type { Builtin } from './builtins/registry.js';
import type { CallTarget, CIndex, CTerm, CWith, DataNode, RuleSet } from './compiled.js';
import type { Loc, RegoCompileProblem } from './errors.js';
import { splitNegation } from './negation.js';
import { schedule, slotsIn, slotsInLit, termSafe, UnsafeVarError, type PLit } from './safety.js';
import { ObjectValue, SetValue, type Value } from './values.js';

export class Problem extends Error {
  constructor(
    readonly code: RegoCompileProblem['code'],
    readonly loc: Loc,
    message: string,
  ) {
    super(message);
  }
}

export interface ModuleEnv {
  readonly module: RegoModule;
  readonly aliases: ReadonlyMap<string, readonly string[]>;
  readonly pkgRules: ReadonlySet<string>;
  readonly root: DataNode;
}

export function newNode(path: readonly string[]): DataNode {
  return { path, children: new Map() };
}

export function nodeAt(root: DataNode, path: readonly string[], create: boolean): DataNode | undefined {
  let node = root;
  for (const seg of path) {
    let child = node.children.get(seg);
    if (!child) {
      if (!create) return undefined;
      child = newNode([...node.path, seg]);
      node.children.set(seg, child);
    }
    node = child;
  }
  return node;
}

function isGlobal(env: ModuleEnv, name: string): boolean {
  return env.aliases.has(name) || env.pkgRules.has(name) || name === 'input' || name === 'data';
}

function globalPath(env: ModuleEnv, name: string): readonly string[] {
  return env.aliases.get(name) ?? (env.pkgRules.has(name) ? ['data', ...env.module.packagePath, name] : [name]);
}

function constIndex(v: Value): CIndex {
  return { term: { k: 'val', v }, vars: [] };
}

/** Folds a literal whose parts are all constants into one constant. */
function fold(t: CTerm): CTerm {
  switch (t.k) {
    case 'array':
      return t.items.every((e) => e.k === 'val') ? { k: 'val', v: t.items.map((e) => (e as { v: Value }).v) } : t;
    case 'set':
      return t.items.every((e) => e.k === 'val') ? { k: 'val', v: SetValue.of(t.items.map((e) => (e as { v: Value }).v)) } : t;
    case 'object':
      return t.entries.every(([k, v]) => k.k === 'val' && v.k === 'val')
        ? { k: 'val', v: ObjectValue.of(t.entries.map(([k, v]) => [(k as { v: Value }).v, (v as { v: Value }).v] as const)) }
        : t;
    default:
      return t;
  }
}

/** Names of variables used at a body's own level (not inside its closures). */
export function levelNames(body: Body, extra: readonly (Term | undefined)[]): Set<string> {
  const out = new Set<string>();
  const visit = (t: Term | undefined): void => {
    if (!t) return;
    switch (t.kind) {
      case 'var':
        out.add(t.name);
        break;
      case 'ref':
        visit(t.head);
        t.path.forEach(visit);
        break;
      case 'call':
        t.args.forEach(visit);
        break;
      case 'array':
      case 'set':
        t.items.forEach(visit);
        break;
      case 'object':
        for (const [k, v] of t.entries) {
          visit(k);
          visit(v);
        }
        break;
      default:
        break;
    }
  };
  const lit = (l: Literal): void => {
    const e = l.expr;
    switch (e.kind) {
      case 'term':
        visit(e.term);
        break;
      case 'assign':
      case 'unify':
        visit(e.lhs);
        visit(e.rhs);
        break;
      case 'some':
        e.vars.forEach(visit);
        break;
      case 'someIn':
        visit(e.key);
        visit(e.value);
        visit(e.domain);
        break;
      case 'every':
        visit(e.domain);
        break;
    }
    for (const w of l.withs) visit(w.value);
  };
  body.forEach(lit);
  extra.forEach(visit);
  return out;
}

export class Scope {
  readonly vars = new Map<string, number>();
  readonly own = new Set<number>();
  readonly assigned = new Set<string>();
  constructor(
    readonly parent: Scope | undefined,
    readonly level: ReadonlySet<string>,
  ) {}
}

/** Compiles one rule definition (with its else chain) into a frame layout and ordered bodies. */
export class ClauseCompiler {
  nslots = 0;
  private readonly names: string[] = [];
  /** Counter for the variables negation rewriting introduces (`$hN`: no user can write them). */
  private hoisted = 0;

  constructor(private readonly env: ModuleEnv) {}

  private slotName = (slot: number): string => {
    const n = this.names[slot] ?? '?';
    return n.startsWith('$_') ? '_' : n;
  };

  private newSlot(scope: Scope, name: string): number {
    const slot = this.nslots++;
    this.names[slot] = name;
    scope.own.add(slot);
    scope.vars.set(name, slot);
    return slot;
  }

  private local(slot: number, loc: Loc): CTerm {
    return { k: 'local', slot, name: this.names[slot]!, loc };
  }

  /** A variable occurrence: a local of this or an enclosing scope, a global, or a new local here. */
  private resolveVar(name: string, scope: Scope, loc: Loc): CTerm {
    const mine = scope.vars.get(name);
    if (mine !== undefined) return this.local(mine, loc);
    if (!name.startsWith('$_')) {
      for (let s = scope.parent; s; s = s.parent) {
        const slot = s.vars.get(name);
        if (slot !== undefined) return this.local(slot, loc);
        if (s.level.has(name) && !isGlobal(this.env, name)) return this.local(this.newSlot(s, name), loc);
      }
      if (isGlobal(this.env, name)) return this.globalRef(globalPath(this.env, name), [], loc);
    }
    return this.local(this.newSlot(scope, name), loc);
  }

  private globalRef(path: readonly string[], rest: readonly CIndex[], loc: Loc): CTerm {
    const indices = [...path.slice(1).map(constIndex), ...rest];
    if (path[0] === 'input') {
      const input: CTerm = { k: 'input', loc };
      return indices.length ? { k: 'ref', head: { k: 'term', term: input }, path: indices, loc } : input;
    }
    let node = this.env.root;
    let i = 0;
    while (i < indices.length && !node.rules) {
      const t = indices[i]!.term;
      const child = t.k === 'val' && typeof t.v === 'string' ? node.children.get(t.v) : undefined;
      if (!child) break;
      node = child;
      i++;
    }
    if (node.rules) {
      if (node.rules.kind === 'function') {
        throw new Problem('rego_type_error', loc, `function data.${node.path.join('.')} must be called`);
      }
      return { k: 'ref', head: { k: 'rule', rules: node.rules }, path: indices.slice(i), loc };
    }
    const next = indices[i]?.term;
    if (next && next.k === 'val' && typeof next.v === 'string') {
      return { k: 'ref', head: { k: 'base', path: [...node.path, next.v] }, path: indices.slice(i + 1), loc };
    }
    return { k: 'ref', head: { k: 'package', node }, path: indices.slice(i), loc };
  }

  private index(t: Term, scope: Scope): CIndex {
    const term = this.term(t, scope);
    const vars: number[] = [];
    const collect = (c: CTerm): void => {
      if (c.k === 'local') vars.push(c.slot);
      else if (c.k === 'array') c.items.forEach(collect);
      else if (c.k === 'object') c.entries.forEach(([, v]) => collect(v));
    };
    collect(term);
    return { term, vars };
  }

  term(t: Term, scope: Scope): CTerm {
    switch (t.kind) {
      case 'scalar':
        return { k: 'val', v: t.value };
      case 'var':
        return this.resolveVar(t.name, scope, t.loc);
      case 'ref': {
        if (t.head.kind === 'var') {
          const head = this.resolveVar(t.head.name, scope, t.head.loc);
          const path = t.path.map((p) => this.index(p, scope));
          if (head.k === 'local' || head.k === 'input') {
            return { k: 'ref', head: { k: 'term', term: head }, path, loc: t.loc };
          }
          if (head.k === 'ref') {
            if (head.head.k === 'term') return { k: 'ref', head: head.head, path: [...head.path, ...path], loc: t.loc };
            return this.globalRef(globalPath(this.env, t.head.name), path, t.loc);
          }
        }
        const head = this.term(t.head, scope);
        return { k: 'ref', head: { k: 'term', term: head }, path: t.path.map((p) => this.index(p, scope)), loc: t.loc };
      }
      case 'call':
        return this.call(t.fn, t.args, t.infix !== undefined, scope, t.loc);
      case 'array':
        return fold({ k: 'array', items: t.items.map((e) => this.term(e, scope)), loc: t.loc });
      case 'set':
        return fold({ k: 'set', items: t.items.map((e) => this.term(e, scope)), loc: t.loc });
      case 'object':
        return fold({ k: 'object', entries: t.entries.map(([k, v]) => [this.term(k, scope), this.term(v, scope)] as const), loc: t.loc });
      case 'arrayCompr':
        return this.comprehension('array', t.head, undefined, t.body, scope, t.loc);
      case 'setCompr':
        return this.comprehension('set', t.head, undefined, t.body, scope, t.loc);
      case 'objectCompr':
        return this.comprehension('object', t.key, t.value, t.body, scope, t.loc);
    }
  }

  private callTarget(fn: readonly string[], infix: boolean, loc: Loc): CallTarget {
    const dotted = fn.join('.');
    if (!infix) {
      const first = fn[0]!;
      let path: readonly string[] | undefined;
      if (this.env.aliases.has(first)) path = [...this.env.aliases.get(first)!, ...fn.slice(1)];
      else if (this.env.pkgRules.has(first)) path = ['data', ...this.env.module.packagePath, ...fn];
      else if (first === 'data') path = fn;
      if (path !== undefined) {
        if (path[0] !== 'data') throw new Problem('rego_type_error', loc, `${dotted} is not a function`);
        const node = nodeAt(this.env.root, path.slice(1), false);
        if (node?.rules?.kind === 'function') return { k: 'function', rules: node.rules };
        if (node?.rules) throw new Problem('rego_type_error', loc, `${path.join('.')} is not a function`);
        if (first === 'data' || !builtins.has(dotted)) throw new Problem('rego_type_error', loc, `undefined function ${path.join('.')}`);
      }
    }
    const b = builtins.get(dotted);
    if (b) return { k: 'builtin', builtin: b };
    throw new Problem('rego_type_error', loc, `undefined function ${dotted}`);
  }

  /**
   * A complete rule called with no arguments, `r()`: OPA's type checker accepts the call when the rule's type is
   * `any` (a value computed from input, or values of several types; ast/check.go checkExprBuiltin returns early on
   * types.Any) and evaluation then reads the rule's value, as `r` would. A rule whose values are all literals of one
   * type keeps the type error. (A value bound through a variable to a literal is typed by OPA but counted as `any`
   * here: such a call loads here and not in OPA.) gatekeeper-library's forbidden-sysctls calls
   * `allowed_sysctl_string()`, a string or the input's list.
   */
  private ruleCalledWithoutArgs(fn: readonly string[]): readonly string[] | undefined {
    const first = fn[0]!;
    const path = this.env.aliases.has(first) ? [...this.env.aliases.get(first)!, ...fn.slice(1)]
      : this.env.pkgRules.has(first) ? ['data', ...this.env.module.packagePath, ...fn]
      : first === 'data' ? fn : undefined;
    if (path === undefined || path[0] !== 'data') return undefined;
    const rs = nodeAt(this.env.root, path.slice(1), false)?.rules;
    if (rs?.kind !== 'complete' || rs.valueTypes === undefined) return undefined;
    return rs.valueTypes.has('any') || rs.valueTypes.size > 1 ? path : undefined;
  }

  private call(fn: readonly string[], args: readonly Term[], infix: boolean, scope: Scope, loc: Loc): CTerm {
    const asRule = args.length === 0 && !infix ? this.ruleCalledWithoutArgs(fn) : undefined;
    if (asRule) return this.globalRef(asRule, [], loc);
    const target = this.callTarget(fn, infix, loc);
    const arity = target.k === 'builtin' ? target.builtin.arity : target.rules.arity;
    if (args.length !== arity && args.length !== arity + 1) {
      throw new Problem('rego_type_error', loc, `${fn.join('.')}: arity mismatch: expected ${arity} arguments, got ${args.length}`);
    }
    const cargs = args.slice(0, arity).map((a) => this.term(a, scope));
    if (args.length === arity + 1) return { k: 'call', fn: target, args: cargs, out: this.term(args[arity]!, scope), loc };
    return { k: 'call', fn: target, args: cargs, loc };
  }

  /** A pattern that declares fresh locals (`:=` left-hand side, `some ... in`, function arguments). */
  declare(t: Term, scope: Scope): CTerm {
    switch (t.kind) {
      case 'var': {
        if (t.name.startsWith('$_')) return this.local(this.newSlot(scope, t.name), t.loc);
        if (scope.assigned.has(t.name)) throw new Problem('rego_compile_error', t.loc, `var ${t.name} assigned above`);
        if (scope.vars.has(t.name)) throw new Problem('rego_compile_error', t.loc, `var ${t.name} referenced above`);
        scope.assigned.add(t.name);
        return this.local(this.newSlot(scope, t.name), t.loc);
      }
      case 'array':
        return { k: 'array', items: t.items.map((e) => this.declare(e, scope)), loc: t.loc };
      case 'object':
        return { k: 'object', entries: t.entries.map(([k, v]) => [this.term(k, scope), this.declare(v, scope)] as const), loc: t.loc };
      case 'scalar':
        return { k: 'val', v: t.value };
      default:
        return this.term(t, scope);
    }
  }

  private comprehension(kind: 'array' | 'set' | 'object', head: Term, value: Term | undefined, body: Body, scope: Scope, loc: Loc): CTerm {
    const child = new Scope(scope, levelNames(body, [head, value]));
    const lits = this.body(body, child);
    const headC = this.term(head, child);
    const valueC = value ? this.term(value, child) : undefined;
    const all = new Set<number>();
    for (const l of lits) slotsInLit(l, all);
    slotsIn(headC, all);
    if (valueC) slotsIn(valueC, all);
    const free = [...all].filter((s) => !child.own.has(s));
    const outside = slotsIn(headC, new Set());
    if (valueC) slotsIn(valueC, outside);
    const { body: ordered, bound } = this.schedule(lits, new Set(free), outside);
    this.checkHead(headC, bound);
    if (valueC) this.checkHead(valueC, bound);
    return valueC
      ? { k: 'compr', kind, head: headC, value: valueC, body: ordered, free, loc }
      : { k: 'compr', kind, head: headC, body: ordered, free, loc };
  }

  schedule(lits: readonly PLit[], bound0: ReadonlySet<number>, outside: ReadonlySet<number>): ReturnType<typeof schedule> {
    try {
      return schedule(lits, bound0, outside, this.slotName);
    } catch (e) {
      if (e instanceof UnsafeVarError) throw new Problem('rego_unsafe_var_error', e.loc, e.message);
      throw e;
    }
  }

  checkHead(t: CTerm, bound: ReadonlySet<number>): void {
    if (termSafe(t, bound) !== null) return;
    const unbound = [...slotsIn(t, new Set())].find((s) => !bound.has(s));
    const loc = 'loc' in t ? t.loc : { line: 0, column: 0, offset: 0 };
    throw new Problem('rego_unsafe_var_error', loc, `var ${unbound === undefined ? '?' : this.slotName(unbound)} is unsafe`);
  }

  body(body: Body, scope: Scope): PLit[] {
    return body.flatMap((l) => this.literal(l, scope));
  }

  private literal(l: Literal, scope: Scope): PLit[] {
    if (l.negated) return this.negatedLiteral(l, scope);
    return this.withModifiers(l, this.expr(l, scope), scope);
  }

  /**
   * `not <expr>` as OPA evaluates it (see negation.ts): nested calls become ordinary expressions before it,
   * references in call operands are evaluated just outside the negation, and every variable of the negated
   * expression must be bound by other expressions (OPA's safety check gives negation no outputs).
   */
  private negatedLiteral(l: Literal, scope: Scope): PLit[] {
    const parts = splitNegation(l.expr, {
      isRef: (name) => this.isGlobalName(name, scope),
      fresh: (loc) => ({ kind: 'var', name: `$h${this.hoisted++}`, loc }),
    });
    const before = parts.calls.flatMap((expr) => this.literal({ expr, negated: false, withs: l.withs, loc: l.loc }, scope));
    const pre = parts.dynamics.flatMap((expr) => this.expr({ expr, negated: false, withs: [], loc: l.loc }, scope));
    const inner = this.expr({ ...l, expr: parts.expr }, scope);
    if (inner.length !== 1) throw new Problem('rego_compile_error', l.loc, 'cannot negate this expression');
    return [...before, ...this.withModifiers(l, [{ k: 'not', pre, inner: inner[0]!, loc: l.loc }], scope)];
  }

  /** A bare name that denotes a reference (rule, import, `input`, `data`), not a local of `scope`. */
  private isGlobalName(name: string, scope: Scope): boolean {
    for (let s: Scope | undefined = scope; s; s = s.parent) if (s.vars.has(name)) return false;
    return isGlobal(this.env, name);
  }

  private withModifiers(l: Literal, lits: PLit[], scope: Scope): PLit[] {
    if (l.withs.length > 0) {
      const mods = l.withs.map((w) => this.withModifier(w.target, w.value, scope, w.loc));
      if (lits.length !== 1) throw new Problem('rego_compile_error', l.loc, 'with cannot modify this expression');
      lits = [{ k: 'with', inner: lits[0]!, mods, loc: l.loc }];
    }
    return lits;
  }

  private expr(l: Literal, scope: Scope): PLit[] {
    const e = l.expr;
    switch (e.kind) {
      case 'term':
        if (e.term.kind === 'call' && e.term.fn.length === 1 && e.term.fn[0] === 'print') return [{ k: 'true', loc: e.loc }];
        return [{ k: 'term', term: this.term(e.term, scope), loc: e.loc }];
      case 'assign': {
        const rhs = this.term(e.rhs, scope);
        const lhs = this.declare(e.lhs, scope);
        return [{ k: 'eq', a: lhs, b: rhs, assign: true, loc: e.loc }];
      }
      case 'unify':
        if (!l.negated && e.lhs.kind === 'array' && e.rhs.kind === 'array') {
          if (e.lhs.items.length !== e.rhs.items.length) return [{ k: 'term', term: { k: 'val', v: false }, loc: e.loc }];
          return e.lhs.items.map((a, i) => ({ k: 'eq', a: this.term(a, scope), b: this.term(e.rhs.kind === 'array' ? e.rhs.items[i]! : a, scope), assign: false, loc: e.loc }));
        }
        return [{ k: 'eq', a: this.term(e.lhs, scope), b: this.term(e.rhs, scope), assign: false, loc: e.loc }];
      case 'some':
        for (const v of e.vars) {
          if (scope.vars.has(v.name) && !v.name.startsWith('$_')) throw new Problem('rego_compile_error', v.loc, `var ${v.name} declared above`);
          this.newSlot(scope, v.name);
        }
        return [{ k: 'true', loc: e.loc }];
      case 'someIn': {
        const domain = this.term(e.domain, scope);
        const key = e.key ? this.declare(e.key, scope) : undefined;
        const value = this.declare(e.value, scope);
        return [key ? { k: 'someIn', key, value, domain, loc: e.loc } : { k: 'someIn', value, domain, loc: e.loc }];
      }
      case 'every': {
        const domain = this.term(e.domain, scope);
        const child = new Scope(scope, levelNames(e.body, []));
        const key = e.key ? this.newSlot(child, e.key.name) : undefined;
        const value = this.newSlot(child, e.value.name);
        const lits = this.body(e.body, child);
        const all = new Set<number>();
        for (const x of lits) slotsInLit(x, all);
        const free = [...all].filter((s) => !child.own.has(s));
        const bound0 = new Set(free);
        bound0.add(value);
        if (key !== undefined) bound0.add(key);
        const { body } = this.schedule(lits, bound0, new Set());
        return [key === undefined ? { k: 'every', value, domain, body, free, loc: e.loc } : { k: 'every', key, value, domain, body, free, loc: e.loc }];
      }
    }
  }

  private withModifier(target: Term, value: Term, scope: Scope, loc: Loc): CWith {
    const names = this.dotted(target);
    if (!names) throw new Problem('rego_compile_error', loc, 'with target must be a reference to input, data or a function');
    const first = names[0]!;
    let path: readonly string[] | undefined;
    if (first === 'input' || first === 'data') path = names;
    else if (this.env.aliases.has(first)) path = [...this.env.aliases.get(first)!, ...names.slice(1)];
    else if (this.env.pkgRules.has(first)) path = ['data', ...this.env.module.packagePath, ...names];
    if (path?.[0] === 'input') return { k: 'input', path: path.slice(1), value: this.term(value, scope) };
    let mockTarget: RuleSet | Builtin | undefined;
    if (path) {
      let node = this.env.root;
      let i = 1;
      while (i < path.length && !node.rules && node.children.has(path[i]!)) node = node.children.get(path[i++]!)!;
      if (node.rules && i === path.length) {
        if (node.rules.kind !== 'function') return { k: 'rule', rules: node.rules, value: this.term(value, scope) };
        mockTarget = node.rules;
      } else if (node.rules || i === path.length) {
        throw new Problem('rego_compile_error', loc, `with cannot replace part of a rule or a whole package: ${path.join('.')}`);
      } else {
        return { k: 'base', path: path.slice(1), value: this.term(value, scope) };
      }
    } else {
      mockTarget = builtins.get(names.join('.'));
      if (!mockTarget) throw new Problem('rego_compile_error', loc, `with target ${names.join('.')} is not input, data or a function`);
    }
    const valueNames = this.dotted(value);
    if (valueNames) {
      try {
        const replacement = this.callTarget(valueNames, false, loc);
        return { k: 'mockFunction', target: mockTarget, replacement };
      } catch (e) {
        if (!(e instanceof Problem)) throw e;
      }
    }
    return { k: 'mockValue', target: mockTarget, value: this.term(value, scope) };
  }

  private dotted(t: Term): string[] | undefined {
    if (t.kind === 'var') return [t.name];
    if (t.kind !== 'ref' || t.head.kind !== 'var') return undefined;
    const out = [t.head.name];
    for (const p of t.path) {
      if (p.kind !== 'scalar' || typeof p.value !== 'string') return undefined;
      out.push(p.value);
    }
    return out;
  }
}

