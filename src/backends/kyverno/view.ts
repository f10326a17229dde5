import { diagnostic, type Diagnostic } from '../../diagnostics/index.js';
import type { Exception, Omission, Policy, PodSecurity, Rule, Subject } from '../../ir/index.js';
import type { EmitOptions } from '../backend.js';
import { formatLine, type Span } from '../../source/index.js';
import { appliesToRule, exemptsWholeObject, hasObjectFilter, policyExceptions, ruleNamesWithAutogen, type ExceptionDocument } from './exceptions.js';
import { kyvernoText, literal, variable } from './jmespath.js';
import { exclusionsOf, kyvernoPssVersion, normalizeExclusions, podSecurityRuleName } from './pod-security.js';
import { containerForeach, ELEMENT, not, OBJECT, placeholderExpression, predicateExpression, witnessExpression, type ImageException, type PredicateEnv } from './predicate.js';
import { MAX_PSS_SPLIT, pssExceptions, pssViolation } from './pss-rules.js';
import { pssMinor } from '../common/pss-standards.js';
import { withinExpiry } from './expiry.js';
import { exceptionFilter, holds, isPodSubject, readsRequestUser, scopeBlocks, type Json } from './scope.js';
import { verifyImagesRule } from './verify-images.js';
import { referenceContext } from './references.js';
import { elementPattern, patternForm } from './pattern.js';
import { operatorConditions, type ConditionBlock } from './operators.js';

/**
 * The typed view model of the Kyverno backend (R7): everything the templates splice, computed from the IR.
 * Targets Kyverno 1.17 (`kyverno.io/v1` ClusterPolicy with per-rule `validate.failureAction`, `kyverno.io/v2`
 * PolicyException); see docs/backends/kyverno.md for how each construct compiles.
 */

export interface RuleView {
  /** `from <file>:<line>`, written as a YAML comment above the rule. */
  readonly source: string;
  /** A one-element list, so the template renders it as a sequence item. */
  readonly item: readonly Json[];
}

export interface ClusterPolicyView {
  readonly metadata: Json;
  readonly settings: Json;
  readonly rules: readonly RuleView[];
}

export interface PolicyFileView {
  readonly path: string;
  readonly name: string;
  readonly source: string;
  /** Comment lines: omitted rules and the reasons. */
  readonly notes: readonly string[];
  /**
   * The ClusterPolicies: none when nothing of the policy is emitted for Kyverno, two when its rules have both
   * failure actions (see `byFailureAction`).
   */
  readonly policies: readonly ClusterPolicyView[];
}

export interface ExceptionsFileView {
  readonly path: string;
  readonly source: string;
  readonly notes: readonly string[];
  readonly exceptions: readonly ExceptionDocument[];
}

export interface PolicyViews {
  readonly policy: PolicyFileView;
  readonly exceptions?: ExceptionsFileView;
  readonly diagnostics: readonly Diagnostic[];
}

const CONTROLLERS = 'CronJob,DaemonSet,Deployment,Job,ReplicaSet,StatefulSet';
const K8S_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * The names of the containers a Pod Security check's filter keeps, for its message (`the pod` when only a pod-level
 * setting fails it). Names are stringified and a `{{` from the object is broken up, as placeholders are.
 */
function offenderNames(filter: string): string {
  return `replace_all(join(', ', map(&to_string(@), ${filter} | [*].name)) || 'the pod', ${literal('{{')}, ${literal('{ {')})`;
}

/**
 * The value of a top-level quantifier's body that alone makes the rule fail: it holds for `forbid any` and
 * `require no`, fails for `require every`; for the other quantifiers (and non-quantified rules) no single
 * element decides.
 */
function decisiveValue(rule: Rule): boolean | undefined {
  const top = rule.predicate;
  if (top.kind !== 'quantified') return undefined;
  if (rule.effect === 'forbid') return top.quantifier === 'any' ? true : undefined;
  return top.quantifier === 'every' ? false : top.quantifier === 'no' ? true : undefined;
}

