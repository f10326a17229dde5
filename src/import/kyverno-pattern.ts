/**
 * Kyverno validate `pattern`s to secpol predicates. Checked against the Kyverno docs, "Validate Rules" (patterns,
 * anchors, operators, wildcards: https://kyverno.io/docs/writing-policies/validate/#patterns) and
 * pkg/engine/validate/validate.go (how a missing key and an empty list are judged). Only shapes whose meaning is
 * plain on every object the API server admits are translated; conditional `(k)`, global `<(k)` and wildcard keys
 * are refused with the reason, never approximated.
 */
import type { FieldSchema } from '../check/fields/index.js';
import { no, ok, type Pred, type Translation, type YamlPathStep } from './model.js';
import { and, literal, not, or, pathText, quantified, test, TRUE } from './text.js';
import { fieldType } from './kinds.js';

export type Level = 'pod' | 'container' | 'other';

interface Scope {
  readonly schema: FieldSchema;
  readonly level: Level;
  /** The YAML path of the pattern node, for diagnostics. */
  readonly at: readonly YamlPathStep[];
  /** The map is one list element's pattern, where a failed conditional anchor skips the element. */
  readonly element?: boolean;
}

/** A translated sub-pattern and whether it holds when the object it is read from is missing. */
interface Part {
  readonly pred: Pred;
  readonly vacuous: boolean;
  /** A list below holds conditional anchors: when none of its elements meets them, Kyverno skips the whole rule. */
  readonly skips?: boolean;
}

const ANCHOR = /^([<=X^+]?)\((.+)\)$/;

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The whole pattern (the root of the resource) as one predicate. */
export function patternPredicate(pattern: unknown, schema: FieldSchema, pods: boolean, at: readonly YamlPathStep[], level?: Level): Translation<Pred> {
  if (!isMap(pattern)) return no('a pattern that is not a map', at);
  const r = mapPart(pattern, [], { schema, level: level ?? (pods ? 'pod' : 'other'), at });
  return r.ok ? ok(r.value.pred) : r;
}

function domainOf(scope: Scope, path: readonly string[]): { domain: string; level: Level } {
  const key = path.join('.');
  if (scope.level === 'pod') {
    const named: Record<string, [string, Level]> = { 'spec.containers': ['app container', 'container'], 'spec.initContainers': ['init container', 'container'], 'spec.ephemeralContainers': ['ephemeral container', 'container'], 'spec.volumes': ['volume', 'other'] };
    const n = named[key];
    if (n) return { domain: n[0], level: n[1] };
  }
  if (scope.level === 'container' && (key === 'ports' || key === 'env')) return { domain: key === 'ports' ? 'port' : 'env', level: 'other' };
  return { domain: `item in ${pathText(path)}`, level: 'other' };
}

function mapPart(pattern: Record<string, unknown>, prefix: readonly string[], scope: Scope): Translation<Part> {
  const conditional = Object.keys(pattern).filter((k) => ANCHOR.exec(k.trim())?.[1] === '').sort();
  if (conditional.length && scope.element && prefix.length === 0) return elementWithConditions(pattern, conditional, scope);
  return plainMapPart(pattern, prefix, scope);
}

/**
 * A list element's map with conditional anchors `(k): scalar`: Kyverno checks anchors first, so an element whose
 * conditions do not all hold is skipped (and a list whose elements are all skipped skips the rule: no violation);
 * the other keys are checked only for the elements that meet them. Refused when the map also holds other anchors
 * or nested conditional anchors, whose order of evaluation would decide between skip and fail.
 */
