import { assertNever, referenceTargets, walkPredicate, type Domain, type FieldTest, type Predicate, type Quantified, type Relation, type Test, type Unique } from '../../ir/index.js';
import type { Span } from '../../source/index.js';
import { NULL, joinPath, listLiteral, literal, pathText, valueAt } from './jmespath.js';
import { clusterList, everyReferencedByName, everyUnique, referencedList, uniqueAtObject } from './references.js';

/**
 * IR predicates as one boolean JMESPath expression over the admission request, per docs/language/semantics.md §3.
 * Every atom yields a strict boolean (missing fields read as null through `valueAt`, types are checked before
 * any function that would coerce), so `&&`, `||` and `!` are plain Boolean logic.
 *
 * Quantifiers are filter projections: `length(list | [?body]) > 0`. A filter cannot see outside its element, so
 * the two things a container quantifier needs from the pod — the pod-level value behind `effective X`, and
 * whether an image exception matches the object — are case-split outside it: for every assignment of those
 * element-independent booleans, a guard on their actual values selects the copy compiled with that assignment.
 */

export const OBJECT = 'request.object';

/** An exception with `images`: containers whose image matches a glob leave container quantifiers. */
export interface ImageException {
  readonly globs: readonly string[];
  /** The exception's object filters (namespaces, workloads) as a boolean expression; undefined: always. */
  readonly when?: string;
}

export interface PredicateEnv {
  /** Rules over pods: root paths must lie under spec or metadata, the pod view autogen maps onto templates. */
  readonly podView: boolean;
  readonly imageExceptions: readonly ImageException[];
  unsupported(span: Span, what: string, hint: string): void;
}

interface Scope {
  /** `request.object` at the object, empty inside a quantifier (paths relative to the element). */
  readonly base: string;
  /** Assumed values of the pod-level `effective` tests, by atom key (inside a split container quantifier). */
  readonly effective: ReadonlyMap<string, boolean>;
  /**
   * Inside a `foreach` over containers the pod is in reach (`request.object`), so `effective X` reads both values
   * directly instead of being case-split.
   */
  readonly direct?: boolean;
}

const ROOT: Scope = { base: OBJECT, effective: new Map() };

/** The Kubernetes quantity syntax the IR accepts (src/ir/quantity.ts), so `divide()` never sees anything else. */
const QUANTITY = `'^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$'`;

/** At most 2^4 copies of one container quantifier. */
const MAX_SPLIT = 4;

const ZERO = '`0`';

/** True when the text is one parenthesized group (quotes and literals skipped). */
export function wrapped(text: string): boolean {
  if (!text.startsWith('(') || !text.endsWith(')')) return false;
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (quote) {
      if (ch === quote) quote = '';
      continue;
    }
    if (ch === "'" || ch === '`' || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0 && i < text.length - 1) return false;
  }
  return true;
}

export function paren(text: string): string {
  return wrapped(text) ? text : `(${text})`;
}

export function not(text: string): string {
  return `!${paren(text)}`;
}

function emptyTest(v: string): string {
  return `(${v} == ${NULL} || ${v} == '' || ${v} == \`[]\` || (type(${v}) == 'object' && length(${v}) == ${ZERO}))`;
}

const comparators = { lt: '<', le: '<=', gt: '>', ge: '>=' } as const;

