/**
 * Boolean JMESPath expressions of Kyverno `{{ }}` variables (deny conditions, preconditions, foreach lists) to
 * secpol predicates, from their documented meaning: the JMESPath specification (https://jmespath.org/specification.html:
 * `&&`/`||`/`!` on truthiness, comparators (ordering only between numbers, else null), multi-select lists, `[]`
 * flattening, filter projections whose expressions are relative to the element, `|` pipes, `type`, `length`,
 * `contains`, `not_null`, `starts_with`, `ends_with`) and Kyverno's functions and variables
 * (https://kyverno.io/docs/policy-types/cluster-policy/jmespath/: `pattern_match` with `*`/`?` wildcards,
 * `regex_match` with Go's RE2; https://kyverno.io/docs/policy-types/cluster-policy/variables/: a key missing from
 * a plain path is an error, which a multi-select list `[path][0]`, a comparator or a filter absorbs as null).
 * The text is parsed by the `jmespath` package (the reference grammar); what the translation does not know is
 * refused with the construct named, never approximated.
 */
import * as jmespathLib from 'jmespath';
import type { FieldSchema } from '../check/fields/index.js';
import { fieldType } from './kinds.js';
import { no, ok, type Pred, type Translation, type YamlPathStep } from './model.js';
import { and as andPred, literal, not as notPred, or as orPred, pathText, quantified, test, TRUE } from './text.js';

/** The package's parser (its `compile`, untyped in @types/jmespath). */
const jmespath = jmespathLib as unknown as { compile(expression: string): unknown };

interface Node {
  readonly type: string;
  readonly name?: string;
  readonly value?: unknown;
  readonly children?: readonly Node[];
}

type Level = 'pod' | 'container' | 'other';

/** Where paths resolve: the object (`request.object`), a foreach `element`, or the element of a filter (`@`). */
export interface Frame {
  readonly schema: FieldSchema;
  readonly level: Level;
}

export interface JmesContext {
  readonly root: Frame;
  /** The foreach element, when translating inside a foreach entry. */
  readonly element?: Frame;
  /** Pod rules with autogen: `request."object".metadata` stays the controller's own metadata. */
  readonly podView: boolean;
  readonly at: readonly YamlPathStep[];
}

/** A boolean being built: constants fold away, `var`s stand for object-level tests inside an element's body. */
type B =
  | { readonly k: 'c'; readonly v: boolean }
  | { readonly k: 'v'; readonly id: number }
  | { readonly k: 't'; readonly text: string }
  | { readonly k: 'and' | 'or'; readonly ops: readonly B[] }
  | { readonly k: 'not'; readonly op: B }
  | { readonly k: 'q'; readonly quantifier: 'any' | 'every' | 'no'; readonly domain: string; readonly body: B };

const T: B = { k: 'c', v: true };
const F: B = { k: 'c', v: false };
const t = (text: string): B => ({ k: 't', text });

function and(ops: readonly B[]): B {
  const flat: B[] = [];
  for (const o of ops) {
    if (o.k === 'c') {
      if (!o.v) return F;
      continue;
    }
    if (o.k === 'and') flat.push(...o.ops);
    else flat.push(o);
  }
  return flat.length === 0 ? T : flat.length === 1 ? flat[0]! : { k: 'and', ops: flat };
}

function or(ops: readonly B[]): B {
  const flat: B[] = [];
  for (const o of ops) {
    if (o.k === 'c') {
      if (o.v) return T;
      continue;
    }
    if (o.k === 'or') flat.push(...o.ops);
    else flat.push(o);
  }
  // `p is absent or (p exists and p is empty)` is `p is empty` (semantics §3: a missing value is empty).
  for (let i = 0; i < flat.length; i++) {
    const o = flat[i]!;
    if (o.k !== 'and' || o.ops.length !== 2 || o.ops[0]!.k !== 't' || o.ops[1]!.k !== 't') continue;
    const m = /^(.*) exists$/.exec(o.ops[0]!.text);
    if (!m || o.ops[1]!.text !== `${m[1]} is empty`) continue;
    const absent = flat.findIndex((x) => x.k === 't' && x.text === `${m[1]} is absent`);
    if (absent < 0) continue;
    flat[i] = o.ops[1]!;
    flat.splice(absent, 1);
    i = -1;
  }
  return flat.length === 0 ? F : flat.length === 1 ? flat[0]! : { k: 'or', ops: flat };
}

function not(op: B): B {
  if (op.k === 'c') return { k: 'c', v: !op.v };
  // `is absent` and `exists` are each other's negation (semantics §3); other tests keep their `not`.
  if (op.k === 't') {
    const m = /^(.*) (is absent|exists)$/.exec(op.text);
    if (m && !/ (and|or) /.test(m[1]!)) return t(`${m[1]} ${m[2] === 'exists' ? 'is absent' : 'exists'}`);
  }
  if (op.k === 'not') return op.op;
  return { k: 'not', op };
}

function quant(quantifier: 'any' | 'no', domain: string, body: B): B {
  if (body.k === 'c') return body.v ? { k: 'q', quantifier, domain, body: T } : quantifier === 'any' ? F : T;
  // `no D has (not X)` is `every D has X`.
  if (quantifier === 'no' && body.k === 'not') return { k: 'q', quantifier: 'every', domain, body: body.op };
  return { k: 'q', quantifier, domain, body };
}

function subst(b: B, values: readonly boolean[]): B {
  switch (b.k) {
    case 'c':
    case 't':
      return b;
    case 'v':
      return b.id < 0 ? b : { k: 'c', v: values[b.id]! };
    case 'and':
      return and(b.ops.map((o) => subst(o, values)));
    case 'or':
      return or(b.ops.map((o) => subst(o, values)));
    case 'not':
      return not(subst(b.op, values));
    case 'q': {
      const body = subst(b.body, values);
      if (b.quantifier === 'every') return body.k === 'c' && body.v ? T : { ...b, body };
      return quant(b.quantifier, b.domain, body);
    }
  }
}

function toPred(b: B): Pred {
  switch (b.k) {
    case 'c':
      return b.v ? TRUE : notPred(TRUE);
    case 'v':
      throw new Error('invariant: an unresolved object-level test');
    case 't':
      return test(b.text);
    case 'and':
      return andPred(b.ops.map(toPred));
    case 'or':
      return orPred(b.ops.map(toPred));
    case 'not':
      return notPred(toPred(b.op));
    case 'q':
      // A body that always holds: `any D has true` is "D is not empty", written with a test every element passes.
      return b.body.k === 'c' ? quantified(b.quantifier, b.domain, test('not (metadata exists and not metadata exists)')) : quantified(b.quantifier, b.domain, toPred(b.body));
  }
}

