/**
 * The interpreter: top-down evaluation with backtracking, in continuation-passing style. Every
 * `eval*` method calls its continuation once per solution and returns true when the continuation asked
 * to stop. Bindings live in a per-clause frame and are undone on the way back.
 */
import { BuiltinError, type Builtin, type BuiltinContext } from './builtins/index.js';
import type { CallTarget, CBody, CClause, CIndex, CLiteral, CTerm, CWith, DataNode, RuleSet } from './compiled.js';
import { RegoRuntimeError, type Loc } from './errors.js';
import { formatValue } from './format.js';
import { equals, ObjectValue, SetValue, type Value } from './values.js';

type Frame = (Value | undefined)[];
type Cont = () => boolean;
type ValueCont = (v: Value) => boolean;

const MAX_DEPTH = 2000;

type Mock = { readonly value: Value } | { readonly replacement: CallTarget };

/** What one evaluation sees: input, base data, and the caches and replacements `with` scopes. */
/** Cache entry for a rule that is undefined. */
const UNDEFINED = Symbol('undefined');

export class EvalContext {
  readonly cache = new Map<RuleSet, Value | typeof UNDEFINED>();
  readonly inProgress = new Set<RuleSet>();

  constructor(
    readonly input: Value | undefined,
    readonly data: ObjectValue,
    readonly overrides: ReadonlyMap<RuleSet, Value> | undefined,
    readonly mocks: ReadonlyMap<Builtin | RuleSet, Mock> | undefined,
  ) {}
}

function child(v: Value, key: Value): Value | undefined {
  if (v instanceof ObjectValue) return v.get(key);
  if (Array.isArray(v)) return typeof key === 'number' && Number.isInteger(key) && key >= 0 ? v[key] : undefined;
  if (v instanceof SetValue) return v.has(key) ? key : undefined;
  return undefined;
}

/** Calls `f(key, value)` for each element of a collection in Rego order; stops when `f` returns true. */
function iterate(v: Value, f: (key: Value, value: Value) => boolean): boolean {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (f(i, v[i]!)) return true;
  } else if (v instanceof ObjectValue) {
    for (const k of v.keys()) if (f(k, v.get(k)!)) return true;
  } else if (v instanceof SetValue) {
    for (const e of v.values()) if (f(e, e)) return true;
  }
  return false;
}

/** A copy of `base` with `value` at `path` (intermediate objects created as needed). */
function setPath(base: Value | undefined, path: readonly string[], value: Value): Value {
  if (path.length === 0) return value;
  const obj = new ObjectValue();
  if (base instanceof ObjectValue) for (const k of base.keys()) obj.put(k, base.get(k)!);
  const [first, ...rest] = path;
  obj.put(first!, setPath(base instanceof ObjectValue ? base.get(first!) : undefined, rest, value));
  return obj;
}

export class Evaluator {
  ctx: EvalContext;
  private depth = 0;

  constructor(
    ctx: EvalContext,
    private readonly builtinCtx: BuiltinContext,
    private readonly strict: boolean,
  ) {
    this.ctx = ctx;
  }

  private conflict(rs: RuleSet | undefined, loc: Loc | undefined, file: string, message: string): never {
    throw new RegoRuntimeError('eval_conflict_error', rs?.file ?? file, rs?.loc ?? loc, message);
  }

  // ---- bodies and literals ---------------------------------------------------------------------

  evalBody(body: CBody, i: number, f: Frame, k: Cont): boolean {
    if (i === body.length) return k();
    return this.evalLit(body[i]!, f, () => this.evalBody(body, i + 1, f, k));
  }

