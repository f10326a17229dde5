import { assertNever, type Domain, type FieldTest, type FieldType, type Predicate, type Relation, type Scalar, type ValueRef } from '../../ir/index.js';

/**
 * IR predicate → CEL (Kubernetes ValidatingAdmissionPolicy dialect), exactly per docs/language/semantics.md §3.
 *
 * The one rule: no sub-expression may raise an error on any object admission can see, because a VAP expression
 * error under failurePolicy Fail denies the request. A field the API server types (`apiTyped`: a field of a
 * built-in kind, validated against its schema before admission) is read behind `has()` alone and compared as its
 * type; every other field (CRDs, free-form and unknown fields) is read behind a `has()` chain whose steps are
 * checked to be objects first, and compared behind a `type(x) == …` test (no coercion: `"0"` is not `0`).
 * docs/backends/vap.md, "Which reads are guarded". Every string from the policy enters CEL only through `celString`.
 */

/** A CEL string literal: ASCII only, everything else escaped (`\u`/`\U` by code point), so it is safe in any YAML style. */
export function celString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp <= 0xffff) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** A CEL double literal for a finite JS number (`5` → `5.0`, `1e+21` stays: CEL accepts signed exponents). */
export function celDouble(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`invariant: non-finite number ${n}`);
  const s = String(n);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

const reserved = new Set(['as', 'break', 'const', 'continue', 'else', 'false', 'for', 'function', 'if', 'import', 'in', 'let', 'loop', 'package', 'namespace', 'null', 'return', 'true', 'var', 'void', 'while']);

function isIdent(key: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && !reserved.has(key);
}

/** `t.key`, or `t["key"]` for a key that is not a CEL identifier. */
export function select(term: string, key: string): string {
  return isIdent(key) ? `${term}.${key}` : `${term}[${celString(key)}]`;
}

/**
 * True when `term` is a JSON object. The API server hands a VAP the admitted object as unstructured JSON, so every
 * object under `object`/`oldObject` is a CEL `map`. Type tests are single comparisons: a list of type values
 * (`[null_type, bool, …]`) mixes element types, which the API server's CEL environment rejects.
 */
export function isObject(term: string): string {
  return `type(${term}) == map`;
}

/** Terms that always hold an object (the admitted object and the pod view), so their own type is not tested. */
const knownObjects = new Set(['variables.subject', 'variables.podView', 'variables.podSpec']);

/**
 * The guard under which `term.path` can be read without error (the value itself may still be null). `typed`: the
 * API server types every step as an object (`apiTyped`), so only presence is tested.
 */
export function hasPath(term: string, path: readonly string[], typed = false): string {
  const parts: string[] = [];
  let cur = term;
  for (const key of path) {
    if (!typed && !knownObjects.has(cur)) parts.push(isObject(cur));
    parts.push(isIdent(key) ? `has(${cur}.${key})` : `${celString(key)} in ${cur}`);
    cur = select(cur, key);
  }
  return parts.length ? parts.join(' && ') : 'true';
}

export function valueOf(term: string, path: readonly string[]): string {
  return path.reduce((t, k) => select(t, k), term);
}

/**
 * A value reference: `guard` makes `value` safe to read; a missing value is an unreadable or null one. `typed`: the
 * value is absent or of the reference's type, never null, so `guard` alone says it is present.
 */
interface Ref {
  readonly guard: string;
  readonly value: string;
  readonly typed: boolean;
  /** A typed `effective` value: the container's (`c`, set when `cSet`), else the pod's (`p`, set when `pSet`). */
  readonly split?: { readonly cSet: string; readonly c: string; readonly pSet: string; readonly p: string };
}

const isNumber = (x: string) => `(type(${x}) == int || type(${x}) == uint || type(${x}) == double)`;

