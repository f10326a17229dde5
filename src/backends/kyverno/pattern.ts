import type { FieldTest, FieldType, Predicate, Quantified, Rule, Scalar, Subject, Test } from '../../ir/index.js';
import type { Json } from './scope.js';
import { typedElementList } from './predicate.js';

/**
 * Rules as Kyverno validate `pattern` / `anyPattern` overlays with anchors (issue 16 item 1), the form the
 * kyverno/policies library writes field requirements in (disallow-privileged-containers, disallow-host-namespaces,
 * require-run-as-nonroot). A rule gets a pattern only when the pattern means exactly what the rule means on every
 * object the API server admits; every other rule keeps its `foreach` or `deny` (view.ts). The shapes and why they
 * are exact: docs/backends/kyverno.md, "Patterns".
 *
 * What the pattern semantics gives (Kyverno pkg/engine/validate/validate.go, pkg/engine/pattern/pattern.go,
 * pkg/engine/anchor): a plain key must be present and match; `=(k)` checks k only when present; `X(k)` fails when k
 * is present; a map in a list applies to every element, an empty list passes; a boolean leaf matches only that
 * boolean; an integer leaf matches that integer (and, by coercion, a numeric string, which no admitted integer field
 * holds); a string leaf is read for `|`, `&`, `!`, `>`/`<` prefixes, `a-b` ranges, quantities, durations and `*`/`?`
 * wildcards, so a policy literal is only written as a leaf when it has none of those meanings (`safeLiteral`).
 * A missing value compares as 0 in `<`/`>` leaves, so those are only written where absence cannot reach them.
 */

export type PatternForm = { readonly kind: 'pattern'; readonly pattern: JsonMap } | { readonly kind: 'anyPattern'; readonly patterns: readonly JsonMap[] };

type JsonMap = { [key: string]: Json };

/** API groups whose kinds the API server validates (admitted objects have typed fields); CRDs are not among them. */
const BUILT_IN_GROUPS = new Set(['', 'apps', 'batch', 'policy', 'rbac.authorization.k8s.io', 'networking.k8s.io']);

/**
 * A literal a Kyverno pattern leaf reads as itself: starts with a letter (no quantity, duration, range or operator
 * prefix), no wildcard, `|`, `&`, `!`, `<`, `>`, space, `{{` or `$(`, and no `request.` (autogen rewrites
 * `request.object.spec` and `request.object.metadata` in every string of a rule, keys included).
 */
export function safeLiteral(v: string): boolean {
  return /^[A-Za-z][A-Za-z0-9._/:@+-]*$/.test(v) && !v.includes('request.');
}

/** A pattern key: no anchor parentheses, wildcard or variable can be read into it. */
function safeKey(k: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(k) && !k.includes('request.');
}

const isMap = (v: Json | undefined): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);

const ANCHORED = /^=\((.*)\)$/;

/** Merges two patterns that must both hold; undefined when they set one leaf differently. */
function merge(a: JsonMap, b: JsonMap): JsonMap | undefined {
  const out: JsonMap = { ...a };
  for (const [rawKey, value] of Object.entries(b)) {
    // `=(k)` next to a plain `k`: the plain key already requires k, so the anchored part goes under it.
    const bare = ANCHORED.exec(rawKey)?.[1];
    let key = rawKey;
    if (bare !== undefined && Object.hasOwn(out, bare) && isMap(out[bare]) && isMap(value)) key = bare;
    else if (bare === undefined && Object.hasOwn(out, `=(${rawKey})`) && isMap(out[`=(${rawKey})`]) && isMap(value)) {
      const anchored = out[`=(${rawKey})`] as JsonMap;
      delete out[`=(${rawKey})`];
      out[rawKey] = anchored;
    }
    const existing = out[key];
    if (existing === undefined) {
      out[key] = value;
      continue;
    }
    if (isMap(existing) && isMap(value)) {
      const m = merge(existing, value);
      if (!m) return undefined;
      out[key] = m;
    } else if (Array.isArray(existing) && Array.isArray(value) && isMap(existing[0]) && isMap(value[0]) && existing.length === 1 && value.length === 1) {
      const m = merge(existing[0], value[0]);
      if (!m) return undefined;
      out[key] = [m];
    } else if (JSON.stringify(existing) !== JSON.stringify(value)) return undefined;
  }
  return out;
}

