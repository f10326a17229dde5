/**
 * Lifts the Rego of a ConstraintTemplate in the shape secpol's Gatekeeper backend writes (src/backends/gatekeeper:
 * `violation` rules over a view of the object, helpers reading fields with `value_at`/`list_at`, quantifiers as
 * `some x in …` and `every x in … { … }`, disjunctions as helper rules with several bodies) back to secpol
 * predicates, literal by literal and helper by helper. The input is the parsed Rego only: comments, annotations and
 * names other than the called helpers' are never read. The fixed helpers are read by their name and arity; their
 * meaning is docs/language/semantics.md §3, and `--verify` runs the ORIGINAL module, so a helper edited in place
 * makes the proof fail rather than the import lie. Anything else is `Unliftable`, with the construct named.
 */
import type { Body, Literal, Rule, Term } from '../engines/rego/index.js';
import { and, decimalOf, literal, not, or, pathText, quantified, test } from './text.js';
import type { Pred } from './model.js';

/** A construct the lifter does not translate; reported per rule as SP3001. */
export class Unliftable extends Error {}

const fail = (what: string): never => {
  throw new Unliftable(what);
};

/** Rego text of a term, for reasons (short, one line). */
export function termText(t: Term): string {
  switch (t.kind) {
    case 'scalar':
      return JSON.stringify(t.value);
    case 'var':
      return t.name.startsWith('$') ? '_' : t.name;
    case 'ref':
      return `${termText(t.head)}${t.path.map((p) => (p.kind === 'scalar' && typeof p.value === 'string' && /^[A-Za-z_]\w*$/.test(p.value) ? `.${p.value}` : `[${termText(p)}]`)).join('')}`;
    case 'call':
      return t.infix && t.args.length === 2 ? `${termText(t.args[0]!)} ${t.infix} ${termText(t.args[1]!)}` : `${t.fn.join('.')}(${t.args.map(termText).join(', ')})`;
    case 'array':
      return `[${t.items.map(termText).join(', ')}]`;
    case 'set':
      return `{${t.items.map(termText).join(', ')}}`;
    case 'object':
      return `{${t.entries.map(([k, v]) => `${termText(k)}: ${termText(v)}`).join(', ')}}`;
    default:
      return `a ${t.kind}`;
  }
}

export function literalText(l: Literal): string {
  const e = l.expr;
  const text =
    e.kind === 'term' ? termText(e.term)
    : e.kind === 'assign' ? `${termText(e.lhs)} := ${termText(e.rhs)}`
    : e.kind === 'unify' ? `${termText(e.lhs)} = ${termText(e.rhs)}`
    : e.kind === 'someIn' ? `some ${e.key ? `${termText(e.key)}, ` : ''}${termText(e.value)} in ${termText(e.domain)}`
    : e.kind === 'every' ? `every ${termText(e.value)} in ${termText(e.domain)} { … }`
    : 'some …';
  const short = text.length > 120 ? `${text.slice(0, 117)}…` : text;
  return `${l.negated ? 'not ' : ''}${short}`;
}

/** A ground JSON value of a term (scalars, arrays, objects), or undefined. */
export function constant(t: Term): unknown {
  if (t.kind === 'scalar') return t.value;
  if (t.kind === 'array') {
    const items = t.items.map(constant);
    return items.some((i) => i === undefined) ? undefined : items;
  }
  if (t.kind === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of t.entries) {
      const key = constant(k);
      const value = constant(v);
      if (typeof key !== 'string' || value === undefined) return undefined;
      out[key] = value;
    }
    return out;
  }
  return undefined;
}

const stringList = (t: Term): string[] | undefined => {
  const v = constant(t);
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
};

type Call = Extract<Term, { kind: 'call' }>;
/** The term as a call of `name` with `arity` arguments (a plain boolean test would narrow the term away on false). */
const callOf = (t: Term, name: string, arity: number): Call | undefined => (t.kind === 'call' && t.fn.join('.') === name && t.args.length === arity ? t : undefined);
const varName = (t: Term): string | undefined => (t.kind === 'var' ? t.name : undefined);