function omittedFromKyverno(omissions: readonly Omission[]): Omission | undefined {
  return omissions.find((o) => o.backends.includes('kyverno'));
}

function failureAction(mode: Policy['mode']): string {
  return mode === 'enforce' ? 'Enforce' : 'Audit';
}

class Builder {
  readonly diagnostics: Diagnostic[] = [];
  constructor(
    readonly policy: Policy,
    /** The user accepted `--approximate kyverno-pod-security`: emit validate.podSecurity and say so in a note. */
    private readonly approximatePodSecurity = false,
  ) {}

  readonly approximationNotes: string[] = [];

  unsupported(span: Span, what: string, hint: string): void {
    this.diagnostics.push(diagnostic('SP2001', span, { backend: 'kyverno', what, hint }));
  }

  /**
   * Exceptions compiled into a rule whose workloads have controllers read `request.userInfo` (scope.ts
   * exceptionFilter): Kyverno rejects such a policy unless `background` is false (pkg/validation/policy
   * background.go, containsUserVariables); the exceptions' names, to say so in the file.
   */
  readonly userReading = new Set<string>();

  /** An exception compiled into a rule: its object filters, and its date (expiry.ts) when it expires. */
  exceptionFilter(e: Exception): string | undefined {
    if (readsRequestUser(e.workloads)) this.userReading.add(e.name);
    return withinExpiry(exceptionFilter(e.namespaces, e.workloads, this.policy.scope.operations), e.expires);
  }

  env(rule: Rule, pods: boolean): PredicateEnv {
    const imageExceptions: ImageException[] = this.policy.exceptions
      .filter((e) => e.images.length > 0 && appliesToRule(e, rule.name))
      .map((e) => {
        const when = this.exceptionFilter(e);
        return when === undefined ? { globs: e.images } : { globs: e.images, when };
      });
    return { podView: pods, imageExceptions, unsupported: (span, what, hint) => this.unsupported(span, what, hint) };
  }

  /**
   * The message; `inForeach`: Kyverno substitutes it with the failing container as `element` (foreach form).
   * Otherwise the element that alone makes the rule fail (decisiveValue) is found again by a filter.
   */
  message(rule: Rule, env: PredicateEnv, inForeach = false): string {
    const template = rule.message;
    if (!template) return kyvernoText(`rule ${rule.name} is violated`);
    const needsElement = template.parts.some((p) => p.kind === 'field');
    const top = rule.predicate;
    const decisive = decisiveValue(rule);
    const element = inForeach ? ELEMENT : needsElement && decisive !== undefined && top.kind === 'quantified' ? witnessExpression(top, decisive, env) : OBJECT;
    // A container's name is a DNS label the API server validates (no `{{`, never absent): written as Kyverno users
    // write it. Other fields go through placeholderExpression's guards.
    const containerName = (path: readonly string[]) => element === ELEMENT && top.kind === 'quantified' && top.domain.kind === 'container' && top.domain.apiTyped === true && path.length === 1 && path[0] === 'name';
    return template.parts
      .map((p) => (p.kind === 'text' ? kyvernoText(p.text) : variable(containerName(p.path) ? `${ELEMENT}.name` : placeholderExpression(element, p.path, env.podView))))
      .join('');
  }