function mergeAll(parts: readonly (JsonMap | undefined)[]): JsonMap | undefined {
  let out: JsonMap = {};
  for (const p of parts) {
    if (!p) return undefined;
    const m = merge(out, p);
    if (!m) return undefined;
    out = m;
  }
  return out;
}

/** `{a: {b: leaf}}` with each key written by `key` (plain, or `=()` anchored). */
function nest(path: readonly string[], leafKey: string, leaf: Json, key: (k: string) => string): JsonMap | undefined {
  if (path.length === 0 || !path.every(safeKey)) return undefined;
  let out: JsonMap = { [leafKey]: leaf };
  for (let i = path.length - 2; i >= 0; i--) out = { [key(path[i]!)]: out };
  return out;
}

const plain = (k: string): string => k;
const equality = (k: string): string => `=(${k})`;

type Leaf = { readonly kind: 'value'; readonly value: Json } | { readonly kind: 'absent' };

function stringValues(values: readonly Scalar[]): string[] | undefined {
  const out = values.filter((v): v is string => typeof v === 'string' && safeLiteral(v));
  return out.length === values.length && out.length > 0 ? out : undefined;
}

/** A non-negative integer bound, written as Kyverno compares it (a quantity). */
function bound(type: FieldType, n: number): string | undefined {
  return type === 'integer' && Number.isSafeInteger(n) && n >= 0 ? String(n) : undefined;
}

/** The leaf a PRESENT value matches exactly when the test holds (the key is then plain: absence fails it). */
function holdsLeaf(test: Test, type: FieldType): Leaf | undefined {
  const value = (v: Json | undefined): Leaf | undefined => (v === undefined ? undefined : { kind: 'value', value: v });
  switch (test.op) {
    case 'eq':
      if (type === 'boolean' && typeof test.value === 'boolean') return value(test.value);
      if (type === 'integer' && typeof test.value === 'number' && Number.isSafeInteger(test.value)) return value(test.value);
      return type === 'string' && typeof test.value === 'string' && safeLiteral(test.value) ? value(test.value) : undefined;
    case 'ne':
      if (type === 'boolean' && typeof test.value === 'boolean') return value(!test.value);
      return type === 'string' && typeof test.value === 'string' && safeLiteral(test.value) ? value(`!${test.value}`) : undefined;
    case 'in': {
      // One value only: Kyverno first compares the whole leaf with the value, so a value that is literally "a | b"
      // would match the alternatives `a | b` (a `!a & !b` leaf has no such value: it cannot be a safe literal).
      const values = type === 'string' ? stringValues(test.values) : undefined;
      return values?.length === 1 ? value(values[0]!) : undefined;
    }
    case 'not-in': {
      const values = type === 'string' ? stringValues(test.values) : undefined;
      return values && value(values.map((v) => `!${v}`).join(' & '));
    }
    case 'exists':
      // The plain key's `*` is Kyverno's "present and not null" (the default handler), whatever the type.
      return value('*');
    case 'not-empty':
      return type === 'string' ? value('?*') : undefined;
    case 'gt': {
      // An absent value compares as 0: `> n` with n >= 0 fails on it, as the test does.
      const n = bound(type, test.value);
      return n === undefined ? undefined : value(`>${n}`);
    }
    case 'ge': {
      const n = test.value >= 1 ? bound(type, test.value) : undefined;
      return n === undefined ? undefined : value(`>=${n}`);
    }
    default:
      return undefined;
  }
}

