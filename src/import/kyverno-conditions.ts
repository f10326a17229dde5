/**
 * Kyverno condition blocks (`deny.conditions`, `preconditions`, foreach entries) over `{{ }}` keys, to secpol
 * predicates: boolean JMESPath keys compared with true/false (kyverno-jmespath.ts), one field compared with a
 * value under Kyverno's operator typing (docs/engines/kyverno.md, "Preconditions and deny"), `validate.foreach`
 * (Kyverno docs, "Validate Rules" → foreach: each element of `list`, exposed as `element`, fails the rule when the
 * entry's preconditions and deny conditions hold; an empty or missing list skips it), and a clock condition that
 * means an exception until a date.
 */
import { and, caseSplit, dropExistsVars, F, not, or, placed, quant, refuse, Refusal, substitute, T, t, toPred, type B } from './kyverno-bool.js';
import { atom, bool, checkQuotedObject, domainsOf, jmespath, parse, pathOf, refOf, schemaOf, variableText, type Domain, type JmesContext, type Node, type Ref, type Scope } from './kyverno-jmespath.js';
import { patternPredicate } from './kyverno-pattern.js';
import { no, ok, type Pred, type Translation, type YamlPathStep } from './model.js';
import { decimalOf, literal } from './text.js';

const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : '');

/** Whether a condition is a boolean `{{ }}` expression compared with a boolean (the shape this module translates). */
export function isTranslatedCondition(c: unknown): boolean {
  return isBooleanCondition(c) || isValueCondition(c) || isSetCondition(c) || wildcardElementsOf(c) !== undefined;
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
    // numeric.go: a number key (or a numeric string) against a numeric string or number; the `|| ''` of a missing
    // field is no duration, quantity, number or version, so every ordering operator is false on it.
    if (schema.type === 'quantity') {
      const q = typeof v === 'string' ? quantityBound(v) : undefined;
      if (q === undefined) return refuse(`${o.operator} of the quantity ${r.path.join('.')} and ${JSON.stringify(v)} (translated: a bound in decimal digits with at most 3 decimals; a suffixed value such as 2Gi is not compared with a number key, a YAML number is read as seconds against a duration-like key such as 5m)`);
      return atom(r, `${p} ${ordering} ${q}`, s);
    }
    const n = typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : undefined;
    if ((schema.type !== 'integer' && schema.type !== 'number') || n === undefined) return refuse(`${o.operator} of ${r.path.join('.')}, a ${schema.type}, and ${JSON.stringify(v)} (only numbers are compared; Kyverno reads text as durations, quantities or versions)`);
    return atom(r, `${p} ${ordering} ${n}`, s);
  }
  if (defaulted && equals && v === '' && (schema.type === 'integer' || schema.type === 'number' || schema.type === 'quantity')) {
    // equal.go: a number key is not Equals '' (no float in it), nor a quantity string (no quantity in ''): only a
    // missing field, read as '', is.
    return atom(r, `${p} is absent`, s);
  }
  if (schema.type === 'boolean' || schema.type === 'integer' || schema.type === 'number') {
    const lit = typeof v === 'string' && schema.type !== 'boolean' && /^-?\d+$/.test(v) ? Number(v) : v;
    if (typeof lit !== (schema.type === 'boolean' ? 'boolean' : 'number')) return refuse(`${o.operator} of the ${schema.type} ${r.path.join('.')} and ${JSON.stringify(v)}`);
    const test = atom(r, `${p} ${equals ? '=' : '!='} ${literal(lit as number | boolean)}`, s);
    // `|| ''` on a missing field: '' is not Equals a number or boolean, and NotEquals holds on that type mismatch (notequal.go).
    return defaulted && !equals ? or([atom(r, `${p} is absent`, s), test]) : test;
  }
  if (schema.type !== 'string' || typeof v !== 'string') return refuse(`${o.operator} of ${r.path.join('.')}, a ${schema.type}, and ${JSON.stringify(v)}`);
  if (v === '') {
    // equal.go: '' is no duration or quantity, so a string key Equals '' only when it is ''; NotEquals '' is also
    // false on a key that is a quantity (a quantity key against a value that is none). `|| ''`: missing reads ''.
    const empty = defaulted ? atom(r, `${p} is empty`, s) : atom(r, `${p} = ""`, s);
    if (equals) return empty;
    return and([atom(r, `${p} exists`, s), not(atom(r, `${p} matches regex ${literal(QUANTITY)}`, s)), not(atom(r, `${p} = ""`, s))]);
  }
  if (NUMERIC_ALPHABET.test(v)) return refuse(`${o.operator} with ${JSON.stringify(v)}, which Kyverno may compare as a duration or quantity`);
  const glob = /[*?]/.test(v);
  const match = atom(r, `${p} ${glob ? 'matches' : '='} ${literal(v)}`, s);
  if (equals) return match;
  // NotEquals: false on a missing key, and on a key Kyverno reads as a quantity; `|| ''` makes a missing key ''.
  const differs = and([atom(r, `${p} exists`, s), not(atom(r, `${p} matches regex ${literal(QUANTITY)}`, s)), not(match)]);
  return defaulted ? or([atom(r, `${p} is absent`, s), differs]) : differs;
}