/** `x` JSON-equals the scalar, without coercion. */
function equals(x: string, v: Scalar): string {
  if (typeof v === 'string') return `(type(${x}) == string && ${x} == ${celString(v)})`;
  if (typeof v === 'boolean') return `(type(${x}) == bool && ${x} == ${v})`;
  return `(${isNumber(x)} && double(${x}) == ${celDouble(v)})`;
}

/** `x` equals one of the scalars, grouped by type so each group is one homogeneous `in` list. */
function oneOf(x: string, vs: readonly Scalar[]): string {
  const strings = vs.filter((v): v is string => typeof v === 'string');
  const bools = vs.filter((v): v is boolean => typeof v === 'boolean');
  const numbers = vs.filter((v): v is number => typeof v === 'number');
  const parts: string[] = [];
  if (strings.length) parts.push(`(type(${x}) == string && ${x} in [${strings.map(celString).join(', ')}])`);
  if (bools.length) parts.push(`(type(${x}) == bool && ${x} in [${bools.join(', ')}])`);
  if (numbers.length) parts.push(`(${isNumber(x)} && double(${x}) in [${numbers.map(celDouble).join(', ')}])`);
  return parts.length ? `(${parts.join(' || ')})` : 'false';
}

/** A literal of a typed field's own type: an integer field's whole numbers as CEL ints, exactly as stored. */
function literal(v: Scalar, type: FieldType): string {
  if (typeof v === 'string') return celString(v);
  if (typeof v === 'boolean') return String(v);
  return type === 'integer' && Number.isSafeInteger(v) ? String(v) : celDouble(v);
}

/** `x` of the typed field's type, as the left operand of a comparison with `literal(…, type)`. */
function operand(x: string, type: FieldType, v: Scalar): string {
  return typeof v === 'number' && !(type === 'integer' && Number.isSafeInteger(v)) ? `double(${x})` : x;
}

/** `x` equals `v`, for a value the API server typed: a boolean is its own test. */
function typedEquals(x: string, v: Scalar, type: FieldType): string {
  if (typeof v === 'boolean') return v ? x : `!${x}`;
  return `${operand(x, type, v)} == ${literal(v, type)}`;
}

/** `x` equals one of `vs`, for a value the API server typed (`vs` are all of its type, so the list is homogeneous). */
function typedOneOf(x: string, vs: readonly Scalar[], type: FieldType): string {
  if (vs.length === 0) return 'false';
  if (vs.length === 1) return typedEquals(x, vs[0]!, type);
  const ints = vs.every((v) => typeof v !== 'number' || (type === 'integer' && Number.isSafeInteger(v)));
  return `${ints ? x : `double(${x})`} in [${vs.map((v) => (ints ? literal(v, type) : celDouble(v as number))).join(', ')}]`;
}

/** A secpol glob as an anchored RE2 regex: `*` any sequence (newlines too), `?` one character, the rest literal. */
export function globRegex(glob: string): string {
  const body = [...glob].map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&'))).join('');
  return `^${body}$`;
}

const containerChains = JSON.stringify([[['spec', 'containers']], [['spec', 'initContainers']], [['spec', 'ephemeralContainers']]]);

export interface CelScope {
  /** The current element (or the subject view at the root). */
  readonly term: string;
  /** The pod view, for `effective` settings. */
  readonly pod: string;
  readonly isRoot: boolean;
  /**
   * At the root of a pod view: the object as applied, whose `metadata.name` and `metadata.namespace` the pod view
   * has (semantics §1: the API server creates the pods in the controller's namespace, named after it).
   */
  readonly identity?: string;
}

/** The term a root field is read from: the object as applied for its name and namespace, else the view. */
export function fieldBase(scope: CelScope, path: readonly string[]): string {
  return scope.isRoot && scope.identity !== undefined && path[0] === 'metadata' && (path[1] === 'name' || path[1] === 'namespace') ? scope.identity : scope.term;
}