  private evalLit(lit: CLiteral, f: Frame, k: Cont): boolean {
    switch (lit.k) {
      case 'true':
        return k();
      case 'term':
        return this.evalTerm(lit.term, f, (v) => v !== false && k());
      case 'unify':
        return this.evalTerm(lit.from, f, (v) => this.unify(lit.to, v, f, k));
      case 'not': {
        const negate = (): boolean => {
          let found = false;
          this.evalLit(lit.inner, f, () => (found = true));
          return found ? false : k();
        };
        return lit.pre ? this.evalBody(lit.pre, 0, f, negate) : negate();
      }
      case 'someIn':
        return this.evalTerm(lit.domain, f, (d) =>
          iterate(d, (key, value) =>
            lit.key ? this.unify(lit.key, key, f, () => this.unify(lit.value, value, f, k)) : this.unify(lit.value, value, f, k),
          ),
        );
      case 'every': {
        // Undefined or non-collection domains make `every` undefined; an empty collection makes it true.
        let ok = false;
        this.evalTerm(lit.domain, f, (d) => {
          ok = Array.isArray(d) || d instanceof ObjectValue || d instanceof SetValue;
          if (!ok) return true;
          iterate(d, (key, value) => {
            f[lit.value] = value;
            if (lit.key !== undefined) f[lit.key] = key;
            let found = false;
            this.evalBody(lit.body, 0, f, () => (found = true));
            f[lit.value] = undefined;
            if (lit.key !== undefined) f[lit.key] = undefined;
            if (!found) ok = false;
            return !found;
          });
          return !ok;
        });
        return ok ? k() : false;
      }
      case 'with':
        return this.evalWith(lit, f, k);
    }
  }

  private evalWith(lit: Extract<CLiteral, { k: 'with' }>, f: Frame, k: Cont): boolean {
    const values: (Value | undefined)[] = [];
    const go = (i: number): boolean => {
      if (i < lit.mods.length) {
        const m = lit.mods[i]!;
        if (!('value' in m)) {
          values[i] = undefined;
          return go(i + 1);
        }
        return this.evalTerm(m.value, f, (v) => {
          values[i] = v;
          return go(i + 1);
        });
      }
      const outer = this.ctx;
      const inner = this.derive(outer, lit.mods, values);
      this.ctx = inner;
      try {
        return this.evalLit(lit.inner, f, () => {
          this.ctx = outer;
          try {
            return k();
          } finally {
            this.ctx = inner;
          }
        });
      } finally {
        this.ctx = outer;
      }
    };
    return go(0);
  }

  private derive(outer: EvalContext, mods: readonly CWith[], values: readonly (Value | undefined)[]): EvalContext {
    let input = outer.input;
    let data: Value = outer.data;
    let overrides = outer.overrides;
    let mocks = outer.mocks;
    mods.forEach((m, i) => {
      const v = values[i]!;
      switch (m.k) {
        case 'input':
          input = setPath(input, m.path, v);
          break;
        case 'base':
          data = setPath(data, m.path, v);
          break;
        case 'rule':
          overrides = new Map(overrides ?? []).set(m.rules, v);
          break;
        case 'mockValue':
          mocks = new Map(mocks ?? []).set(m.target, { value: v });
          break;
        case 'mockFunction':
          mocks = new Map(mocks ?? []).set(m.target, { replacement: m.replacement });
          break;
      }
    });
    return new EvalContext(input, data instanceof ObjectValue ? data : new ObjectValue(), overrides, mocks);
  }

  // ---- terms ---------------------------------------------------------------------------------

  evalTerm(t: CTerm, f: Frame, k: ValueCont): boolean {
    switch (t.k) {
      case 'val':
        return k(t.v);
      case 'local': {
        const v = f[t.slot];
        if (v === undefined) throw new RegoRuntimeError('eval_type_error', '', t.loc, `var ${t.name} is unbound`);
        return k(v);
      }
      case 'input':
        return this.ctx.input === undefined ? false : k(this.ctx.input);
      case 'ref':
        return this.evalRef(t, f, k);
      case 'call':
        return this.evalCall(t, f, k);
      case 'array':
        return this.evalItems(t.items, f, (items) => k(items));
      case 'set':
        return this.evalItems(t.items, f, (items) => k(SetValue.of(items)));
      case 'object': {
        const flat = t.entries.flatMap(([a, b]) => [a, b]);
        return this.evalItems(flat, f, (items) => {
          const o = new ObjectValue();
          for (let i = 0; i < items.length; i += 2) o.put(items[i]!, items[i + 1]!);
          return k(o);
        });
      }
      case 'compr':
        return k(this.comprehension(t, f));
    }
  }