/** A scalar as secpol text: strings quoted, numbers and booleans as written. */
function scalarText(v: unknown, what: string): string {
  if (typeof v === 'string' || typeof v === 'boolean') return literal(v);
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return fail(`${what}: the value ${JSON.stringify(v)} is not a string, number or boolean`);
}

const scalarsText = (t: Term, what: string): string => {
  const v = constant(t);
  if (!Array.isArray(v)) return fail(`${what}: ${termText(t)} is not a list of constants`);
  return `[${v.map((x) => scalarText(x, what)).join(', ')}]`;
};

/** An OPA glob written by secpol (`[ ] { } \` escaped) as a secpol glob; other glob syntax has no secpol form. */
function globText(pattern: unknown): string {
  if (typeof pattern !== 'string') return fail(`a glob that is not a string constant`);
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const next = pattern[i + 1];
      if (next === undefined || !'[]{}\\'.includes(next)) return fail(`the glob ${JSON.stringify(pattern)} (an escape secpol globs do not have)`);
      out += next;
      i++;
    } else if ('[]{}'.includes(ch)) return fail(`the glob ${JSON.stringify(pattern)} (character classes and alternatives: secpol globs know only * and ?)`);
    else out += ch;
  }
  return literal(out);
}

/** Where a predicate is read: the element a quantifier binds, or the object's view at the root. */
export interface Scope {
  /** The Rego variable (or 0-ary rule, at the root) holding the element. */
  readonly term: string;
  readonly isRoot: boolean;
  /** The element is a container (for `effective`, `port`, `env`). */
  readonly container: boolean;
  /** Lists of the element with a named secpol domain (`rules` of a Role: `rbac rule`). */
  readonly lists?: Readonly<Record<string, string>>;
}

/** A value a test reads: a path of the scope's element, or `effective X`. */
type Value = { readonly of: string; readonly text: string };

/** The fixed helpers (library.ts) whose meaning the lifter knows, read by name. */
const tests1: Readonly<Record<string, (x: string) => string>> = {
  is_empty: (x) => `${x} is empty`,
};
const tests2: Readonly<Record<string, (x: string, v: Term) => string>> = {
  differs: (x, v) => `${x} != ${scalarText(constant(v), 'differs')}`,
  not_in: (x, v) => `${x} not in ${scalarsText(v, 'not_in')}`,
  matches_glob: (x, v) => `${x} matches ${globText(constant(v))}`,
  not_matches_glob: (x, v) => `${x} not matches ${globText(constant(v))}`,
  matches_regex: (x, v) => `${x} matches regex ${regexText(v)}`,
  not_matches_regex: (x, v) => `${x} not matches regex ${regexText(v)}`,
  list_contains: (x, v) => `${x} contains ${scalarText(constant(v), 'list_contains')}`,
  contains_only: (x, v) => `${x} contains only ${scalarsText(v, 'contains_only')}`,
  contains_none: (x, v) => `${x} contains none of ${scalarsText(v, 'contains_none')}`,
  contains_any: (x, v) => `${x} contains any of ${scalarsText(v, 'contains_any')}`,
};

function regexText(v: Term): string {
  const p = constant(v);
  return typeof p === 'string' ? literal(p) : fail('a regex that is not a string constant');
}

/** Fixed helpers that are neither tests nor values: a predicate never calls them directly. */
export const fixedHelpers = new Set([
  'pod_view', 'pod_template_paths', 'containers', 'review_operation', 'in_scope', 'object_namespace', 'object_labels', 'object_label', 'is_workload',
  'workload_levels', 'owner_name_matches', 'object_or_empty', 'value_at', 'list_at', 'number', 'quantity', 'quantity_factors', 'quantity_small', 'quantity_nano', 'quantity_nano_text', 'message_value',
  'matches_any_glob', 'pod_annotations', ...Object.keys(tests1), ...Object.keys(tests2),
]);

