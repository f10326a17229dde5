import type { FieldTest, Predicate, Relation, Scalar } from '../../ir/index.js';
import { joinPath, literal, variable } from './jmespath.js';
import { safeLiteral } from './pattern.js';
import type { Json } from './scope.js';

/**
 * A rule's violation as `deny` conditions with Kyverno's own operators (issue 16): `Equals`, `NotEquals`,
 * `GreaterThan`…, `AnyNotIn`, each with a short key, where the operator means exactly the IR test on admitted objects;
 * every other part keeps a boolean JMESPath condition (`{{ … }} Equals true`). The forms and why each is exact:
 * docs/backends/kyverno.md, "Conditions with Kyverno's operators".
 *
 * What the operators do (Kyverno pkg/engine/variables/operator, read with the search tools; docs/engines/kyverno.md):
 * every operator is false on a null key; a string key is compared as a Go duration first (when either side is one),
 * then as a quantity (a quantity key against a string that is no quantity is neither equal nor unequal), then by
 * wildcard with the VALUE as the pattern; NotEquals is true on a type mismatch; numeric operators compare numbers,
 * then durations, quantities, numeric strings and versions; the set operators (`AnyNotIn`…) match request elements
 * against the values with wildcards in BOTH directions, so a request element `*` would match any value.
 *
 * Hence the keys: `PATH || ''` (a field Kyverno's JMESPath would report as an unknown key becomes `''`, which no
 * operator below confuses with a value: not a duration, quantity, number or the literal), and only literals that are
 * `safeLiteral` (no wildcard, not a duration or quantity: they start with a letter). Request strings are never the
 * pattern side of a wildcard match, except in `AnyNotIn`, where the elements holding `*` or `?` are handled apart.
 */

export type ConditionBlock = { readonly any: Json[] } | { readonly all: Json[] };

/** A part of the violation that has no operator form, as a boolean JMESPath expression (`holds`: as given, else negated). */
export type Fallback = (p: Predicate, holds: boolean) => string;

export interface OperatorContext {
  /** `element` in a foreach, `request.object` at the object. */
  readonly base: string;
  /** Whether a field at this path may be read with `base.path` (pod-view paths at the object). */
  readonly pathOk: (path: readonly string[]) => boolean;
  readonly fallback: Fallback;
}

type Mode = 'any' | 'all';

interface Item {
  readonly p: Predicate;
  /** The violation is `p` (true) or `not p` (false). */
  readonly holds: boolean;
}

/** The combinator a node is under the violation's polarity: `or` holding and `and` failing are `any`. */
function modeOf(p: Predicate, holds: boolean): Mode | undefined {
  if (p.kind === 'or') return holds ? 'any' : 'all';
  if (p.kind === 'and') return holds ? 'all' : 'any';
  return undefined;
}

function strip(p: Predicate, holds: boolean): Item {
  return p.kind === 'not' ? strip(p.operand, !holds) : { p, holds };
}

/** The operands of one `any` or `all` level (De Morgan through `not`), nested levels of the same kind flattened. */
function items(item: Item, mode: Mode): Item[] {
  const { p, holds } = strip(item.p, item.holds);
  if ((p.kind === 'and' || p.kind === 'or') && modeOf(p, holds) === mode) return p.operands.flatMap((o) => items({ p: o, holds }, mode));
  return [{ p, holds }];
}

const condition = (key: string, operator: string, value: Json): Json => ({ key, operator, value });

/** The key of a field: its value, or `''` when absent (`||` also turns `''`, `false` and `[]` into `''`). */
const scalarKey = (base: string, path: readonly string[]): string => variable(`${joinPath(base, path)} || ''`);
const listOf = (base: string, path: readonly string[]): string => `(${joinPath(base, path)} || \`[]\`)`;

const safeStrings = (values: readonly Scalar[]): string[] | undefined => (values.length > 0 && values.every((v) => typeof v === 'string' && safeLiteral(v)) ? (values as string[]) : undefined);
const safeIntegers = (values: readonly Scalar[]): number[] | undefined => (values.length > 0 && values.every((v) => typeof v === 'number' && Number.isSafeInteger(v)) ? (values as number[]) : undefined);

const numericOperators = { gt: 'GreaterThan', ge: 'GreaterThanOrEquals', lt: 'LessThan', le: 'LessThanOrEquals' } as const;