  private evalItems(items: readonly CTerm[], f: Frame, k: (items: Value[]) => boolean): boolean {
    const acc: Value[] = new Array(items.length);
    const go = (i: number): boolean => {
      if (i === items.length) return k(acc.slice());
      const t = items[i]!;
      if (t.k === 'val') {
        acc[i] = t.v;
        return go(i + 1);
      }
      if (t.k === 'local' && f[t.slot] !== undefined) {
        acc[i] = f[t.slot]!;
        return go(i + 1);
      }
      return this.evalTerm(t, f, (v) => {
        acc[i] = v;
        return go(i + 1);
      });
    };
    return go(0);
  }

  private comprehension(t: Extract<CTerm, { k: 'compr' }>, f: Frame): Value {
    switch (t.kind) {
      case 'array': {
        const out: Value[] = [];
        this.evalBody(t.body, 0, f, () => this.evalTerm(t.head, f, (v) => (out.push(v), false)));
        return out;
      }
      case 'set': {
        const out = new SetValue();
        this.evalBody(t.body, 0, f, () => this.evalTerm(t.head, f, (v) => (out.add(v), false)));
        return out;
      }
      case 'object': {
        const out = new ObjectValue();
        this.evalBody(t.body, 0, f, () =>
          this.evalTerm(t.head, f, (key) =>
            this.evalTerm(t.value!, f, (value) => {
              const prev = out.get(key);
              if (prev !== undefined && !equals(prev, value)) this.conflict(undefined, t.loc, '', 'object keys must be unique');
              out.put(key, value);
              return false;
            }),
          ),
        );
        return out;
      }
    }
  }

  // ---- references ----------------------------------------------------------------------------

  private evalRef(t: Extract<CTerm, { k: 'ref' }>, f: Frame, k: ValueCont): boolean {
    const head = t.head;
    switch (head.k) {
      case 'term':
        if (head.term.k === 'local') {
          const v = f[head.term.slot];
          if (v === undefined) throw new RegoRuntimeError('eval_type_error', '', t.loc, `var ${head.term.name} is unbound`);
          return this.walk(v, t.path, 0, f, k);
        }
        return this.evalTerm(head.term, f, (v) => this.walk(v, t.path, 0, f, k));
      case 'rule': {
        const v = this.ruleValue(head.rules);
        return v === undefined ? false : this.walk(v, t.path, 0, f, k);
      }
      case 'base': {
        const v = this.baseAt(head.path);
        return v === undefined ? false : this.walk(v, t.path, 0, f, k);
      }
      case 'package':
        return this.walkPackage(head.node, t.path, 0, f, k);
    }
  }

  private baseAt(path: readonly string[]): Value | undefined {
    let v: Value | undefined = this.ctx.data;
    for (const seg of path) {
      if (v === undefined) return undefined;
      v = child(v, seg);
    }
    return v;
  }

  private unboundIndex(index: CIndex, f: Frame): boolean {
    for (const s of index.vars) if (f[s] === undefined) return true;
    return false;
  }

  private walk(v: Value, path: readonly CIndex[], i: number, f: Frame, k: ValueCont): boolean {
    if (i === path.length) return k(v);
    const index = path[i]!;
    const term = index.term;
    if (term.k === 'val') {
      const c = child(v, term.v);
      return c === undefined ? false : this.walk(c, path, i + 1, f, k);
    }
    if (term.k === 'local') {
      const bound = f[term.slot];
      if (bound !== undefined) {
        const c = child(v, bound);
        return c === undefined ? false : this.walk(c, path, i + 1, f, k);
      }
      const slot = term.slot;
      return iterate(v, (key, c) => {
        f[slot] = key;
        const stop = this.walk(c, path, i + 1, f, k);
        f[slot] = undefined;
        return stop;
      });
    }
    if (this.unboundIndex(index, f)) {
      return iterate(v, (key, c) => this.unify(term, key, f, () => this.walk(c, path, i + 1, f, k)));
    }
    return this.evalTerm(term, f, (key) => {
      const c = child(v, key);
      return c === undefined ? false : this.walk(c, path, i + 1, f, k);
    });
  }