const comparisons: Readonly<Record<string, string>> = { gt: '>', gte: '>=', lt: '<', lte: '<=' };

/** Lifts predicates of one module; helpers are looked up in `rules` by name. */
export class Lifter {
  constructor(
    private readonly rules: ReadonlyMap<string, readonly Rule[]>,
    /** The 0-ary rule holding the object (`pod_view`, `object_view`). */
    readonly root: string,
    /** Called when a container domain is filtered by an image exception helper (`<rule>_containers(list)`). */
    private readonly onContainerFilter: (helper: string) => void = () => fail('a filtered container list'),
    /** Lists of the object with a named secpol domain (`rules` of Roles: `rbac rule`; `subjects` of bindings: `subject`). */
    private readonly namedLists: Readonly<Record<string, string>> = {},
  ) {}

  get rootScope(): Scope {
    return { term: this.root, isRoot: true, container: false, lists: this.namedLists };
  }

  /** The conjunction of a body's literals, in `scope`. */
  body(literals: Body, scope: Scope): Pred {
    const parts: Pred[] = [];
    for (let i = 0; i < literals.length; i++) {
      const l = literals[i]!;
      const e = l.expr;
      if (e.kind === 'someIn') {
        if (l.negated || e.key || e.value.kind !== 'var') return fail(`the quantifier ${literalText(l)}`);
        const element = e.value.name;
        const domain = this.domain(e.domain, scope);
        // The rest of the body: literals that read the element go inside the quantifier, the others stay outside.
        const rest = literals.slice(i + 1);
        const inner = new Set([element]);
        for (let grew = true; grew; ) {
          grew = false;
          for (const r of rest) {
            if (![...inner].some((v) => mentions(r, v))) continue;
            for (const b of binds(r)) if (!inner.has(b)) (inner.add(b), (grew = true));
          }
        }
        const inside = rest.filter((r) => [...inner].some((v) => mentions(r, v)));
        const outside = rest.filter((r) => !inside.includes(r));
        const body = this.body(inside, { term: element, isRoot: false, container: domain.container, ...(domain.lists ? { lists: domain.lists } : {}) });
        if (body.kind === 'true') return fail(`the quantifier ${literalText(l)} with an empty body`);
        parts.push(quantified('any', domain.text, body));
        parts.push(this.body(outside, scope));
        return and(parts);
      }
      parts.push(this.literal(l, scope));
    }
    return and(parts);
  }

  literal(l: Literal, scope: Scope): Pred {
    if (l.withs.length) return fail(`the literal ${literalText(l)} (with modifiers)`);
    const e = l.expr;
    if (e.kind === 'every') {
      if (l.negated || e.key) return fail(`the quantifier ${literalText(l)}`);
      const domain = this.domain(e.domain, scope);
      const inner = this.body(e.body, { term: e.value.name, isRoot: false, container: domain.container, ...(domain.lists ? { lists: domain.lists } : {}) });
      const p = quantified('every', domain.text, inner);
      return l.negated ? not(p) : p;
    }
    if (e.kind !== 'term') return fail(`the literal ${literalText(l)}`);
    const p = this.termTest(e.term, scope, literalText(l));
    return l.negated ? negate(p) : p;
  }