/**
 * A numeric string bound for a quantity field as a secpol quantity (`2147483648`, `0.1` → `100m`): Kyverno compares
 * a quantity key with it as quantities (numeric.go) and a number key as a float; it is no Go duration (no unit).
 */
function quantityBound(v: string): string | undefined {
  const m = /^(\d+)(?:\.(\d{1,3}))?$/.exec(v);
  if (!m) return undefined;
  const whole = BigInt(m[1]!);
  if (m[2] === undefined) return String(whole);
  return `${whole * 1000n + BigInt(m[2].padEnd(3, '0'))}m`;
}

/** A field read as `F || ''`, `F || '0'` or `F || \`0\``: the field's node and what a missing one reads as. */
function defaultedField(n: Node | undefined): { field: Node; zero: boolean } | undefined {
  if (n?.type !== 'OrExpression' || n.children?.[1]?.type !== 'Literal') return undefined;
  const v = n.children[1].value;
  return v === '' || v === '0' || v === 0 ? { field: n.children[0]!, zero: v !== '' } : undefined;
}

/** `F || ''` (k = 1), or `multiply(F || '0', \`k\`)`, or `F || '0'`: the field scaled by a whole k. */
function scaledField(n: Node): { field: Node; k: number; zero: boolean } | undefined {
  if (n.type === 'Function' && n.name === 'multiply' && n.children?.length === 2) {
    const k = n.children[1]!;
    const inner = defaultedField(n.children[0]);
    if (k.type !== 'Literal' || typeof k.value !== 'number' || !Number.isSafeInteger(k.value) || k.value < 0 || !inner?.zero) return undefined;
    return { field: inner.field, k: k.value, zero: true };
  }
  const f = defaultedField(n);
  return f && { ...f, k: 1 };
}

/** The identity of a field read in a condition key (`F || ''`), to match a relation's fields with their siblings. */
const fieldKey = (field: Node): string => JSON.stringify(field);

/** A condition `{{ … }} GreaterThan|… {{ … }}`: an ordering of two expressions. */
function isRelationCondition(c: unknown): boolean {
  const o = c as { key?: unknown; operator?: unknown; value?: unknown } | null;
  return !!o && ORDERING[lower(o.operator)] !== undefined && typeof o.key === 'string' && variableText(o.key) !== undefined && typeof o.value === 'string' && variableText(o.value) !== undefined;
}

/**
 * The fields a block's other conditions settle when missing, with those conditions' indices: in an `any` block
 * `F || ''` Equals '' (true when F is missing, so the block holds whatever the rest reads), in an `all` block
 * `F || ''` under an ordering operator with a number (false on '', so the block fails). `presence`: the condition is
 * also implied by a comparison of F (`GreaterThanOrEquals "0"` on a quantity, which the API server keeps at 0 or more).
 */