function elementWithConditions(pattern: Record<string, unknown>, conditional: readonly string[], scope: Scope): Translation<Part> {
  const rest: Record<string, unknown> = {};
  for (const k of Object.keys(pattern)) {
    if (conditional.includes(k)) continue;
    if (ANCHOR.test(k.trim())) return no(`the anchor ${k} beside a conditional anchor in one list element`, [...scope.at, k]);
    if (JSON.stringify(pattern[k]).match(/"\(/)) return no(`a conditional anchor nested below ${k}, beside one in its list element`, [...scope.at, k]);
    rest[k] = pattern[k];
  }
  const conditions: Pred[] = [];
  for (const rawKey of conditional) {
    const at = [...scope.at, rawKey];
    const key = ANCHOR.exec(rawKey.trim())![2]!;
    const value = pattern[rawKey];
    if (isMap(value) || Array.isArray(value)) return no(`the conditional anchor (${key}) on a map or list`, at);
    if (/[*?]/.test(key)) return no(`the wildcard key ${JSON.stringify(key)} (secpol rules name each key)`, at);
    const schema = fieldType(scope.schema, [key]);
    if (!schema) return no(`the field ${key}, which secpol does not know`, at);
    const t = value === '*' ? ok(test(`${pathText([key])} exists`)) : scalarTest(pathText([key]), value, schema, at);
    if (!t.ok) return t;
    conditions.push(and([test(`${pathText([key])} exists`), t.value]));
  }
  const body = Object.keys(rest).length ? plainMapPart(rest, [], { ...scope, element: false }) : ok<Part>({ pred: TRUE, vacuous: true });
  if (!body.ok) return body;
  if (body.value.pred.kind === 'true') return ok({ pred: TRUE, vacuous: true });
  return ok({ pred: or([not(and(conditions)), body.value.pred]), vacuous: false, skips: true });
}

function plainMapPart(pattern: Record<string, unknown>, prefix: readonly string[], scope: Scope): Translation<Part> {
  const parts: Part[] = [];
  const keys = Object.keys(pattern).sort();
  for (const rawKey of keys) {
    const at = [...scope.at, rawKey];
    const m = ANCHOR.exec(rawKey.trim());
    const anchor = m ? m[1] ?? '' : undefined;
    const key = m ? m[2]! : rawKey;
    if (anchor === '') return no(`the conditional anchor (${key}), which skips the rule instead of failing it`, at);
    if (anchor === '<') return no(`the global anchor <(${key})`, at);
    if (anchor === '+') return no(`the add-if-not-present anchor +(${key}), which only mutate rules take`, at);
    if (/[*?]/.test(key)) return no(`the wildcard key ${JSON.stringify(key)} (secpol rules name each key)`, at);
    const path = [...prefix, key];
    const schema = fieldType(scope.schema, path);
    if (!schema) return no(`the field ${path.join('.')}, which secpol does not know`, at);
    const absent = test(`${pathText(path)} is absent`);
    if (anchor === 'X') {
      parts.push({ pred: absent, vacuous: true });
      continue;
    }
    const value = pattern[rawKey];
    if (anchor === undefined && typeof value === 'string' && /(^|[|&!<>])\s*[-+.\d]/.test(value)) {
      return no(`the numeric text pattern ${JSON.stringify(value)} on a key that may be missing (Kyverno reads a missing value as 0 there)`, at);
    }
    // `"*"`: the key is present with a non-null value (Kyverno docs, wildcards), whatever its type.
    if (value === '*' && (anchor === undefined || anchor === '=')) {
      parts.push(anchor === '=' ? { pred: TRUE, vacuous: true } : { pred: test(`${pathText(path)} exists`), vacuous: false });
      continue;
    }
    const inner = valuePart(value, path, schema, { ...scope, at });
    if (!inner.ok) return inner;
    if (anchor === '=') {
      // `=(k)`: checked only where the key is present; an absent key (or list) passes.
      parts.push({ pred: inner.value.vacuous ? inner.value.pred : or([absent, inner.value.pred]), vacuous: true, ...(inner.value.skips ? { skips: true } : {}) });
    } else if (anchor === '^') {
      return no(`the existence anchor ^(${key})`, at);
    } else if (value === '*') {
      parts.push({ pred: test(`${pathText(path)} exists`), vacuous: false });
    } else {
      // A plain key must be present: Kyverno compares a missing one as null, which no map or list pattern matches.
      // Every Pod the API server admits has metadata, spec and at least one container, so that is left unsaid there.
      const required = scope.level === 'pod' && ['metadata', 'spec', 'spec.containers'].includes(path.join('.'));
      const needsExists = !required && (inner.value.vacuous || isMap(value) || Array.isArray(value));
      parts.push({ pred: needsExists ? and([test(`${pathText(path)} exists`), inner.value.pred]) : inner.value.pred, vacuous: false, ...(inner.value.skips ? { skips: true } : {}) });
    }
  }
  // A list whose elements all miss their conditions skips the rule before or after its siblings are checked, by
  // Kyverno's key order: only a conditional list checked alone has one reading.
  const skips = parts.some((p) => p.skips);
  if (skips && keys.length > 1) return no('a list element with conditional anchors beside other checks (Kyverno skips the whole rule when no element meets them, whatever the others say)', scope.at);
  return ok(mergeContainerLists({ pred: and(parts.map((p) => p.pred)), vacuous: parts.every((p) => p.vacuous), ...(skips ? { skips: true } : {}) }));
}

/** One value of the pattern at `path` (map, list of one map, or scalar), as the test of that field when present. */
function valuePart(value: unknown, path: readonly string[], schema: FieldSchema, scope: Scope): Translation<Part> {
  if (isMap(value)) {
    if (schema.type !== 'object' && schema.type !== 'any' && schema.type !== 'string-map') return no(`a map pattern on ${path.join('.')}, which is a ${schema.type}`, scope.at);
    return mapPart(value, path, { ...scope, element: false });
  }
  if (Array.isArray(value)) {
    if (schema.type !== 'object-list' || !schema.element) return no(`a list pattern on ${path.join('.')}, which is a ${schema.type}`, scope.at);
    if (value.length !== 1 || !isMap(value[0])) return no('a list pattern other than one map (each element is then checked against that map)', scope.at);
    const d = domainOf(scope, path);
    const body = mapPart(value[0], [], { schema: schema.element, level: d.level, at: [...scope.at, 0], element: true });
    if (!body.ok) return body;
    // Every element must match; a missing list has none, so `every` is the `=(k)` reading, and a plain key adds `exists`.
    return ok({ pred: body.value.pred.kind === 'true' ? TRUE : quantified('every', d.domain, body.value.pred), vacuous: true, ...(body.value.skips ? { skips: true } : {}) });
  }
  const t = scalarTest(pathText(path), value, schema, scope.at);
  return t.ok ? ok({ pred: t.value, vacuous: false }) : t;
}

/** Kyverno scalar pattern operators (`|`, `&`, `!`, `<`, `>=`, ranges, wildcards) on one field, when they map exactly. */
export function scalarTest(path: string, value: unknown, schema: FieldSchema, at: readonly YamlPathStep[]): Translation<Pred> {
  const type = schema.type;
  if (typeof value === 'boolean') return type === 'boolean' ? ok(test(`${path} = ${value}`)) : no(`the boolean ${value} on ${path}, a ${type}`, at);
  if (typeof value === 'number') return type === 'integer' || type === 'number' ? ok(test(`${path} = ${value}`)) : no(`the number ${value} on ${path}, a ${type}`, at);
  if (typeof value !== 'string') return no(`the pattern value ${JSON.stringify(value)}`, at);
  const alternatives: Pred[] = [];
  for (const alt of value.split('|')) {
    const conj: Pred[] = [];
    for (const raw of alt.trim().split('&')) {
      const leaf = leafTest(path, raw.trim(), type, at);
      if (!leaf.ok) return leaf;
      conj.push(leaf.value);
    }
    alternatives.push(and(conj));
  }
  return ok(or(alternatives));
}

const NUMBER = /^-?\d+$/;
/** Operands Kyverno would read as a duration or quantity (compared by value, not as text) start with a digit, sign or dot. */
const TEXTUAL = /^[^-+.\d\s][^\s]*$/;

function leafTest(path: string, leaf: string, type: FieldSchema['type'], at: readonly YamlPathStep[]): Translation<Pred> {
  const op = ['>=', '<=', '>', '<', '!'].find((o) => leaf.length >= 2 && leaf.startsWith(o)) ?? '';
  const operand = leaf.slice(op.length).trim();
  const range = op === '' ? /^(\d+)(!?)-(\d+)$/.exec(leaf) : null;
  if (type === 'integer' || type === 'number') {
    if (range) {
      const [lo, hi] = [range[1]!, range[3]!];
      return ok(range[2] ? or([test(`${path} < ${lo}`), test(`${path} > ${hi}`)]) : and([test(`${path} >= ${lo}`), test(`${path} <= ${hi}`)]));
    }
    if (!NUMBER.test(operand)) return no(`the pattern ${JSON.stringify(leaf)} on the number ${path}`, at);
    return ok(test(`${path} ${op === '' ? '=' : op === '!' ? '!=' : op} ${operand}`));
  }
  if (type === 'boolean') {
    if ((op === '' || op === '!') && (operand === 'true' || operand === 'false')) return ok(test(`${path} ${op === '!' ? '!=' : '='} ${operand}`));
    return no(`the pattern ${JSON.stringify(leaf)} on the boolean ${path}`, at);
  }
  if (type === 'string') {
    if ((op !== '' && op !== '!') || !TEXTUAL.test(operand)) return no(`the pattern ${JSON.stringify(leaf)} on the string ${path} (Kyverno would compare it as a number, quantity or duration)`, at);
    const glob = /[*?]/.test(operand);
    if (op === '!') return ok(test(glob ? `${path} not matches ${literal(operand)}` : `${path} != ${literal(operand)}`));
    return ok(test(glob ? `${path} matches ${literal(operand)}` : `${path} = ${literal(operand)}`));
  }
  // A quantity reaches the pattern as the string the API server serialises (docs/engines/quantities.md); an operand
  // with no leading digit, sign or dot is a wildcard match on that text (pattern.go validateString), which is what
  // secpol's `matches` on a quantity means. Without a wildcard it would be text equality, which secpol leaves out.
  if (type === 'quantity' && (op === '' || op === '!') && TEXTUAL.test(operand) && /[*?]/.test(operand)) {
    return ok(test(`${path} ${op === '!' ? 'not matches' : 'matches'} ${literal(operand)}`));
  }
  return no(`the scalar pattern ${JSON.stringify(leaf)} on ${path}, ${type === 'any' ? 'a field secpol gives no type (a list of integers such as supplementalGroups has none)' : `a ${type}`}`, at);
}

/**
 * `every app container`, `every init container` and `every ephemeral container` with one body are `every
 * container` (the three lists, in that order): the shape Kyverno's Pod Security policies repeat.
 */
function mergeContainerLists(part: Part): Part {
  if (part.pred.kind !== 'and') return part;
  const ops = part.pred.operands;
  const find = (domain: string) => ops.findIndex((o) => o.kind === 'quantified' && o.quantifier === 'every' && o.domain === domain);
  const idx = ['app container', 'init container', 'ephemeral container'].map(find);
  if (idx.some((i) => i < 0)) return part;
  const bodies = idx.map((i) => JSON.stringify((ops[i] as Extract<Pred, { kind: 'quantified' }>).body));
  if (new Set(bodies).size !== 1) return part;
  const body = (ops[idx[0]!] as Extract<Pred, { kind: 'quantified' }>).body;
  const rest = ops.filter((_, i) => !idx.includes(i));
  return { ...part, pred: and([...rest, quantified('every', 'container', body)]) };
}