  /**
   * Any other rule: `deny` conditions on the whole object, with Kyverno's operators where one is exact (operators.ts),
   * else one boolean condition. Pod rules read the pod view at `request.object.spec`/`.metadata` (autogen redirects
   * both), but the controller's own name and namespace (podViewValue) keep the boolean form; so does a policy judging
   * DELETE, where Kyverno reads `request.object` from the old object.
   */
  denyValidate(rule: Rule, env: PredicateEnv): Json {
    const podPath = (path: readonly string[]) => path[0] === 'spec' || (path[0] === 'metadata' && path[1] !== 'name' && path[1] !== 'namespace');
    const reported = this.diagnostics.length;
    const block: ConditionBlock | undefined = this.policy.scope.operations.includes('DELETE')
      ? undefined
      : operatorConditions(rule.predicate, rule.effect === 'forbid', { base: OBJECT, pathOk: env.podView ? podPath : () => true, fallback: (p, h) => (h ? predicateExpression(p, env) : not(predicateExpression(p, env))) }, holds);
    // The parts' diagnostics are the whole predicate's: reported once, by the form that is kept.
    if (!block) this.diagnostics.length = reported;
    const conditions = block ?? { all: [holds(rule.effect === 'require' ? not(predicateExpression(rule.predicate, env)) : predicateExpression(rule.predicate, env))] };
    return { failureAction: failureAction(this.policy.mode), allowExistingViolations: false, message: this.message(rule, env), deny: { conditions } };
  }

  /**
   * A field requirement as the `pattern` (or `anyPattern`) with anchors a Kyverno maintainer writes first, when one
   * means exactly the rule on admitted objects (pattern.ts). A pattern cannot read the element that fails it, so a
   * rule whose message names the offending element (a placeholder, on a rule one element makes fail) gets the
   * per-element pattern inside a `foreach` instead, where Kyverno substitutes the failing element into the message;
   * other messages read the object (docs/backends/kyverno.md, "Patterns").
   */
  patternValidate(rule: Rule, env: PredicateEnv, subjects: readonly Subject[]): Json | undefined {
    const namesElement = rule.message !== undefined && rule.message.parts.some((p) => p.kind === 'field') && decisiveValue(rule) !== undefined;
    if (namesElement) return this.elementPatternValidate(rule, env, subjects);
    const form = patternForm(rule, subjects, { imageExceptions: env.imageExceptions.length > 0, operations: this.policy.scope.operations });
    if (!form) return undefined;
    const out: { [key: string]: Json } = { failureAction: failureAction(this.policy.mode), allowExistingViolations: false, message: this.message(rule, env) };
    if (form.kind === 'pattern') out['pattern'] = form.pattern;
    else out['anyPattern'] = [...form.patterns];
    return out;
  }

  /** `foreach` over the elements with a per-element `pattern`, skipping the containers an image exception exempts. */
  elementPatternValidate(rule: Rule, env: PredicateEnv, subjects: readonly Subject[]): Json | undefined {
    const top = rule.predicate;
    const decisive = decisiveValue(rule);
    if (top.kind !== 'quantified' || decisive === undefined) return undefined;
    const form = elementPattern(rule, subjects, { operations: this.policy.scope.operations, root: OBJECT });
    if (!form) return undefined;
    const entry: { [key: string]: Json } = { list: form.list };
    if (env.imageExceptions.length > 0) {
      const exempt = containerForeach(top, decisive, env)?.exempt;
      if (exempt === undefined) return undefined;
      entry['preconditions'] = { all: [holds(not(exempt))] };
    }
    entry['pattern'] = form.pattern;
    return { failureAction: failureAction(this.policy.mode), allowExistingViolations: false, message: this.message(rule, env, true), foreach: [entry] };
  }

  /**
   * A rule over every container (`require every container has P`, `require no …`, `forbid any …`) as the
   * `foreach` a Kyverno maintainer writes: a short `deny` per container, skipping the containers an image
   * exception exempts, with a message naming the container.
   */
  foreachValidate(rule: Rule, env: PredicateEnv): Json | undefined {
    const top = rule.predicate;
    const decisive = decisiveValue(rule);
    // On DELETE Kyverno rewrites `request.object` to the old object inside `{{ }}` variables only, and a foreach
    // `list` is not a variable: a policy judging deletions keeps the single deny condition.
    if (top.kind !== 'quantified' || decisive === undefined || this.policy.scope.operations.includes('DELETE')) return undefined;
    const each = containerForeach(top, decisive, env);
    if (!each) return undefined;
    const entry: { [key: string]: Json } = { list: each.list };
    if (each.exempt !== undefined) entry['preconditions'] = { all: [holds(not(each.exempt))] };
    // Kyverno's operators on `element` where exact (operators.ts); the containers' lists are typed (`apiTyped`).
    const reported = this.diagnostics.length;
    const block = top.domain.apiTyped
      ? operatorConditions(top.body, decisive, { base: ELEMENT, pathOk: () => true, fallback: (p, h) => containerForeach({ ...top, body: p }, h, env)?.violation ?? 'false' }, holds)
      : undefined;
    // containerForeach above compiled the whole body and reported its diagnostics once.
    this.diagnostics.length = reported;
    entry['deny'] = { conditions: block ?? { all: [holds(each.violation)] } };
    return { failureAction: failureAction(this.policy.mode), allowExistingViolations: false, message: this.message(rule, env, true), foreach: [entry] };
  }