function settledFields(items: readonly unknown[], mode: 'any' | 'all'): Map<string, { index: number; presence: boolean }[]> {
  const out = new Map<string, { index: number; presence: boolean }[]>();
  items.forEach((c, index) => {
    const o = c as { key?: unknown; operator?: unknown; value?: unknown } | null;
    if (!o || typeof o.key !== 'string') return;
    const text = variableText(o.key);
    if (text === undefined || (typeof o.value === 'string' && variableText(o.value) !== undefined)) return;
    let n: Node;
    try {
      n = parse(text);
    } catch {
      return;
    }
    const f = defaultedField(n);
    if (!f || f.zero) return;
    const op = lower(o.operator);
    const settles = mode === 'any' ? op === 'equals' && o.value === '' : ORDERING[op] !== undefined && (typeof o.value === 'number' || (typeof o.value === 'string' && /^-?[0-9]+(\.[0-9]+)?$/.test(o.value)));
    if (!settles) return;
    const presence = mode === 'any' || (op === 'greaterthanorequals' && (o.value === 0 || o.value === '0'));
    const key = fieldKey(f.field);
    out.set(key, [...(out.get(key) ?? []), { index, presence }]);
  });
  return out;
}

const NEGATED: Readonly<Record<string, string>> = { '<': '>=', '<=': '>', '>': '<=', '>=': '<' };

interface FieldComparison {
  /** `x OP p/q * y ± o`, and the same with the operator negated. */
  readonly text: string;
  readonly negated: string;
  readonly ref: Ref;
  readonly type: string;
  readonly fields: readonly { readonly key: string; readonly zero: boolean }[];
}

/**
 * secpol's Kyverno field comparison (docs/backends/kyverno.md, "Comparing two fields"): `{{ X }} OP {{ Y }}` with X
 * `x || ''` or `multiply(x || '0', \`q\`)` and Y `y || ''`, `multiply(y || '0', \`p\`)`, or either inside
 * `add`/`subtract` of a whole number c (integers). On two present values Kyverno's numeric operator compares q·x with
 * p·y ± c exactly (numeric.go: numbers as float64; quantity strings as durations when both are one, which `m`
 * values are, in minutes, proportional; else as quantities), so the condition is `x OP p/q * y ± c/q`. A missing field
 * read as '' is never ordered (false); one read as '0' compares a zero, which its sibling conditions must settle.
 */
function fieldComparison(o: { key: string; operator: string; value: string }, s: Scope): FieldComparison {
  const op = ORDERING[lower(o.operator)]!;
  const keyText = variableText(o.key)!;
  const valueText = variableText(o.value)!;
  checkQuotedObject(keyText, s.ctx);
  checkQuotedObject(valueText, s.ctx);
  const shape = `(translated: {{ x || '' }} or {{ multiply(x || '0', \`q\`) }} against {{ y || '' }} or {{ multiply(y || '0', \`p\`) }}, integers also with add/subtract of a whole number)`;
  const x = scaledField(parse(keyText));
  let valueNode = parse(valueText);
  let c = 0;
  if (valueNode.type === 'Function' && (valueNode.name === 'add' || valueNode.name === 'subtract') && valueNode.children?.length === 2) {
    const n = valueNode.children[1]!;
    if (n.type !== 'Literal' || typeof n.value !== 'number' || !Number.isSafeInteger(n.value)) return refuse(`the comparison {{ ${keyText} }} ${o.operator} {{ ${valueText} }} ${shape}`);
    c = valueNode.name === 'add' ? n.value : -n.value;
    valueNode = valueNode.children[0]!;
  }
  const y = scaledField(valueNode);
  if (!x || !y || x.k === 0 || (c !== 0 && !y.zero)) return refuse(`the comparison {{ ${keyText} }} ${o.operator} {{ ${valueText} }} ${shape}`);
  const rx = refOf(x.field, s) ?? refuse(`the key {{ ${keyText} }} (a field is read)`);
  const ry = refOf(y.field, s) ?? refuse(`the value {{ ${valueText} }} (a field is read)`);
  if (rx.base !== ry.base) return refuse(`a comparison of ${rx.path.join('.')} with ${ry.path.join('.')}, read in different scopes`);
  const tx = schemaOf(rx, s).type;
  const ty = schemaOf(ry, s).type;
  if (tx !== ty || (tx !== 'integer' && tx !== 'quantity')) return refuse(`a comparison of ${rx.path.join('.')} (${tx}) with ${ry.path.join('.')} (${ty}) (translated: two integers or two quantities)`);
  if (tx === 'quantity' && c !== 0) return refuse('add or subtract of a number and a quantity (arithmetic.go: a type mismatch, an error)');
  const factor = decimalOf(BigInt(y.k), BigInt(x.k));
  if (factor === undefined || c % x.k !== 0) return refuse(`the comparison {{ ${keyText} }} ${o.operator} {{ ${valueText} }} (its factor ${y.k}/${x.k} is no finite decimal, or its offset ${c}/${x.k} is not whole)`);
  const offset = c / x.k;
  const rest = `${factor === '1' ? '' : `${factor} * `}${pathOf(ry)}${offset === 0 ? '' : offset > 0 ? ` + ${offset}` : ` - ${-offset}`}`;
  return {
    text: `${pathOf(rx)} ${op} ${rest}`,
    negated: `${pathOf(rx)} ${NEGATED[op]!} ${rest}`,
    ref: rx,
    type: tx,
    fields: [{ key: fieldKey(x.field), zero: x.zero }, { key: fieldKey(y.field), zero: y.zero }],
  };
}

