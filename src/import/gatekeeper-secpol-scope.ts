/**
 * The scope of a policy lifted from secpol's Gatekeeper output (gatekeeper-secpol.ts): `applies to` from the view
 * rule a `violation` checks with `is_object(<view>)`, and `on`, namespaces and label selectors from the module's
 * `in_scope` rule and the Constraint's match (Gatekeeper docs, "the match field":
 * https://open-policy-agent.github.io/gatekeeper/website/docs/howto/#the-match-field).
 */
import type { Literal, Rule } from '../engines/rego/index.js';
import { Unliftable, constant, literalText, termText } from './gatekeeper-secpol-lift.js';
import { literal } from './text.js';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);
const fail = (what: string): never => {
  throw new Unliftable(what);
};

/** `pod_view` is the pods subject; a view rule `v := input.review.object if { apiVersion == A; kind == K } else := …` names its kinds. */
export function subjectsOf(view: string, rules: ReadonlyMap<string, readonly Rule[]>): string {
  if (view === 'pod_view') return 'applies to pods';
  const defs = rules.get(view);
  if (!defs || defs.length !== 1) return fail(`the object view ${view} (not one rule)`);
  const d = defs[0]!;
  const clauses = [{ value: d.value, body: d.body }, ...d.elses];
  const byVersion = new Map<string, string[]>();
  let pods = false;
  for (const cl of clauses) {
    if (cl.value && cl.value.kind === 'var' && cl.body.length === 1) {
      const a = cl.body[0]!.expr;
      if (a.kind === 'assign' && a.lhs.kind === 'var' && a.lhs.name === cl.value.name && a.rhs.kind === 'var' && a.rhs.name === 'pod_view') {
        pods = true;
        continue;
      }
    }
    if (!cl.value || termText(cl.value) !== 'input.review.object' || cl.body.length !== 2) return fail(`the object view ${view} (a clause that is not input.review.object of one apiVersion and kind)`);
    const eq = (l: Literal, field: string) => (l.expr.kind === 'term' && !l.negated && l.expr.term.kind === 'call' && l.expr.term.fn.join('.') === 'equal' && termText(l.expr.term.args[0]!) === `input.review.object.${field}` ? constant(l.expr.term.args[1]!) : undefined);
    const apiVersion = eq(cl.body[0]!, 'apiVersion');
    const k = eq(cl.body[1]!, 'kind');
    if (typeof apiVersion !== 'string' || typeof k !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(k)) return fail(`the object view ${view} (a clause that is not input.review.object of one apiVersion and kind)`);
    byVersion.set(apiVersion, [...(byVersion.get(apiVersion) ?? []), k]);
  }
  if (pods && byVersion.size) return fail(`the object view ${view} (pods together with other kinds)`);
  if (pods) return 'applies to pods';
  const parts = [...byVersion.entries()].map(([v, ks]) => `${literal(v)} ${ks.join(', ')}`);
  if (parts.length !== 1) return fail(`the object view ${view} (kinds of several apiVersions)`);
  return `applies to ${parts[0]}`;
}

