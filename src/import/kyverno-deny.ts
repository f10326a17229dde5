/**
 * Kyverno `deny.conditions` to secpol predicates, for keys that read the request's object: a field of the object,
 * or a JMESPath projection over the containers (`spec.[ephemeralContainers, initContainers, containers][].…`).
 * Checked against the Kyverno docs, "Conditions" and "Operators" (AnyIn, AllIn, AnyNotIn, AllNotIn, Equals,
 * ranges such as `5000-6000`: https://kyverno.io/docs/writing-policies/preconditions/#operators), and the JMESPath
 * specification (a projection leaves out null results; `[]` flattens one level: https://jmespath.org/specification.html).
 */
import type { FieldSchema } from '../check/fields/index.js';
import { containerSchema, volumeSchema } from '../check/fields/index.js';
import { no, ok, type Pred, type Translation, type YamlPathStep } from './model.js';
import { and, literal, not, or, pathText, quantified, test } from './text.js';
import { fieldType } from './kinds.js';
import { conditionsPredicate as booleanConditions, isBooleanCondition } from './kyverno-conditions.js';

type Op = 'AnyIn' | 'AnyNotIn' | 'AllIn' | 'AllNotIn' | 'Equals';

/** One condition block (`all`, `any`, or the legacy list) as a predicate that holds when Kyverno's conditions do. */
export function conditionsPredicate(block: unknown, schema: FieldSchema, pods: boolean, at: readonly YamlPathStep[]): Translation<Pred> {
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (Array.isArray(block)) return list(block, 'all', schema, pods, at);
  if (!isMap(block)) return no('conditions that are not a list or an any/all map', at);
  const extra = Object.keys(block).filter((k) => k !== 'any' && k !== 'all');
  if (extra.length) return no(`the condition block key ${extra[0]}`, [...at, extra[0]!]);
  const parts: Pred[] = [];
  for (const mode of ['any', 'all'] as const) {
    if (block[mode] === undefined) continue;
    if (!Array.isArray(block[mode])) return no(`${mode} conditions that are not a list`, [...at, mode]);
    const r = list(block[mode] as unknown[], mode, schema, pods, [...at, mode]);
    if (!r.ok) return r;
    parts.push(r.value);
  }
  if (parts.length === 0) return no('an empty condition block', at);
  return ok(and(parts));
}

function list(conditions: readonly unknown[], mode: 'any' | 'all', schema: FieldSchema, pods: boolean, at: readonly YamlPathStep[]): Translation<Pred> {
  if (conditions.length === 0) return no(`an empty ${mode} list`, at);
  const preds: Pred[] = [];
  for (const [i, c] of conditions.entries()) {
    const r = condition(c, schema, pods, [...at, i]);
    if (!r.ok) return r;
    preds.push(r.value);
  }
  return ok(mode === 'all' ? and(preds) : or(preds));
}

const CONTAINER_LISTS = /^request\.object\.spec\.\[\s*(\w+)\s*,\s*(\w+)\s*,\s*(\w+)\s*\]\[\]\.(.+)$/;
const ONE_LIST = /^request\.object\.spec\.(containers|initContainers|ephemeralContainers)\[\]\.(.+)$/;
const OBJECT_FIELD = /^request\.object\.([A-Za-z0-9_.]+)$/;