  rule(rule: Rule): Json | undefined {
    const subjects: readonly Subject[] = rule.subjects ?? this.policy.scope.subjects;
    const pods = isPodSubject(subjects);
    if (pods && subjects.length > 1) {
      this.unsupported(rule.span, `rule "${rule.name}" applying to pods and to other kinds at once`, 'Kyverno auto-generates controller rules only for rules that match Pods alone; split it into one rule for pods and one for the other kinds');
      return undefined;
    }
    if (rule.name.length > 63) this.unsupported(rule.span, `the rule name "${rule.name}" (Kyverno rule names have at most 63 characters)`, 'shorten the rule name');
    const env = this.env(rule, pods);
    const blocks = scopeBlocks(this.policy.scope, subjects);
    const preconditions = [...blocks.preconditions, ...(rule.when ? [predicateExpression(rule.when, env)] : [])];
    const out: { [key: string]: Json } = { name: rule.name, match: blocks.match };
    if (blocks.exclude) out['exclude'] = blocks.exclude;
    const context = referenceContext(rule);
    if (context) out['context'] = context;
    if (preconditions.length) out['preconditions'] = { all: preconditions.map(holds) };
    out['validate'] = this.patternValidate(rule, env, subjects) ?? this.foreachValidate(rule, env) ?? this.denyValidate(rule, env);
    return out;
  }

  /** Names of pod-security rules emitted as Kyverno's podSecurity subrule (their exceptions become PolicyExceptions). */
  readonly subrulePodSecurity = new Set<string>();
  /** Names of pod-security rules compiled as explicit deny conditions. */
  readonly explicitPodSecurity = new Set<string>();

  podSecurityRules(ps: PodSecurity): Json[] | undefined {
    // secpol verify found this: Kyverno's podSecurity subrule runs every revision of each check up to a pinned
    // version (and its own vendored revisions for latest), so it denies pods that Pod Security Admission allows
    // (Windows pods from v1.25, legacy seccomp annotations from v1.19, sysctls allowed after v1.0). By default the
    // checks are therefore compiled as explicit deny conditions (pss-rules.ts); the subrule is used for the
    // privileged level (which checks nothing) and when the user accepts the approximation.
    if (ps.level !== 'privileged' && !this.approximatePodSecurity) return this.explicitPodSecurityRules(ps);
    if (ps.level !== 'privileged') {
      this.approximationNotes.push(`approximation accepted with --approximate kyverno-pod-security: rule ${podSecurityRuleName(ps)} uses Kyverno's podSecurity subrule, which is stricter than Pod Security Admission for Windows pods, legacy seccomp annotations and newer sysctls`);
    }
    const version = kyvernoPssVersion(ps.version);
    if (version === undefined) {
      this.unsupported(ps.span, `Pod Security version v1.${typeof ps.version === 'object' ? ps.version.minor : ''} (Kyverno's podSecurity accepts v1.19 to v1.32 and latest)`, 'use version v1.19 or later, or latest');
      return undefined;
    }
    const pods: Subject[] = [{ kind: 'pods', span: ps.span }];
    const blocks = scopeBlocks(this.policy.scope, pods);
    const unfiltered = this.policy.exceptions.filter((e) => e.controls.length > 0 && !hasObjectFilter(e));
    for (const e of unfiltered.filter((x) => x.expires !== undefined)) {
      this.unsupported(e.span, `the expiry of exception "${e.name}" in podSecurity.exclude (--approximate kyverno-pod-security; an exclusion has no conditions)`, 'give the exception a namespaces filter (it then becomes a PolicyException with the date condition), or compile without --approximate');
    }
    const exclude = normalizeExclusions(unfiltered.flatMap(exclusionsOf));
    const podSecurity: { [key: string]: Json } = { level: ps.level, version };
    if (exclude.length) podSecurity['exclude'] = exclude;
    const out: { [key: string]: Json } = { name: podSecurityRuleName(ps), match: blocks.match };
    if (blocks.exclude) out['exclude'] = blocks.exclude;
    if (blocks.preconditions.length) out['preconditions'] = { all: blocks.preconditions.map(holds) };
    out['validate'] = { failureAction: failureAction(ps.mode), allowExistingViolations: false, podSecurity };
    this.subrulePodSecurity.add(podSecurityRuleName(ps));
    return [out];
  }