  /** A term used as a test: a comparison, a fixed test helper, or a call of a generated helper. */
  private termTest(t: Term, scope: Scope, where: string): Pred {
    if (t.kind === 'var') return this.helperCall(t.name, [], scope, where);
    if (t.kind !== 'call') return fail(`the literal ${where}`);
    const name = t.fn.join('.');
    if (name === 'equal' || name === 'neq') {
      const [a, b] = t.args as [Term, Term];
      const x = this.value(a, scope);
      const v = constant(b);
      if (v === undefined) return fail(`the comparison ${where} (with a value that is not a constant)`);
      if (v === null) return test(`${x.text} ${name === 'equal' ? 'is absent' : 'exists'}`);
      if (name === 'neq') return fail(`the comparison ${where} (!= a value other than null)`);
      return test(`${x.text} = ${scalarText(v, where)}`);
    }
    if (name === 'internal.member_2') {
      const [a, b] = t.args as [Term, Term];
      return test(`${this.value(a, scope).text} in ${scalarsText(b, where)}`);
    }
    if (t.args.length === 1 && tests1[name]) return test(tests1[name]!(this.value(t.args[0]!, scope).text));
    if (t.args.length === 2 && tests2[name]) return test(tests2[name]!(this.value(t.args[0]!, scope).text, t.args[1]!));
    if (fixedHelpers.has(name)) return fail(`the helper ${name} used as a test (${where})`);
    if (t.fn.length === 1 && this.rules.has(name)) {
      const relation = this.relation(name);
      if (relation) {
        const [a, b] = t.args as [Term, Term];
        return test(`${this.value(a, scope).text} ${relation.op} ${relation.factor === '1' ? '' : `${relation.factor} * `}${this.value(b, scope).text}${relation.offset}`);
      }
      const comparison = this.comparison(name);
      if (comparison) {
        const [a, b] = t.args as [Term, Term];
        const n = constant(b);
        if (typeof n !== 'number') return fail(`the comparison ${where} (with a value that is not a number)`);
        return test(`${this.value(a, scope).text} ${comparison} ${String(n)}`);
      }
      return this.helperCall(name, t.args, scope, where);
    }
    return fail(`the call ${where}`);
  }

  /**
   * A generated two-argument helper whose only definition is one comparison (`name(a, b) if LHS OP RHS`): its
   * parameters, the secpol operator and the two sides; undefined for any other shape.
   */
  private comparisonHelper(name: string): { a: string; b: string; op: string; lhs: Term; rhs: Term } | undefined {
    const defs = this.rules.get(name) ?? [];
    if (defs.length !== 1) return undefined;
    const d = defs[0]!;
    if (d.kind !== 'function' || d.args?.length !== 2 || d.elses.length || d.body.length !== 1 || d.value !== undefined) return undefined;
    const [a, b] = d.args.map(varName);
    const l = d.body[0]!;
    if (!a || !b || l.negated || l.expr.kind !== 'term' || l.expr.term.kind !== 'call') return undefined;
    const call = l.expr.term;
    const op = comparisons[call.fn.join('.')];
    const [lhs, rhs] = call.args;
    return op && lhs && rhs ? { a, b, op, lhs, rhs } : undefined;
  }

  /** `name(x, n) if number(x) OP n` (or `quantity(x)`): the comparison's secpol operator. */
  private comparison(name: string): string | undefined {
    const h = this.comparisonHelper(name);
    if (!h || varName(h.rhs) !== h.b) return undefined;
    const read = callOf(h.lhs, 'number', 1) ?? callOf(h.lhs, 'quantity', 1);
    return read && varName(read.args[0]!) === h.a ? h.op : undefined;
  }

  /**
   * `name(x, y) if read(x) [* q] OP read(y) [* p] [± q·o]` with read `quantity_nano` or `number`, the backend's
   * field comparison `x OP p/q × y ± o`: its operator, the factor as a decimal, the offset as text.
   */
  private relation(name: string): { op: string; factor: string; offset: string } | undefined {
    const h = this.comparisonHelper(name);
    if (!h) return undefined;
    const { a: x, b: y, op, lhs, rhs } = h;
    /** `read(v)` or `read(v) * k`: the read helper and k. */
    const scaled = (t: Term, v: string): { read: string; k: bigint } | undefined => {
      const m = callOf(t, 'mul', 2);
      const inner = m ? m.args[0]! : t;
      const k = m ? constant(m.args[1]!) : 1;
      if (typeof k !== 'number' || !Number.isSafeInteger(k) || k <= 0) return undefined;
      const read = callOf(inner, 'quantity_nano', 1) ?? callOf(inner, 'number', 1);
      return read && varName(read.args[0]!) === v ? { read: read.fn.join('.'), k: BigInt(k) } : undefined;
    };
    let offset = 0n;
    let right = rhs;
    const plus = callOf(rhs, 'plus', 2) ?? callOf(rhs, 'minus', 2);
    if (plus) {
      const o = constant(plus.args[1]!);
      if (typeof o !== 'number' || !Number.isSafeInteger(o)) return undefined;
      offset = BigInt(plus.fn.join('.') === 'plus' ? o : -o);
      right = plus.args[0]!;
    }
    const sx = scaled(lhs, x);
    const sy = scaled(right, y);
    if (!sx || !sy || sx.read !== sy.read || (offset !== 0n && sx.read !== 'number') || offset % sx.k !== 0n) return undefined;
    const factor = decimalOf(sy.k, sx.k);
    if (factor === undefined) return undefined;
    const o = offset / sx.k;
    return { op, factor, offset: o === 0n ? '' : o > 0n ? ` + ${o}` : ` - ${-o}` };
  }