/** One test on the value expression `v` (semantics §3: no coercion, missing is null). */
export function testExpression(test: Test, v: string, quantityField: boolean): string {
  const typed = (type: string, body: string): string => `(type(${v}) == '${type}' && ${body})`;
  switch (test.op) {
    case 'exists':
      return `${v} != ${NULL}`;
    case 'absent':
      return `${v} == ${NULL}`;
    case 'empty':
      return emptyTest(v);
    case 'not-empty':
      return not(emptyTest(v));
    case 'eq':
      return `${v} == ${literal(test.value)}`;
    case 'ne':
      return `(${v} != ${NULL} && ${v} != ${literal(test.value)})`;
    case 'in':
      return `contains(${listLiteral(test.values)}, ${v})`;
    case 'not-in':
      return `(${v} != ${NULL} && !contains(${listLiteral(test.values)}, ${v}))`;
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge': {
      const op = comparators[test.op];
      const n = `\`${JSON.stringify(test.value)}\``;
      const number = typed('number', `${v} ${op} ${n}`);
      if (!quantityField && !test.quantity) return number;
      return `(${number} || (type(${v}) == 'string' && regex_match(${QUANTITY}, ${v}) && divide(${v}, '1') ${op} ${n}))`;
    }
    case 'glob':
      return typed('string', `pattern_match(${literal(test.pattern)}, ${v})`);
    case 'not-glob':
      return typed('string', `!pattern_match(${literal(test.pattern)}, ${v})`);
    case 'regex':
      return typed('string', `regex_match(${literal(test.pattern)}, ${v})`);
    case 'not-regex':
      return typed('string', `!regex_match(${literal(test.pattern)}, ${v})`);
    case 'contains':
      return typed('array', `contains(${v}, ${literal(test.value)})`);
    case 'contains-only':
      return `(${v} == ${NULL} || ${typed('array', `length(${v}[?contains(${listLiteral(test.values)}, @)]) == length(${v})`)})`;
    case 'contains-none':
      return `(${v} == ${NULL} || ${typed('array', `length(${v}[?contains(${listLiteral(test.values)}, @)]) == ${ZERO}`)})`;
    case 'contains-any':
      return typed('array', `length(${v}[?contains(${listLiteral(test.values)}, @)]) > ${ZERO}`);
    default:
      return assertNever(test, 'test');
  }
}

/** Tests that are false on a missing value, so `present && test` is just `test`. */
function falseOnNull(test: Test): boolean {
  return !['absent', 'empty', 'contains-only', 'contains-none'].includes(test.op);
}

/**
 * A field of the pod view at its root. `metadata.name` and `metadata.namespace` are the controller's own (semantics
 * §1: the API server creates the pods in the controller's namespace, named after it), but Kyverno's autogen
 * rewrites every `request.object.metadata` into the pod template's metadata, textually. The quoted identifier
 * `request."object".metadata` is the same JMESPath path and is not rewritten (as for `where labels`), so
 * controllers are judged on their own name and namespace and Pods on theirs.
 */
export function podViewValue(path: readonly string[]): string {
  if (path[0] === 'metadata' && (path[1] === 'name' || path[1] === 'namespace')) return `[request."object".${pathText(path)}][0]`;
  return valueAt(OBJECT, path);
}

function checkRootPath(path: readonly string[], scope: Scope, env: PredicateEnv, span: Span): void {
  if (scope.base !== OBJECT || !env.podView || path[0] === 'spec' || path[0] === 'metadata') return;
  env.unsupported(span, `the pod field "${path.join('.')}" outside spec and metadata`, 'Kyverno autogen checks controllers on their pod template, which only has metadata and spec; test a field under spec or metadata');
}

function effectiveKey(t: FieldTest): string {
  return JSON.stringify([t.subject.kind === 'effective' ? t.subject.field : '', t.test]);
}

/**
 * `x OP p/q × y + o` (semantics §3.5) as `q·x OP p·y + q·o`. Quantities: Kyverno's `multiply` of a quantity by a
 * scalar multiplies decimals (inf.Dec, the scalar read back through its `%v` text) and `subtract` of two quantities
 * is resource.Quantity's exact `Sub`, printed canonically (pkg/engine/jmespath/arithmetic.go): the difference is
 * "0", negative ("-…") or positive, so its sign decides without float64. A JSON number is read through `to_string`.
 * Integers: JMESPath numbers (float64), exact for the API's integer fields times terms up to 2^21.
 */