  /**
   * `pod-security` as one deny rule per Pod Security Standards check in force (exact; exceptions compiled in),
   * named `pod-security-<mode>-<control>` and saying which check failed and what the pod must do, as PSA's
   * messages do. Each way a check can fail is its own condition (`any`), so no expression line is long.
   */
  explicitPodSecurityRules(ps: PodSecurity): Json[] | undefined {
    const name = podSecurityRuleName(ps);
    this.explicitPodSecurity.add(name);
    const exceptions = pssExceptions(this.policy.exceptions, name, (e) => this.exceptionFilter(e));
    const { checks, tooManySplits } = pssViolation(ps.level, ps.version, exceptions);
    for (const control of tooManySplits) {
      this.unsupported(ps.span, `exceptions with images and namespace or workload filters for the pod-security control ${control} (more than ${MAX_PSS_SPLIT})`, 'merge the exceptions or drop their filters');
    }
    if (tooManySplits.length) return undefined;
    const pods: Subject[] = [{ kind: 'pods', span: ps.span }];
    const blocks = scopeBlocks(this.policy.scope, pods);
    const version = ps.version === 'latest' ? 'latest' : `v1.${pssMinor(ps.version)}`;
    if (checks.length === 0) this.approximationNotes.push(`pod-security ${ps.mode}: every check of ${ps.level}:${version} is exempted for every object, so no rule is emitted`);
    return checks.map((check) => {
      const out: { [key: string]: Json } = { name: `${name}-${check.control}`, match: blocks.match };
      if (blocks.exclude) out['exclude'] = blocks.exclude;
      if (blocks.preconditions.length) out['preconditions'] = { all: blocks.preconditions.map(holds) };
      out['validate'] = {
        failureAction: failureAction(ps.mode),
        allowExistingViolations: false,
        message: kyvernoText(`violates PodSecurity "${ps.level}:${version}": ${check.id} (${check.guidance})`) + (check.offenders ? `; containers: ${variable(offenderNames(check.offenders))}` : ''),
        deny: { conditions: { any: check.violations.map(holds) } },
      };
      return out;
    });
  }
}

/**
 * The ClusterPolicies of one policy. Kyverno up to 1.18 resolves ONE failure action per ClusterPolicy, the
 * `failureAction` of its first validate rule (kyverno#16557; GetValidationFailureAction, BlockRequest), so rules
 * that block and rules that only report cannot share one: a `warn` pod-security line after `enforce` rules would
 * block, an `enforce` line after `audit` rules would not. The rules of the policy's own mode keep the policy's name;
 * the others go to `<name>-enforce` or `<name>-audit`.
 */