  /** A generated helper (rule or function): one body per definition, their disjunction. */
  private helperCall(name: string, args: readonly Term[], scope: Scope, where: string): Pred {
    const defs = this.rules.get(name);
    if (!defs || fixedHelpers.has(name)) return fail(`the reference ${where}`);
    if (args.length === 0 && !scope.isRoot) return fail(`the rule ${name} read inside a quantifier (${where})`);
    if (args.length > 1) return fail(`the helper ${name} with ${args.length} arguments`);
    if (args.length === 1 && varName(args[0]!) !== scope.term) return fail(`the helper call ${where} (its argument is not the element being checked)`);
    const bodies: Pred[] = [];
    for (const d of defs) {
      if (d.isDefault || d.elses.length || (d.value !== undefined && constant(d.value) !== true) || d.key) return fail(`the helper ${name} (a definition that is not a plain condition)`);
      if ((d.args?.length ?? 0) !== args.length) return fail(`the helper ${name} (defined with another arity)`);
      const param = d.args?.[0];
      if (param && param.kind !== 'var') return fail(`the helper ${name} (a parameter that is not a variable)`);
      const inner: Scope = param && param.kind === 'var' ? { ...scope, term: param.name } : scope;
      bodies.push(this.body(d.body, inner));
    }
    return or(bodies);
  }

  /** The value a test reads, as secpol text relative to the scope's element. */
  value(t: Term, scope: Scope): Value {
    const at = callOf(t, 'value_at', 2);
    if (at) {
      const of = varName(at.args[0]!);
      const path = stringList(at.args[1]!);
      if (!of || !path || path.length === 0) return fail(`the value ${termText(t)}`);
      if (of !== scope.term) return fail(`the value ${termText(t)} (read from ${of} while checking ${scope.term}: secpol paths are relative to the element)`);
      return { of, text: pathText(path) };
    }
    if (t.kind === 'call' && t.fn.length === 1 && t.args.length === 1 && this.rules.has(t.fn[0]!)) {
      const field = this.effective(t.fn[0]!);
      if (!field) return fail(`the value ${termText(t)}`);
      if (!scope.container || varName(t.args[0]!) !== scope.term) return fail(`the value ${termText(t)} (effective outside the container being checked)`);
      return { of: scope.term, text: `effective ${field}` };
    }
    return fail(`the value ${termText(t)}`);
  }