/**
 * `term.path` as read: a path into the pod view's spec from `variables.podSpec` (the spec when it is an object, else
 * `{}`: the same reads, with one guard fewer per read).
 */
function rooted(term: string, path: readonly string[]): { term: string; path: readonly string[] } {
  return term === 'variables.podView' && path[0] === 'spec' && path.length > 1 ? { term: 'variables.podSpec', path: path.slice(1) } : { term, path };
}

/**
 * The pod-level settings behind `effective X`, one policy variable each (`pod_runAsNonRoot`: the pod's
 * securityContext value, or null when unset or unreadable), so a container check reads `variables.pod_X` instead of
 * repeating the pod's guarded path in every container test (issue 16 item 4). Shared by the rules of one policy.
 */
export class PodSettings {
  /** Per variable: the pod's path, and whether every use reads a typed value (one untyped use keeps the guards). */
  private readonly byName = new Map<string, { pod: string; path: readonly string[]; typed: boolean }>();

  /** The variable for the pod-level value at `podPath` of the pod view `pod`. */
  of(pod: string, podPath: readonly string[], typed = false): string {
    const name = `pod_${podPath.slice(2).join('_').replace(/[^A-Za-z0-9_]/g, '_')}`;
    const known = this.byName.get(name);
    this.byName.set(name, { pod, path: podPath, typed: (known?.typed ?? true) && typed });
    return `variables.${name}`;
  }

  /** The variables, in first-use order (they read only the pod view, defined before them). */
  list(): readonly { name: string; expression: string }[] {
    return [...this.byName].map(([name, { pod, path, typed }]) => {
      const r = rooted(pod, path);
      const value = valueOf(r.term, r.path);
      return { name, expression: typed ? `${hasPath(r.term, r.path, true)} ? ${value} : null` : `(${hasPath(r.term, r.path)} && type(${value}) != null_type) ? ${value} : null` };
    });
  }
}

/**
 * `PATH is unchanged` (semantics §3.4): true unless the request is an UPDATE; on an UPDATE, the values at PATH of
 * `object` and `oldObject` are both missing (absent or null), or both present and equal. Both sides are read behind
 * the untyped guards (an old object may be null or of another shape), and compared with CEL's `==`, which in the
 * API server's cel-go is JSON equality on the admitted objects: maps by key sets and values, lists in order,
 * numbers across int and double by value (docs/engines/vap.md, "The old object").
 */
export function unchanged(path: readonly string[]): string {
  const present = (term: string) => `(${hasPath(term, path)} && type(${valueOf(term, path)}) != null_type)`;
  const now = present('object');
  const old = present('oldObject');
  return `(request.operation != "UPDATE" || (${now} ? (${old} && ${valueOf('object', path)} == ${valueOf('oldObject', path)}) : !${old}))`;
}

/** Compiles the predicates of one rule; `keepContainer(c)` filters container domains (image exceptions). */
export class CelCompiler {
  private counter = 0;

  constructor(
    /** A CEL condition on element `c` that keeps a container, or undefined to keep all. */
    private readonly keepContainer: ((element: string) => string) | undefined,
    /** The variable holding the three container lists at the root, when the root is a pod view. */
    private readonly rootContainers: string | undefined,
    /** Where pod-level `effective` values become variables; undefined: read them in place. */
    private readonly podSettings?: PodSettings,
  ) {}

  private fresh(base: string): string {
    this.counter++;
    return `${base}${this.counter}`;
  }