  private walkPackage(node: DataNode, path: readonly CIndex[], i: number, f: Frame, k: ValueCont): boolean {
    if (node.rules) {
      const v = this.ruleValue(node.rules);
      return v === undefined ? false : this.walk(v, path, i, f, k);
    }
    if (i === path.length || this.unboundIndex(path[i]!, f)) return this.walk(this.packageValue(node), path, i, f, k);
    return this.evalTerm(path[i]!.term, f, (key) => {
      if (typeof key !== 'string') return false;
      const next = node.children.get(key);
      if (next) return this.walkPackage(next, path, i + 1, f, k);
      const base = this.baseAt([...node.path, key]);
      return base === undefined ? false : this.walk(base, path, i + 1, f, k);
    });
  }

  /** The document at a package: its base data merged with the values of its rules and sub-packages. */
  private packageValue(node: DataNode): Value {
    const base = this.baseAt(node.path);
    const out = new ObjectValue();
    if (base instanceof ObjectValue) for (const k of base.keys()) out.put(k, base.get(k)!);
    for (const [name, c] of node.children) {
      if (c.rules) {
        if (c.rules.kind === 'function') continue;
        const v = this.ruleValue(c.rules);
        if (v !== undefined) out.put(name, v);
      } else {
        out.put(name, this.packageValue(c));
      }
    }
    return out;
  }

  // ---- unification ---------------------------------------------------------------------------

  unify(p: CTerm, v: Value, f: Frame, k: Cont): boolean {
    switch (p.k) {
      case 'local': {
        const cur = f[p.slot];
        if (cur !== undefined) return equals(cur, v) && k();
        f[p.slot] = v;
        const stop = k();
        f[p.slot] = undefined;
        return stop;
      }
      case 'val':
        return equals(p.v, v) && k();
      case 'array': {
        if (!Array.isArray(v) || v.length !== p.items.length) return false;
        const go = (i: number): boolean => (i === p.items.length ? k() : this.unify(p.items[i]!, v[i]!, f, () => go(i + 1)));
        return go(0);
      }
      case 'object': {
        if (!(v instanceof ObjectValue) || v.size !== p.entries.length) return false;
        const go = (i: number): boolean => {
          if (i === p.entries.length) return k();
          const [kt, vt] = p.entries[i]!;
          return this.evalTerm(kt, f, (key) => {
            const c = v.get(key);
            return c !== undefined && this.unify(vt, c, f, () => go(i + 1));
          });
        };
        return go(0);
      }
      default:
        return this.evalTerm(p, f, (pv) => equals(pv, v) && k());
    }
  }

  // ---- calls ---------------------------------------------------------------------------------

  private evalCall(t: Extract<CTerm, { k: 'call' }>, f: Frame, k: ValueCont): boolean {
    return this.evalItems(t.args, f, (args) => {
      const r = this.invoke(t.fn, args, t.loc);
      if (r === undefined) return false;
      if (t.out) return this.unify(t.out, r, f, () => k(true));
      return k(r);
    });
  }

  private invoke(target: CallTarget, args: readonly Value[], loc: Loc): Value | undefined {
    const mocks = this.ctx.mocks;
    if (mocks !== undefined) {
      const key = target.k === 'builtin' ? target.builtin : target.rules;
      const mock = mocks.get(key);
      if (mock !== undefined) {
        if ('value' in mock) return mock.value;
        const saved = this.ctx;
        const rest = new Map(mocks);
        rest.delete(key);
        this.ctx = new EvalContext(saved.input, saved.data, saved.overrides, rest);
        try {
          return this.invoke(mock.replacement, args, loc);
        } finally {
          this.ctx = saved;
        }
      }
    }
    if (target.k === 'function') return this.callFunction(target.rules, args);
    try {
      return target.builtin.fn(args, this.builtinCtx);
    } catch (e) {
      if (!(e instanceof BuiltinError)) throw e;
      if (this.strict) throw new RegoRuntimeError('eval_type_error', '', loc, e.message);
      return undefined;
    }
  }

