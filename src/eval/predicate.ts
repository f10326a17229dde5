import { assertNever, compareExact, exactNumber, exactQuantity, wholeNano, type Domain, type Exact, type Relation, type FieldTest, type Predicate, type Reference, type Test, type UniqueKind, type ValueRef } from '../ir/index.js';
import { canonicalQuantity } from '../ir/quantity.js';
import { isUnique } from './unique.js';
import { globMatch, isEmpty, isObject, jsonEqual, quantityOf, regexSearch, scalarIn, valueAt, type Json } from './values.js';

/** Where a predicate is evaluated: the current element, and the pod view (for `effective`). */
export interface EvalScope {
  readonly value: unknown;
  readonly pod: unknown;
  /** Leaves containers out of container domains (image exceptions); undefined keeps all. */
  readonly keepContainer?: (container: unknown) => boolean;
  /**
   * The object a reference names, read from the object being checked (semantics §3.1); undefined when it names
   * nothing or the object is not in the inventory. Absent: no inventory is known, and every reference names nothing.
   */
  readonly resolve?: (ref: Reference, referrer: unknown) => unknown;
  /**
   * The objects of these kinds in the inventory, other than the object under review (semantics §3.2). Absent: no
   * inventory is known, and every value is unique.
   */
  readonly others?: (among: readonly UniqueKind[]) => readonly unknown[];
  /** On an UPDATE, the old object (semantics §3.4); absent otherwise, and every value is unchanged. */
  readonly old?: { readonly object: unknown };
  /** Every inventory object of these kinds (semantics §3.3). Absent: no inventory is known, and there are none. */
  readonly cluster?: (among: readonly UniqueKind[]) => readonly unknown[];
}

/** A failing element, for messages and explanations: the path of quantifier indices that decided it. */
export interface Witness {
  readonly element: unknown;
  readonly chain: readonly string[];
}

export function evalPredicate(p: Predicate, scope: EvalScope): boolean {
  switch (p.kind) {
    case 'and':
      return p.operands.every((o) => evalPredicate(o, scope));
    case 'or':
      return p.operands.some((o) => evalPredicate(o, scope));
    case 'not':
      return !evalPredicate(p.operand, scope);
    case 'quantified': {
      const elements = domainElements(p.domain, scope);
      const holds = (e: unknown) => evalPredicate(p.body, { ...scope, value: e });
      switch (p.quantifier) {
        case 'any':
          return elements.some(holds);
        case 'every':
          return elements.every(holds);
        case 'no':
          return !elements.some(holds);
        default:
          return assertNever(p.quantifier, 'quantifier');
      }
    }
    case 'referenced': {
      // A domain of zero or one element: the referenced object, when it exists.
      const target = scope.resolve?.(p.reference, scope.value);
      const holds = target !== undefined && evalPredicate(p.body, { value: target, pod: target });
      return p.quantifier === 'any' ? holds : p.quantifier === 'no' ? !holds : target === undefined || holds;
    }
    case 'in-cluster': {
      // The body reads each object; none of the request's scope reaches into it.
      const holds = (o: unknown) => evalPredicate(p.body, { value: o, pod: o });
      const objects = scope.cluster?.(p.among) ?? [];
      return p.quantifier === 'any' ? objects.some(holds) : p.quantifier === 'every' ? objects.every(holds) : !objects.some(holds);
    }
    case 'unique':
      return isUnique(p, scope.value, scope.others?.(p.among) ?? []);
    case 'unchanged':
      return scope.old === undefined || jsonEqual(valueAt(scope.value, p.path) ?? null, valueAt(scope.old.object, p.path) ?? null);
    case 'relation':
      return evalRelation(p, scope.value);
    case 'test':
      return evalTest(p, scope);
    default:
      return assertNever(p, 'predicate');
  }
}

/** The elements of a domain: each chain's hops followed in order, non-lists contributing nothing. */
export function domainElements(d: Domain, scope: EvalScope): unknown[] {
  const out: unknown[] = [];
  for (const chain of d.chains) {
    let current: unknown[] = [scope.value];
    for (const hop of chain) {
      const next: unknown[] = [];
      for (const c of current) {
        const list = valueAt(c, hop);
        if (Array.isArray(list)) next.push(...list);
      }
      current = next;
    }
    out.push(...current);
  }
  if (d.kind === 'container' && scope.keepContainer) return out.filter(scope.keepContainer);
  return out;
}