  /**
   * `f(c) := v if { v := value_at(c, ["securityContext", …F]); v != null } else := value_at(<pod view>, ["spec",
   * "securityContext", …F])`: secpol's `effective F` (docs/language/effective.md), the field F read back.
   */
  private effective(name: string): string | undefined {
    const defs = this.rules.get(name) ?? [];
    if (defs.length !== 1 || this.root !== 'pod_view') return undefined;
    const d = defs[0]!;
    const c = d.args?.length === 1 ? varName(d.args[0]!) : undefined;
    const v = d.value ? varName(d.value) : undefined;
    if (d.kind !== 'function' || !c || !v || d.body.length !== 2 || d.elses.length !== 1) return undefined;
    const [first, second] = d.body as [Literal, Literal];
    const read = first.expr.kind === 'assign' ? callOf(first.expr.rhs, 'value_at', 2) : undefined;
    if (first.negated || first.expr.kind !== 'assign' || varName(first.expr.lhs) !== v || !read || varName(read.args[0]!) !== c) return undefined;
    const check = second.expr.kind === 'term' ? callOf(second.expr.term, 'neq', 2) : undefined;
    if (second.negated || !check || varName(check.args[0]!) !== v || constant(check.args[1]!) !== null) return undefined;
    const containerPath = stringList(read.args[1]!);
    const e = d.elses[0]!;
    const fallback = e.value ? callOf(e.value, 'value_at', 2) : undefined;
    if (e.body.length || !fallback || varName(fallback.args[0]!) !== 'pod_view') return undefined;
    const podPath = stringList(fallback.args[1]!);
    if (!containerPath || !podPath || containerPath[0] !== 'securityContext' || containerPath.length < 2) return undefined;
    // The field is written bare after `effective`: plain names only, so no string of the Rego becomes secpol syntax.
    if (!containerPath.slice(1).every((s) => /^[A-Za-z][A-Za-z0-9]*$/.test(s))) return undefined;
    if (JSON.stringify(podPath) !== JSON.stringify(['spec', ...containerPath])) return undefined;
    return containerPath.slice(1).join('.');
  }

  /**
   * `f(obj) := [target] if { value_at(obj, [...P, "kind"]) == "ClusterRole"; name := value_at(obj, [...P, "name"]);
   * is_string(name); target := data.inventory.cluster["rbac.authorization.k8s.io/v1"]["ClusterRole"][name] } else :=
   * [target] if { … "Role" …; ns := object_namespace; is_string(ns); target := data.inventory.namespace[ns][…]["Role"][name] }
   * else := []`: the object P names in Gatekeeper's synced inventory, secpol's `role referenced by P`
   * (docs/language/references.md). Returns P.
   */
  private reference(name: string): string[] | undefined {
    const defs = this.rules.get(name) ?? [];
    const d = defs[0];
    const obj = d?.args?.length === 1 ? varName(d.args[0]!) : undefined;
    if (defs.length !== 1 || !d || d.kind !== 'function' || !obj) return undefined;
    const clauses = [{ value: d.value, body: d.body }, ...d.elses];
    const last = clauses.pop();
    if (!last || last.body.length || !last.value || last.value.kind !== 'array' || last.value.items.length) return undefined;
    const found = new Map<string, string>();
    let path: string[] | undefined;
    for (const cl of clauses) {
      const lits = cl.body.map((l) => (l.negated ? undefined : l.expr));
      if (!cl.value || termText(cl.value) !== '[target]' || lits.some((e) => e === undefined)) return undefined;
      const text = cl.body.map((l) => literalText(l));
      const kind = /^value_at\(([a-z_]+), (\[.*\])\) == "(ClusterRole|Role)"$/.exec(text[0] ?? '');
      const p = kind && kind[1] === obj ? (JSON.parse(kind[2]!) as string[]) : undefined;
      if (!kind || !p || p[p.length - 1] !== 'kind') return undefined;
      const at = JSON.stringify(p.slice(0, -1));
      if (path && JSON.stringify(path) !== at) return undefined;
      path = p.slice(0, -1);
      const k = kind[3]!;
      const named = `name := value_at(${obj}, ${JSON.stringify([...path, 'name']).replace(/,/g, ', ')})`;
      const cluster = [named, 'is_string(name)', `target := data.inventory.cluster["rbac.authorization.k8s.io/v1"].${k}[name]`];
      const namespaced = [named, 'is_string(name)', 'ns := object_namespace', 'is_string(ns)', `target := data.inventory.namespace[ns]["rbac.authorization.k8s.io/v1"].${k}[name]`];
      const rest = JSON.stringify(text.slice(1));
      if (k === 'ClusterRole' && rest === JSON.stringify(cluster)) found.set(k, 'cluster');
      else if (k === 'Role' && rest === JSON.stringify(namespaced)) found.set(k, 'namespace');
      else return undefined;
    }
    return found.size === 2 && path && path.length ? path : undefined;
  }