/** The leaf a PRESENT value matches exactly when the test fails (the keys are then `=()`: absence passes). */
function failsLeaf(test: Test, type: FieldType): Leaf | undefined {
  const value = (v: Json | undefined): Leaf | undefined => (v === undefined ? undefined : { kind: 'value', value: v });
  switch (test.op) {
    case 'eq':
      if (type === 'boolean' && typeof test.value === 'boolean') return value(!test.value);
      if (type === 'integer' && typeof test.value === 'number') return value(bound(type, test.value) && `!${test.value}`);
      return type === 'string' && typeof test.value === 'string' && safeLiteral(test.value) ? value(`!${test.value}`) : undefined;
    case 'ne':
      if (type === 'boolean' && typeof test.value === 'boolean') return value(test.value);
      if (type === 'integer' && typeof test.value === 'number') return value(bound(type, test.value) && test.value);
      return type === 'string' && typeof test.value === 'string' && safeLiteral(test.value) ? value(test.value) : undefined;
    case 'in': {
      const values = type === 'string' ? stringValues(test.values) : undefined;
      return values && value(values.map((v) => `!${v}`).join(' & '));
    }
    case 'not-in': {
      const values = type === 'string' ? stringValues(test.values) : undefined;
      return values?.length === 1 ? value(values[0]!) : undefined;
    }
    case 'exists':
      return { kind: 'absent' };
    case 'not-empty':
      return type === 'string' ? value('') : undefined;
    case 'gt':
      return value(bound(type, test.value) && `<=${test.value}`);
    case 'ge':
      return value(bound(type, test.value) && `<${test.value}`);
    case 'lt':
      return value(bound(type, test.value) && `>=${test.value}`);
    case 'le':
      return value(bound(type, test.value) && `>${test.value}`);
    default:
      return undefined;
  }
}

/** One test on a field, required to hold (`holds`) or to fail. */
function atom(t: FieldTest, holds: boolean): JsonMap | undefined {
  if (t.subject.kind !== 'field') return undefined;
  const path = t.subject.path;
  const type = t.subject.type;
  // The IR's duals: `is absent` is `not exists`, `is empty` is `not (is not empty)`.
  if (t.test.op === 'absent') return atom({ ...t, test: { op: 'exists' } }, !holds);
  if (t.test.op === 'empty') return atom({ ...t, test: { op: 'not-empty' } }, !holds);
  if (type !== 'boolean' && type !== 'integer' && type !== 'string' && t.test.op !== 'exists') return undefined;
  const last = path[path.length - 1];
  if (last === undefined) return undefined;
  if (holds) {
    const leaf = holdsLeaf(t.test, type);
    return leaf?.kind === 'value' ? nest(path, last, leaf.value, plain) : undefined;
  }
  const leaf = failsLeaf(t.test, type);
  if (!leaf) return undefined;
  // `X(k)` fails when k is present, whatever the value; "null" is a string, as the library writes it (a YAML null
  // would be pruned by the API server from the stored policy).
  if (leaf.kind === 'absent') return nest(path, `X(${last})`, 'null', equality);
  return nest(path, `=(${last})`, leaf.value, equality);
}

/**
 * A requirement on every element of a domain: each hop of each chain is a `=()` anchored list holding one map,
 * which Kyverno applies to every element (an absent or empty list passes, as `every` does on no elements).
 */
function everyElement(q: Quantified, body: JsonMap): JsonMap | undefined {
  const parts: JsonMap[] = [];
  for (const chain of q.domain.chains) {
    let inner: Json = body;
    for (let i = chain.length - 1; i >= 0; i--) {
      const hop = chain[i]!;
      const last = hop[hop.length - 1];
      if (last === undefined) return undefined;
      const nested = nest(hop, `=(${last})`, [inner], equality);
      if (!nested) return undefined;
      inner = nested;
    }
    parts.push(inner as JsonMap);
  }
  return mergeAll(parts);
}