  compile(p: Predicate, scope: CelScope): string {
    switch (p.kind) {
      case 'and':
        return `(${p.operands.map((o) => this.compile(o, scope)).join(' && ')})`;
      case 'or':
        return `(${p.operands.map((o) => this.compile(o, scope)).join(' || ')})`;
      case 'not':
        return `!${this.compile(p.operand, scope)}`;
      case 'quantified':
        return this.quantified(p.quantifier, p.domain, (e) => this.compile(p.body, { term: e, pod: scope.pod, isRoot: false }), scope);
      case 'referenced':
      case 'in-cluster':
      case 'unique':
        // emit.ts refuses policies that read other objects (common/references.ts) before compiling any rule.
        throw new Error(`invariant: a ${p.kind === 'unique' ? 'uniqueness test' : p.kind === 'in-cluster' ? 'cluster quantifier' : 'reference'} reached the CEL compiler`);
      case 'unchanged':
        return unchanged(p.path);
      case 'relation':
        return this.relation(p, scope);
      case 'test':
        return this.test(p, scope);
      default:
        return assertNever(p, 'predicate');
    }
  }

  /** any/every/no over the union of the domain's chains: each chain is a nest of `exists`/`all` over its hops. */
  private quantified(q: 'any' | 'every' | 'no', d: Domain, body: (element: string) => string, scope: CelScope): string {
    const base = { container: 'c', volume: 'vol', port: 'port', env: 'env', 'rbac-rule': 'rule', subject: 'subj', item: 'item' }[d.kind];
    const filter = d.kind === 'container' ? this.keepContainer : undefined;
    const lists: { list: string; element: string; wrap: (inner: string, macro: 'exists' | 'all') => string }[] = [];
    if (scope.isRoot && this.rootContainers && JSON.stringify(d.chains) === containerChains) {
      lists.push({ list: this.rootContainers, element: this.fresh(base), wrap: (x) => x });
    }
    const chains = lists.length ? [] : d.chains;
    const typed = d.apiTyped === true;
    const perChain = chains.map((hops) => (macro: 'exists' | 'all') => this.nest(scope.term, hops, base, filter, body, macro, typed));
    const direct = lists.map(({ list, element }) => (macro: 'exists' | 'all') => `${this.filtered(list, element, filter)}.${macro}(${element}, ${body(element)})`);
    const all = [...direct, ...perChain];
    if (all.length === 0) return q === 'any' ? 'false' : 'true';
    const some = all.map((f) => f('exists'));
    switch (q) {
      case 'any':
        return `(${some.join(' || ')})`;
      case 'no':
        return `!(${some.join(' || ')})`;
      case 'every':
        return `(${all.map((f) => f('all')).join(' && ')})`;
      default:
        return assertNever(q, 'quantifier');
    }
  }

  /** The domain's elements as one flat CEL list, or undefined when a chain has several hops (CEL has no flatten). */
  domainList(d: Domain, scope: CelScope): string | undefined {
    const filter = d.kind === 'container' ? this.keepContainer : undefined;
    const element = this.fresh('m');
    if (scope.isRoot && this.rootContainers && JSON.stringify(d.chains) === containerChains) return this.filtered(this.rootContainers, element, filter);
    if (d.chains.some((c) => c.length !== 1)) return undefined;
    if (d.chains.length === 0) return '[]';
    return this.filtered(d.chains.map((c) => this.listAt(scope.term, c[0]!, d.apiTyped === true)).join(' + '), element, filter);
  }

  private filtered(list: string, element: string, filter: ((e: string) => string) | undefined): string {
    return filter ? `${list}.filter(${element}, ${filter(element)})` : list;
  }

  /**
   * The list at `path` from `term`, or [] when a step is missing or it is not a list. `typed`: the steps are objects.
   * The list test stays even then: the backend's cost check (limits.ts) bounds a value by it to a list's items
   * instead of a map's entries, and a quantifier's cost is linear in that bound.
   */
  private listAt(term: string, path: readonly string[], typed: boolean): string {
    const r = rooted(term, path);
    const v = valueOf(r.term, r.path);
    return `((${hasPath(r.term, r.path, typed)} && type(${v}) == list) ? ${v} : [])`;
  }