function condition(c: unknown, schema: FieldSchema, pods: boolean, at: readonly YamlPathStep[]): Translation<Pred> {
  if (isBooleanCondition(c)) {
    const b = booleanConditions([c], { root: { schema, level: pods ? 'pod' : 'other' }, podView: pods, at: [...at, 'key'] });
    if (!b.ok) return b;
    if (b.value.exception) return no('a condition on the clock beside other conditions (it is an exception only when it is the whole deny block)', [...at, 'key']);
    const v = b.value.pred;
    return v === true ? ok({ kind: 'true' }) : v === false ? no('a condition that never holds', [...at, 'key']) : ok(v);
  }
  const o = c as { key?: unknown; operator?: unknown; value?: unknown } | null;
  if (!o || typeof o.key !== 'string') return no('a condition without a string key', at);
  const op = o.operator;
  if (op !== 'AnyIn' && op !== 'AnyNotIn' && op !== 'AllIn' && op !== 'AllNotIn' && op !== 'Equals') return no(`the operator ${JSON.stringify(op)}`, [...at, 'operator']);
  const m = /^\{\{\s*(.+?)\s*\}\}$/.exec(o.key.trim());
  if (!m) return no('a key that is not one {{ }} expression', [...at, 'key']);
  const expr = m[1]!;
  const lists = CONTAINER_LISTS.exec(expr);
  const one = ONE_LIST.exec(expr);
  if (pods && (lists || one)) {
    let domain: string;
    let rest: string;
    if (lists) {
      const names = [lists[1], lists[2], lists[3]].sort().join(',');
      if (names !== 'containers,ephemeralContainers,initContainers') return no(`the container lists ${names}`, [...at, 'key']);
      domain = 'container';
      rest = lists[4]!;
    } else {
      domain = { containers: 'app container', initContainers: 'init container', ephemeralContainers: 'ephemeral container' }[one![1]!]!;
      rest = one![2]!;
    }
    return projection(domain, rest, containerSchema, op, o.value, [...at, 'key']);
  }
  if (pods && VOLUME_KEYS.test(expr)) return volumeKeys(op, o.value, [...at, 'key']);
  const field = OBJECT_FIELD.exec(expr);
  if (field) {
    // Kyverno reports a field missing from a plain path as an error (docs/engines/kyverno.md, "Variables"), which
    // blocks even in Audit: no secpol test has that reading. Set operators also match the key's own wildcards.
    return no(`the key {{ ${expr} }}, which Kyverno reports as an error when the field is missing (compare [${expr}][0] or ${expr} || '' with Equals, NotEquals or an ordering operator)`, [...at, 'key']);
  }
  return no(`the JMESPath expression ${JSON.stringify(expr)}`, [...at, 'key']);
}

const VOLUME_KEYS = /^request\.object\.spec\.volumes\[\]\.keys\(@\)\[\]\s*\|\|\s*''$/;

/**
 * `{{ request.object.spec.volumes[].keys(@)[] || '' }}` AnyNotIn [name, V…, '']: the keys of every volume, flattened,
 * or '' when there is no volume. A list key holds AnyNotIn when one of its elements is in no value (anynotin.go); the
 * keys are the API's field names (no wildcard), and an admitted volume has a key only for a field that is set. So the
 * condition holds when some volume sets a field other than `name` and the V: a source secpol's Volume schema lists,
 * which is every source of core/v1 Volume. Without '' among the values a pod without volumes would fail (its key '').
 */
function volumeKeys(op: Op, value: unknown, at: readonly YamlPathStep[]): Translation<Pred> {
  if (op !== 'AnyNotIn') return no(`${op} on the keys of the volumes`, at);
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string' && !/[*?]/.test(v))) return no('a value that is not a list of strings without wildcards, against the keys of the volumes', at);
  if (!value.includes('')) return no("the keys of the volumes without '' among the values (a pod without volumes then fails)", at);
  const sources = Object.keys(volumeSchema.fields ?? {}).filter((f) => f !== 'name' && !value.includes(f)).sort();
  if (sources.length === 0) return no('a condition on the keys of the volumes that never holds (every source allowed)', at);
  return ok(quantified('any', 'volume', or(sources.map((f) => test(`${f} exists`)))));
}

/**
 * A projection `<domain>[].a.b[].c[]` is the multiset of values reached from every element; the set operators
 * ask whether any (or every) one of them is in the value list. An element without the field adds nothing.
 */
function projection(domain: string, rest: string, element: FieldSchema, op: Op, value: unknown, at: readonly YamlPathStep[]): Translation<Pred> {
  const steps = rest.split('.');
  const segments: { path: string[]; flatten: boolean }[] = [];
  let current: string[] = [];
  for (const s of steps) {
    const flat = s.endsWith('[]');
    const name = flat ? s.slice(0, -2) : s;
    if (!/^[A-Za-z0-9_]+$/.test(name)) return no(`the projection step ${JSON.stringify(s)}`, at);
    current.push(name);
    if (flat) {
      segments.push({ path: current, flatten: true });
      current = [];
    }
  }
  if (current.length) segments.push({ path: current, flatten: false });
  if (op === 'Equals') return no('Equals on a projection (a list)', at);
  return leafOver(domain, segments, element, op, value, at);
}