/** A value read from a frame: `[path][0]` (null when missing) or a plain path (an error when missing, unless absorbed). */
interface Ref {
  readonly base: 'root' | 'element' | 'current';
  readonly path: readonly string[];
  readonly strict: boolean;
}

interface Scope {
  readonly ctx: JmesContext;
  /** The element of the filter being translated (`@`), absent at the top of an expression. */
  readonly current?: Frame;
  /** Refs known to hold a value of their type (after `type(x) == '…' &&`). */
  readonly guarded: ReadonlySet<string>;
  /** Object-level tests met inside an element's body, case-split outside it. */
  readonly outer?: string[];
  /** The instant of `time_before(time_now_utc(), …)`, the one clock test a translation may hold (var -1). */
  readonly clock: { date?: string };
}

const refKey = (r: Ref) => `${r.base}:${r.path.join('\u0000')}`;

/** A construct the translation does not read; `at`: the YAML path of the condition or list it is in. */
export class Refusal extends Error {
  at?: readonly YamlPathStep[];
}

/** Runs `f`, placing a refusal from it at `at` unless a deeper place is known. */
function placed<T>(at: readonly YamlPathStep[], f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Refusal && e.at === undefined) e.at = at;
    throw e;
  }
}
const refuse = (what: string): never => {
  throw new Refusal(what);
};

/** The text of a `{{ }}` key, or undefined when the string is not exactly one variable. */
export function variableText(key: string): string | undefined {
  const m = /^\{\{([\s\S]*)\}\}$/.exec(key.trim());
  if (!m || m[1]!.includes('{{') || m[1]!.includes('}}')) return undefined;
  return m[1]!.trim();
}