  private nest(term: string, hops: readonly (readonly string[])[], base: string, filter: ((e: string) => string) | undefined, body: (e: string) => string, macro: 'exists' | 'all', typed: boolean): string {
    const [first, ...rest] = hops;
    if (!first) return body(term);
    const last = rest.length === 0;
    const element = last ? this.fresh(base) : this.fresh('p');
    const list = this.listAt(term, first, typed);
    return `${last ? this.filtered(list, element, filter) : list}.${macro}(${element}, ${this.nest(element, rest, base, filter, body, macro, typed)})`;
  }

  private ref(r: ValueRef, scope: CelScope): Ref {
    switch (r.kind) {
      case 'field': {
        const typed = r.apiTyped === true;
        const { term, path } = rooted(fieldBase(scope, r.path), r.path);
        return { guard: hasPath(term, path, typed), value: valueOf(term, path), typed };
      }
      case 'effective': {
        const typed = r.apiTyped === true;
        const c = valueOf(scope.term, r.containerPath);
        const cSet = typed ? `(${hasPath(scope.term, r.containerPath, true)})` : `(${hasPath(scope.term, r.containerPath)} && type(${c}) != null_type)`;
        const hoisted = scope.pod === 'variables.podView' ? this.podSettings?.of(scope.pod, r.podPath, typed) : undefined;
        const pod = rooted(scope.pod, r.podPath);
        const p = hoisted ?? valueOf(pod.term, pod.path);
        const pSet = hoisted ? (typed ? `${hoisted} != null` : `type(${hoisted}) != null_type`) : typed ? `(${hasPath(pod.term, pod.path, true)})` : `(${hasPath(pod.term, pod.path)} && type(${p}) != null_type)`;
        return { guard: `(${cSet} || ${pSet})`, value: `(${cSet} ? ${c} : ${p})`, typed, ...(typed ? { split: { cSet, c, pSet, p } } : {}) };
      }
      default:
        return assertNever(r, 'value reference');
    }
  }

  /**
   * `x OP p/q × y + o` (semantics §3.5) as `q·x OP p·y + q·o`, exactly. Quantities: Kubernetes CEL's Quantity has
   * `add` and `compareTo`, both exact (apiserver pkg/cel/library/quantity.go over resource.Quantity), but no
   * multiplication in the releases secpol targets, so `k·x` is x added to itself (emit.ts refuses terms above 32); a
   * number is read through `string()`. Integers: CEL int arithmetic (int64; an overflow is an evaluation error, out of
   * reach for the API's int32 and int64 fields with terms up to 32 only above 2^58); a double through double arithmetic.
   */
  private relation(p: Relation, scope: CelScope): string {
    const a = this.ref(p.subject, scope);
    const b = this.ref(p.other, scope);
    const op = { lt: '<', le: '<=', gt: '>', ge: '>=' }[p.op];
    const { numerator: num, denominator: den } = p.factor;
    if (p.type === 'quantity') {
      // A quantity of a built-in kind reaches CEL as Quantity.String() (apimachinery ToUnstructured): a valid string.
      const text = (x: string, typed: boolean) => (typed ? x : `(type(${x}) == string ? ${x} : string(${x}))`);
      const valid = (x: string, typed: boolean) => (typed ? [] : [`(type(${x}) == string ? isQuantity(${x}) : ((type(${x}) == int || type(${x}) == uint || type(${x}) == double) && isQuantity(string(${x}))))`]);
      const times = (r: { value: string; typed: boolean }, k: number) => (k === 0 ? 'quantity("0")' : Array.from({ length: k }, (_, i) => (i === 0 ? `quantity(${text(r.value, r.typed)})` : `.add(quantity(${text(r.value, r.typed)}))`)).join(''));
      return `(${[a.guard, b.guard, ...valid(a.value, a.typed), ...valid(b.value, b.typed), `${times(a, den)}.compareTo(${times(b, num)}) ${op} 0`].join(' && ')})`;
    }
    const offset = p.offset * den;
    const plus = (k: number, double: boolean) => (k === 0 ? '' : `${k > 0 ? ' + ' : ' - '}${double ? celDouble(Math.abs(k)) : Math.abs(k)}`);
    const scaled = (x: string, k: number, double: boolean) => (k === 1 ? x : `${x} * ${double ? celDouble(k) : k}`);
    const ints = `(type(${a.value}) == int && type(${b.value}) == int && ${scaled(a.value, den, false)} ${op} ${scaled(b.value, num, false)}${plus(offset, false)})`;
    if (a.typed && b.typed) return `(${a.guard} && ${b.guard} && ${scaled(a.value, den, false)} ${op} ${scaled(b.value, num, false)}${plus(offset, false)})`;
    const doubles = `(${isNumber(a.value)} && ${isNumber(b.value)} && !(type(${a.value}) == int && type(${b.value}) == int) && ${scaled(`double(${a.value})`, den, true)} ${op} ${scaled(`double(${b.value})`, num, true)}${plus(offset, true)})`;
    return `(${a.guard} && ${b.guard} && (${ints} || ${doubles}))`;
  }

