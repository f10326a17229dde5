/**
 * Kyverno ClusterPolicy / Policy validate rules to one secpol policy. Checked against the Kyverno docs: policy
 * spec (validationFailureAction, per-rule validate.failureAction), match/exclude resource filters
 * (https://kyverno.io/docs/writing-policies/match-exclude/), autogen for Pod controllers
 * (https://kyverno.io/docs/writing-policies/autogen/), validate pattern / anyPattern / deny / podSecurity
 * (https://kyverno.io/docs/writing-policies/validate/). What is not translated is a MissingRule with the reason.
 */
import type { FieldSchema } from '../check/fields/index.js';
import { conditionsPredicate } from './kyverno-deny.js';
import { exceptionPolicies, importExceptions } from './kyverno-exceptions.js';
import { disablesAutogen, sameNamespaces, scopeOf, type Scope } from './kyverno-scope.js';
import { falseOnMissing } from './kyverno-bool.js';
import { conditionsPredicate as booleanConditions, foreachViolation, isBooleanCondition, isTranslatedCondition, type ClockException } from './kyverno-conditions.js';
import type { JmesContext } from './kyverno-jmespath.js';
import { patternPredicate } from './kyverno-pattern.js';
import { no, ok, type ImportedPolicy, type ImportedRule, type MissingRule, type Pred, type Translation, type YamlPathStep } from './model.js';
import type { Subject } from './kinds.js';
import { literal, nameOf, or, quantified, renderPredicate } from './text.js';
import { spanAt, type YamlDoc } from './yaml-source.js';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isKyvernoPolicy(value: unknown): boolean {
  return isMap(value) && typeof value['apiVersion'] === 'string' && value['apiVersion'].startsWith('kyverno.io/') && (value['kind'] === 'ClusterPolicy' || value['kind'] === 'Policy');
}

