/**
 * The boolean algebra the Kyverno JMESPath translation builds in (kyverno-jmespath.ts, kyverno-conditions.ts):
 * constants fold away as JMESPath's short-circuits would (`false && x` never evaluates x), object-level tests met
 * inside an element's body are variables case-split outside the quantifier, and the result is simplified only by
 * equivalences of secpol's semantics (docs/language/semantics.md §3: missing values, `effective`) before it
 * becomes a predicate.
 */
import type { Pred, YamlPathStep } from './model.js';
import { and as andPred, not as notPred, or as orPred, quantified, test, TRUE } from './text.js';

/** A boolean being built: constants fold away, `var`s stand for object-level tests inside an element's body. */
export type B =
  | { readonly k: 'c'; readonly v: boolean }
  | { readonly k: 'v'; readonly id: number }
  | { readonly k: 't'; readonly text: string }
  | { readonly k: 'and' | 'or'; readonly ops: readonly B[] }
  | { readonly k: 'not'; readonly op: B }
  | { readonly k: 'q'; readonly quantifier: 'any' | 'every' | 'no'; readonly domain: string; readonly body: B }
  /** A predicate translated elsewhere (a foreach entry's pattern), taken as it is. */
  | { readonly k: 'p'; readonly pred: Pred };

export const T: B = { k: 'c', v: true };
export const F: B = { k: 'c', v: false };
export const t = (text: string): B => ({ k: 't', text });

export function and(ops: readonly B[]): B {
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

export function or(ops: readonly B[]): B {
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

export function not(op: B): B {
  if (op.k === 'c') return { k: 'c', v: !op.v };
  // `is absent` and `exists` are each other's negation (semantics §3); other tests keep their `not`.
  if (op.k === 't') {
    const m = /^(.*) (is absent|exists)$/.exec(op.text);
    if (m && !/ (and|or) /.test(m[1]!)) return t(`${m[1]} ${m[2] === 'exists' ? 'is absent' : 'exists'}`);
  }
  if (op.k === 'not') return op.op;
  return { k: 'not', op };
}

export function quant(quantifier: 'any' | 'no', domain: string, body: B): B {
  if (body.k === 'c') return body.v ? { k: 'q', quantifier, domain, body: T } : quantifier === 'any' ? F : T;
  // `no D has (not X)` is `every D has X`.
  if (quantifier === 'no' && body.k === 'not') return { k: 'q', quantifier: 'every', domain, body: body.op };
  return { k: 'q', quantifier, domain, body };
}

/** `b` with each variable replaced by `value(v)` (itself, or a constant), simplified as it is rebuilt. */
export function substitute(b: B, value: (v: Extract<B, { k: 'v' }>) => B): B {
  switch (b.k) {
    case 'c':
    case 't':
    case 'p':
      return b;
    case 'v':
      return value(b);
    case 'and':
      return and(b.ops.map((o) => substitute(o, value)));
    case 'or':
      return or(b.ops.map((o) => substitute(o, value)));
    case 'not':
      return not(substitute(b.op, value));
    case 'q': {
      const body = substitute(b.body, value);
      if (b.quantifier === 'every') return body.k === 'c' && body.v ? T : { ...b, body };
      return quant(b.quantifier, b.domain, body);
    }
  }
}

/** The condition variables (ids from 0) given truth values; the clock variable (a negative id) is kept. */
export function subst(b: B, values: readonly boolean[]): B {
  return substitute(b, (v) => (v.id < 0 ? v : { k: 'c', v: values[v.id]! }));
}

export function toPred(b: B): Pred {
  switch (b.k) {
    case 'c':
      return b.v ? TRUE : notPred(TRUE);
    case 'v':
      throw new Error('invariant: an unresolved object-level test');
    case 't':
      return test(b.text);
    case 'p':
      return b.pred;
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

/** A construct the translation does not read; `at`: the YAML path of the condition or list it is in. */
export class Refusal extends Error {
  at?: readonly YamlPathStep[];
}

/** Runs `f`, placing a refusal from it at `at` unless a deeper place is known. */
export function placed<T>(at: readonly YamlPathStep[], f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Refusal && e.at === undefined) e.at = at;
    throw e;
  }
}
export const refuse = (what: string): never => {
  throw new Refusal(what);
};

/**
 * Inside an element's body, tests of the object (`request.object` in a foreach) are constants for the
 * quantifier: for each assignment of them, the copy of the quantifier with those values, guarded by them.
 */
export function caseSplit(body: B, outer: readonly string[], wrap: (b: B) => B): B {
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
export function dropExistsVars(b: B, outer: readonly string[]): B {
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
