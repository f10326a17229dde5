/**
 * Issue 18 item 5, Gatekeeper: a ConstraintTemplate whose Rego has the shape secpol's Gatekeeper backend writes
 * (`violation contains {"msg": msg, "details": {"policy": …, "rule": …}} if { is_object(<view>) … }`), with its
 * Constraint, lifted back to one secpol policy: each `violation` rule is one secpol rule, read from its body
 * (gatekeeper-secpol-lift.ts), its guards (`in_scope`, the `mode` parameter, `not exception_…`) read from their
 * helpers, the Constraint's match and enforcementAction read as any Constraint's (Gatekeeper docs, "the match
 * field": https://open-policy-agent.github.io/gatekeeper/website/docs/howto/#the-match-field). The Rego is the only
 * input: annotations and comments (which name the source policy) are never read, and `--verify` runs the original
 * module per rule (violations attributed by their `details.rule`, what Gatekeeper reports).
 */
import { parseModule, type Literal, type Rule, type Term } from '../engines/rego/index.js';
import { spanOf, type Span } from '../source/index.js';
import { Lifter, Unliftable, constant, fixedHelpers, literalText, termText } from './gatekeeper-secpol-lift.js';
import { controlsExceptions, failureSet, recognisePodSecurity } from './gatekeeper-secpol-pss.js';
import type { ImportedException, ImportedPolicy, ImportedRule, MissingRule, Pred } from './model.js';
import { and, literal, nameOf, pathText, renderPredicate } from './text.js';
import { spanAt, type YamlDoc } from './yaml-source.js';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);
const fail = (what: string): never => {
  throw new Unliftable(what);
};

/** The template's Rego and where its block starts (legacy `rego`, or a `code` entry with engine Rego). */
function regoOf(template: unknown): { text: string; at: (string | number)[] } | undefined {
  const targets = (template as { spec?: { targets?: unknown } }).spec?.targets;
  if (!Array.isArray(targets) || targets.length !== 1 || !isMap(targets[0])) return undefined;
  const t = targets[0];
  if (typeof t['rego'] === 'string') return { text: t['rego'], at: ['spec', 'targets', 0, 'rego'] };
  return undefined;
}