/**
 * The comparisons of one block, each with the siblings it absorbs. In an `any` block whose siblings make both
 * fields' absence a violation (`x || ''` Equals '', `y || ''` Equals ''), `x missing or y missing or x OP r * y` is
 * `not (x OP' r * y)` (the comparison is false on a missing field): that one test, the siblings dropped. In an `all`
 * block a comparison of quantities implies its fields' `>= 0` siblings. Otherwise the comparison stands alone, and a
 * field it reads as '0' when missing must be settled by a sibling.
 */
function comparisonParts(items: readonly unknown[], mode: 'any' | 'all', s: Scope, where: readonly YamlPathStep[]): Map<number, B> {
  const out = new Map<number, B>();
  const settled = settledFields(items, mode);
  const absorbed: number[] = [];
  items.forEach((c, i) => {
    if (!isRelationCondition(c)) return;
    out.set(i, placed([...where, i, 'key'], () => {
      const r = fieldComparison(c as { key: string; operator: string; value: string }, s);
      const siblings = r.fields.map((f) => settled.get(f.key)?.filter((x) => x.presence) ?? []);
      if (siblings.every((x) => x.length > 0) && (mode === 'any' || r.type === 'quantity')) {
        absorbed.push(...siblings.flat().map((x) => x.index));
        return mode === 'any' ? not(atom(r.ref, r.negated, s)) : atom(r.ref, r.text, s);
      }
      for (const f of r.fields) {
        if (f.zero && !settled.has(f.key)) return refuse(`the comparison ${r.text} with a field read as '0' when missing, and no condition beside it that settles that case (an any block's {{ F || '' }} Equals '', an all block's ordering of {{ F || '' }} with a number)`);
      }
      return atom(r.ref, r.text, s);
    }));
  });
  for (const i of absorbed) if (!out.has(i)) out.set(i, mode === 'any' ? F : T);
  return out;
}

const lowerOp = (o: unknown): string => lower((o as { operator?: unknown } | null)?.operator);
/** The set operators a literal key is translated under (anyin.go, anynotin.go; the deprecated in.go, notin.go). */
const SET_OPERATORS = new Set(['anyin', 'anynotin', 'in', 'notin']);
const NO_WILDCARD_FILTER = /^\(\s*([\s\S]+?)\s*\|\|\s*`\[\]`\s*\)\s*\[\?\s*!\s*contains\(\s*@\s*,\s*'\*'\s*\)\s*&&\s*!\s*contains\(\s*@\s*,\s*'\?'\s*\)\s*\]$/;
const WILDCARD_FILTER = /^\(\s*([\s\S]+?)\s*\|\|\s*`\[\]`\s*\)\s*\[\?\s*contains\(\s*@\s*,\s*'\*'\s*\)\s*\|\|\s*contains\(\s*@\s*,\s*'\?'\s*\)\s*\]$/;
const LIST_OR_EMPTY = /^([\s\S]+?)\s*\|\|\s*`\[\]`$/;
/** A literal no set operator reads as a wildcard, range or JSON list, and that Kyverno substitutes nothing in. */
const PLAIN_LITERAL = /^[A-Za-z][A-Za-z0-9._/:@+-]*$/;