  private callFunction(rs: RuleSet, args: readonly Value[]): Value | undefined {
    if (++this.depth > MAX_DEPTH) {
      this.depth = 0;
      throw new RegoRuntimeError('eval_recursion_error', rs.file, rs.loc, `data.${rs.path.join('.')}: call depth exceeded (recursion?)`);
    }
    try {
      let result: Value | undefined;
      for (const clause of rs.clauses) {
        const f: Frame = new Array(clause.nslots);
        const patterns = clause.args!;
        const bindArgs = (i: number): boolean => {
          if (i === patterns.length) {
            const v = this.clauseValue(rs, clause, f);
            if (v !== undefined) {
              if (result !== undefined && !equals(result, v)) {
                this.conflict(rs, undefined, '', `functions must not produce multiple outputs for same inputs (data.${rs.path.join('.')}: ${formatValue(result)} and ${formatValue(v)})`);
              }
              result = v;
            }
            return false;
          }
          return this.unify(patterns[i]!, args[i]!, f, () => bindArgs(i + 1));
        };
        bindArgs(0);
      }
      return result !== undefined ? result : rs.defaultValue;
    } finally {
      this.depth--;
    }
  }

  /** The value one clause's else chain gives (all solutions of the first satisfied link must agree). */
  private clauseValue(rs: RuleSet, clause: CClause, f: Frame): Value | undefined {
    for (const link of clause.chain) {
      let result: Value | undefined;
      this.evalBody(link.body, 0, f, () => {
        if (!link.value) {
          result = true;
          return false;
        }
        return this.evalTerm(link.value, f, (v) => {
          if (result !== undefined && !equals(result, v)) {
            this.conflict(rs, undefined, '', `${rs.kind === 'function' ? 'functions must not produce multiple outputs for same inputs' : 'complete rules must not produce multiple outputs'} (data.${rs.path.join('.')}: ${formatValue(result)} and ${formatValue(v)})`);
          }
          result = v;
          return false;
        });
      });
      if (result !== undefined) return result;
    }
    return undefined;
  }

  // ---- rules ---------------------------------------------------------------------------------

  ruleValue(rs: RuleSet): Value | undefined {
    const ctx = this.ctx;
    const override = ctx.overrides?.get(rs);
    if (override !== undefined) return override;
    const cached = ctx.cache.get(rs);
    if (cached !== undefined) return cached === UNDEFINED ? undefined : cached;
    if (ctx.inProgress.has(rs)) {
      throw new RegoRuntimeError('eval_recursion_error', rs.file, rs.loc, `rule data.${rs.path.join('.')} is recursive`);
    }
    ctx.inProgress.add(rs);
    let value: Value | undefined;
    try {
      value = this.computeRule(rs);
    } finally {
      ctx.inProgress.delete(rs);
    }
    ctx.cache.set(rs, value === undefined ? UNDEFINED : value);
    return value;
  }

  private computeRule(rs: RuleSet): Value | undefined {
    switch (rs.kind) {
      case 'complete': {
        let result: Value | undefined;
        for (const clause of rs.clauses) {
          const v = this.clauseValue(rs, clause, new Array(clause.nslots));
          if (v === undefined) continue;
          if (result !== undefined && !equals(result, v)) {
            this.conflict(rs, clause.loc, clause.file, `complete rules must not produce multiple outputs (data.${rs.path.join('.')}: ${formatValue(result)} and ${formatValue(v)})`);
          }
          result = v;
        }
        return result !== undefined ? result : rs.defaultValue;
      }
      case 'partialSet': {
        const out = new SetValue();
        for (const clause of rs.clauses) {
          const f: Frame = new Array(clause.nslots);
          const link = clause.chain[0]!;
          this.evalBody(link.body, 0, f, () => this.evalTerm(clause.key!, f, (v) => (out.add(v), false)));
        }
        return out;
      }
      case 'partialObject': {
        const out = new ObjectValue();
        for (const clause of rs.clauses) {
          const f: Frame = new Array(clause.nslots);
          const link = clause.chain[0]!;
          this.evalBody(link.body, 0, f, () =>
            this.evalTerm(clause.key!, f, (key) =>
              this.evalTerm(link.value ?? { k: 'val', v: true }, f, (value) => {
                const prev = out.get(key);
                if (prev !== undefined && !equals(prev, value)) {
                  this.conflict(rs, clause.loc, clause.file, `object keys must be unique (data.${rs.path.join('.')}[${formatValue(key)}])`);
                }
                out.put(key, value);
                return false;
              }),
            ),
          );
        }
        return out;
      }
      case 'function':
        throw new RegoRuntimeError('eval_type_error', rs.file, rs.loc, `function data.${rs.path.join('.')} must be called`);
    }
  }
}