/** The predicate required to hold (`holds`) or to fail, as a pattern over the scope's object; undefined if none is exact. */
function requirement(p: Predicate, holds: boolean): JsonMap | undefined {
  switch (p.kind) {
    case 'and':
      return holds ? mergeAll(p.operands.map((o) => requirement(o, true))) : undefined;
    case 'or':
      return holds ? undefined : mergeAll(p.operands.map((o) => requirement(o, false)));
    case 'not':
      return requirement(p.operand, !holds);
    case 'test':
      return atom(p, holds);
    case 'quantified': {
      // Only "every element satisfies B" has a pattern: `every` holding, `no` holding, `any` failing.
      const bodyHolds = p.quantifier === 'every' ? (holds ? true : undefined) : p.quantifier === 'no' ? (holds ? false : undefined) : holds ? undefined : false;
      if (bodyHolds === undefined) return undefined;
      const body = requirement(p.body, bodyHolds);
      return body && everyElement(p, body);
    }
    default:
      return undefined;
  }
}

/**
 * `require every container has effective F = v`: the container's own F when set, else the pod's. Exactly the pods
 * where either the pod sets F = v and no container sets F to anything else, or every container sets F = v: two
 * patterns, Kyverno's `anyPattern` (the shape of the library's require-run-as-nonroot).
 */
function effectiveEquality(q: Quantified, holds: boolean): JsonMap[] | undefined {
  const body = q.body;
  if (!holds || q.quantifier !== 'every' || body.kind !== 'test' || body.subject.kind !== 'effective' || body.test.op !== 'eq') return undefined;
  const { containerPath, podPath, type } = body.subject;
  const leaf = holdsLeaf(body.test, type);
  const last = containerPath[containerPath.length - 1];
  const podLast = podPath[podPath.length - 1];
  if (leaf?.kind !== 'value' || last === undefined || podLast === undefined) return undefined;
  const own = nest(containerPath, last, leaf.value, plain);
  const ownOrUnset = nest(containerPath, `=(${last})`, leaf.value, equality);
  const pod = nest(podPath, podLast, leaf.value, plain);
  if (!own || !ownOrUnset || !pod) return undefined;
  const podSet = mergeAll([pod, everyElement(q, ownOrUnset)]);
  const everyOwn = everyElement(q, own);
  return podSet && everyOwn ? [podSet, everyOwn] : undefined;
}

/** Pod rules read the pod view under `spec` only (autogen nests the pattern under the controller's template). */
function podViewOnly(pattern: JsonMap): boolean {
  return Object.keys(pattern).every((k) => k === 'spec' || k === '=(spec)');
}

/** `spec`, which every admitted pod and pod template has, is written as the plain key the library uses. */
function plainSpec(pattern: JsonMap): JsonMap {
  const anchored = pattern['=(spec)'];
  if (!isMap(anchored)) return pattern;
  const { ['=(spec)']: _drop, ...rest } = pattern;
  const spec = isMap(rest['spec']) ? merge(rest['spec'], anchored) : anchored;
  return spec ? { ...rest, spec } : pattern;
}

/** The leaf keys of a pattern (anchors included), for the negation rule below. */
function leafKeys(pattern: Json, out: string[] = []): string[] {
  if (Array.isArray(pattern)) for (const p of pattern) leafKeys(p, out);
  else if (isMap(pattern)) {
    for (const [k, v] of Object.entries(pattern)) {
      if (isMap(v) || Array.isArray(v)) leafKeys(v, out);
      else out.push(k);
    }
  }
  return out;
}

/**
 * A failing pattern with an `X()` (or conditional/existence) anchor key that never occurred in the resource is an
 * `error`, not a `fail` (MatchPattern's missing-anchor rule), and an error blocks whatever the failure action. A
 * negation anchor is therefore only written in a pattern whose every leaf is one: then any failure is the negation's.
 */