export function resolveValue(ref: ValueRef, scope: EvalScope): Json | undefined {
  switch (ref.kind) {
    case 'field':
      return valueAt(scope.value, ref.path);
    case 'effective':
      return valueAt(scope.value, ref.containerPath) ?? valueAt(scope.pod, ref.podPath);
    default:
      return assertNever(ref, 'value reference');
  }
}

/**
 * Semantics §3.5: both values present and of the fields' type (integer fields: a number; quantity fields: a number or
 * a quantity string), and `subject OP factor × other + offset` holds by exact value; false otherwise.
 */
export function evalRelation(p: Relation, value: unknown): boolean {
  // Quantities finer than nano-units are not compared: the API server rounds them up to nano when it decodes them.
  const quantity = (e: Exact | undefined) => (e && wholeNano(e) ? e : undefined);
  const exact = (v: Json | undefined): Exact | undefined =>
    p.type === 'integer' ? (typeof v === 'number' ? exactNumber(v) : undefined) : typeof v === 'number' ? quantity(exactNumber(v)) : typeof v === 'string' ? quantity(exactQuantity(v)) : undefined;
  const a = exact(valueAt(value, p.subject.path));
  const b = exact(valueAt(value, p.other.path));
  if (!a || !b) return false;
  const sign = compareExact(a, { n: BigInt(p.factor.numerator), d: BigInt(p.factor.denominator) }, b, { n: BigInt(p.offset), d: 1n });
  return p.op === 'lt' ? sign < 0 : p.op === 'le' ? sign <= 0 : p.op === 'gt' ? sign > 0 : sign >= 0;
}

function evalTest(t: FieldTest, scope: EvalScope): boolean {
  return applyTest(t.test, resolveValue(t.subject, scope), t.subject.type === 'quantity');
}

/** One test on one value, per the table in docs/language/semantics.md §3. */
export function applyTest(test: Test, v: Json | undefined, quantityField: boolean): boolean {
  switch (test.op) {
    case 'exists':
      return v !== undefined;
    case 'absent':
      return v === undefined;
    case 'empty':
      return isEmpty(v);
    case 'not-empty':
      return !isEmpty(v);
    case 'contains':
      return Array.isArray(v) && v.some((x) => jsonEqual(x, test.value));
    case 'contains-only':
      return v === undefined || (Array.isArray(v) && v.every((x) => scalarIn(x, test.values)));
    case 'contains-none':
      return v === undefined || (Array.isArray(v) && !v.some((x) => scalarIn(x, test.values)));
    case 'contains-any':
      return Array.isArray(v) && v.some((x) => scalarIn(x, test.values));
    default:
      break;
  }
  if (v === undefined) return false;
  switch (test.op) {
    case 'eq':
      return jsonEqual(v, test.value);
    case 'ne':
      return !jsonEqual(v, test.value);
    case 'in':
      return scalarIn(v, test.values);
    case 'not-in':
      return !scalarIn(v, test.values);
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge': {
      const n = quantityField || test.quantity ? quantityOf(v) : typeof v === 'number' ? v : undefined;
      if (n === undefined) return false;
      return test.op === 'lt' ? n < test.value : test.op === 'le' ? n <= test.value : test.op === 'gt' ? n > test.value : n >= test.value;
    }
    case 'glob':
    case 'not-glob':
    case 'regex':
    case 'not-regex': {
      // A quantity field is matched as admission sees it, serialised by the API server (semantics §3, quantity fields); no quantity, no match.
      const s = quantityField ? (typeof v === 'string' || typeof v === 'number' ? canonicalQuantity(v) : undefined) : v;
      if (typeof s !== 'string') return false;
      const hit = test.op === 'glob' || test.op === 'not-glob' ? globMatch(test.pattern, s) : regexSearch(test.pattern, s);
      return test.op === 'glob' || test.op === 'regex' ? hit : !hit;
    }
    default:
      return assertNever(test, 'test');
  }
}

export { isObject };