function compileRelation(p: Relation, scope: Scope, env: PredicateEnv): string {
  checkRootPath(p.subject.path, scope, env, p.span);
  checkRootPath(p.other.path, scope, env, p.span);
  const read = (path: readonly string[]) => (env.podView && scope.base === OBJECT ? podViewValue(path) : valueAt(scope.base, path));
  const a = read(p.subject.path);
  const b = read(p.other.path);
  const { numerator: num, denominator: den } = p.factor;
  const n = (k: number) => `\`${k}\``;
  if (p.type === 'integer') {
    const left = den === 1 ? a : `multiply(${a}, ${n(den)})`;
    const right = num === 1 ? b : `multiply(${b}, ${n(num)})`;
    const offset = p.offset * den;
    const bound = offset === 0 ? right : `add(${right}, ${n(offset)})`;
    return `(type(${a}) == 'number' && type(${b}) == 'number' && ${left} ${comparators[p.op]} ${bound})`;
  }
  const valid = (v: string) => `(type(${v}) == 'number' || (type(${v}) == 'string' && regex_match(${QUANTITY}, ${v})))`;
  const text = (v: string) => `(type(${v}) == 'number' && to_string(${v}) || ${v})`;
  const diff = `subtract(multiply(${text(a)}, ${n(den)}), multiply(${text(b)}, ${n(num)}))`;
  const negative = `starts_with(${diff}, '-')`;
  const sign = { lt: negative, le: `(${negative} || ${diff} == '0')`, gt: `(!${negative} && ${diff} != '0')`, ge: `!${negative}` }[p.op];
  return `(${valid(a)} && ${valid(b)} && ${sign})`;
}

function compileTest(t: FieldTest, scope: Scope, env: PredicateEnv): string {
  const quantity = t.subject.type === 'quantity';
  switch (t.subject.kind) {
    case 'field':
      checkRootPath(t.subject.path, scope, env, t.span);
      return testExpression(t.test, env.podView && scope.base === OBJECT ? podViewValue(t.subject.path) : valueAt(scope.base, t.subject.path), quantity);
    case 'effective': {
      const c = valueAt(scope.base, t.subject.containerPath);
      const test = testExpression(t.test, c, quantity);
      if (scope.direct) {
        // Semantics §3: the container's value when present, else the pod's.
        const pod = testExpression(t.test, env.podView ? podViewValue(t.subject.podPath) : valueAt(OBJECT, t.subject.podPath), quantity);
        return `(${falseOnNull(t.test) ? test : `(${c} != ${NULL} && ${test})`} || (${c} == ${NULL} && ${pod}))`;
      }
      const assumed = scope.effective.get(effectiveKey(t));
      if (assumed === undefined) throw new Error('invariant: `effective` outside a container quantifier');
      // Semantics §3: the container's value when present, else the pod's (whose test result is `assumed`).
      if (assumed) return `(${c} == ${NULL} || ${test})`;
      return falseOnNull(t.test) ? test : `(${c} != ${NULL} && ${test})`;
    }
    default:
      return assertNever(t.subject, 'value reference');
  }
}

/**
 * Concatenates the arrays among a list of values, keeping null elements (as `false`: every field of either is
 * missing, and a projection would drop a null). A missing or non-list value contributes nothing (semantics §3).
 */
const ARRAYS = "[?type(@) == 'array'][].not_null(@, `false`)";

/** The elements of a domain, concatenated in chain order. */
function domainList(d: Domain, scope: Scope, env: PredicateEnv): string {
  const heads = d.chains.map((chain) => {
    const first = chain[0] ?? [];
    checkRootPath(first, scope, env, d.span);
    return joinPath(scope.base, first);
  });
  const tails = d.chains.map((chain) => chain.slice(1).map((hop) => ` | [*].${pathText(hop)} | ${ARRAYS}`).join(''));
  if (tails.every((t) => t === tails[0])) return `[${heads.join(', ')}]${ARRAYS}${tails[0] ?? ''}`;
  return `[${heads.map((h, i) => `([${h}]${ARRAYS}${tails[i] ?? ''})`).join(', ')}][]`;
}

function imageExempt(globs: readonly string[], base = ''): string {
  const image = valueAt(base, ['image']);
  return `(type(${image}) == 'string' && ${paren(globs.map((g) => `pattern_match(${literal(g)}, ${image})`).join(' || '))})`;
}

export type QuantifierMode = { readonly kind: 'boolean' } | { readonly kind: 'witness'; readonly holds: boolean };