/**
 * One field test's violation (the test holding, or failing) as conditions; `alternatives`: they hold as an `any`.
 * Undefined when no operator is exact for it.
 */
function atom(t: FieldTest, holds: boolean, context: OperatorContext): { conditions: Json[]; alternatives: boolean } | undefined {
  if (t.subject.kind !== 'field' || t.subject.apiTyped !== true || !context.pathOk(t.subject.path)) return undefined;
  const { path, type } = t.subject;
  const one = (c: Json) => ({ conditions: [c], alternatives: false });
  const key = scalarKey(context.base, path);
  const test = t.test;
  switch (type) {
    case 'string': {
      // Only where the test holds: `v != lit` has no exact operator (NotEquals is false for a quantity-like value
      // such as "5" against a literal that is no quantity).
      if (!holds && test.op === 'not-empty') return one(condition(key, 'Equals', ''));
      if (!holds) return undefined;
      if (test.op === 'empty') return one(condition(key, 'Equals', ''));
      if (test.op === 'eq' && typeof test.value === 'string' && safeLiteral(test.value)) return one(condition(key, 'Equals', test.value));
      if (test.op === 'in') {
        const values = safeStrings(test.values);
        return values && { conditions: values.map((v) => condition(key, 'Equals', v)), alternatives: true };
      }
      return undefined;
    }
    case 'integer': {
      if (test.op === 'eq' && Number.isSafeInteger(test.value)) return one(condition(key, holds ? 'Equals' : 'NotEquals', test.value as number));
      if (!holds) return undefined;
      if ((test.op === 'gt' || test.op === 'ge' || test.op === 'lt' || test.op === 'le') && Number.isSafeInteger(test.value)) return one(condition(key, numericOperators[test.op], test.value));
      if (test.op === 'in') {
        const values = safeIntegers(test.values);
        return values && { conditions: values.map((v) => condition(key, 'Equals', v)), alternatives: true };
      }
      return undefined;
    }
    case 'quantity': {
      // The bound as a decimal string, which Kyverno compares with a quantity string key as a quantity and with a
      // number key (a manifest's `memory: 3221225472`, as `kyverno test` reads it) as a number; `2Gi` would not be
      // compared with a number, and `100m` would be read as 100 minutes first. At most milli precision, so the
      // decimal is the bound itself.
      if (!holds || (test.op !== 'gt' && test.op !== 'ge' && test.op !== 'lt' && test.op !== 'le')) return undefined;
      const bound = String(test.value);
      return Number.isSafeInteger(test.value * 1000) && /^[0-9]+(\.[0-9]{1,3})?$/.test(bound) ? one(condition(key, numericOperators[test.op], bound)) : undefined;
    }
    case 'boolean': {
      // `v = true` (and `v != false`): `false` and absent both read as `''`, which is not `true` and is NotEquals it.
      const isTrue = (test.op === 'eq' && test.value === true) || (test.op === 'ne' && test.value === false);
      return isTrue ? one(condition(key, holds ? 'Equals' : 'NotEquals', true)) : undefined;
    }
    case 'string-list': {
      const list = listOf(context.base, path);
      if (!holds && test.op === 'contains-only') {
        // AnyNotIn misses an element such as `*` that wildcard-matches a value (it is in no list of safe literals):
        // the second condition catches every element holding a wildcard.
        const values = safeStrings(test.values);
        if (!values) return undefined;
        return {
          conditions: [condition(variable(`${joinPath(context.base, path)} || \`[]\``), 'AnyNotIn', values), condition(variable(`${list}[?contains(@, '*') || contains(@, '?')]`), 'NotEquals', [])],
          alternatives: true,
        };
      }
      if (!holds && test.op === 'contains' && typeof test.value === 'string' && safeLiteral(test.value)) {
        // The literal is the key, the request's elements without wildcards the value: a wildcard element can only
        // equal the literal if the literal held one, so leaving those out keeps membership exact.
        return one(condition(test.value, 'AnyNotIn', variable(`${list}[?!contains(@, ${literal('*')}) && !contains(@, ${literal('?')})]`)));
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

const negatedOperators = { gt: 'LessThanOrEquals', ge: 'LessThan', lt: 'GreaterThanOrEquals', le: 'GreaterThan' } as const;

/**
 * A field comparison `x OP p/q × y + o` (semantics §3.5) as `q·x OP p·y + q·o` with Kyverno's numeric operators, on
 * fields the API server types (undefined otherwise). The key is `x || ''` (`multiply(x || '0', q)` for q > 1), the
 * value `y || ''` or `multiply(y || '0', p)` (`add`/`subtract` of `q·o` for integers): `multiply` reads a quantity
 * string as a quantity before a duration and multiplies exactly (inf.Dec), the operator compares two quantity
 * strings as durations when both are Go durations (`500m`: 500 minutes, proportional to the millicores, exact) and
 * else as quantities (resource.Quantity.Cmp), two numbers as float64. Kyverno substitutes every condition of a block
 * before evaluating any, so each key and value must resolve on a missing field: the `|| '0'` stands in where a
 * presence condition has already decided. Where the comparison must fail (`holds` false, a `require`): `any` of
 * `x` absent, `y` absent, the negated comparison. Where it must hold (quantities only): `all` of `y` present
 * (`GreaterThanOrEquals "0"`: the API server admits no quantity below 0), `x` present too when the key is a
 * product, and the comparison; an integer has no presence test that every Kyverno release reads alike (NotEquals
 * of a number and '' changed in notequal.go), so it keeps the boolean form. docs/backends/kyverno.md, "Comparing two fields".
 */
function relationAtom(r: Relation, holds: boolean, context: OperatorContext): { conditions: Json[]; alternatives: boolean } | undefined {
  const { subject, other, factor, offset, type } = r;
  if (subject.apiTyped !== true || other.apiTyped !== true || !context.pathOk(subject.path) || !context.pathOk(other.path)) return undefined;
  const { numerator: p, denominator: q } = factor;
  if (!Number.isSafeInteger(p) || !Number.isSafeInteger(q) || !Number.isSafeInteger(offset * q)) return undefined;
  const zero = type === 'quantity' ? "'0'" : '`0`';
  const path = (f: typeof subject) => joinPath(context.base, f.path);
  const scaled = (f: typeof subject, k: number) => (k === 1 ? `${path(f)} || ''` : `multiply(${path(f)} || ${zero}, \`${k}\`)`);
  const shift = q * offset;
  const right = shift === 0 ? scaled(other, p) : `${shift > 0 ? 'add' : 'subtract'}(${p === 1 ? `${path(other)} || ${zero}` : scaled(other, p)}, \`${Math.abs(shift)}\`)`;
  const comparison = condition(variable(scaled(subject, q)), holds ? numericOperators[r.op] : negatedOperators[r.op], variable(right));
  if (!holds) return { conditions: [condition(scalarKey(context.base, subject.path), 'Equals', ''), condition(scalarKey(context.base, other.path), 'Equals', ''), comparison], alternatives: true };
  if (type !== 'quantity') return undefined;
  const present = (f: typeof subject) => condition(scalarKey(context.base, f.path), 'GreaterThanOrEquals', '0');
  return { conditions: [...(q === 1 ? [] : [present(subject)]), present(other), comparison], alternatives: false };
}

/**
 * The violation (`p` when `holds`, else `not p`) as one `any` or `all` block, each operand a condition with an
 * operator where one is exact (atom) and a boolean condition otherwise; undefined when no operand has an operator
 * form (the caller keeps its single boolean condition).
 */
export function operatorConditions(p: Predicate, holds: boolean, context: OperatorContext, booleanCondition: (expression: string) => Json): ConditionBlock | undefined {
  const top = strip(p, holds);
  const mode = modeOf(top.p, top.holds) ?? 'all';
  const parts = items(top, mode);
  const out: Json[] = [];
  let exact = 0;
  let alternatives = false;
  for (const item of parts) {
    const form = item.p.kind === 'test' ? atom(item.p, item.holds, context) : item.p.kind === 'relation' ? relationAtom(item.p, item.holds, context) : undefined;
    if (form && (form.alternatives ? form.conditions.length === 1 || mode === 'any' || parts.length === 1 : form.conditions.length === 1 || mode === 'all' || parts.length === 1)) {
      out.push(...form.conditions);
      alternatives ||= form.alternatives && form.conditions.length > 1;
      exact++;
    } else out.push(booleanCondition(context.fallback(item.p, item.holds)));
  }
  if (exact === 0) return undefined;
  return mode === 'any' || alternatives ? { any: out } : { all: out };
}