  /** A quantifier's domain as secpol text. */
  domain(t: Term, scope: Scope): { text: string; container: boolean; lists?: Readonly<Record<string, string>> } {
    if (t.kind === 'var' && t.name === 'containers' && scope.isRoot && this.root === 'pod_view') return { text: 'container', container: true };
    const list = callOf(t, 'list_at', 2);
    if (list) {
      const of = varName(list.args[0]!);
      const path = stringList(list.args[1]!);
      if (of !== scope.term || !path || path.length === 0) return fail(`the domain ${termText(t)} (not a list of the element being checked)`);
      const key = path.join('.');
      if (scope.isRoot && this.root === 'pod_view') {
        const named: Record<string, [string, boolean]> = { 'spec.containers': ['app container', true], 'spec.initContainers': ['init container', true], 'spec.ephemeralContainers': ['ephemeral container', true], 'spec.volumes': ['volume', false] };
        if (named[key]) return { text: named[key]![0], container: named[key]![1] };
      }
      if (scope.container && (key === 'ports' || key === 'env')) return { text: key === 'ports' ? 'port' : 'env', container: false };
      if (scope.lists?.[key]) return { text: scope.lists[key]!, container: false };
      return { text: `item in ${pathText(path)}`, container: false };
    }
    if (t.kind === 'arrayCompr') {
      // [element | some parent in <containers>; some element in list_at(parent, ["ports"|"env"])]: every container's.
      const [a, b] = t.body;
      if (t.body.length === 2 && a && b && a.expr.kind === 'someIn' && b.expr.kind === 'someIn' && !a.negated && !b.negated && a.expr.value.kind === 'var' && b.expr.value.kind === 'var' && varName(t.head) === b.expr.value.name) {
        const outer = this.domain(a.expr.domain, scope);
        const inner = callOf(b.expr.domain, 'list_at', 2);
        const hop = inner && varName(inner.args[0]!) === a.expr.value.name ? stringList(inner.args[1]!) : undefined;
        if (outer.text === 'container' && hop?.length === 1 && (hop[0] === 'ports' || hop[0] === 'env')) return { text: hop[0] === 'ports' ? 'port' : 'env', container: false };
      }
      return fail(`the domain ${termText(t)}`);
    }
    if (t.kind === 'call' && t.fn.length === 1 && t.args.length === 1 && this.rules.has(t.fn[0]!)) {
      const reference = this.reference(t.fn[0]!);
      if (reference) {
        if (!scope.isRoot || varName(t.args[0]!) !== scope.term) return fail(`the reference ${termText(t)} (not of the object under review)`);
        return { text: `role referenced by ${pathText(reference)}`, container: false, lists: { rules: 'rbac rule' } };
      }
      const inner = this.domain(t.args[0]!, scope);
      if (!inner.container) return fail(`the domain ${termText(t)}`);
      this.onContainerFilter(t.fn[0]!);
      return inner;
    }
    return fail(`the domain ${termText(t)}`);
  }
}

/** `not P`, with `not any D has not Q` read as `every D has Q` kept for the caller's simplifications. */
function negate(p: Pred): Pred {
  return p.kind === 'not' ? p.operand : not(p);
}

/** The variables a literal binds (`some x in …`, `x := …`). */
function binds(l: Literal): string[] {
  const e = l.expr;
  if (e.kind === 'someIn') return [e.value, ...(e.key ? [e.key] : [])].flatMap((t) => (t.kind === 'var' ? [t.name] : []));
  if (e.kind === 'assign' && e.lhs.kind === 'var') return [e.lhs.name];
  return [];
}

/** Whether a literal reads the variable (directly or in a nested term or body). */
export function mentions(l: Literal, name: string): boolean {
  return JSON.stringify(l.expr, (k, v: unknown) => (k === 'loc' ? undefined : v)).includes(`"kind":"var","name":${JSON.stringify(name)}`);
}