/** `key: LIT, operator: AnyIn|AnyNotIn|In|NotIn, value: "{{ (LIST || `[]`)[?!contains(@, '*') && !contains(@, '?')] }}"`. */
function isSetCondition(c: unknown): boolean {
  const o = c as { key?: unknown; value?: unknown } | null;
  if (!o || !SET_OPERATORS.has(lowerOp(c))) return false;
  if (typeof o.key === 'string' && typeof o.value === 'string') return NO_WILDCARD_FILTER.test(variableText(o.value) ?? '');
  return typeof o.key === 'string' && lowerOp(c) === 'anynotin' && LIST_OR_EMPTY.test(variableText(o.key) ?? '') && Array.isArray(o.value);
}

/** The list a `{{ (LIST || `[]`)[?contains(@, '*') || contains(@, '?')] }}` NotEquals `[]` condition reads. */
function wildcardElementsOf(c: unknown): string | undefined {
  const o = c as { key?: unknown; value?: unknown } | null;
  if (!o || lowerOp(c) !== 'notequals' || typeof o.key !== 'string' || !Array.isArray(o.value) || o.value.length !== 0) return undefined;
  return WILDCARD_FILTER.exec(variableText(o.key) ?? '')?.[1]?.trim();
}

/** A list of strings read with `LIST || `[]`` (a missing list is empty), as a secpol path. */
function stringList(text: string, s: Scope): { r: ReturnType<typeof refOf> & object; p: string } {
  checkQuotedObject(text, s.ctx);
  const r = refOf(parse(text), s) ?? refuse(`the list {{ ${text} }} (a field is read)`);
  const schema = schemaOf(r, s);
  if (schema.type !== 'string-list') return refuse(`a set operator on ${r.path.join('.')}, a ${schema.type} (a list of strings is translated)`);
  return { r, p: pathOf(r) };
}

/**
 * A literal key against the elements of a list that hold no wildcard: the set operators match a scalar key with
 * each value in both wildcard directions (anyin.go), so with a plain literal and wildcard-free values membership is
 * equality; a missing list is `[]` (no element), where AnyIn fails and AnyNotIn holds.
 */
function setConditionB(o: { key: unknown; operator: string; value: unknown }, s: Scope): B {
  if (typeof o.value !== 'string') return refuse(`${o.operator} with a list key without the condition on its elements with wildcards beside it in an any block (Kyverno matches the key's elements as wildcards too: an element * is in every list)`);
  const key = o.key;
  if (typeof key !== 'string' || !PLAIN_LITERAL.test(key) || key.startsWith('request.')) return refuse(`${o.operator} with the key ${JSON.stringify(key)} (translated: a literal starting with a letter, without wildcards, that no set operator reads as a range or list)`);
  const { r, p } = stringList(NO_WILDCARD_FILTER.exec(variableText(o.value)!)![1]!.trim(), s);
  const has = atom(r, `${p} contains ${literal(key)}`, s);
  return ['anyin', 'in'].includes(lower(o.operator)) ? has : not(has);
}

/**
 * In an `any` block, `{{ LIST || `[]` }}` AnyNotIn [V…] beside `{{ (LIST || `[]`)[?contains(@, '*') || contains(@, '?')] }}`
 * NotEquals []: AnyNotIn holds when some element matches no value in either wildcard direction (anynotin.go; false on
 * an empty list, kyverno#3569), so an element holding a wildcard may count as in [V…]; the second condition holds for
 * every such element, none of which is a wildcard-free V. Together: some element is not one of V, `not LIST contains only [V…]`.
 */
function listNotInPairs(items: readonly unknown[], s: Scope, where: readonly YamlPathStep[]): Map<number, B> {
  const out = new Map<number, B>();
  items.forEach((c, i) => {
    const o = c as { key?: unknown; value?: unknown } | null;
    if (!o || lowerOp(c) !== 'anynotin' || typeof o.key !== 'string' || !Array.isArray(o.value)) return;
    const list = LIST_OR_EMPTY.exec(variableText(o.key) ?? '')?.[1]?.trim();
    if (list === undefined) return;
    const j = items.findIndex((d, k) => k !== i && !out.has(k) && wildcardElementsOf(d) === list);
    if (j < 0) return;
    const values = o.value;
    out.set(i, placed([...where, i, 'key'], () => {
      if (values.length === 0 || !values.every((v) => typeof v === 'string' && v !== '' && !/[*?]/.test(v))) return refuse(`AnyNotIn with the values ${JSON.stringify(values)} (translated: a non-empty list of strings without wildcards)`);
      const { r, p } = stringList(list, s);
      return not(atom(r, `${p} contains only [${(values as string[]).map(literal).join(', ')}]`, s));
    }));
    out.set(j, F);
  });
  return out;
}