  private test(t: FieldTest, scope: CelScope): string {
    const ref = this.ref(t.subject, scope);
    if (ref.typed && t.subject.type !== 'quantity') return this.typedTest(t, ref);
    const { guard, value: x } = ref;
    const present = `(${guard} && type(${x}) != null_type)`;
    const test = t.test;
    const within = (cond: string) => `(${guard} && ${cond})`;
    switch (test.op) {
      case 'eq':
        return within(equals(x, test.value));
      case 'ne':
        return within(`type(${x}) != null_type && !${equals(x, test.value)}`);
      case 'in':
        return within(oneOf(x, test.values));
      case 'not-in':
        return within(`type(${x}) != null_type && !${oneOf(x, test.values)}`);
      case 'lt':
      case 'le':
      case 'gt':
      case 'ge': {
        const op = { lt: '<', le: '<=', gt: '>', ge: '>=' }[test.op];
        const numeric = `(${isNumber(x)} && double(${x}) ${op} ${celDouble(test.value)})`;
        if (t.subject.type !== 'quantity' && !test.quantity) return within(numeric);
        const text = test.quantity?.text ?? String(test.value);
        return within(`(${numeric} || (type(${x}) == string && isQuantity(${x}) && quantity(${x}).compareTo(quantity(${celString(text)})) ${op} 0))`);
      }
      case 'exists':
        return present;
      case 'absent':
        return `!${present}`;
      case 'empty':
        return this.empty(present, x);
      case 'not-empty':
        return `!${this.empty(present, x)}`;
      case 'glob':
        return within(`type(${x}) == string && ${x}.matches(${celString(globRegex(test.pattern))})`);
      case 'not-glob':
        return within(`type(${x}) == string && !${x}.matches(${celString(globRegex(test.pattern))})`);
      case 'regex':
        return within(`type(${x}) == string && ${x}.matches(${celString(test.pattern)})`);
      case 'not-regex':
        return within(`type(${x}) == string && !${x}.matches(${celString(test.pattern)})`);
      case 'contains': {
        const e = this.fresh('e');
        return within(`type(${x}) == list && ${x}.exists(${e}, ${equals(e, test.value)})`);
      }
      case 'contains-any': {
        const e = this.fresh('e');
        return within(`type(${x}) == list && ${x}.exists(${e}, ${oneOf(e, test.values)})`);
      }
      case 'contains-only': {
        const e = this.fresh('e');
        return `(!${present} || (type(${x}) == list && ${x}.all(${e}, ${oneOf(e, test.values)})))`;
      }
      case 'contains-none': {
        const e = this.fresh('e');
        return `(!${present} || (type(${x}) == list && !${x}.exists(${e}, ${oneOf(e, test.values)})))`;
      }
      default:
        return assertNever(test, 'test');
    }
  }