function parse(text: string): Node {
  try {
    return jmespath.compile(text) as unknown as Node;
  } catch (e) {
    return refuse(`the JMESPath expression ${JSON.stringify(text)}, which does not parse (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** A boolean JMESPath expression as a predicate that holds exactly when the expression evaluates to `true`. */
export function booleanPredicate(text: string, ctx: JmesContext): Translation<Pred | boolean> {
  try {
    checkQuotedObject(text, ctx);
    const b = bool(parse(text), { ctx, guarded: new Set(), clock: {} });
    return ok(b.k === 'c' ? b.v : toPred(b));
  } catch (e) {
    if (e instanceof Refusal) return no(e.message, e.at ?? ctx.at);
    throw e;
  }
}

/**
 * Kyverno autogen rewrites `request.object.metadata` and `request.object.spec` textually into the pod template's;
 * the quoted `request."object"` is not rewritten and reads a controller's own fields. secpol's pod view reads the
 * controller's own name and namespace, and the template's everything else.
 */
function checkQuotedObject(text: string, ctx: JmesContext): void {
  if (!ctx.podView) return;
  const quoted = [...text.matchAll(/request\s*\.\s*"object"((?:\s*\.\s*(?:[A-Za-z_][A-Za-z0-9_]*|"[^"]*"))*)/g)].map((m) => m[1]!.replace(/\s+/g, ''));
  for (const q of quoted) if (q !== '.metadata.name' && q !== '.metadata.namespace') refuse(`request."object"${q} in a Pod rule (autogen leaves it the controller's own field, which secpol's pod view reads only for metadata.name and metadata.namespace)`);
}

function names(n: Node): string[] | undefined {
  if (n.type === 'Field') return [String(n.name)];
  if (n.type === 'Subexpression') {
    const out: string[] = [];
    for (const c of n.children ?? []) {
      const part = names(c);
      if (!part) return undefined;
      out.push(...part);
    }
    return out;
  }
  return undefined;
}

/** A field read, when `n` is one: a path from `request.object`, `element` or the filter's element. */
function refOf(n: Node, s: Scope): Ref | undefined {
  if (n.type === 'IndexExpression' && n.children?.[0]?.type === 'MultiSelectList' && n.children[0].children?.length === 1 && n.children[1]?.type === 'Index' && n.children[1].value === 0) {
    const inner = refOf(n.children[0].children[0]!, s);
    return inner ? { ...inner, strict: false } : undefined;
  }
  if (n.type === 'Current') return s.current ? { base: 'current', path: [], strict: false } : undefined;
  const path = names(n);
  if (!path) return undefined;
  if (s.current) return { base: 'current', path, strict: true };
  if (path[0] === 'request' && path[1] === 'object') return { base: 'root', path: path.slice(2), strict: true };
  if (path[0] === 'element' && s.ctx.element) return { base: 'element', path: path.slice(1), strict: true };
  return refuse(`the variable ${path.join('.')} (only request.object and a foreach element are read)`);
}

function frameOf(r: Ref, s: Scope): Frame {
  if (r.base === 'root') return s.ctx.root;
  if (r.base === 'element') return s.ctx.element!;
  return s.current!;
}

function schemaOf(r: Ref, s: Scope): FieldSchema {
  const frame = frameOf(r, s);
  if (r.path.length === 0) return frame.schema;
  const f = fieldType(frame.schema, r.path);
  return f ?? refuse(`the field ${r.path.join('.')}, which secpol does not know`);
}

/** The secpol path of a ref, and whether it is an object-level read inside an element's body. */
function pathOf(r: Ref): string {
  if (r.path.length === 0) return refuse('a test on the list element itself');
  return pathText(r.path);
}

/** A test on a ref: inside an element's body, an object-level test becomes a case-split variable. */
function atom(r: Ref, text: string, s: Scope): B {
  if (r.base === 'root' && s.outer) {
    let id = s.outer.indexOf(text);
    if (id < 0) {
      id = s.outer.length;
      s.outer.push(text);
    }
    return { k: 'v', id };
  }
  return t(text);
}

const jsonType: Partial<Record<FieldSchema['type'], string>> = {
  string: 'string', integer: 'number', number: 'number', boolean: 'boolean', 'string-list': 'array', 'object-list': 'array', object: 'object', 'string-map': 'object',
};

function bool(n: Node, s: Scope): B {
  switch (n.type) {
    case 'AndExpression': {
      const left = bool(n.children![0]!, s);
      // `&&` evaluates its right side only when the left is truthy: a false left side is the result.
      if (left.k === 'c' && !left.v) return F;
      const guarded = new Set(s.guarded);
      for (const g of guards(n.children![0]!, s)) guarded.add(g);
      return and([left, bool(n.children![1]!, { ...s, guarded })]);
    }
    case 'OrExpression': {
      const left = bool(n.children![0]!, s);
      if (left.k === 'c' && left.v) return T;
      return or([left, bool(n.children![1]!, s)]);
    }
    case 'NotExpression':
      return not(bool(n.children![0]!, s));
    case 'Literal':
      if (typeof n.value === 'boolean') return { k: 'c', v: n.value };
      return refuse(`the literal ${JSON.stringify(n.value)} used as a condition`);
    case 'Comparator':
      return comparator(n, s);
    case 'Function':
      return functionTest(n, s);
    default:
      return refuse(`the JMESPath ${n.type} used as a condition`);
  }
}

/** `type(x) == 'T'` conjuncts: after them, x holds a value of its type. */
function guards(n: Node, s: Scope): string[] {
  if (n.type === 'AndExpression') return [...guards(n.children![0]!, s), ...guards(n.children![1]!, s)];
  if (n.type === 'Comparator' && n.name === 'EQ') {
    const [a, b] = n.children!;
    const fn = a?.type === 'Function' && a.name === 'type' ? a : b?.type === 'Function' && b.name === 'type' ? b : undefined;
    const r = fn?.children?.length === 1 ? refOf(fn.children[0]!, s) : undefined;
    if (r) return [refKey(r)];
  }
  return [];
}

const FLIP: Record<string, string> = { LT: 'GT', LTE: 'GTE', GT: 'LT', GTE: 'LTE', EQ: 'EQ', NE: 'NE' };
const SYMBOL: Record<string, string> = { LT: '<', LTE: '<=', GT: '>', GTE: '>=' };

function comparator(n: Node, s: Scope): B {
  let [a, b] = n.children as [Node, Node];
  let op = String(n.name);
  if (a.type === 'Literal' && b.type !== 'Literal') {
    [a, b] = [b, a];
    op = FLIP[op]!;
  }
  if (a.type === 'Function' && a.name === 'type') return typeTest(a, b, op, s);
  if (a.type === 'Function' && a.name === 'length') return lengthTest(a, b, op, s);
  if (b.type === 'Function' && b.name === 'length' && a.type !== 'Literal') return lengthTest(b, a, FLIP[op]!, s);
  if (b.type !== 'Literal') return refuse(`a comparison of two expressions (${a.type} and ${b.type})`);
  const r = refOf(a, s);
  if (!r) {
    if (op === 'EQ' || op === 'NE') {
      // A boolean expression compared with a boolean.
      if (typeof b.value === 'boolean') {
        const inner = bool(a, s);
        return (op === 'EQ') === b.value ? inner : not(inner);
      }
    }
    return refuse(`a comparison of ${a.type === 'Function' ? `${String(a.name)}()` : `the JMESPath ${a.type}`}`);
  }
  const schema = schemaOf(r, s);
  const p = pathOf(r);
  const v = b.value;
  if (op === 'EQ' || op === 'NE') {
    const eq = equality(r, p, schema, v, s);
    return op === 'EQ' ? eq : not(eq);
  }
  // Ordering comparators hold between two numbers only (JMESPath: anything else is null).
  if (typeof v !== 'number') return F;
  if (schema.type === 'quantity') return refuse(`${SYMBOL[op]} on the quantity ${r.path.join('.')} (a JMESPath comparison reads only a JSON number, secpol compares quantities by value)`);
  if (schema.type !== 'integer' && schema.type !== 'number') return F;
  return atom(r, `${p} ${SYMBOL[op]} ${v}`, s);
}

function equality(r: Ref, p: string, schema: FieldSchema, v: unknown, s: Scope): B {
  if (v === null) return atom(r, `${p} is absent`, s);
  const type = jsonType[schema.type];
  if (!type) return refuse(`== on ${r.path.join('.')}, a ${schema.type}`);
  if (Array.isArray(v) || (typeof v === 'object' && v !== null)) {
    if ((Array.isArray(v) ? type === 'array' : type === 'object') && Object.keys(v as object).length === 0) return and([atom(r, `${p} exists`, s), atom(r, `${p} is empty`, s)]);
    if (type !== (Array.isArray(v) ? 'array' : 'object')) return F;
    return refuse(`== with the literal ${JSON.stringify(v)}`);
  }
  const vtype = typeof v === 'number' ? 'number' : typeof v;
  if (vtype !== type) return F;
  if (typeof v === 'number' && schema.type === 'integer' && !Number.isInteger(v)) return F;
  return atom(r, `${p} = ${literal(v as string | number | boolean)}`, s);
}

function typeTest(fn: Node, other: Node, op: string, s: Scope): B {
  if (op !== 'EQ' && op !== 'NE') return refuse('an ordering comparison of type()');
  if (other.type !== 'Literal' || typeof other.value !== 'string') return refuse('type() compared with something other than a type name');
  const r = fn.children?.length === 1 ? refOf(fn.children[0]!, s) : undefined;
  if (!r) return refuse('type() of an expression that is not a field');
  const schema = schemaOf(r, s);
  const type = jsonType[schema.type];
  // A field's JSON type is fixed by the Kubernetes API schema for every object the API server admits.
  if (!type) return refuse(`type() of ${r.path.join('.') || 'the element'}, a ${schema.type}, whose JSON type varies`);
  let holds: B;
  if (other.value !== type) holds = other.value === 'null' ? atom(r, `${pathOf(r)} is absent`, s) : F;
  else holds = r.path.length === 0 ? T : atom(r, `${pathOf(r)} exists`, s);
  return op === 'EQ' ? holds : not(holds);
}

/** `length(…)` compared: a quantifier over a filtered list, a set test on a string list, or emptiness. */
function lengthTest(fn: Node, other: Node, op: string, s: Scope): B {
  const arg = fn.children?.length === 1 ? fn.children[0]! : refuse('length() with several arguments');
  if (other.type === 'Literal' && typeof other.value === 'number') {
    const n = other.value;
    const nonEmpty = (op === 'GT' && n === 0) || (op === 'GTE' && n === 1) || (op === 'NE' && n === 0);
    const empty = (op === 'EQ' && n === 0) || (op === 'LT' && n === 1) || (op === 'LTE' && n === 0);
    if (!nonEmpty && !empty) return refuse(`length() ${op} ${n} (only "is there one" and "is there none" are translated)`);
    const filtered = filteredList(arg, s);
    if (filtered) return filtered(nonEmpty ? 'any' : 'no');
    const r = refOf(arg, s);
    if (r && s.guarded.has(refKey(r))) {
      const e = atom(r, `${pathOf(r)} is empty`, s);
      return nonEmpty ? not(e) : e;
    }
    return refuse('length() of something other than a filtered list or a type-checked field');
  }
  // length(x[?contains(L, @)]) == length(x): every element of the string list x is in L.
  if (other.type === 'Function' && other.name === 'length' && (op === 'EQ' || op === 'NE')) {
    const whole = other.children?.length === 1 ? refOf(other.children[0]!, s) : undefined;
    const sub = arg.type === 'FilterProjection' && arg.children?.[1]?.type === 'Identity' ? arg.children : undefined;
    const base = sub ? refOf(sub[0]!, s) : undefined;
    if (!whole || !base || refKey(whole) !== refKey(base) || !s.guarded.has(refKey(base))) return refuse('length() compared with length() other than "every element of a type-checked list passes the filter"');
    if (schemaOf(base, s).type === 'object-list') {
      // Every element passes the filter: no element fails it.
      const every = and(domainsOf(sub![0]!, s).map((d) => quant('no', d.domain, not(bool(sub![2]!, { ctx: s.ctx, current: d.frame, guarded: new Set(), clock: s.clock })))));
      return op === 'EQ' ? every : not(every);
    }
    const values = memberValues(sub![2]!, base, s);
    const only = atom(base, `${pathOf(base)} contains only ${values}`, s);
    return op === 'EQ' ? only : not(only);
  }
  return refuse('length() compared with something other than a number');
}

/** `contains(L, @)` over the elements of a string list: the literal list L. */
function memberValues(cond: Node, list: Ref, s: Scope): string {
  const schema = schemaOf(list, s);
  if (schema.type !== 'string-list') return refuse(`a membership filter on ${list.path.join('.')}, a ${schema.type}`);
  if (cond.type !== 'Function' || cond.name !== 'contains' || cond.children?.[0]?.type !== 'Literal' || cond.children[1]?.type !== 'Current') return refuse('a filter on a string list other than contains(list, @)');
  const values = cond.children[0].value;
  if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string')) return refuse('contains() with a list literal that is not a non-empty list of strings');
  return `[${(values as string[]).map((v) => literal(v)).join(', ')}]`;
}

/**
 * A filtered list `LIST | [?body]` or `LIST[?body]`: returns the quantifier over LIST's elements (any: some element
 * passes the filter; no: none does), or undefined when `n` is not one. A string list filtered by membership is a
 * set test.
 */
function filteredList(n: Node, s: Scope): ((q: 'any' | 'no') => B) | undefined {
  let list: Node | undefined;
  let body: Node | undefined;
  if (n.type === 'Pipe' && n.children?.[1]?.type === 'FilterProjection' && n.children[1].children?.[0]?.type === 'Identity' && n.children[1].children[1]?.type === 'Identity') {
    list = n.children[0];
    body = n.children[1].children[2];
  } else if (n.type === 'FilterProjection' && n.children?.[1]?.type === 'Identity') {
    list = n.children[0];
    body = n.children[2];
  }
  if (!list || !body) return undefined;
  const r = refOf(list, s);
  if (r && schemaOf(r, s).type === 'string-list') {
    if (r.strict || !s.guarded.has(refKey(r))) return refuse('a filter on a string list that is not type-checked first');
    const values = memberValues(body, r, s);
    return (q) => atom(r, `${pathOf(r)} contains ${q === 'any' ? 'any of' : 'none of'} ${values}`, s);
  }
  const domains = domainsOf(list, s);
  return (q) => {
    const parts = domains.map((d) => {
      const inner = bool(body!, { ctx: s.ctx, current: d.frame, guarded: new Set(), clock: s.clock });
      return quant(q, d.domain, inner);
    });
    return q === 'any' ? or(parts) : and(parts);
  };
}

/**
 * Inside an element's body, tests of the object (`request.object` in a foreach) are constants for the
 * quantifier: for each assignment of them, the copy of the quantifier with those values, guarded by them.
 */
function caseSplit(body: B, outer: readonly string[], wrap: (b: B) => B): B {
  const simplified = effectiveTests(dropExistsVars(body, outer), outer);
  const used = [...usedVars(simplified)].sort((a, b) => a - b);
  if (used.length === 0) return wrap(simplified);
  if (used.length > 3) return refuse(`an element condition that also reads ${used.length} fields of the object (at most 3 are case-split)`);
  const branches: B[] = [];
  for (let mask = 0; mask < 2 ** used.length; mask++) {
    const values: boolean[] = [];
    used.forEach((id, i) => (values[id] = (mask & (1 << i)) !== 0));
    if (!consistent(used.map((id) => [outer[id]!, values[id]!]))) continue;
    const guard = and(used.map((id) => (values[id] ? t(outer[id]!) : not(t(outer[id]!)))));
    branches.push(and([guard, wrap(subst(simplified, values))]));
  }
  return or(branches);
}

/** Tests that are false on a missing value (semantics §3): `=`, `!=`, ordering, `in`, `not in`, `matches`, `contains`, `contains any of`. */
export function falseOnMissing(text: string): { path: string; rest: string } | undefined {
  const m = /^(\S+) (= |!= |< |<= |> |>= |in |not in |matches |not matches |contains any of |contains (?!only|none))(.*)$/.exec(text);
  return m ? { path: m[1]!, rest: `${m[2]}${m[3]}` } : undefined;
}

function usedVars(b: B, out = new Set<number>()): Set<number> {
  if (b.k === 'v' && b.id >= 0) out.add(b.id);
  if (b.k === 'and' || b.k === 'or') b.ops.forEach((o) => usedVars(o, out));
  if (b.k === 'not') usedVars(b.op, out);
  if (b.k === 'q') usedVars(b.body, out);
  return out;
}

/** `p exists and p OP v` is `p OP v` when OP is false on a missing value; the same for object-level variables. */
function dropExistsVars(b: B, outer: readonly string[]): B {
  const textOf = (o: B) => (o.k === 't' ? o.text : o.k === 'v' && o.id >= 0 ? outer[o.id] : undefined);
  switch (b.k) {
    case 'and': {
      const ops = b.ops.map((o) => dropExistsVars(o, outer));
      const tested = ops.map((o) => falseOnMissing(textOf(o) ?? '')?.path).filter((x): x is string => x !== undefined);
      // A missing p leaves p and everything below it missing, where those tests are false.
      const covers = (p: string) => tested.some((x) => x === p || x.startsWith(`${p}.`) || x.startsWith(`${p}[`));
      return and(ops.filter((o) => !(/ exists$/.test(textOf(o) ?? '') && covers(textOf(o)!.replace(/ exists$/, '')))));
    }
    case 'or':
      return or(b.ops.map((o) => dropExistsVars(o, outer)));
    case 'not':
      return not(dropExistsVars(b.op, outer));
    case 'q':
      return { ...b, body: dropExistsVars(b.body, outer) };
    default:
      return b;
  }
}

/** The settings Kubernetes merges from the pod into each container (docs/language/semantics.md §3, `effective`). */
const EFFECTIVE = ['runAsNonRoot', 'runAsUser', 'runAsGroup', 'seccompProfile.type', 'seccompProfile.localhostProfile', 'appArmorProfile.type', 'appArmorProfile.localhostProfile', 'seLinuxOptions.type', 'seLinuxOptions.user', 'seLinuxOptions.role', 'seLinuxOptions.level', 'windowsOptions.hostProcess'];

/**
 * `securityContext.X OP v or (securityContext.X is absent and <pod: spec.securityContext.X OP v>)`, OP false on a
 * missing value, is the container's value when present, else the pod's: secpol's `effective X OP v`.
 */
function effectiveTests(b: B, outer: readonly string[]): B {
  switch (b.k) {
    case 'or': {
      let ops = b.ops.map((o) => effectiveTests(o, outer));
      for (const x of EFFECTIVE) {
        const own = ops.find((o) => o.k === 't' && falseOnMissing(o.text)?.path === `securityContext.${x}`) as { k: 't'; text: string } | undefined;
        if (!own) continue;
        const rest = falseOnMissing(own.text)!.rest;
        const inherited = ops.find((o) => o.k === 'and' && o.ops.length === 2 && o.ops.some((a) => a.k === 't' && a.text === `securityContext.${x} is absent`) && o.ops.some((a) => a.k === 'v' && a.id >= 0 && outer[a.id] === `spec.securityContext.${x} ${rest}`));
        if (!inherited) continue;
        ops = [...ops.filter((o) => o !== own && o !== inherited), t(`effective ${x} ${rest}`)];
      }
      return or(ops);
    }
    case 'and':
      return and(b.ops.map((o) => effectiveTests(o, outer)));
    case 'not':
      return not(effectiveTests(b.op, outer));
    case 'q':
      return { ...b, body: effectiveTests(b.body, outer) };
    default:
      return b;
  }
}

/** Whether object-level tests can have these values together (a missing field fails every false-on-missing test). */
function consistent(assignment: readonly (readonly [string, boolean])[]): boolean {
  const absent = new Set([
    ...assignment.filter(([text, v]) => v && / is absent$/.test(text)).map(([text]) => text.replace(/ is absent$/, '')),
    ...assignment.filter(([text, v]) => !v && / exists$/.test(text)).map(([text]) => text.replace(/ exists$/, '')),
  ]);
  for (const [text, v] of assignment) {
    if (!v) continue;
    const f = falseOnMissing(text);
    if (f && absent.has(f.path)) return false;
    if (/ exists$/.test(text) && absent.has(text.replace(/ exists$/, ''))) return false;
  }
  return true;
}

export interface Domain {
  readonly domain: string;
  readonly frame: Frame;
  readonly base: Ref['base'];
}

/**
 * The lists a JMESPath list expression concatenates: `[a, b][?type(@) == 'array'][]` (with or without
 * `.not_null(@, …)`, which keeps null elements as a value with no fields), or `[path][0]` after an array type
 * check. A foreach `list` may also be a plain `path`, `path[]` or `path.[a, b][]`: a missing list there is an error
 * or a null element, both of which foreach skips; elsewhere the null would reach `length()`, an error, so those
 * forms are refused outside a foreach.
 */
export function domainsOf(n: Node, s: Scope, foreach = false): Domain[] {
  let m = n;
  if (m.type === 'Projection' && m.children?.[1]?.type === 'Function' && m.children[1].name === 'not_null' && m.children[1].children?.[0]?.type === 'Current') m = m.children[0]!;
  else if (m.type === 'Projection' && m.children?.[1]?.type === 'Identity') m = m.children[0]!;
  let refs: Ref[] | undefined;
  const safe = (r: Ref | undefined) => (r && (foreach || (!r.strict && s.guarded.has(refKey(r)))) ? r : undefined);
  if (m.type === 'Flatten' && m.children?.[0]?.type === 'FilterProjection') {
    const [lists, ident, cond] = m.children[0].children!;
    const isArrayTest = cond?.type === 'Comparator' && cond.name === 'EQ' && cond.children?.[0]?.type === 'Function' && cond.children[0].name === 'type' && cond.children[0].children?.[0]?.type === 'Current' && cond.children[1]?.type === 'Literal' && cond.children[1].value === 'array';
    if (ident?.type === 'Identity' && isArrayTest && lists?.type === 'MultiSelectList') {
      refs = (lists.children ?? []).map((c) => refOf(c, s) ?? refuse(`the list element ${c.type} of a multi-select list`));
    }
  } else if (m.type === 'Flatten' && foreach && m.children?.[0]?.type === 'Subexpression' && m.children[0].children?.[1]?.type === 'MultiSelectList') {
    const [head, lists] = m.children[0].children;
    const base = refOf(head!, s);
    if (base) refs = (lists!.children ?? []).map((c) => (c.type === 'Field' ? { ...base, path: [...base.path, String(c.name)] } : refuse(`the list element ${c.type} of a multi-select list`)));
  } else if (m.type === 'Flatten') {
    const r = safe(refOf(m.children![0]!, s));
    if (r) refs = [r];
  } else {
    const r = safe(refOf(m, s));
    if (r) refs = [r];
  }
  if (!refs) return refuse(`the list ${m.type === 'Function' ? `${String(m.name)}()${m.name === 'items' ? " (the entries of a map, whose keys secpol rules name one by one)" : ''}` : `expression ${m.type}`} (only lists of fields are translated${foreach || !['Field', 'Subexpression', 'IndexExpression', 'Flatten'].includes(m.type) ? '' : '; outside a foreach a list read without a type check may be null, which length() reports as an error'})`);
  for (const r of refs) {
    const schema = schemaOf(r, s);
    if (schema.type !== 'object-list' || !schema.element) refuse(`a list over ${r.path.join('.')}, a ${schema.type}`);
  }
  return namedDomains(refs, s);
}

const CONTAINER_LISTS: Record<string, string> = { 'spec.containers': 'app container', 'spec.initContainers': 'init container', 'spec.ephemeralContainers': 'ephemeral container' };

function namedDomains(refs: readonly Ref[], s: Scope): Domain[] {
  const out: Domain[] = [];
  const frameLevel = (r: Ref) => frameOf(r, s).level;
  const containerRefs = refs.filter((r) => frameLevel(r) === 'pod' && CONTAINER_LISTS[r.path.join('.')] !== undefined);
  const keys = new Set(containerRefs.map((r) => r.path.join('.')));
  const all = keys.size === 3 && containerRefs.length === 3 && new Set(containerRefs.map((r) => r.base)).size === 1;
  for (const r of refs) {
    const schema = schemaOf(r, s);
    const element: FieldSchema = schema.element!;
    const key = r.path.join('.');
    if (all && containerRefs.includes(r)) {
      if (r === containerRefs[0]) out.push({ domain: 'container', frame: { schema: element, level: 'container' }, base: r.base });
      continue;
    }
    if (r.base === 'root' && s.ctx.element) refuse('a list of the object inside a foreach element');
    const level = frameLevel(r);
    const named = level === 'pod' ? CONTAINER_LISTS[key] ?? (key === 'spec.volumes' ? 'volume' : undefined) : level === 'container' ? (key === 'ports' ? 'port' : key === 'env' ? 'env' : undefined) : undefined;
    out.push({ domain: named ?? `item in ${pathText(r.path)}`, frame: { schema: element, level: named && level === 'pod' && named.endsWith('container') ? 'container' : 'other' }, base: r.base });
  }
  return out;
}

function functionTest(n: Node, s: Scope): B {
  const args = n.children ?? [];
  switch (n.name) {
    case 'contains': {
      const [a, b] = args;
      if (a?.type === 'Literal' && b) {
        // contains(LIST, x): x is one of the literals (JMESPath equality: never across types).
        const r = refOf(b, s) ?? refuse('contains() of a literal list and an expression that is not a field');
        if (r.strict) refuse(`contains() of ${r.path.join('.')}, which Kyverno reports as an error when it is missing (write [${r.path.join('.')}][0])`);
        if (!Array.isArray(a.value)) return refuse('contains() of a literal that is not a list');
        const schema = schemaOf(r, s);
        const type = jsonType[schema.type];
        if (type !== 'string' && type !== 'number' && type !== 'boolean') return refuse(`contains() of a list and ${r.path.join('.')}, a ${schema.type}`);
        const parts: B[] = [];
        const same = (a.value as unknown[]).filter((v) => typeof v === type && (schema.type !== 'integer' || Number.isInteger(v)));
        if ((a.value as unknown[]).includes(null)) parts.push(atom(r, `${pathOf(r)} is absent`, s));
        if (same.length) parts.push(atom(r, `${pathOf(r)} in [${same.map((v) => literal(v as string)).join(', ')}]`, s));
        return or(parts);
      }
      if (a && b?.type === 'Literal') {
        const r = refOf(a, s) ?? refuse('contains() of an expression that is not a field');
        const schema = schemaOf(r, s);
        if (schema.type !== 'string-list') return refuse(`contains() on ${r.path.join('.')}, a ${schema.type} (on a string it is a substring test)`);
        if (!s.guarded.has(refKey(r))) return refuse(`contains() on ${r.path.join('.')} without a type check first (Kyverno reports an error when it is missing)`);
        if (typeof b.value !== 'string') return F;
        return atom(r, `${pathOf(r)} contains ${literal(b.value)}`, s);
      }
      return refuse('contains() with two expressions');
    }
    case 'pattern_match':
    case 'regex_match': {
      const [a, b] = args;
      if (a?.type !== 'Literal' || typeof a.value !== 'string' || !b) return refuse(`${n.name}() whose pattern is not a literal string`);
      const r = refOf(b, s) ?? refuse(`${n.name}() of an expression that is not a field`);
      if (schemaOf(r, s).type !== 'string') return refuse(`${n.name}() on ${r.path.join('.')}, which is not a string`);
      if (!s.guarded.has(refKey(r))) return refuse(`${n.name}() on ${r.path.join('.')} without a type check first (Kyverno reports an error for a missing value)`);
      if (n.name === 'pattern_match' && /[[\]\\]/.test(a.value)) return refuse(`the wildcard pattern ${JSON.stringify(a.value)} (brackets and backslashes)`);
      return atom(r, `${pathOf(r)} matches ${n.name === 'regex_match' ? 'regex ' : ''}${literal(a.value)}`, s);
    }
    case 'starts_with':
    case 'ends_with': {
      const [a, b] = args;
      if (b?.type !== 'Literal' || typeof b.value !== 'string' || !a) return refuse(`${n.name}() with a prefix that is not a literal string`);
      const r = refOf(a, s) ?? refuse(`${n.name}() of an expression that is not a field`);
      if (schemaOf(r, s).type !== 'string' || !s.guarded.has(refKey(r))) return refuse(`${n.name}() on ${r.path.join('.')} without a string type check first`);
      if (/[*?[\]\\]/.test(b.value)) return refuse(`${n.name}() with wildcard characters in ${JSON.stringify(b.value)}`);
      return atom(r, `${pathOf(r)} matches ${literal(n.name === 'starts_with' ? `${b.value}*` : `*${b.value}`)}`, s);
    }
    case 'time_before': {
      // time_before(time_now_utc(), 'D') holds until the instant D (Kyverno's time functions, docs/engines/kyverno.md).
      const [a, b] = args;
      const m = b?.type === 'Literal' && typeof b.value === 'string' ? /^(\d{4}-\d{2}-\d{2})T00:00:00Z$/.exec(b.value) : null;
      if (a?.type !== 'Function' || a.name !== 'time_now_utc' || a.children?.length || !m) return refuse('time_before() other than time_now_utc() before a midnight UTC');
      if (s.clock.date !== undefined && s.clock.date !== m[1]) return refuse('conditions on two different instants');
      s.clock.date = m[1]!;
      return { k: 'v', id: -1 };
    }
    default:
      return refuse(`the JMESPath function ${String(n.name)}()${/^time_/.test(String(n.name)) ? ' (a condition on the clock)' : n.name === 'items' ? " (a test over a map's keys, which secpol rules name one by one)" : ''}`);
  }
}

const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : '');

/** Whether a condition is a boolean `{{ }}` expression compared with a boolean (the shape this module translates). */
export function isTranslatedCondition(c: unknown): boolean {
  return isBooleanCondition(c) || isValueCondition(c);
}

export function isBooleanCondition(c: unknown): boolean {
  const o = c as { key?: unknown; operator?: unknown; value?: unknown } | null;
  return !!o && typeof o.key === 'string' && variableText(o.key) !== undefined && typeof o.value === 'boolean' && ['equals', 'notequals'].includes(lower(o.operator));
}

/**
 * Kyverno compares a string key as a Go duration when either side is one, then as a Kubernetes quantity when the
 * key is one, before comparing it as text with wildcards (docs/engines/kyverno.md, "Preconditions and deny"). A value
 * with a character no duration or quantity has (NUMERIC_ALPHABET) is neither, so Equals is the text comparison, and
 * NotEquals is too except on a key that is a quantity (then both are false). The quantity grammar: the Kubernetes
 * API reference "Quantity" (a signed decimal, then a binary or decimal SI suffix or an exponent; the resource
 * package also takes n and u; the exponent is an integer). --verify found both corrections to a first reading: a key
 * that is only a duration (`.00h.00h`) is compared as text, and `+.00e+.0` is no quantity.
 */
const QUANTITY = '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$';
const NUMERIC_ALPHABET = /^[0-9.+\-eEinumkKMGTPsµμh*?]*$/;

/** Container fields the API server requires (Kubernetes API reference, Container: name, image for Pods and templates). */
const REQUIRED_ELEMENT_FIELDS = new Set(['name', 'image']);

/** Whether a condition compares one field (`{{ [x][0] }}`, `{{ x || '' }}`, `{{ element.name }}`) with a scalar by Equals/NotEquals. */
function isValueCondition(c: unknown): boolean {
  const o = c as { key?: unknown; operator?: unknown; value?: unknown } | null;
  return !!o && typeof o.key === 'string' && variableText(o.key) !== undefined && ['string', 'number', 'boolean'].includes(typeof o.value) && ['equals', 'notequals', ...Object.keys(ORDERING)].includes(lower(o.operator));
}

/** Kyverno's ordering operators between two numbers (a null key matches nothing, as in secpol). */
const ORDERING: Readonly<Record<string, string>> = { greaterthan: '>', greaterthanorequals: '>=', lessthan: '<', lessthanorequals: '<=' };

function isFieldKey(key: string): boolean {
  let n: Node;
  try {
    n = jmespath.compile(variableText(key) ?? '') as Node;
  } catch {
    return false;
  }
  if (n.type === 'OrExpression' && n.children?.[1]?.type === 'Literal') n = n.children[0]!;
  return n.type === 'Field' || n.type === 'Subexpression' || (n.type === 'IndexExpression' && n.children?.[0]?.type === 'MultiSelectList');
}

/** Equals/NotEquals of a field and a scalar, with Kyverno's typing (operators.go: equal.go, notequal.go). */
function valueConditionB(o: { key: string; operator: string; value: string | number | boolean }, s: Scope): B {
  const text = variableText(o.key)!;
  checkQuotedObject(text, s.ctx);
  const n = parse(text);
  // `x || ''`: a missing or empty x is ''.
  const defaulted = n.type === 'OrExpression' && n.children?.[1]?.type === 'Literal' && n.children[1].value === '';
  const r = refOf(defaulted ? n.children![0]! : n, s) ?? refuse(`the key {{ ${text} }} (a field, [field][0] or field || '' is compared)`);
  if (r.strict && !defaulted && !(r.base === 'element' && s.ctx.element?.level === 'container' && r.path.length === 1 && REQUIRED_ELEMENT_FIELDS.has(r.path[0]!))) {
    refuse(`the key {{ ${text} }}, which Kyverno reports as an error when the field is missing (write [${text}][0] or ${text} || '')`);
  }
  const schema = schemaOf(r, s);
  const p = pathOf(r);
  const equals = lower(o.operator) === 'equals';
  const v = o.value;
  const ordering = ORDERING[lower(o.operator)];
  if (ordering) {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : undefined;
    if ((schema.type !== 'integer' && schema.type !== 'number') || defaulted || n === undefined) return refuse(`${o.operator} of ${r.path.join('.')}, a ${schema.type}, and ${JSON.stringify(v)} (only numbers are compared; Kyverno reads text as durations, quantities or versions)`);
    return atom(r, `${p} ${ordering} ${n}`, s);
  }
  if (schema.type === 'boolean' || schema.type === 'integer' || schema.type === 'number') {
    if (defaulted) refuse(`|| '' on ${r.path.join('.')}, a ${schema.type}`);
    const lit = typeof v === 'string' && schema.type !== 'boolean' && /^-?\d+$/.test(v) ? Number(v) : v;
    if (typeof lit !== (schema.type === 'boolean' ? 'boolean' : 'number')) return refuse(`${o.operator} of the ${schema.type} ${r.path.join('.')} and ${JSON.stringify(v)}`);
    return atom(r, `${p} ${equals ? '=' : '!='} ${literal(lit as number | boolean)}`, s);
  }
  if (schema.type !== 'string' || typeof v !== 'string') return refuse(`${o.operator} of ${r.path.join('.')}, a ${schema.type}, and ${JSON.stringify(v)}`);
  if (NUMERIC_ALPHABET.test(v)) return refuse(`${o.operator} with ${JSON.stringify(v)}, which Kyverno may compare as a duration or quantity`);
  const glob = /[*?]/.test(v);
  const match = atom(r, `${p} ${glob ? 'matches' : '='} ${literal(v)}`, s);
  if (equals) return match;
  // NotEquals: false on a missing key, and on a key Kyverno reads as a quantity; `|| ''` makes a missing key ''.
  const differs = and([atom(r, `${p} exists`, s), not(atom(r, `${p} matches regex ${literal(QUANTITY)}`, s)), not(match)]);
  return defaulted ? or([atom(r, `${p} is absent`, s), differs]) : differs;
}

function conditionB(c: unknown, s: Scope, at: readonly YamlPathStep[]): B {
  if (isValueCondition(c) && isFieldKey((c as { key: string }).key)) return valueConditionB(c as { key: string; operator: string; value: string | number | boolean }, s);
  if (!isBooleanCondition(c)) {
    const o = c as { key?: unknown; operator?: unknown } | null;
    const key = typeof o?.key === 'string' ? o.key.trim() : JSON.stringify(o?.key);
    return refuse(`the condition ${key} ${String(o?.operator)} at ${at.join('.')} (translated: a {{ boolean expression }} Equals/NotEquals true or false, and one field compared with a value)`);
  }
  const o = c as { key: string; operator: string; value: boolean };
  const b = bool(parse(variableText(o.key)!), s);
  checkQuotedObject(variableText(o.key)!, s.ctx);
  return (lower(o.operator) === 'equals') === o.value ? b : not(b);
}

/** A condition block (`any`/`all`, both must hold, or the legacy list) as a boolean. */
function conditionsB(block: unknown, s: Scope, at: readonly YamlPathStep[]): B {
  const list = (items: unknown, mode: 'any' | 'all', where: readonly YamlPathStep[]): B => {
    if (!Array.isArray(items) || items.length === 0) return refuse(`an empty or malformed ${mode} list of conditions`);
    const parts = items.map((c, i) => placed([...where, i, 'key'], () => conditionB(c, s, [...where, i])));
    return mode === 'any' ? or(parts) : and(parts);
  };
  if (Array.isArray(block)) return list(block, 'all', at);
  if (typeof block !== 'object' || block === null) return refuse('conditions that are not a list or an any/all map');
  const keys = Object.keys(block);
  if (keys.some((k) => k !== 'any' && k !== 'all') || keys.length === 0) return refuse(`the condition block keys ${keys.join(', ')}`);
  const b = block as Record<string, unknown>;
  return and(keys.sort().map((k) => list(b[k], k as 'any' | 'all', [...at, k])));
}

/** An exception a time-bounded condition of a rule means: its filter lines and the last day it is in force. */
export interface ClockException {
  readonly filter: readonly string[];
  readonly expires: string;
}

export interface Translated {
  readonly pred: Pred | boolean;
  readonly exception?: ClockException;
}

function substClock(b: B, value: boolean): B {
  switch (b.k) {
    case 'c':
    case 't':
      return b;
    case 'v':
      return b.id < 0 ? { k: 'c', v: value } : b;
    case 'and':
      return and(b.ops.map((o) => substClock(o, value)));
    case 'or':
      return or(b.ops.map((o) => substClock(o, value)));
    case 'not':
      return not(substClock(b.op, value));
    case 'q': {
      const body = substClock(b.body, value);
      if (b.quantifier === 'every') return body.k === 'c' && body.v ? T : { ...b, body };
      return quant(b.quantifier, b.domain, body);
    }
  }
}

/**
 * A violation that depends on the clock, `V`: while the instant is ahead, V holds where V-after-it holds and a
 * filter does not; that is the rule V-after-it with an exception of that filter, in force through the day before.
 * The filter must be one secpol exceptions have: the object's namespace, or the image of the containers of a
 * container quantifier (they drop out of it, as Kyverno's foreach preconditions skip them).
 */
function withClock(b: B, clock: { date?: string }): { b: B; exception?: ClockException } {
  if (clock.date === undefined) return { b };
  const on = substClock(b, true);
  const off = substClock(b, false);
  const filter = exemptionFilter(on, off);
  if (!filter) return refuse('a condition on the clock other than an exception of namespaces or images in force until a date');
  const end = new Date(`${clock.date}T00:00:00Z`).getTime();
  return { b: off, exception: { filter, expires: new Date(end - 86_400_000).toISOString().slice(0, 10) } };
}

function exemptionFilter(on: B, off: B): string[] | undefined {
  const key = (x: B) => JSON.stringify(x);
  const conj = (x: B) => (x.k === 'and' ? x.ops : [x]);
  if (on.k === 'q' && off.k === 'q' && on.domain === off.domain && on.quantifier === 'any' && off.quantifier === 'any' && /container$/.test(on.domain)) {
    const extra = onlyExtra(conj(on.body), conj(off.body), key);
    let f = extra?.k === 'not' ? extra.op : undefined;
    // `image exists and image matches …` is `image matches …` (a glob test is false on a missing image).
    if (f?.k === 'and' && f.ops.length === 2 && key(f.ops[0]!) === key(t('image exists'))) f = f.ops[1]!;
    if (f) {
      const globs = (f.k === 'or' ? f.ops : [f]).map((g) => (g.k === 't' ? /^image matches ("(?:[^"\\]|\\.)*")$/.exec(g.text)?.[1] : undefined));
      if (globs.every((g) => g !== undefined)) return [`images ${globs.join(', ')}`];
    }
    return undefined;
  }
  const extra = onlyExtra(conj(on), conj(off), key);
  const f = extra?.k === 'not' ? extra.op : undefined;
  const m = f?.k === 't' ? /^metadata\.namespace in \[(.*)\]$/.exec(f.text) : null;
  return m ? [`namespaces ${m[1]}`] : undefined;
}

/** The one conjunct `on` has besides all of `off`'s. */
function onlyExtra(on: readonly B[], off: readonly B[], key: (x: B) => string): B | undefined {
  const offKeys = new Set(off.map(key));
  const extra = on.filter((o) => !offKeys.has(key(o)));
  const onKeys = new Set(on.map(key));
  return extra.length === 1 && off.every((o) => onKeys.has(key(o))) ? extra[0] : undefined;
}

/** A condition block over the object (deny conditions, rule preconditions): true, false, or the predicate. */
export function conditionsPredicate(block: unknown, ctx: JmesContext): Translation<Translated> {
  try {
    const clock = {};
    const raw = conditionsB(block, { ctx, guarded: new Set(), clock }, ctx.at);
    const { b, exception } = withClock(dropExistsVars(raw, []), clock);
    return ok({ pred: b.k === 'c' ? b.v : toPred(b), ...(exception ? { exception } : {}) });
  } catch (e) {
    if (e instanceof Refusal) return no(e.message, e.at ?? ctx.at);
    throw e;
  }
}

/**
 * `validate.foreach` (Kyverno docs, "foreach"; docs/engines/kyverno.md records the engine's reading): each entry's
 * `list` is evaluated, and an element for which the entry's preconditions hold and its `deny` conditions hold fails
 * the rule; an empty or missing list skips it. The whole rule fails when some entry has such an element:
 * `any DOMAIN has (PRECONDITIONS and DENY)`, with the tests of `request.object` inside it case-split outside.
 */
export function foreachViolation(entries: unknown, ctx: JmesContext): Translation<{ pred: Pred; exception?: ClockException }> {
  try {
    const clock = {};
    if (!Array.isArray(entries) || entries.length === 0) return refuse('a foreach that is not a non-empty list');
    const parts = entries.map((entry, i) => {
      const at = [...ctx.at, i];
      if (typeof entry !== 'object' || entry === null) return refuse('a foreach entry that is not a map');
      const e = entry as Record<string, unknown>;
      const extra = Object.keys(e).filter((k) => !['list', 'preconditions', 'deny', 'elementScope'].includes(k));
      if (extra.length) return refuse(`foreach.${extra[0]} (only list, preconditions and deny conditions are translated)`);
      if (typeof e['list'] !== 'string') return refuse('a foreach entry without a list expression');
      const listText = variableText(e['list']) ?? e['list'];
      checkQuotedObject(listText, ctx);
      const domains = placed([...at, 'list'], () => domainsOf(parse(listText), { ctx, guarded: new Set(), clock }, true));
      const deny = e['deny'] as { conditions?: unknown } | undefined;
      if (!deny || typeof deny !== 'object' || deny.conditions === undefined) return refuse('a foreach entry without deny conditions');
      return or(domains.map((d) => {
        if (d.base !== 'root') return refuse('a foreach list that is not read from request.object');
        const outer: string[] = [];
        const inner: Scope = { ctx: { ...ctx, element: d.frame }, guarded: new Set(), outer, clock };
        const pre = e['preconditions'] === undefined ? T : conditionsB(e['preconditions'], inner, [...at, 'preconditions']);
        const body = and([pre, conditionsB(deny.conditions, inner, [...at, 'deny', 'conditions'])]);
        return caseSplit(body, outer, (b) => quant('any', d.domain, b));
      }));
    });
    const { b, exception } = withClock(dropExistsVars(or(parts), []), clock);
    if (b.k === 'c') return refuse(b.v ? 'a foreach that fails every object' : 'a foreach that never fails');
    return ok({ pred: toPred(b), ...(exception ? { exception } : {}) });
  } catch (e) {
    if (e instanceof Refusal) return no(e.message, e.at ?? ctx.at);
    throw e;
  }
}