function quantify(q: Quantified, list: string, body: string, mode: QuantifierMode): string {
  if (mode.kind === 'witness') return `(${list} | [?${mode.holds ? body : not(body)}])[0]`;
  switch (q.quantifier) {
    case 'any':
      return `(length(${list} | [?${body}]) > ${ZERO})`;
    case 'every':
      return `(length(${list} | [?${not(body)}]) == ${ZERO})`;
    case 'no':
      return `(length(${list} | [?${body}]) == ${ZERO})`;
    default:
      return assertNever(q.quantifier, 'quantifier');
  }
}

interface SplitVar {
  readonly expression: string;
  readonly effectiveKey?: string;
  readonly exception?: ImageException;
}

function compileQuantified(q: Quantified, scope: Scope, env: PredicateEnv, mode: QuantifierMode): string {
  if (q.body.kind === 'unique') return compileEveryUnique(q, q.body, scope, env, mode);
  const chain = q.domain.chains[0];
  if (q.body.kind === 'referenced' && referenceTargets[q.body.reference.kind].by === 'name') {
    // A reference read in each element (references.ts, everyReferencedByName): one shape compiles.
    if (mode.kind === 'witness' || q.quantifier !== 'every' || q.body.quantifier !== 'any' || scope.base !== OBJECT || q.domain.kind !== 'item' || q.domain.chains.length !== 1 || chain?.length !== 1) {
      env.unsupported(q.body.span, mode.kind === 'witness' ? 'a message naming fields of the element of a quantifier over references' : 'a reference read in a list\'s elements other than `every item in LIST has any KIND referenced by PATH has …`', 'Kyverno filters cannot read the context lists: write `every item in LIST has any … referenced by … has …` and name fields of the object in the message');
      return 'false';
    }
    return everyReferencedByName(q.body, chain[0]!, compile(q.body.body, { base: '', effective: new Map() }, env));
  }
  const list = domainList(q.domain, scope, env);
  const element: Scope = { base: '', effective: new Map() };
  if (q.domain.kind !== 'container' || scope.base !== OBJECT) return quantify(q, list, compile(q.body, element, env), mode);

  const vars: SplitVar[] = [];
  for (const { node } of walkPredicate(q.body)) {
    if (node.kind !== 'test' || node.subject.kind !== 'effective') continue;
    const key = effectiveKey(node);
    if (vars.some((v) => v.effectiveKey === key)) continue;
    vars.push({ effectiveKey: key, expression: testExpression(node.test, valueAt(OBJECT, node.subject.podPath), node.subject.type === 'quantity') });
  }
  for (const e of env.imageExceptions) if (e.when !== undefined) vars.push({ expression: e.when, exception: e });
  if (vars.length > MAX_SPLIT) {
    env.unsupported(q.span, `a container quantifier that depends on ${vars.length} pod-level values (effective fields and image exceptions with namespace or workload filters; at most ${MAX_SPLIT})`, 'split the rule, or test fewer distinct effective settings in one quantifier');
    return 'false';
  }
  const branches: { guard: string; body: string }[] = [];
  for (let mask = 0; mask < 2 ** vars.length; mask++) {
    const on = (i: number): boolean => (mask & (1 << i)) !== 0;
    const effective = new Map<string, boolean>();
    vars.forEach((v, i) => v.effectiveKey !== undefined && effective.set(v.effectiveKey, on(i)));
    const globs = env.imageExceptions.filter((e) => e.when === undefined || vars.some((v, i) => v.exception === e && on(i))).flatMap((e) => e.globs);
    const filtered = globs.length ? `${list} | [?${not(imageExempt(globs))}]` : list;
    const body = quantify(q, filtered, compile(q.body, { ...element, effective }, env), mode);
    const guard = vars.map((v, i) => (on(i) ? paren(v.expression) : not(v.expression))).join(' && ');
    branches.push({ guard, body });
  }
  if (vars.length === 0) return branches[0]?.body ?? 'false';
  return `(${branches.map((b) => `(${b.guard} && ${b.body})`).join(' || ')})`;
}