  /**
   * A test on a value the API server typed (not a quantity: a number or a string): present is `has()`, and the value
   * is compared as its type, without type tests (docs/backends/vap.md, "Which reads are guarded").
   */
  private typedTest(t: FieldTest, ref: Ref): string {
    const test = t.test;
    const type = t.subject.type;
    const { guard } = ref;
    const not = (g: string) => (g.includes(' && ') || g.includes(' || ') ? `!(${g})` : `!${g}`);
    // `cond` on the value when it is present (`within`), or true when it is absent (`absentOr`); an effective value
    // tests the container's value when it is set, else the pod's (one read of each).
    const apply = (cond: (x: string) => string, whenAbsent: boolean): string => {
      if (ref.split) {
        const { cSet, c, pSet, p } = ref.split;
        return `(${cSet} ? ${cond(c)} : ${whenAbsent ? `(${not(pSet)} || ${cond(p)})` : `(${pSet} && ${cond(p)})`})`;
      }
      if (guard === 'true') return cond(ref.value);
      return whenAbsent ? `(${not(guard)} || ${cond(ref.value)})` : `(${guard} && ${cond(ref.value)})`;
    };
    const within = (cond: (x: string) => string) => apply(cond, false);
    const absentOr = (cond: (x: string) => string) => apply(cond, true);
    switch (test.op) {
      case 'eq':
        return within((x) => typedEquals(x, test.value, type));
      case 'ne':
        return within((x) => (typeof test.value === 'boolean' ? (test.value ? `!${x}` : x) : `${operand(x, type, test.value)} != ${literal(test.value, type)}`));
      case 'in':
        return within((x) => typedOneOf(x, test.values, type));
      case 'not-in':
        return within((x) => `!(${typedOneOf(x, test.values, type)})`);
      case 'lt':
      case 'le':
      case 'gt':
      case 'ge': {
        const op = { lt: '<', le: '<=', gt: '>', ge: '>=' }[test.op];
        return within((x) => `${operand(x, type, test.value)} ${op} ${literal(test.value, type)}`);
      }
      case 'exists':
        return guard === 'true' ? 'true' : `(${guard})`;
      case 'absent':
        return guard === 'true' ? 'false' : not(guard);
      case 'empty':
        return absentOr((x) => (type === 'string' ? `${x} == ""` : `size(${x}) == 0`));
      case 'not-empty':
        return within((x) => (type === 'string' ? `${x} != ""` : `size(${x}) != 0`));
      case 'glob':
        return within((x) => `${x}.matches(${celString(globRegex(test.pattern))})`);
      case 'not-glob':
        return within((x) => `!${x}.matches(${celString(globRegex(test.pattern))})`);
      case 'regex':
        return within((x) => `${x}.matches(${celString(test.pattern)})`);
      case 'not-regex':
        return within((x) => `!${x}.matches(${celString(test.pattern)})`);
      case 'contains':
        return within((x) => `${literal(test.value, 'string')} in ${x}`);
      case 'contains-any': {
        const e = this.fresh('e');
        return within((x) => `${x}.exists(${e}, ${typedOneOf(e, test.values, 'string')})`);
      }
      case 'contains-only': {
        const e = this.fresh('e');
        return absentOr((x) => `${x}.all(${e}, ${typedOneOf(e, test.values, 'string')})`);
      }
      case 'contains-none': {
        const e = this.fresh('e');
        return absentOr((x) => `!${x}.exists(${e}, ${typedOneOf(e, test.values, 'string')})`);
      }
      default:
        return assertNever(test, 'test');
    }
  }

  /** Missing, "", [] or {} (a typed Kubernetes object is never empty-as-map: see docs/backends/vap.md). */
  private empty(present: string, x: string): string {
    return `(!${present} || (type(${x}) == string && ${x} == "") || ((type(${x}) == list || type(${x}) == map) && size(${x}) == 0))`;
  }
}
