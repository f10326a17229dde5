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
import { and, F, not, or, quant, refuse, T, t, type B } from './kyverno-bool.js';
import type { YamlPathStep } from './model.js';
import { literal, pathText } from './text.js';

/** The package's parser (its `compile`, untyped in @types/jmespath). */
export const jmespath = jmespathLib as unknown as { compile(expression: string): unknown };

export interface Node {
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

/** A value read from a frame: `[path][0]` (null when missing) or a plain path (an error when missing, unless absorbed). */
export interface Ref {
  readonly base: 'root' | 'element' | 'current';
  readonly path: readonly string[];
  readonly strict: boolean;
}

export interface Scope {
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

/** The text of a `{{ }}` key, or undefined when the string is not exactly one variable. */
export function variableText(key: string): string | undefined {
  const m = /^\{\{([\s\S]*)\}\}$/.exec(key.trim());
  if (!m || m[1]!.includes('{{') || m[1]!.includes('}}')) return undefined;
  return m[1]!.trim();
}

export function parse(text: string): Node {
  try {
    return jmespath.compile(text) as unknown as Node;
  } catch (e) {
    return refuse(`the JMESPath expression ${JSON.stringify(text)}, which does not parse (${e instanceof Error ? e.message : String(e)})`);
  }
}

/**
 * Kyverno autogen rewrites `request.object.metadata` and `request.object.spec` textually into the pod template's;
 * the quoted `request."object"` is not rewritten and reads a controller's own fields. secpol's pod view reads the
 * controller's own name and namespace, and the template's everything else.
 */
export function checkQuotedObject(text: string, ctx: JmesContext): void {
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
export function refOf(n: Node, s: Scope): Ref | undefined {
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

export function schemaOf(r: Ref, s: Scope): FieldSchema {
  const frame = frameOf(r, s);
  if (r.path.length === 0) return frame.schema;
  const f = fieldType(frame.schema, r.path);
  return f ?? refuse(`the field ${r.path.join('.')}, which secpol does not know`);
}

/** The secpol path of a ref, and whether it is an object-level read inside an element's body. */
export function pathOf(r: Ref): string {
  if (r.path.length === 0) return refuse('a test on the list element itself');
  return pathText(r.path);
}

/** A test on a ref: inside an element's body, an object-level test becomes a case-split variable. */
export function atom(r: Ref, text: string, s: Scope): B {
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

export function bool(n: Node, s: Scope): B {
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