/** `every item in LIST has PATH is unique among …` over a list of the object, compared as key sets (references.ts). */
function compileEveryUnique(q: Quantified, u: Unique, scope: Scope, env: PredicateEnv, mode: QuantifierMode): string {
  const chain = q.domain.chains[0];
  if (mode.kind === 'witness' || q.quantifier !== 'every' || scope.base !== OBJECT || q.domain.kind !== 'item' || q.domain.chains.length !== 1 || chain?.length !== 1 || u.compare !== 'string' || u.place.length !== 2) {
    env.unsupported(
      u.span,
      mode.kind === 'witness' ? 'a message naming fields of the element of a uniqueness quantifier' : '`is unique among … in the cluster` on a map, or inside a quantifier other than `every item in LIST has PATH is unique among …` over a list of the object',
      mode.kind === 'witness' ? 'name fields of the object in the message: Kyverno filters cannot read the context lists of other objects' : 'Kyverno filters cannot read the context lists of other objects: write the test at the object, or as `every item in LIST has PATH is unique among …`',
    );
    return 'false';
  }
  return everyUnique(u, chain[0]!);
}

function compile(p: Predicate, scope: Scope, env: PredicateEnv): string {
  switch (p.kind) {
    case 'and':
      return `(${p.operands.map((o) => compile(o, scope, env)).join(' && ')})`;
    case 'or':
      return `(${p.operands.map((o) => compile(o, scope, env)).join(' || ')})`;
    case 'not':
      return not(compile(p.operand, scope, env));
    case 'quantified':
      return compileQuantified(p, scope, env, { kind: 'boolean' });
    case 'referenced': {
      // A domain of zero or one element (references.ts); the body reads the referenced object as its element.
      if (scope.base !== OBJECT) {
        env.unsupported(p.span, 'a reference read inside a filter', 'Kyverno filters cannot read the context lists: write `every item in LIST has any … referenced by … has …`');
        return 'false';
      }
      const list = referencedList(p, scope.base);
      const body = compile(p.body, { base: '', effective: new Map() }, env);
      if (p.quantifier === 'every') return `(length(${list} | [?${not(body)}]) == ${ZERO})`;
      return `(length(${list} | [?${body}]) ${p.quantifier === 'any' ? '>' : '=='} ${ZERO})`;
    }
    case 'in-cluster': {
      // Every listed object of the kinds (references.ts); the lists are in reach only outside filters, and their
      // items carry no apiVersion or kind (kubernetes/kubernetes#3030).
      const readsType = [...walkPredicate(p.body)].some(({ node }) => node.kind === 'test' && node.subject.kind === 'field' && ['apiVersion', 'kind'].includes(node.subject.path[0] ?? ''));
      if (scope.base !== OBJECT || readsType) {
        env.unsupported(p.span, readsType ? '`KIND in the cluster has …` reading apiVersion or kind (the API server lists objects without them)' : '`KIND in the cluster has …` inside a quantifier', readsType ? 'test other fields: the list names the kind already' : 'Kyverno filters cannot read the context lists: write it at the object');
        return 'false';
      }
      const list = clusterList(p.among);
      const body = compile(p.body, { base: '', effective: new Map() }, env);
      if (p.quantifier === 'every') return `(length(${list} | [?${not(body)}]) == ${ZERO})`;
      return `(length(${list} | [?${body}]) ${p.quantifier === 'any' ? '>' : '=='} ${ZERO})`;
    }
    case 'unchanged':
      // Kyverno's request.oldObject is the stored object on an UPDATE (null otherwise); semantics §3.4.
      return `(request.operation != 'UPDATE' || ${valueAt('request.oldObject', p.path)} == ${valueAt(OBJECT, p.path)})`;
    case 'unique':
      // The context lists are in reach only outside filters (references.ts, uniqueAtObject).
      if (scope.base !== OBJECT || p.place.length !== 1) {
        env.unsupported(p.span, '`is unique among … in the cluster` inside a quantifier other than `every item in LIST has PATH is unique among …` over a list of the object', 'Kyverno filters cannot read the context lists of other objects: write the test at the object, or as `every item in LIST has PATH is unique among …`');
        return 'false';
      }
      return uniqueAtObject(p);
    case 'relation':
      return compileRelation(p, scope, env);
    case 'test':
      return compileTest(p, scope, env);
    default:
      return assertNever(p, 'predicate');
  }
}