function negationsAlone(pattern: Json): boolean {
  const leaves = leafKeys(pattern);
  return !leaves.some((k) => k.startsWith('X(')) || leaves.every((k) => k.startsWith('X('));
}

/**
 * The rule as a pattern, when one is exact on admitted objects: subjects of built-in kinds (pods, or kinds of the
 * core and built-in API groups), no image exception (a pattern cannot skip a container by its image) and a policy
 * that judges only CREATE and UPDATE (Kyverno does not run patterns on DELETE).
 */
export function patternForm(rule: Rule, subjects: readonly Subject[], context: { readonly imageExceptions: boolean; readonly operations: readonly string[] }): PatternForm | undefined {
  if (context.imageExceptions || !context.operations.every((o) => o === 'CREATE' || o === 'UPDATE')) return undefined;
  if (subjects.length === 0 || !subjects.every((s) => s.kind === 'pods' || BUILT_IN_GROUPS.has(s.group))) return undefined;
  const pods = subjects.some((s) => s.kind === 'pods');
  const holds = rule.effect === 'require';
  const p = rule.predicate;
  if (pods && p.kind === 'quantified' && p.domain.kind === 'container') {
    const patterns = effectiveEquality(p, holds);
    if (patterns) return patterns.every(podViewOnly) ? { kind: 'anyPattern', patterns: patterns.map(plainSpec) } : undefined;
  }
  const pattern = requirement(p, holds);
  if (!pattern || Object.keys(pattern).length === 0 || !negationsAlone(pattern)) return undefined;
  if (pods) return podViewOnly(pattern) ? { kind: 'pattern', pattern: plainSpec(pattern) } : undefined;
  return { kind: 'pattern', pattern };
}

/** A `foreach` over the elements of a domain, each checked against one pattern (elementPattern). */
export interface ElementPattern {
  /** The JMESPath list, as the kyverno/policies library writes it: `request.object.spec.[containers, …][]`. */
  readonly list: string;
  readonly pattern: JsonMap;
}

/**
 * A rule on every element of a list the API server types (every container, every volume…), when its message names
 * the offending element: Kyverno's `foreach` over the elements with a per-element `pattern`. Kyverno validates the
 * pattern against each element in turn and builds a failure's message from the context that holds the failing one as
 * `element` (pkg/engine/handlers/validation/validate_resource.go: validateElements → newForEachValidator →
 * buildErrorMessage), so the message can name it; a top-level pattern cannot. Exact on admitted objects for the same
 * reasons as patternForm, with two more: the list's elements are objects (`apiTyped`, so each is the pattern's scope
 * and none is null), and an element's pattern can only `fail`, never `error` (negationsAlone; a map is the root):
 * Kyverno ignores an error on any element but the last.
 */
export function elementPattern(rule: Rule, subjects: readonly Subject[], context: { readonly operations: readonly string[]; readonly root: string }): ElementPattern | undefined {
  if (!context.operations.every((o) => o === 'CREATE' || o === 'UPDATE')) return undefined;
  if (subjects.length === 0 || !subjects.every((s) => s.kind === 'pods' || BUILT_IN_GROUPS.has(s.group))) return undefined;
  const p = rule.predicate;
  if (p.kind !== 'quantified' || !p.domain.apiTyped) return undefined;
  // The value of the body that makes an element fail the rule, as decisiveValue in view.ts.
  const failing = rule.effect === 'forbid' ? (p.quantifier === 'any' ? true : undefined) : p.quantifier === 'every' ? false : p.quantifier === 'no' ? true : undefined;
  if (failing === undefined) return undefined;
  const list = typedElementList(p.domain, context.root);
  if (list === undefined) return undefined;
  const pattern = requirement(p.body, !failing);
  if (!pattern || Object.keys(pattern).length === 0 || !negationsAlone(pattern)) return undefined;
  return { list, pattern };
}