/** A label key as the formatter writes it: bare when it is a plain word, else quoted (policy text stays data). */
const labelKey = (k: string) => (/^[A-Za-z_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?$/.test(k) ? k : literal(k));

/** The Constraint's match and the module's in_scope rule as scope lines. */
export function scopeLines(match: unknown, rules: ReadonlyMap<string, readonly Rule[]>): string[] {
  const m = match === undefined ? {} : match;
  if (!isMap(m)) return fail('the Constraint match that is not a map');
  const extra = Object.keys(m).filter((k) => !['kinds', 'namespaces', 'excludedNamespaces', 'labelSelector', 'namespaceSelector', 'scope'].includes(k));
  if (extra.length) return fail(`the Constraint match.${extra[0]} (not lifted)`);
  const lines: string[] = [];
  const scopeGuard = inScope(rules);
  lines.push(...scopeGuard.lines);
  for (const [key, word] of [['namespaces', 'in'], ['excludedNamespaces', 'except']] as const) {
    if (m[key] === undefined) continue;
    const ns = strings(m[key]);
    if (!ns || ns.some((n) => /[*?]/.test(n))) return fail(`the Constraint match.${key} that are not plain names`);
    if (ns.length) lines.push(`${word} namespaces ${ns.map((n) => literal(n)).join(', ')}`);
  }
  const namespaced = m['namespaces'] !== undefined || m['namespaceSelector'] !== undefined;
  if (m['scope'] !== undefined && !(m['scope'] === 'Namespaced' && namespaced) && m['scope'] !== '*') return fail(`the Constraint match.scope ${JSON.stringify(m['scope'])} (secpol scopes cluster-scoped objects out only with namespaces or namespace labels)`);
  // Labels tested by in_scope stand for the match's labelSelector (the Rego repeats it for UPDATE requests).
  if (m['labelSelector'] !== undefined && !scopeGuard.labels) lines.push(...selectorLines('labels', m['labelSelector']));
  if (m['namespaceSelector'] !== undefined) lines.push(...selectorLines('namespace labels', m['namespaceSelector']));
  return lines;
}

function selectorLines(what: string, sel: unknown): string[] {
  if (!isMap(sel)) return fail(`the Constraint ${what} selector that is not a map`);
  const tests: string[] = [];
  const labels = sel['matchLabels'];
  if (labels !== undefined) {
    if (!isMap(labels)) return fail(`a matchLabels that is not a map`);
    for (const [k, v] of Object.entries(labels)) tests.push(`${labelKey(k)} = ${literal(String(v))}`);
  }
  const exprs = sel['matchExpressions'];
  if (exprs !== undefined) {
    if (!Array.isArray(exprs)) return fail('a matchExpressions that is not a list');
    for (const e of exprs) {
      const key = isMap(e) && typeof e['key'] === 'string' ? e['key'] : fail('a matchExpressions entry without a key');
      const values = isMap(e) ? strings(e['values']) : undefined;
      const op = isMap(e) ? e['operator'] : undefined;
      if (op === 'In' && values) tests.push(`${labelKey(key)} in [${values.map((x) => literal(x)).join(', ')}]`);
      else if (op === 'NotIn' && values) tests.push(`${labelKey(key)} not in [${values.map((x) => literal(x)).join(', ')}]`);
      else if (op === 'Exists') tests.push(`${labelKey(key)} exists`);
      else if (op === 'DoesNotExist') tests.push(`${labelKey(key)} is absent`);
      else return fail(`the matchExpressions operator ${JSON.stringify(op)}`);
    }
  }
  if (Object.keys(sel).some((k) => k !== 'matchLabels' && k !== 'matchExpressions')) return fail(`a ${what} selector with fields other than matchLabels and matchExpressions`);
  return tests.length ? [`where ${what} ${tests.join(' and ')}`] : [];
}

/** `in_scope if { review_operation in [...]; not object_namespace in [...]; <object_label tests> }`. */
function inScope(rules: ReadonlyMap<string, readonly Rule[]>): { lines: string[]; labels: boolean } {
  const defs = rules.get('in_scope');
  if (!defs) return { lines: [], labels: false };
  if (defs.length !== 1 || defs[0]!.elses.length || defs[0]!.value !== undefined) return fail('the in_scope rule (not one plain condition)');
  const lines: string[] = [];
  const labelTests: string[] = [];
  for (const l of defs[0]!.body) {
    const t = l.expr.kind === 'term' ? l.expr.term : undefined;
    const call = t?.kind === 'call' ? t : undefined;
    const arg0 = call?.args[0];
    const label = arg0 && arg0.kind === 'call' && arg0.fn.join('.') === 'object_label' && arg0.args.length === 1 ? constant(arg0.args[0]!) : undefined;
    const list = call?.args[1] ? strings(constant(call.args[1])) : undefined;
    const fn = call?.fn.join('.');
    if (fn === 'internal.member_2' && !l.negated && arg0?.kind === 'var' && arg0.name === 'review_operation' && list) lines.push(`on ${list.map((o) => o.toLowerCase()).join(', ')}`);
    else if (fn === 'internal.member_2' && l.negated && arg0?.kind === 'var' && arg0.name === 'object_namespace' && list) lines.push(`except namespaces ${list.map((n) => literal(n)).join(', ')}`);
    else if (typeof label === 'string' && fn === 'internal.member_2' && list) labelTests.push(`${labelKey(label)} ${l.negated ? 'not in' : 'in'} [${list.map((x) => literal(x)).join(', ')}]`);
    else if (typeof label === 'string' && fn === 'equal' && !l.negated && typeof constant(call!.args[1]!) === 'string') labelTests.push(`${labelKey(label)} = ${literal(constant(call!.args[1]!) as string)}`);
    else if (call && fn === 'is_string' && call.args.length === 1) {
      const inner = call.args[0]!;
      const k = inner.kind === 'call' && inner.fn.join('.') === 'object_label' && inner.args.length === 1 ? constant(inner.args[0]!) : undefined;
      if (typeof k !== 'string') return fail(`the in_scope literal ${literalText(l)}`);
      labelTests.push(`${labelKey(k)} ${l.negated ? 'is absent' : 'exists'}`);
    } else return fail(`the in_scope literal ${literalText(l)}`);
  }
  if (labelTests.length) lines.push(`where labels ${labelTests.join(' and ')}`);
  return { lines, labels: labelTests.length > 0 };
}