function byFailureAction(policy: Policy, rules: readonly RuleView[]): { name: string; action: string; rules: RuleView[] }[] {
  if (rules.length === 0) return [];
  const actionOf = (r: RuleView) => ((r.item[0] as { validate?: { failureAction?: string } }).validate?.failureAction ?? failureAction(policy.mode));
  const own = failureAction(policy.mode);
  const mine = rules.filter((r) => actionOf(r) === own);
  const others = rules.filter((r) => actionOf(r) !== own);
  if (mine.length === 0 || others.length === 0) return [{ name: policy.name, action: actionOf(rules[0]!), rules: [...rules] }];
  const other = own === 'Enforce' ? 'Audit' : 'Enforce';
  return [
    { name: policy.name, action: own, rules: mine },
    { name: `${policy.name}-${other.toLowerCase()}`, action: other, rules: others },
  ];
}

function annotationsOf(policy: Policy, podRules: boolean): Json {
  const out: { [key: string]: Json } = {};
  if (podRules) out['pod-policies.kyverno.io/autogen-controllers'] = CONTROLLERS;
  if (policy.category !== undefined) out['policies.kyverno.io/category'] = policy.category;
  if (policy.description !== undefined) out['policies.kyverno.io/description'] = policy.description;
  out['policies.kyverno.io/severity'] = policy.severity;
  out['policies.kyverno.io/title'] = policy.title ?? policy.name;
  // The secpol policy, also for its second ClusterPolicy when it mixes failure actions (byFailureAction).
  out['secpol.dev/policy'] = policy.name;
  out['secpol.dev/source'] = formatLine(policy.span);
  return out;
}