/** One ClusterPolicy (or Policy) document as one imported policy; undefined when no rule could be read at all. */
export function importKyverno(doc: YamlDoc, exceptionDocs: readonly YamlDoc[] = []): ImportedPolicy {
  const value = doc.value as Json;
  const metadata = isMap(value['metadata']) ? value['metadata'] : {};
  const spec = isMap(value['spec']) ? value['spec'] : {};
  const originalName = typeof metadata['name'] === 'string' ? metadata['name'] : 'unnamed';
  const annotations = isMap(metadata['annotations']) ? metadata['annotations'] : {};
  const autogen = annotations['pod-policies.kyverno.io/autogen-controllers'];
  const policyNamespace = value['kind'] === 'Policy' ? (typeof metadata['namespace'] === 'string' ? metadata['namespace'] : 'default') : undefined;
  const rulesValue = Array.isArray(spec['rules']) ? spec['rules'] : [];
  const rules: ImportedRule[] = [];
  const missing: MissingRule[] = [];
  const miss = (original: string, reason: string, at: readonly YamlPathStep[]) => missing.push({ original, origin: spanAt(doc, at), reason });
  // An Audit policy with emitWarning also returns its failures as admission warnings: secpol's `warn`.
  const warns = spec['emitWarning'] === true;
  const action = warnMode(actionOf(spec['validationFailureAction']), warns);
  let policyScope: Scope | undefined;
  let ruleAction: string | undefined;
  const podSecurityModes = new Set<string>();
  const autogens = new Set<string>();
  const clockExceptions: { key: string; original: string; exception: ClockException }[] = [];
  rulesValue.forEach((rule, i) => {
    const at: YamlPathStep[] = ['spec', 'rules', i];
    const r = isMap(rule) ? rule : {};
    const name = typeof r['name'] === 'string' ? r['name'] : `rule-${i + 1}`;
    const validate = r['validate'];
    if (r['verifyImages'] !== undefined) return miss(name, 'a verifyImages rule: the importer does not translate image verification into a secpol verify images block yet', [...at, 'verifyImages']);
    if (!isMap(validate)) return miss(name, `it is not a validate rule (${['mutate', 'generate'].find((k) => r[k] !== undefined) ?? 'no validate block'}); secpol only has validation`, at);
    if (r['context'] !== undefined) return miss(name, 'rule context (variables from API calls, ConfigMaps or other objects): the importer does not translate lookups of other objects', [...at, 'context']);
    const mode = validate['failureAction'] !== undefined ? warnMode(actionOf(validate['failureAction']), warns) : action;
    if (!mode) return miss(name, `the failure action ${JSON.stringify(validate['failureAction'] ?? spec['validationFailureAction'])}`, at);
    const scope = scopeOf(r, rulesValue.some(disablesAutogen) ? 'none' : autogen, [...at]);
    if (!scope.ok) return miss(name, scope.reason, scope.at ?? at);
    const s = { ...scope.value, namespaces: policyNamespace ? [policyNamespace] : scope.value.namespaces };
    if (policyScope && !sameNamespaces(policyScope, s)) return miss(name, 'its namespaces differ from the first rule\'s (secpol scopes namespaces per policy)', [...at, 'match']);
    for (const k of ['validationFailureActionOverrides']) if (spec[k] !== undefined) return miss(name, `spec.${k}`, ['spec', k]);
    if (validate['failureActionOverrides'] !== undefined) return miss(name, 'validate.failureActionOverrides (per-namespace actions)', [...at, 'validate', 'failureActionOverrides']);
    const pre = preconditionsOf(r['preconditions'], { root: { schema: scope.value.subject.schema, level: scope.value.subject.pods ? 'pod' : 'other' }, podView: scope.value.subject.pods, at: [...at, 'preconditions'] });
    if (!pre.ok) return miss(name, pre.reason, pre.at ?? at);
    if (validate['podSecurity'] !== undefined) {
      const line = podSecurityLine(validate['podSecurity'], mode, [...at, 'validate', 'podSecurity']);
      if (!line.ok) return miss(name, line.reason, line.at ?? at);
      if (!scope.value.subject.pods) return miss(name, 'podSecurity on kinds other than Pod', [...at, 'match']);
      if (pre.value !== true) return miss(name, 'preconditions on a podSecurity rule (a pod-security line has no condition)', [...at, 'preconditions']);
      if (podSecurityModes.has(mode)) return miss(name, `a second podSecurity rule with failure action ${mode}`, at);
      podSecurityModes.add(mode);
      policyScope ??= s;
      rules.push({ key: `pod-security-${mode}`, original: name, origin: spanAt(doc, at), lines: [line.value] });
      return;
    }
    if (ruleAction !== undefined && ruleAction !== mode) return miss(name, `its failure action (${mode}) differs from the other rules' (${ruleAction}); import it as its own policy`, [...at, 'validate']);
    const body = validateBody(validate, scope.value.subject, [...at, 'validate']);
    if (!body.ok) return miss(name, body.reason, body.at ?? at);
    const key = ruleName(name);
    if (rules.some((x) => x.key === key)) return miss(name, 'a second rule with this name', at);
    ruleAction = mode;
    policyScope ??= s;
    const lines = [`applies to ${scope.value.subject.text}`, ...(scope.value.subject.more ?? []).map((m) => `applies to ${m}`), ...(pre.value === true ? [] : [`when ${renderPredicate(pre.value)}`]), body.value.line];
    if (body.value.exception) clockExceptions.push({ key, original: name, exception: body.value.exception });
    const message = typeof validate['message'] === 'string' ? messageLine(validate['message'], body.value.line) : undefined;
    if (message) lines.push(message);
    rules.push({ key, original: name, origin: spanAt(doc, at), lines });
    if (scope.value.subject.text === 'pods') autogens.add(key);
  });
  const kyvernoName = policyNamespace ? `${policyNamespace}/${originalName}` : originalName;
  const mine = exceptionDocs.filter((d) => exceptionPolicies(d).includes(kyvernoName));
  const judged = (r: ImportedRule): string[] => {
    const subjects = r.lines.filter((l) => l.startsWith('applies to ')).map((l) => l.slice('applies to '.length));
    if (subjects[0] === 'pods') return ['Pod', 'CronJob', 'DaemonSet', 'Deployment', 'Job', 'ReplicaSet', 'StatefulSet'];
    return subjects.flatMap((subject) => subject.replace(/^"[^"]*" /, '').split(', '));
  };
  const targets = rules.filter((r) => !r.key.startsWith('pod-security-')).map((r) => ({ original: r.original, key: r.key, autogen: autogens.has(r.key), kinds: judged(r) }));
  const ex = importExceptions(kyvernoName, mine, targets);
  for (const problem of ex.problems) {
    for (const key of problem.rules) {
      const rule = rules.find((r) => r.key === key);
      if (!rule) continue;
      rules.splice(rules.indexOf(rule), 1);
      missing.push({ original: rule.original, origin: rule.origin, reason: `${problem.original}, which exempts it, is not translated (${problem.reason})` });
    }
  }
  // Rules whose conditions hold an exception until a date: one exception block per filter and date.
  const groups = new Map<string, typeof clockExceptions>();
  for (const c of clockExceptions) {
    const k = JSON.stringify([c.exception.filter, c.exception.expires]);
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  [...groups.values()].forEach((g, i) => {
    const e = g[0]!.exception;
    ex.exceptions.push({ name: `until-${e.expires}${groups.size > 1 ? `-${i + 1}` : ''}`, filter: e.filter, rules: g.map((c) => c.key), reason: `imported from the time-bounded conditions of Kyverno rule${g.length > 1 ? 's' : ''} ${g.map((c) => c.original).join(', ')}`, expires: e.expires });
  });
  const head: string[] = [];
  if (ruleAction) head.push(`mode ${ruleAction}`);
  if (policyScope?.namespaces.length) head.push(`in namespaces ${policyScope.namespaces.map((n) => literal(n)).join(', ')}`);
  if (policyScope?.excluded.length) head.push(`except namespaces ${policyScope.excluded.map((n) => literal(n)).join(', ')}`);
  if (policyScope?.namespaceLabels) head.push(`where namespace labels ${policyScope.namespaceLabels}`);
  if (policyScope?.labels) head.push(`where labels ${policyScope.labels}`);
  return {
    name: nameOf(originalName),
    source: 'kyverno',
    origin: spanAt(doc, ['metadata', 'name']),
    describe: `Kyverno ${String(value['kind'])} ${originalName}`,
    head,
    rules,
    missing,
    // The original exceptions run with the policy under --verify, translated or not.
    original: { engine: 'kyverno', documents: [doc.value, ...mine.map((d) => d.value)], policy: originalName },
    doc,
    kyvernoName,
    ...(ex.exceptions.length ? { exceptions: ex.exceptions } : {}),
    ...(ex.problems.length ? { exceptionsMissing: ex.problems.map(({ rules: _, ...m }) => m) } : {}),
  };
}

function actionOf(v: unknown): 'audit' | 'enforce' | undefined {
  if (v === undefined) return 'audit';
  if (typeof v !== 'string') return undefined;
  return v.toLowerCase() === 'audit' ? 'audit' : v.toLowerCase() === 'enforce' ? 'enforce' : undefined;
}

/**
 * A secpol rule name for a Kyverno rule. `pod-security-<mode>-…` names the Kyverno rules of a secpol pod-security
 * line (docs/backends/kyverno.md), so a translated rule of that name would be reported as part of one: it becomes
 * `pss-<mode>-…`.
 */
function ruleName(name: string): string {
  return nameOf(name).replace(/^pod-security-(enforce|audit|warn)-/, 'pss-$1-');
}

function warnMode(mode: 'audit' | 'enforce' | undefined, warns: boolean): 'audit' | 'enforce' | 'warn' | undefined {
  return mode === 'audit' && warns ? 'warn' : mode;
}

/**
 * Rule preconditions: false skips the rule (Kyverno docs, "Preconditions"), which is secpol's `when`. A condition
 * that only leaves out DELETE adds nothing (secpol's default scope is create and update); the others are
 * translated as boolean expressions over the object.
 */
function preconditionsOf(pre: unknown, ctx: JmesContext): Translation<Pred | true> {
  if (pre === undefined) return ok(true);
  const isDeleteCheck = (c: unknown) => {
    const o = isMap(c) ? c : {};
    const key = typeof o['key'] === 'string' ? o['key'].replace(/\s+/g, '') : '';
    if (key !== '{{request.operation}}' && key !== "{{request.operation||'BACKGROUND'}}") return false;
    // The operation is not DELETE, or is one of a list holding CREATE and UPDATE: true on every request secpol's
    // default scope (create and update) judges. (A background scan has no operation: it then reads as BACKGROUND.)
    const values = Array.isArray(o['value']) ? o['value'] : [];
    return (o['operator'] === 'NotEquals' && o['value'] === 'DELETE') || (['AnyIn', 'In'].includes(String(o['operator'])) && values.includes('CREATE') && values.includes('UPDATE') && values.every((v) => typeof v === 'string' && !/[*?]/.test(v)));
  };
  const list = Array.isArray(pre) ? pre : isMap(pre) && Object.keys(pre).length === 1 && Array.isArray(pre['all']) ? pre['all'] : undefined;
  let block: unknown = pre;
  if (list) {
    const rest = list.filter((c) => !isDeleteCheck(c));
    if (rest.length === 0) return ok(true);
    block = { all: rest };
  }
  const r = booleanConditions(block, ctx);
  if (!r.ok) return r;
  if (r.value.exception) return no('preconditions on the clock', ctx.at);
  if (r.value.pred === false) return no('preconditions that never hold', ctx.at);
  return ok(r.value.pred === true ? true : r.value.pred);
}

interface Body {
  readonly line: string;
  /** The exception a time-bounded condition of the rule means (kyverno-jmespath.ts withClock). */
  readonly exception?: ClockException;
}

function validateBody(validate: Json, subject: Subject, at: YamlPathStep[]): Translation<Body> {
  const r = validateLine(validate, subject, at);
  return r.ok ? ok(typeof r.value === 'string' ? { line: r.value } : r.value) : r;
}

function validateLine(validate: Json, subject: Subject, at: YamlPathStep[]): Translation<string | Body> {
  const schema: FieldSchema = subject.schema;
  const ctx = (where: YamlPathStep[]): JmesContext => ({ root: { schema, level: subject.pods ? 'pod' : 'other' }, podView: subject.pods, at: where });
  if (validate['foreach'] !== undefined) {
    const p = foreachViolation(validate['foreach'], ctx([...at, 'foreach']));
    return p.ok ? ok({ line: forbidLine(p.value.pred), ...(p.value.exception ? { exception: p.value.exception } : {}) }) : p;
  }
  if (validate['cel'] !== undefined || validate['manifests'] !== undefined || validate['assert'] !== undefined) return no('a CEL, manifests or assert validation', at);
  if (validate['pattern'] !== undefined) {
    const p = patternPredicate(validate['pattern'], schema, subject.pods, [...at, 'pattern']);
    return p.ok ? ok(requireLine(p.value)) : p;
  }
  if (Array.isArray(validate['anyPattern'])) {
    // Kyverno fails anyPattern when one pattern fails and the others skip (docs/engines/kyverno.md): with conditional
    // anchors, skipping is not passing, which reading a skip as a pass cannot tell apart.
    if (validate['anyPattern'].length > 1 && /"<?\(/.test(JSON.stringify(validate['anyPattern']))) return no('anyPattern with conditional anchors (a skipped pattern beside a failed one fails the rule)', [...at, 'anyPattern']);
    const preds: Pred[] = [];
    for (const [i, pattern] of (validate['anyPattern'] as unknown[]).entries()) {
      const p = patternPredicate(pattern, schema, subject.pods, [...at, 'anyPattern', i]);
      if (!p.ok) return p;
      preds.push(p.value);
    }
    return ok(requireLine(or(preds)));
  }
  if (isMap(validate['deny'])) {
    const conditions = validate['deny']['conditions'];
    if (conditions === undefined) return no('deny without conditions (denies everything it matches)', [...at, 'deny']);
    const all = Array.isArray(conditions) ? conditions : isMap(conditions) ? Object.values(conditions).flatMap((v) => (Array.isArray(v) ? v : [undefined])) : [undefined];
    let first: Translation<never> | undefined;
    if (all.length && all.every(isTranslatedCondition)) {
      // {{ }} conditions are translated as one block, so that a clock condition can be the rule's exception.
      const b = booleanConditions(conditions, ctx([...at, 'deny', 'conditions']));
      if (b.ok) {
        if (typeof b.value.pred === 'boolean') return no(`deny conditions that ${b.value.pred ? 'always' : 'never'} hold`, [...at, 'deny']);
        return ok({ line: forbidLine(b.value.pred), ...(b.value.exception ? { exception: b.value.exception } : {}) });
      }
      if (all.every(isBooleanCondition)) return b;
      first = b;
    }
    // Set operators over request.object fields and container projections (kyverno-deny.ts).
    const p = conditionsPredicate(conditions, schema, subject.pods, [...at, 'deny', 'conditions']);
    if (!p.ok && first) return first;
    if (!p.ok) return p;
    return p.value.kind === 'true' ? no('deny conditions that always hold', [...at, 'deny']) : ok(`forbid ${renderPredicate(p.value)}`);
  }
  return no('a validate rule without pattern, anyPattern, deny or podSecurity', at);
}

/**
 * `p exists and … p.q OP v …` without the `exists`: a test false on a missing value already fails when p is missing
 * (semantics §3). Patterns name every map on the way to a field; the shorter rule reads, and generates, better.
 */
function withoutImpliedExists(p: Pred): Pred {
  switch (p.kind) {
    case 'and': {
      const ops = p.operands.map(withoutImpliedExists);
      const tested = ops.flatMap((o) => (o.kind === 'test' ? [falseOnMissing(o.text)?.path] : [])).filter((x): x is string => x !== undefined);
      const existing = ops.flatMap((o) => (o.kind === 'test' && / exists$/.test(o.text) ? [o.text.replace(/ exists$/, '')] : []));
      const below = (x: string, q: string) => x.startsWith(`${q}.`) || x.startsWith(`${q}[`);
      const covered = (q: string) => tested.some((x) => x === q || below(x, q)) || existing.some((x) => below(x, q));
      const kept = ops.filter((o) => !(o.kind === 'test' && / exists$/.test(o.text) && covered(o.text.replace(/ exists$/, ''))));
      return kept.length === 1 ? kept[0]! : { kind: 'and', operands: kept };
    }
    case 'or':
      return { kind: 'or', operands: p.operands.map(withoutImpliedExists) };
    case 'not':
      return { kind: 'not', operand: withoutImpliedExists(p.operand) };
    case 'quantified':
      return { ...p, body: withoutImpliedExists(p.body) };
    default:
      return p;
  }
}

/** `forbid P`, written `require Q` when P is `not Q` or `any D has not Q` (`every D has Q`): the same rule. */
function forbidLine(pred: Pred): string {
  const p = withoutImpliedExists(pred);
  if (p.kind === 'not') return `require ${renderPredicate(p.operand)}`;
  if (p.kind === 'quantified' && p.quantifier === 'any' && p.body.kind === 'not') return `require ${renderPredicate(quantified('every', p.domain, p.body.operand))}`;
  return `forbid ${renderPredicate(p)}`;
}

function requireLine(p: Pred): string {
  if (p.kind === 'true') return 'require metadata exists';
  return `require ${renderPredicate(withoutImpliedExists(p))}`;
}

function podSecurityLine(ps: unknown, mode: string, at: YamlPathStep[]): Translation<string> {
  if (!isMap(ps)) return no('podSecurity that is not a map', at);
  const level = ps['level'];
  if (level !== 'baseline' && level !== 'restricted' && level !== 'privileged') return no(`the podSecurity level ${JSON.stringify(level)}`, [...at, 'level']);
  const version = ps['version'] ?? 'latest';
  if (typeof version !== 'string' || !(version === 'latest' || /^v1\.\d+$/.test(version))) return no(`the podSecurity version ${JSON.stringify(version)}`, [...at, 'version']);
  if (Array.isArray(ps['exclude']) && ps['exclude'].length > 0) return no('podSecurity.exclude (secpol exempts controls with an exception instead)', [...at, 'exclude']);
  return ok(`${mode} pod-security ${level} version ${version}`);
}

/** Kyverno's message as a secpol message, when it holds no `{` (secpol placeholders) and is one line. */
/**
 * Kyverno's message as a secpol message, one line. A `{{ element.a.b }}` variable (a foreach rule, which reports
 * its first failing element) or `{{ request.object.a.b }}` (a rule whose condition is not a quantifier) is the
 * placeholder `{a.b}` of the element secpol reports (docs/language/messages.md); any other variable, or a brace
 * left in the text, and the message is left out (secpol then writes the rule's condition in its own words).
 */
function messageLine(text: string, body: string): string | undefined {
  const one = text.replace(/\s+/g, ' ').trim();
  if (!one) return undefined;
  const quantifier = /^(forbid any|require every|require no) /.test(body);
  const path = '([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)*)';
  const element = new RegExp(`^element\\.${path}$`);
  const object = new RegExp(`^request\\.object\\.${path}$`);
  let ok = true;
  const replaced = one.replace(/\{\{([^{}]*)\}\}/g, (_, inner: string) => {
    const x = inner.trim();
    const m = quantifier ? element.exec(x) : object.exec(x);
    if (!m) ok = false;
    return m ? `\u0000${m[1]}\u0001` : '';
  });
  if (!ok || /[{}\\]/.test(replaced)) return undefined;
  // literal() writes the markers as \u0000 and \u0001 escapes; the text itself holds no backslash.
  return `message ${literal(replaced).replace(/\\u0000/g, '{').replace(/\\u0001/g, '}')}`;
}
