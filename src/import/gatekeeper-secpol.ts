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
import { draft, finishException, imageFilter, isExceptionGuard, wholeExceptions, type ExceptionDraft } from './gatekeeper-secpol-exceptions.js';
import { controlsExceptions, failureSet, recognisePodSecurity } from './gatekeeper-secpol-pss.js';
import { scopeLines, subjectsOf } from './gatekeeper-secpol-scope.js';
import type { ImportedPolicy, ImportedRule, MissingRule, Pred } from './model.js';
import { and, literal, nameOf, pathText, renderPredicate } from './text.js';
import { spanAt, type YamlDoc } from './yaml-source.js';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);
const fail = (what: string): never => {
  throw new Unliftable(what);
};

/** The template's Rego and where its block starts: the `rego` of its one target, as secpol writes it. */
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
  if (t.kind !== 'call' || t.fn.join('.') !== 'sprintf' || t.args.length !== 2) return ['# message not lifted: not a string or sprintf of one'];
  const format = constant(t.args[0]!);
  const args = t.args[1]!;
  if (typeof format !== 'string' || args.kind !== 'array' || !plain(format)) return ['# message not lifted: a format that is not a constant without { or }'];
  const paths: string[] = [];
  for (const a of args.items) {
    const inner = a.kind === 'call' && a.fn.join('.') === 'message_value' && a.args.length === 1 ? a.args[0]! : undefined;
    const path = inner && inner.kind === 'call' && inner.fn.join('.') === 'value_at' && inner.args[0]?.kind === 'var' && (inner.args[0].name === element || (element === root && inner.args[0].name === root)) ? strings(constant(inner.args[1]!)) : undefined;
    if (!path || !path.every((s) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s))) return ['# message not lifted: an argument that is not a plain field of the element it names'];
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