function conditionB(c: unknown, s: Scope, at: readonly YamlPathStep[]): B {
  if (isRelationCondition(c)) return refuse(`the comparison of two expressions at ${at.join('.')} outside a condition block`);
  if (isSetCondition(c)) return setConditionB(c as { key: unknown; operator: string; value: unknown }, s);
  if (isValueCondition(c) && isFieldKey((c as { key: string }).key)) return valueConditionB(c as { key: string; operator: string; value: string | number | boolean }, s);
  if (!isBooleanCondition(c)) {
    const o = c as { key?: unknown; operator?: unknown } | null;
    const key = typeof o?.key === 'string' ? o.key.trim() : JSON.stringify(o?.key);
    // A set operator over a list read as is (the restricted disallow-capabilities-strict, require-drop-all): each
    // element is matched as a wildcard too (anyin.go, anynotin.go), so an element `*` or `A*` counts as ALL.
    if (SET_OPERATORS.has(lowerOp(c))) {
      return refuse(`${String(o?.operator)} with the key ${key} at ${at.join('.')}: Kyverno matches the key's and the value's elements as wildcards in both directions (an element * or A* is in [ALL]), which no secpol list test expresses; translated: the list read as (LIST || \`[]\`)[?!contains(@, '*') && !contains(@, '?')], or beside the NotEquals [] on its elements with wildcards`);
    }
    return refuse(`the condition ${key} ${String(o?.operator)} at ${at.join('.')} (translated: a {{ boolean expression }} Equals/NotEquals true or false, and one field compared with a value)`);
  }
  const o = c as { key: string; operator: string; value: boolean };
  // A field compared with another field inside one boolean expression, as secpol's Kyverno backend writes the cases
  // its operator form does not cover (an integer comparison that must hold) and wrote them all before: the sign of a
  // quantity difference, integers with add/multiply.
  if (/subtract\(\s*multiply\(|\]\[0\]\s*[<>]=?\s*(\[|(add|subtract|multiply)\(\s*\[)/.test(o.key)) return refuse(`a comparison of two fields inside a boolean expression at ${at.join('.')} (quantities as the sign of subtract(multiply(…), multiply(…)), integers with add/multiply): not read back; the operator form {{ x || '' }} GreaterThan {{ multiply(y || '0', \`p\`) }} is`);
  const b = bool(parse(variableText(o.key)!), s);
  checkQuotedObject(variableText(o.key)!, s.ctx);
  return (lower(o.operator) === 'equals') === o.value ? b : not(b);
}

/** A condition block (`any`/`all`, both must hold, or the legacy list) as a boolean. */
function conditionsB(block: unknown, s: Scope, at: readonly YamlPathStep[]): B {
  const list = (items: unknown, mode: 'any' | 'all', where: readonly YamlPathStep[]): B => {
    if (!Array.isArray(items) || items.length === 0) return refuse(`an empty or malformed ${mode} list of conditions`);
    const pairs = mode === 'any' ? listNotInPairs(items, s, where) : new Map<number, B>();
    const comparisons = comparisonParts(items, mode, s, where);
    const parts = items.map((c, i) => pairs.get(i) ?? comparisons.get(i) ?? placed([...where, i, 'key'], () => conditionB(c, s, [...where, i])));
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

/** The clock variable (a negative id) given a truth value; the condition variables are kept. */
function substClock(b: B, value: boolean): B {
  return substitute(b, (v) => (v.id < 0 ? { k: 'c', v: value } : v));
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
    const { b, exception } = withClock(dropExistsVars(entriesB(entries, ctx, ctx.at, clock), []), clock);
    if (b.k === 'c') return refuse(b.v ? 'a foreach that fails every object' : 'a foreach that never fails');
    return ok({ pred: toPred(b), ...(exception ? { exception } : {}) });
  } catch (e) {
    if (e instanceof Refusal) return no(e.message, e.at ?? ctx.at);
    throw e;
  }
}

/**
 * The entries of a foreach (of a rule, or nested in an entry: then `list` reads the outer `element` and the inner
 * conditions the inner one, as Kyverno evaluates nested foreach) as the violation: some entry has an element that fails.
 */
function entriesB(entries: unknown, ctx: JmesContext, at0: readonly YamlPathStep[], clock: { date?: string }): B {
  if (!Array.isArray(entries) || entries.length === 0) return refuse('a foreach that is not a non-empty list');
  const nested = ctx.element !== undefined;
  return or(entries.map((entry, i) => {
    const at = [...at0, i];
    if (typeof entry !== 'object' || entry === null) return refuse('a foreach entry that is not a map');
    const e = entry as Record<string, unknown>;
    const extra = Object.keys(e).filter((k) => !['list', 'preconditions', 'deny', 'pattern', 'anyPattern', 'foreach', 'elementScope'].includes(k));
    if (extra.length) return refuse(`foreach.${extra[0]} (only list, preconditions, deny conditions, patterns and nested foreach are translated)`);
    if (e['elementScope'] === false) return refuse('foreach elementScope: false (the pattern is then checked against the whole object, once per element)');
    if (typeof e['list'] !== 'string') return refuse('a foreach entry without a list expression');
    const listText = variableText(e['list']) ?? e['list'];
    checkQuotedObject(listText, ctx);
    const domains = placed([...at, 'list'], () => domainsOf(parse(listText), { ctx, guarded: new Set(), clock }, true));
    const deny = e['deny'] as { conditions?: unknown } | undefined;
    const checks = [deny !== undefined, e['pattern'] !== undefined, e['anyPattern'] !== undefined, e['foreach'] !== undefined].filter(Boolean).length;
    if (checks !== 1) return refuse('a foreach entry without exactly one of deny, pattern, anyPattern and foreach');
    if (deny !== undefined && (typeof deny !== 'object' || deny === null || deny.conditions === undefined)) return refuse('a foreach deny without conditions');
    /** What fails an element: its deny conditions hold, it does not match the pattern (the element is the pattern's scope), or a nested entry fails. */
    const fails = (d: Domain, inner: Scope): B => {
      if (deny !== undefined) return conditionsB(deny.conditions, inner, [...at, 'deny', 'conditions']);
      if (e['foreach'] !== undefined) return entriesB(e['foreach'], inner.ctx, [...at, 'foreach'], clock);
      const patterns = e['pattern'] !== undefined ? [[e['pattern'], [...at, 'pattern']] as const] : Array.isArray(e['anyPattern']) ? (e['anyPattern'] as unknown[]).map((x, j) => [x, [...at, 'anyPattern', j]] as const) : refuse('anyPattern that is not a list');
      // anyPattern fails when one pattern fails and the others skip (docs/engines/kyverno.md): with conditional
      // anchors, skipping is not passing, which the translation (skip as pass) cannot tell apart.
      if (patterns.length > 1 && /"<?\(/.test(JSON.stringify(e['anyPattern']))) return refuse('anyPattern with conditional anchors in a foreach (a skipped pattern beside a failed one fails the element)');
      const matches = patterns.map(([pat, where]) => {
        const r = patternPredicate(pat, d.frame.schema, false, where, d.frame.level);
        if (!r.ok) throw Object.assign(new Refusal(r.reason), { at: r.at ?? where });
        return r.value.kind === 'true' ? T : ({ k: 'p', pred: r.value } as B);
      });
      return not(or(matches));
    };
    return or(domains.map((d) => {
      if (d.base !== (nested ? 'element' : 'root')) return refuse(nested ? 'a nested foreach list that is not read from the outer element' : 'a foreach list that is not read from request.object');
      const outer: string[] = [];
      const inner: Scope = { ctx: { ...ctx, element: d.frame }, guarded: new Set(), outer, clock };
      const pre = e['preconditions'] === undefined ? T : conditionsB(e['preconditions'], inner, [...at, 'preconditions']);
      const body = and([pre, fails(d, inner)]);
      return caseSplit(body, outer, (b) => quant('any', d.domain, b));
    }));
  }));
}