/** Builds the view of one policy: its ClusterPolicy file and, when needed, its PolicyException file. */
export function policyViews(policy: Policy, options: EmitOptions = {}): PolicyViews {
  const b = new Builder(policy, options.approximate?.includes('kyverno-pod-security') ?? false);
  const source = formatLine(policy.span);
  const path = `kyverno/${policy.name}.yaml`;
  const policyOmission = omittedFromKyverno(policy.omissions);
  if (policyOmission) {
    return { policy: { path, name: policy.name, source, notes: [`policy ${policy.name} omitted from kyverno: ${policyOmission.reason}`], policies: [] }, diagnostics: [] };
  }
  if (!K8S_NAME.test(policy.name) || policy.name.length > 63) {
    b.unsupported(policy.span, `the policy name "${policy.name}" as a ClusterPolicy name`, 'Kubernetes object names are lowercase letters, digits, "-" and "." (at most 63 characters here)');
  }
  const notes: string[] = [];
  const rules: RuleView[] = [];
  /** Kyverno rule names (with autogen variants) of each emitted rule view. */
  const namesOf = new Map<RuleView, readonly string[]>();
  const emitted = new Map<string, readonly string[]>();
  const reserved = new Set(policy.podSecurity.map(podSecurityRuleName));
  for (const rule of policy.rules) {
    const omission = omittedFromKyverno(rule.omissions);
    if (omission) {
      notes.push(`rule ${rule.name} omitted from kyverno: ${omission.reason}`);
      continue;
    }
    if ([...reserved].some((r) => rule.name === r || rule.name.startsWith(`${r}-`))) {
      b.unsupported(rule.span, `a rule named "${rule.name}" next to a pod-security line (the Kyverno rules for that line are named pod-security-<mode>-<control>)`, 'rename the rule');
    }
    const json = b.rule(rule);
    if (!json) continue;
    const view: RuleView = { source: `from ${formatLine(rule.span)}`, item: [json] };
    rules.push(view);
    const pods = isPodSubject(rule.subjects ?? policy.scope.subjects);
    emitted.set(rule.name, ruleNamesWithAutogen(rule.name, pods));
    namesOf.set(view, ruleNamesWithAutogen(rule.name, pods));
  }
  const podSecurityNames: string[] = [];
  for (const ps of policy.podSecurity) {
    for (const json of b.podSecurityRules(ps) ?? []) {
      const view: RuleView = { source: `from ${formatLine(ps.span)}`, item: [json] };
      rules.push(view);
      namesOf.set(view, ruleNamesWithAutogen(String((json as { name: string }).name), true));
    }
    if (b.subrulePodSecurity.has(podSecurityRuleName(ps))) podSecurityNames.push(...ruleNamesWithAutogen(podSecurityRuleName(ps), true));
  }
  for (const v of policy.images ?? []) {
    const json = verifyImagesRule(policy, v, (span, what, hint) => b.unsupported(span, what, hint));
    if (!json) continue;
    const view: RuleView = { source: `from ${formatLine(v.span)}`, item: [json] };
    rules.push(view);
    namesOf.set(view, ruleNamesWithAutogen(v.name, true));
  }
  notes.push(...b.approximationNotes);
  const groups = byFailureAction(policy, rules);
  if (groups.length > 1) notes.push(`the rules that ${groups[1]!.action === 'Enforce' ? 'block' : 'only report'} are in ClusterPolicy ${groups[1]!.name}: Kyverno up to 1.18 applies the failure action of a ClusterPolicy's first validate rule to all its rules (kyverno#16557)`);
  const policyOfRule = new Map<string, string>();
  for (const g of groups) for (const r of g.rules) for (const n of namesOf.get(r) ?? []) policyOfRule.set(n, g.name);

  const targets = new Map<Exception, readonly string[]>();
  for (const e of policy.exceptions) {
    // Exceptions reaching a pod-security rule compiled explicitly are part of its conditions (pss-rules.ts).
    const inlined = policy.podSecurity.some((ps) => b.explicitPodSecurity.has(podSecurityRuleName(ps)) && (e.controls.length > 0 || appliesToRule(e, podSecurityRuleName(ps))));
    if (exemptsWholeObject(e)) {
      const names = policy.rules.filter((r) => appliesToRule(e, r.name)).flatMap((r) => emitted.get(r.name) ?? []);
      if (names.length > 0 || !inlined) targets.set(e, names);
    } else if (e.controls.length > 0 && hasObjectFilter(e) && (podSecurityNames.length > 0 || !inlined)) targets.set(e, podSecurityNames);
    if (!K8S_NAME.test(`${policy.name}-${e.name}`) && targets.has(e)) {
      b.unsupported(e.span, `the exception name "${e.name}" in a PolicyException name`, 'exception names become part of Kubernetes object names: use lowercase letters, digits and "-"');
    }
  }
  const exceptions = policyExceptions(policy, targets, (rule) => policyOfRule.get(rule) ?? policy.name);
  if (b.userReading.size) notes.push(`background scanning is off: exception${b.userReading.size > 1 ? 's' : ''} ${[...b.userReading].sort().join(', ')} recognise${b.userReading.size > 1 ? '' : 's'} a workload's pods by the controller that requests them (request.userInfo), which a background scan does not have`);
  const settings: { [key: string]: Json } = { background: b.userReading.size === 0 && policy.scope.operations.some((o) => o === 'CREATE' || o === 'UPDATE') };
  if (policy.mode === 'warn' || policy.podSecurity.some((ps) => ps.mode === 'warn')) settings['emitWarning'] = true;
  const view: PolicyFileView = {
    path,
    name: policy.name,
    source,
    notes: [...notes, ...(rules.length === 0 ? [`policy ${policy.name} has no rule to emit for kyverno`] : [])],
    // A group holds pod rules when a rule has autogen variants (a pod rule's names include `autogen-…`).
    policies: groups.map((g) => ({ metadata: { name: g.name, annotations: annotationsOf(policy, g.rules.some((r) => (namesOf.get(r)?.length ?? 0) > 1)) }, settings, rules: g.rules })),
  };
  const exceptionsView: ExceptionsFileView | undefined =
    exceptions.documents.length || exceptions.skipped.length
      ? { path: `kyverno/${policy.name}-exceptions.yaml`, source, notes: exceptions.skipped, exceptions: exceptions.documents }
      : undefined;
  return { policy: view, ...(exceptionsView ? { exceptions: exceptionsView } : {}), diagnostics: b.diagnostics };
}