/** `violation contains {"msg": msg, "details": {…, "rule": "<name>"}} if {…}`: the rule's name, else undefined. */
function violationName(r: Rule): string | undefined {
  if (r.kind !== 'partialSet' || r.path.join('.') !== 'violation' || !r.key || r.key.kind !== 'object') return undefined;
  const details = r.key.entries.find(([k]) => constant(k) === 'details')?.[1];
  if (!details || details.kind !== 'object') return undefined;
  const name = details.entries.find(([k]) => constant(k) === 'rule')?.[1];
  const v = name ? constant(name) : undefined;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

interface LiftedRule {
  readonly key: string;
  readonly original: string;
  readonly origin: Span;
  readonly subjects: string;
  readonly lines: readonly string[];
}

interface ExceptionDraft {
  name: string;
  filter: string[];
  images: string[];
  /** Pod Security controls it exempts (gatekeeper-secpol-pss.ts). */
  readonly controls: string[];
  expires?: string;
  readonly rules: Set<string>;
  kind?: 'whole' | 'images';
}

/**
 * The Constraint lifted from its template's Rego, or undefined when the template does not have the shape of
 * secpol's output (no `violation` rule naming its rule in `details`): the caller reports it as an unknown template.
 */
export function liftSecpolConstraint(doc: YamlDoc, template: { value: unknown; doc: YamlDoc }): ImportedPolicy | undefined {
  const rego = regoOf(template.value);
  if (!rego) return undefined;
  let module;
  try {
    module = parseModule(rego.text, 'template.rego');
  } catch {
    return undefined;
  }
  const violations = module.rules.filter((r) => r.path.join('.') === 'violation');
  if (violations.length === 0 || violations.some((v) => violationName(v) === undefined)) return undefined;
  const rules = new Map<string, Rule[]>();
  for (const r of module.rules) rules.set(r.path.join('.'), [...(rules.get(r.path.join('.')) ?? []), r]);

  const c = doc.value as Json;
  const kind = String(c['kind']);
  const metadata = isMap(c['metadata']) ? c['metadata'] : {};
  const constraintName = typeof metadata['name'] === 'string' ? metadata['name'] : 'unnamed';
  const spec = isMap(c['spec']) ? c['spec'] : {};
  const params = isMap(spec['parameters']) ? spec['parameters'] : {};
  const regoKey = spanAt(template.doc, rego.at);
  const ruleSpan = (line: number): Span => lineSpan(template.doc, regoKey, line);

  const lifted: LiftedRule[] = [];
  const missing: MissingRule[] = [];
  const exceptions = new Map<string, ExceptionDraft>();
  const head: string[] = [];
  const result = (): ImportedPolicy => {
    const subjects = new Set(lifted.map((r) => r.subjects).filter((x) => x !== ''));
    const shared = subjects.size === 1 ? [...subjects][0]! : undefined;
    const imported: ImportedRule[] = lifted.map((r) => ({ key: r.key, original: r.original, origin: r.origin, lines: shared === undefined && r.subjects !== '' ? [r.subjects, ...r.lines] : r.lines }));
    return {
      name: nameOf(constraintName),
      source: 'gatekeeper',
      origin: spanAt(doc, ['metadata', 'name']),
      describe: `Gatekeeper ${kind} ${constraintName}, lifted from the Rego of its ConstraintTemplate`,
      head: [...head, ...(shared ? [shared] : lifted.some((r) => r.subjects === '') && subjects.size === 0 ? ['applies to pods'] : [])],
      rules: imported,
      missing,
      original: { engine: 'gatekeeper', template: template.value, constraint: c, byRule: true },
      doc,
      exceptions: [...exceptions.values()].map(finishException),
      ...(shared ? { probes: probesOf(module.rules) } : {}),
    };
  };

  // Policy-wide parts: the Constraint's action and match, and the module's in_scope guard.
  let mode = 'enforce';
  try {
    const action = spec['enforcementAction'] ?? 'deny';
    mode = action === 'deny' ? 'enforce' : action === 'dryrun' ? 'audit' : action === 'warn' ? 'warn' : fail(`the enforcementAction ${JSON.stringify(action)}`);
    head.push(`mode ${mode}`, ...scopeLines(spec['match'], rules));
  } catch (e) {
    if (!(e instanceof Unliftable)) throw e;
    for (const v of violations) missing.push({ original: violationName(v)!, origin: ruleSpan(v.loc.line), reason: `the lifter does not translate ${e.message}` });
    return result();
  }

  const keys = new Set<string>();
  for (const v of [...violations].sort((a, b) => a.loc.line - b.loc.line)) {
    const original = violationName(v)!;
    const origin = ruleSpan(v.loc.line);
    try {
      const r = liftViolation(v, rules, params, exceptions, nameOf(original));
      if (r === 'other-mode') continue;
      if ('pss' in r) {
        // A pod-security line: recognised with the controls exceptions read from the Rego (gatekeeper-secpol-pss.ts).
        const blocks = controlsExceptions(rules).flatMap((cx) => {
          const x = draft(cx.rule, rules, exceptions, cx.images.length ? 'images' : 'whole');
          for (const c of cx.controls) if (!x.controls.includes(c)) x.controls.push(c);
          for (const i of cx.images.map((g) => literal(g))) if (!x.images.includes(i)) x.images.push(i);
          return [`exception ${x.name} {`, ...finishException(x).filter.map((l) => `  ${l}`), `  controls ${x.controls.join(', ')}`, '  reason "candidate"', ...(x.expires ? [`  expires ${x.expires}`] : []), '}'];
        });
        const line = recognisePodSecurity(r.pss, rego.text, mode, blocks);
        const psKey = `pod-security-${mode}`;
        if (keys.has(psKey)) fail(`a second pod-security line in mode ${mode}`);
        keys.add(psKey);
        lifted.push({ key: psKey, original, origin, subjects: '', lines: [line] });
        continue;
      }
      let key = nameOf(original);
      for (let i = 2; keys.has(key); i++) key = `${nameOf(original)}-${i}`;
      keys.add(key);
      lifted.push({ key, original, origin, subjects: r.subjects, lines: r.lines });
    } catch (e) {
      if (!(e instanceof Unliftable)) throw e;
      missing.push({ original, origin, reason: `the lifter does not translate ${e.message}` });
    }
  }
  // An exception names the lifted rules it exempts (their keys).
  for (const x of exceptions.values()) for (const r of [...x.rules]) if (!keys.has(r)) x.rules.delete(r);
  return result();
}

/**
 * Generation probes: every field the module reads from the object's view (`value_at(<view>, path)` in a rule that is
 * not a fixed helper), found by walking the Rego rather than the translation, so that a lifted rule which forgot a
 * field still meets objects that set it, and `is empty` tests meet non-empty values.
 */
function probesOf(moduleRules: readonly Rule[]): string[][] {
  const paths = new Set<string>();
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(visit);
    if (!isMap(x)) return;
    if (x['kind'] === 'call' && Array.isArray(x['fn']) && x['fn'].join('.') === 'value_at') {
      const [of, path] = x['args'] as Term[];
      const steps = path ? strings(constant(path)) : undefined;
      if (of?.kind === 'var' && (of.name === 'pod_view' || of.name.startsWith('object_view')) && steps?.length) paths.add(`forbid ${pathText(steps)} exists`);
    }
    if (x['kind'] === 'call' && Array.isArray(x['fn']) && x['fn'].join('.') === 'equal') {
      const [inner, value] = x['args'] as Term[];
      const [of, path] = inner?.kind === 'call' && inner.fn.join('.') === 'value_at' ? inner.args : [];
      const steps = path ? strings(constant(path)) : undefined;
      const v = value ? constant(value) : undefined;
      const isView = of?.kind === 'var' && (of.name === 'pod_view' || of.name.startsWith('object_view'));
      if (isView && steps?.length && (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number')) paths.add(`forbid ${pathText(steps)} = ${literal(v)}`);
    }
    if (x['kind'] === 'call' && Array.isArray(x['fn']) && x['fn'].join('.') === 'is_empty') {
      const inner = (x['args'] as Term[])[0];
      const [of, path] = inner?.kind === 'call' && inner.fn.join('.') === 'value_at' ? inner.args : [];
      const steps = path ? strings(constant(path)) : undefined;
      if (of?.kind === 'var' && (of.name === 'pod_view' || of.name.startsWith('object_view')) && steps?.length) paths.add(`forbid ${pathText(steps)} contains "probe"`);
    }
    for (const [k, v] of Object.entries(x)) if (k !== 'loc') visit(v);
  };
  for (const r of moduleRules) if (!fixedHelpers.has(r.path.join('.'))) visit(r.body);
  return [...paths].sort().map((p) => [p]);
}

function finishException(x: ExceptionDraft): ImportedException {
  const filter = [...x.filter, ...(x.images.length ? [`images ${x.images.join(', ')}`] : [])];
  return { name: x.name, filter, rules: [...x.rules], ...(x.controls.length ? { controls: [...x.controls] } : {}), reason: `lifted from the Rego rule exception_${x.name.replace(/-/g, '_')} of the original template`, ...(x.expires ? { expires: x.expires } : {}) };
}

/** A span on line `line` of the Rego block whose key is at `key` (the block's content starts on the next line). */
function lineSpan(doc: YamlDoc, key: Span, line: number): Span {
  const text = doc.file.text;
  let at = key.start;
  for (let n = 0; n < line && at >= 0; n++) at = text.indexOf('\n', at) + 1;
  if (at <= 0) return key;
  while (text[at] === ' ' || text[at] === '\t') at++;
  const end = text.indexOf('\n', at);
  return spanOf(doc.file, at, end < 0 ? text.length : end);
}

function liftViolation(v: Rule, rules: ReadonlyMap<string, readonly Rule[]>, params: Json, exceptions: Map<string, ExceptionDraft>, key: string): 'other-mode' | { readonly pss: string } | { subjects: string; lines: string[] } {
  const body = [...v.body];
  const first = body.shift();
  const view = first && !first.negated && first.expr.kind === 'term' && first.expr.term.kind === 'call' && first.expr.term.fn.join('.') === 'is_object' && first.expr.term.args[0]?.kind === 'var' ? first.expr.term.args[0].name : undefined;
  if (!view) return fail(`a violation rule whose first literal is not is_object(<the object's view>)`);
  const last = body.pop();
  if (!last || last.negated || last.expr.kind !== 'assign' || last.expr.lhs.kind !== 'var' || last.expr.lhs.name !== 'msg') return fail('a violation rule whose last literal is not msg := …');
  const subjects = subjectsOf(view, rules);
  const kinds = subjects.replace(/^applies to "rbac\.authorization\.k8s\.io\/v1" /, '').split(', ');
  const named: Record<string, string> = kinds.every((k) => k === 'Role' || k === 'ClusterRole') ? { rules: 'rbac rule' } : kinds.every((k) => k === 'RoleBinding' || k === 'ClusterRoleBinding') ? { subjects: 'subject' } : {};
  const lifter = new Lifter(rules, view, (helper) => imageFilter(helper, rules, exceptions, key), subjects.startsWith('applies to "rbac.authorization.k8s.io/v1" ') ? named : {});
  const predicate: Literal[] = [];
  let pss: string | undefined;
  for (let i = 0; i < body.length; i++) {
    const l = body[i]!;
    const e = l.expr;
    const set = failureSet(body, i);
    if (e.kind === 'term' && !l.negated && e.term.kind === 'call' && e.term.fn.join('.') === 'equal' && termText(e.term.args[0]!) === 'input.parameters.mode') {
      if (constant(e.term.args[1]!) !== params['mode']) return 'other-mode';
    } else if (e.kind === 'term' && !l.negated && e.term.kind === 'var' && e.term.name === 'in_scope') {
      // Read with the policy's scope (scopeLines).
    } else if (set && view === 'pod_view' && pss === undefined) {
      pss = set;
      i++;
    } else if (e.kind === 'term' && l.negated && e.term.kind === 'var' && isExceptionGuard(e.term.name, rules)) {
      if (failureSet(body, body.length - 2)) return fail(`the exception guard ${literalText(l)} of a pod-security line (an exception for every rule and control)`);
      wholeExceptions(e.term.name, rules, exceptions, key);
    } else predicate.push(l);
  }
  if (pss !== undefined) return predicate.length ? fail(`the literal ${literalText(predicate[0]!)} beside a pod-security check set`) : { pss };
  const p = lifter.body(predicate, lifter.rootScope);
  if (p.kind === 'true') return fail('a violation rule without a condition');
  // `W and any D has B` is how `… any D has B when W` compiles: read it back so, the element being the offender.
  const last_ = p.kind === 'and' ? p.operands[p.operands.length - 1] : undefined;
  const split = p.kind === 'and' && last_?.kind === 'quantified' && last_.quantifier === 'any' && p.operands.filter((o) => o.kind === 'quantified' && o.quantifier === 'any').length === 1;
  const condition = split ? last_! : p;
  const when = split && p.kind === 'and' ? and(p.operands.slice(0, -1)) : undefined;
  // The violation names an element only when the condition is `any <domain> has …` (docs/language/messages.md).
  const element = condition.kind === 'quantified' && !condition.domain.includes(' referenced by ') ? topElement(predicate) : undefined;
  const message = messageLine(last.expr.rhs, element ?? view, view);
  const whenText = when ? ` when ${when.kind === 'or' ? `(${renderPredicate(when)})` : renderPredicate(when)}` : '';
  return { subjects, lines: [`${ruleLine(condition)}${whenText}`, ...message] };
}

/** `forbid P`, read back as `require` where that is how it reads (same meaning: semantics §2). */
function ruleLine(p: Pred): string {
  if (p.kind === 'not') return `require ${renderPredicate(p.operand)}`;
  if (p.kind === 'test' && p.text.endsWith(' is empty')) return `require ${p.text.slice(0, -' is empty'.length)} is not empty`;
  if (p.kind === 'quantified' && p.quantifier === 'any' && p.body.kind === 'not') return `require every ${p.domain} has ${atom(p.body.operand)}`;
  return `forbid ${renderPredicate(p)}`;
}

const atom = (p: Pred): string => (p.kind === 'test' || p.kind === 'quantified' ? renderPredicate(p) : `(${renderPredicate(p)})`);

/** The element the violation names: the variable of its first top-level `some x in …`. */
function topElement(literals: readonly Literal[]): string | undefined {
  const s = literals.find((l) => l.expr.kind === 'someIn');
  return s && s.expr.kind === 'someIn' && s.expr.value.kind === 'var' ? s.expr.value.name : undefined;
}

/** `msg := "text"` or `msg := sprintf("… %v …", [message_value(value_at(<element>, path)), …])` as a message line. */
function messageLine(t: Term, element: string, root: string): string[] {
  const plain = (s: string) => !/[{}]/.test(s);
  const v = constant(t);
  if (typeof v === 'string') return plain(v) ? [`message ${literal(v)}`] : [`# message not lifted: it has { or }, which secpol reads as placeholders`];
  if (t.kind !== 'call' || t.fn.join('.') !== 'sprintf' || t.args.length !== 2) return [`# message not lifted: ${termText(t).slice(0, 80)}`];
  const format = constant(t.args[0]!);
  const args = t.args[1]!;
  if (typeof format !== 'string' || args.kind !== 'array' || !plain(format)) return ['# message not lifted: a format that is not a constant without { or }'];
  const paths: string[] = [];
  for (const a of args.items) {
    const inner = a.kind === 'call' && a.fn.join('.') === 'message_value' && a.args.length === 1 ? a.args[0]! : undefined;
    const path = inner && inner.kind === 'call' && inner.fn.join('.') === 'value_at' && inner.args[0]?.kind === 'var' && (inner.args[0].name === element || (element === root && inner.args[0].name === root)) ? strings(constant(inner.args[1]!)) : undefined;
    if (!path || !path.every((s) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s))) return [`# message not lifted: the argument ${termText(a).slice(0, 80)} is not a field of the element it names`];
    paths.push(path.join('.'));
  }
  let i = 0;
  let bad = false;
  const text = format.replace(/%(%|v)|%/g, (m, k: string | undefined) => {
    if (k === '%') return '%';
    if (k === 'v' && i < paths.length) return `{${paths[i++]!}}`;
    bad = true;
    return m;
  });
  if (bad || i !== paths.length) return ['# message not lifted: its format verbs do not match its arguments'];
  return [`message ${literal(text)}`];
}

/** `pod_view` is the pods subject; a view rule `v := input.review.object if { apiVersion == A; kind == K } else := …` names its kinds. */
function subjectsOf(view: string, rules: ReadonlyMap<string, readonly Rule[]>): string {
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

const labelKey = (k: string) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : literal(k));

/** The Constraint's match and the module's in_scope rule as scope lines. */
function scopeLines(match: unknown, rules: ReadonlyMap<string, readonly Rule[]>): string[] {
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

/** A 0-ary rule whose bodies are exception filters (or each one such rule): the guard `not <it>` is an exception. */
function isExceptionGuard(name: string, rules: ReadonlyMap<string, readonly Rule[]>): boolean {
  const defs = rules.get(name) ?? [];
  if (defs.length === 0) return false;
  if (defs.every((d) => d.body.length === 1 && d.body[0]!.expr.kind === 'term' && d.body[0]!.expr.term.kind === 'var' && !d.body[0]!.negated)) {
    return defs.every((d) => isExceptionRule((d.body[0]!.expr as { term: { name: string } }).term.name, rules));
  }
  return isExceptionRule(name, rules);
}

/** An exception's rule: one definition whose literals are all filters (time, namespace, workload). */
function isExceptionRule(name: string, rules: ReadonlyMap<string, readonly Rule[]>): boolean {
  const defs = rules.get(name) ?? [];
  if (defs.length !== 1 || !/^exception_[a-z0-9_]+$/.test(name)) return false;
  try {
    exceptionFilters(name, rules);
    return true;
  } catch (e) {
    if (e instanceof Unliftable) return false;
    throw e;
  }
}

/** The filters of `exception_<name>`: its expiry, namespaces and workloads. */
function exceptionFilters(name: string, rules: ReadonlyMap<string, readonly Rule[]>): { filter: string[]; expires?: string } {
  const d = rules.get(name)![0]!;
  if (d.kind !== 'complete' || d.elses.length || (d.value !== undefined && constant(d.value) !== true)) return fail(`the exception rule ${name}`);
  const filter: string[] = [];
  let expires: string | undefined;
  const workloads: string[] = [];
  const workload = (t: Term): boolean => {
    if (t.kind !== 'call' || t.fn.join('.') !== 'is_workload' || t.args.length !== 3) return false;
    const [k, ns, n] = t.args.map(constant);
    if (typeof k !== 'string' || typeof ns !== 'string' || typeof n !== 'string' || !/^[A-Za-z]+$/.test(k)) return false;
    workloads.push(`${k} ${literal(`${ns}/${n}`)}`);
    return true;
  };
  for (const l of d.body) {
    const t = l.expr.kind === 'term' && !l.negated ? l.expr.term : fail(`the exception literal ${literalText(l)}`);
    if (t.kind === 'call' && t.fn.join('.') === 'lt' && termText(t.args[0]!) === 'time.now_ns()' && typeof constant(t.args[1]!) === 'number') {
      const ns = constant(t.args[1]!) as number;
      const day = 86_400_000;
      const ms = ns / 1e6;
      if (!Number.isInteger(ms / day)) return fail(`the exception literal ${literalText(l)} (not a midnight UTC)`);
      expires = new Date(ms - day).toISOString().slice(0, 10);
    } else if (t.kind === 'call' && t.fn.join('.') === 'internal.member_2' && t.args[0]?.kind === 'var' && t.args[0].name === 'object_namespace' && strings(constant(t.args[1]!))) {
      filter.push(`namespaces ${strings(constant(t.args[1]!))!.map((n) => literal(n)).join(', ')}`);
    } else if (workload(t)) {
      // collected
    } else if (t.kind === 'var' && (rules.get(t.name) ?? []).length > 0 && rules.get(t.name)!.every((w) => w.body.length === 1 && w.body[0]!.expr.kind === 'term' && !w.body[0]!.negated && workload(w.body[0]!.expr.term))) {
      // several workloads: one definition each
    } else return fail(`the exception literal ${literalText(l)}`);
  }
  if (workloads.length) filter.push(`workloads ${workloads.join(', ')}`);
  return { filter, ...(expires ? { expires } : {}) };
}

function draft(name: string, rules: ReadonlyMap<string, readonly Rule[]>, exceptions: Map<string, ExceptionDraft>, kind: 'whole' | 'images'): ExceptionDraft {
  const known = exceptions.get(name);
  const x = known ?? { name: nameOf(name.replace(/^exception_/, '').replace(/_/g, '-')), ...exceptionFilters(name, rules), images: [], controls: [], rules: new Set<string>() };
  if (x.kind && x.kind !== kind) return fail(`the exception rule ${name} (it exempts whole objects for one rule and images for another)`);
  x.kind = kind;
  exceptions.set(name, x);
  return x;
}

/** `not exception_x`, or `not <rule>_exempt` with one body per exception: each exempts the rule for the whole object. */
function wholeExceptions(guard: string, rules: ReadonlyMap<string, readonly Rule[]>, exceptions: Map<string, ExceptionDraft>, key: string): void {
  const names = isExceptionRule(guard, rules) ? [guard] : rules.get(guard)!.map((d) => (d.body[0]!.expr as { term: { name: string } }).term.name);
  for (const n of names) {
    const x = draft(n, rules, exceptions, 'whole');
    if (x.filter.length === 0) return fail(`the exception rule ${n} (no namespace or workload filter: it would exempt every object)`);
    x.rules.add(key);
  }
}

/**
 * `<r>_containers(list) := [c | some c in list; not <r>_image_exempt(c)]`, with `<r>_image_exempt(c) if {
 * exception_x; matches_any_glob(value_at(c, ["image"]), [globs]) }` per exception: images exceptions of the rule.
 */
function imageFilter(helper: string, rules: ReadonlyMap<string, readonly Rule[]>, exceptions: Map<string, ExceptionDraft>, key: string): void {
  const defs = rules.get(helper) ?? [];
  const d = defs[0];
  const param = d?.args?.length === 1 && d.args[0]!.kind === 'var' ? d.args[0].name : undefined;
  const v = d?.value;
  const ok = defs.length === 1 && d && d.kind === 'function' && param && d.body.length === 0 && d.elses.length === 0 && v?.kind === 'arrayCompr' && v.body.length === 2;
  if (!ok || v?.kind !== 'arrayCompr') return fail(`the container filter ${helper}`);
  const [some, exempt] = v.body as [Literal, Literal];
  const el = some.expr.kind === 'someIn' && some.expr.value.kind === 'var' && termText(some.expr.domain) === param ? some.expr.value.name : undefined;
  const call = exempt.negated && exempt.expr.kind === 'term' && exempt.expr.term.kind === 'call' && exempt.expr.term.args.length === 1 && termText(exempt.expr.term.args[0]!) === el ? exempt.expr.term : undefined;
  if (!el || termText(v.head) !== el || !call) return fail(`the container filter ${helper}`);
  for (const b of rules.get(call.fn.join('.')) ?? fail(`the container filter ${helper}`)) {
    const c = b.args?.length === 1 ? termText(b.args[0]!) : undefined;
    const [guard, glob] = b.body;
    const exception = guard && !guard.negated && guard.expr.kind === 'term' && guard.expr.term.kind === 'var' && isExceptionRule(guard.expr.term.name, rules) ? guard.expr.term.name : undefined;
    const g = glob && !glob.negated && glob.expr.kind === 'term' && glob.expr.term.kind === 'call' && glob.expr.term.fn.join('.') === 'matches_any_glob' && termText(glob.expr.term.args[0]!) === `value_at(${c}, ["image"])` ? strings(constant(glob.expr.term.args[1]!)) : undefined;
    if (b.body.length !== 2 || !exception || !g || b.elses.length) return fail(`the image exemption ${call.fn.join('.')}`);
    const x = draft(exception, rules, exceptions, 'images');
    for (const p of g) {
      if (/[[\]{}\\]/.test(p)) return fail(`the image glob ${JSON.stringify(p)} (glob syntax secpol does not have)`);
      const text = literal(p);
      if (!x.images.includes(text)) x.images.push(text);
    }
    x.rules.add(key);
  }
}