function leafOver(domain: string, segments: readonly { path: string[]; flatten: boolean }[], schema: FieldSchema, op: Op, value: unknown, at: readonly YamlPathStep[]): Translation<Pred> {
  const [first, ...more] = segments;
  if (!first) return no('an empty projection', at);
  const s = fieldType(schema, first.path);
  if (!s) return no(`the field ${first.path.join('.')}, which secpol does not know`, at);
  const p = pathText(first.path);
  const any = op === 'AnyIn' || op === 'AnyNotIn';
  const member = op === 'AnyIn' || op === 'AllIn';
  if (more.length) {
    if (!first.flatten || s.type !== 'object-list' || !s.element) return no(`the projection through ${first.path.join('.')}, a ${s.type}`, at);
    const inner = first.path.join('.') === 'ports' ? 'port' : first.path.join('.') === 'env' ? 'env' : `item in ${p}`;
    const body = leafOver(inner, more, s.element, op, value, at);
    if (!body.ok) return body;
    return ok(quantified(any ? 'any' : 'every', domain, body.value));
  }
  // The last step: a list of strings flattened with [], or one scalar per element.
  if (first.flatten && s.type === 'string-list') {
    const values = valueList(value, { type: 'string' });
    if (!values.ok) return values;
    const v = `[${values.value.join(', ')}]`;
    const holds = op === 'AnyIn' ? test(`${p} contains any of ${v}`) : op === 'AllNotIn' ? test(`${p} contains none of ${v}`) : op === 'AllIn' ? test(`${p} contains only ${v}`) : not(test(`${p} contains only ${v}`));
    return ok(quantified(any ? 'any' : 'every', domain, holds));
  }
  if (first.flatten) return no(`[] after ${first.path.join('.')}, a ${s.type}`, at);
  if (s.type !== 'string' && s.type !== 'integer' && s.type !== 'number' && s.type !== 'boolean') return no(`a set operator on ${first.path.join('.')}, a ${s.type}`, at);
  let inSet: Pred;
  let outSet: Pred;
  const range = typeof value === 'string' ? /^(\d+)-(\d+)$/.exec(value) : null;
  if (range && (s.type === 'integer' || s.type === 'number')) {
    inSet = and([test(`${p} >= ${range[1]}`), test(`${p} <= ${range[2]}`)]);
    outSet = or([test(`${p} < ${range[1]}`), test(`${p} > ${range[2]}`)]);
  } else {
    const values = valueList(value, s);
    if (!values.ok) return values;
    inSet = test(`${p} in [${values.value.join(', ')}]`);
    outSet = test(`${p} not in [${values.value.join(', ')}]`);
  }
  // Any: some element reaches a value (in / not in the set); All: every element that reaches one (absent: nothing).
  if (any) return ok(quantified('any', domain, member ? inSet : outSet));
  return ok(quantified('every', domain, or([test(`${p} is absent`), member ? inSet : outSet])));
}

/** The value list as secpol literals of the field's type; wildcards are refused (Kyverno matches them both ways). */
function valueList(value: unknown, schema: FieldSchema): Translation<string[]> {
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) return no('an empty value list');
  const out: string[] = [];
  for (const v of items) {
    if (typeof v === 'string') {
      if (/[*?]/.test(v)) return no(`the wildcard value ${JSON.stringify(v)} (Kyverno matches wildcards on both sides)`);
      if (schema.type === 'integer' || schema.type === 'number') {
        if (!/^-?\d+$/.test(v)) return no(`the value ${JSON.stringify(v)} for a number`);
        out.push(v);
      } else if (schema.type === 'boolean') {
        if (v !== 'true' && v !== 'false') return no(`the value ${JSON.stringify(v)} for a boolean`);
        out.push(v);
      } else out.push(literal(v));
    } else if (typeof v === 'number' && Number.isInteger(v) && (schema.type === 'integer' || schema.type === 'number')) out.push(String(v));
    else if (typeof v === 'boolean' && schema.type === 'boolean') out.push(String(v));
    else return no(`the value ${JSON.stringify(v)} for a ${schema.type}`);
  }
  return ok(out);
}