/**
 * A top-level container quantifier as Kyverno's `foreach` (issue 16): the list of containers in the order the
 * semantics walks them, and per element (`element`) the condition that makes that container fail the rule, and
 * the one that exempts it (image exceptions). Kyverno reports the first failing element, which is the element the
 * semantics names in its message.
 * https://kyverno.io/docs/policy-types/cluster-policy/validate/#foreach
 */
export interface ContainerForeach {
  readonly list: string;
  readonly violation: string;
  readonly exempt?: string;
}

export const ELEMENT = 'element';

/** The quantifier as a foreach, when it ranges over the object's containers; `failsWhen`: the body value that fails. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The elements of a domain whose lists the API server types (`apiTyped`: absent or a list of objects, never null or
 * a null element) as the kyverno/policies library writes a foreach list: `request.object.spec.containers`, or
 * `request.object.spec.[containers, initContainers, ephemeralContainers][]` (a missing list is a null the flatten
 * drops). Undefined for other domains, which keep domainList's guards.
 */
export function typedElementList(d: Domain, root: string = OBJECT): string | undefined {
  if (!d.apiTyped) return undefined;
  const heads = d.chains.map((chain) => (chain.length === 1 ? chain[0] : undefined));
  const first = heads[0];
  if (first === undefined || first.length === 0) return undefined;
  const prefix = first.slice(0, -1);
  const lasts: string[] = [];
  for (const head of heads) {
    if (head === undefined || head.length !== first.length || prefix.some((segment, i) => head[i] !== segment)) return undefined;
    lasts.push(head[head.length - 1]!);
  }
  if (![...prefix, ...lasts].every((segment) => IDENTIFIER.test(segment))) return undefined;
  const base = [root, ...prefix].join('.');
  return lasts.length === 1 ? `${base}.${lasts[0]!}` : `${base}.[${lasts.join(', ')}][]`;
}

export function containerForeach(q: Quantified, failsWhen: boolean, env: PredicateEnv): ContainerForeach | undefined {
  if (q.domain.kind !== 'container') return undefined;
  const list = typedElementList(q.domain) ?? domainList(q.domain, ROOT, env);
  const body = compile(q.body, { base: ELEMENT, effective: new Map(), direct: true }, env);
  const exemptions = env.imageExceptions.map((e) => (e.when === undefined ? imageExempt(e.globs, ELEMENT) : `(${paren(e.when)} && ${imageExempt(e.globs, ELEMENT)})`));
  const violation = failsWhen ? body : not(body);
  if (exemptions.length === 0) return { list, violation };
  return { list, violation, exempt: exemptions.length === 1 ? exemptions[0]! : `(${exemptions.join(' || ')})` };
}

/** The predicate as a boolean expression over `request.object`. */
export function predicateExpression(p: Predicate, env: PredicateEnv): string {
  return compile(p, ROOT, env);
}

/**
 * The element a message talks about (as src/eval renders it): the first element of the top-level quantifier whose
 * body evaluates to `holds`, else the object. Used only inside messages.
 */
export function witnessExpression(p: Predicate, holds: boolean, env: PredicateEnv): string {
  if (p.kind !== 'quantified') return OBJECT;
  return `(${compileQuantified(p, ROOT, env, { kind: 'witness', holds })} || ${OBJECT})`;
}

/**
 * A message placeholder: the field of the element as text, or `<missing>`. Kyverno substitutes messages
 * repeatedly (nested lookups), so a `{{` inside the object's own data is broken up before it is spliced in.
 */
export function placeholderExpression(element: string, path: readonly string[], podView = false): string {
  const value = podView && element === OBJECT ? podViewValue(path) : valueAt(element, path);
  return `replace_all(to_string(not_null(${value}, '<missing>')), ${literal('{{')}, ${literal('{ {')})`;
}
