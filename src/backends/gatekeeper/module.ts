import type { Exception, Mode, Policy, PssControl, Rule, Subject } from '../../ir/index.js';
import { expiryEndNs, expiryEndRfc3339 } from '../../ir/index.js';
import { pssFailures, type PssExemptions } from './pss.js';
import { pssMinor } from '../common/pss-standards.js';
import { RuleCompiler, globPattern, type RegoScope } from './rego.js';
import { RegoModule } from './library.js';
import { comment as commentText, regoLiteral, regoPath, regoTerm, ruleText } from './rego-text.js';

/**
 * One policy's Rego module: a `violation` rule per secpol rule and per pod-security line, then the helpers
 * they use. The Constraint's match does the coarse filtering (kinds, namespaces, selectors); what it cannot
 * express exactly is checked here (`in_scope`), so the module alone has the policy's meaning.
 */

export interface ModulePlan {
  readonly policy: Policy;
  readonly packageName: string;
  /** The rules to compile (omitted ones are only mentioned). */
  readonly rules: readonly Rule[];
  readonly omitted: readonly { readonly rule: Rule; readonly reason: string }[];
  /** Several Constraints (one per mode) share the template: each violation checks `input.parameters.mode`. */
  readonly modeGuard: boolean;
  /** `except namespaces` is checked here rather than in the match (a Namespace object names itself there). */
  readonly excludedNamespacesInRego: boolean;
  /** The object selector is also checked here: on UPDATE, Gatekeeper's match also accepts the old object's labels. */
  readonly labelsInRego: boolean;
}

const allOperations = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

export function policyModule(plan: ModulePlan): string {
  const { policy } = plan;
  const module = new RegoModule();
  const exceptions = new ExceptionNames(module, policy.exceptions);
  const inScope = scopeGuard(module, plan);
  const violations: string[] = [];
  const views = new Map<string, string>();
  const viewOf = (subjects: readonly Subject[]) => {
    const key = JSON.stringify(subjects.map(subjectKey));
    return views.get(key) ?? views.set(key, subjectView(module, subjects)).get(key)!;
  };
  for (const rule of policy.rules) {
    const omission = plan.omitted.find((o) => o.rule === rule);
    if (omission) violations.push(`# rule ${commentText(rule.name)}, from ${where(rule)}: omitted from gatekeeper because ${commentText(JSON.stringify(omission.reason))}`);
    else if (plan.rules.includes(rule)) violations.push(ruleViolation(module, plan, rule, viewOf(rule.subjects ?? policy.scope.subjects), inScope, exceptions));
  }
  const exemptions = pssExemptions(module, policy.exceptions, exceptions);
  for (const ps of policy.podSecurity) {
    const version = ps.version === 'latest' ? 'latest' : `v1.${pssMinor(ps.version)}`;
    const heading = `# ${ps.mode} pod-security ${ps.level} version ${version}, from ${where(ps)}`;
    const failures = pssFailures(module, ps.level, ps.version, exemptions);
    if (!failures) {
      violations.push(`${heading}: the privileged level allows every pod.`);
      continue;
    }
    const whole = policy.exceptions.filter((e) => e.rules.length === 0 && e.images.length === 0 && e.controls.length === 0);
    const body = [
      `is_object(${module.use('pod_view')})`,
      ...modeLiteral(plan, ps.mode),
      ...(inScope ? [inScope] : []),
      ...exemptLiteral(module, 'pod_security', whole, exceptions),
      `failures := ${failures}`,
      'count(failures) > 0',
      `msg := sprintf("violates PodSecurity %v: %v", [${regoLiteral(`${ps.level}:${version}`)}, concat(", ", sort(failures))])`,
    ];
    violations.push(`${heading}\n${ruleText(violationHead(policy, `pod-security-${ps.mode}`), body)}`);
  }
  const header = [
    `package ${plan.packageName}`,
    '',
    '# Rego v1 syntax; with these imports it is also Rego v0, as Gatekeeper >= 3.10 reads the `rego` field.',
    'import future.keywords.contains',
    'import future.keywords.every',
    'import future.keywords.if',
    'import future.keywords.in',
  ].join('\n');
  return `${[header, ...violations, ...module.helpers()].join('\n\n')}\n`;
}

function where(node: { readonly span: Rule['span'] }): string {
  const { line } = node.span.file.lineColumn(node.span.start);
  return `${commentText(node.span.file.path)}:${line}`;
}

function violationHead(policy: Policy, rule: string): string {
  return `violation contains {"msg": msg, "details": {"policy": ${regoLiteral(policy.name)}, "rule": ${regoLiteral(rule)}}}`;
}

function modeLiteral(plan: ModulePlan, mode: Mode): string[] {
  return plan.modeGuard ? [`input.parameters.mode == ${regoLiteral(mode)}`] : [];
}

function subjectKey(s: Subject): string {
  return s.kind === 'pods' ? 'pods' : `${s.group ? `${s.group}/` : ''}${s.version} ${s.resourceKind}`;
}

/** The global rule holding the object rules over these subjects see (semantics §1.1): `pod_view` for pods. */
function subjectView(module: RegoModule, subjects: readonly Subject[]): string {
  if (subjects.length === 0) throw new Error('invariant: a rule with no subjects (the checker requires `applies to`)');
  if (subjects.length === 1 && subjects[0]!.kind === 'pods') return module.use('pod_view');
  const name = module.names.allocate('object_view');
  const clauses: string[] = [];
  for (const s of subjects) {
    if (s.kind === 'pods') clauses.push(`v if {\n\tv := ${module.use('pod_view')}\n}`);
    else {
      const apiVersion = s.group ? `${s.group}/${s.version}` : s.version;
      clauses.push(`input.review.object if {\n\tinput.review.object.apiVersion == ${regoLiteral(apiVersion)}\n\tinput.review.object.kind == ${regoLiteral(s.resourceKind)}\n}`);
    }
  }
  // An else-chain keeps the subjects' order: the first that matches decides the view.
  module.add(`# The object rules over ${commentText(subjects.map(subjectKey).join(', '))} see.\n${name} := ${clauses.join(' else := ')}`);
  return name;
}

/** `in_scope`: operations, and the scope parts the Constraint's match cannot express exactly. */
function scopeGuard(module: RegoModule, plan: ModulePlan): string | undefined {
  const { scope } = plan.policy;
  const literals: string[] = [];
  const notes: string[] = [];
  if (!allOperations.every((o) => scope.operations.includes(o as never))) {
    literals.push(`${module.use('review_operation')} in ${regoTerm(scope.operations)}`);
    notes.push(`the operation is one of ${scope.operations.join(', ')} (an audit review counts as CREATE)`);
  }
  if (plan.excludedNamespacesInRego && scope.excludedNamespaces.length) {
    literals.push(`not ${module.use('object_namespace')} in ${regoTerm(scope.excludedNamespaces)}`);
    notes.push('the namespace is not excluded (a Namespace object has none)');
  }
  if (plan.labelsInRego && scope.objectSelector) {
    const label = (k: string) => `${module.use('object_label')}(${regoLiteral(k)})`;
    for (const [k, v] of Object.entries(scope.objectSelector.matchLabels)) literals.push(`${label(k)} == ${regoLiteral(v)}`);
    for (const e of scope.objectSelector.matchExpressions) {
      if (e.operator === 'In') literals.push(`${label(e.key)} in ${regoTerm(e.values)}`);
      else if (e.operator === 'NotIn') literals.push(`not ${label(e.key)} in ${regoTerm(e.values)}`);
      else if (e.operator === 'Exists') literals.push(`is_string(${label(e.key)})`);
      else literals.push(`not is_string(${label(e.key)})`);
    }
    notes.push("the object's own labels match the selector (on UPDATE the match also accepts the old object's)");
  }
  if (literals.length === 0) return undefined;
  return module.define('in_scope', `# The request is in the policy's scope: ${notes.join('; ')}.\n${ruleText('in_scope', literals)}`);
}

/** Names and definitions of the exceptions' object filters (namespaces, workloads), made on first use. */
class ExceptionNames {
  private readonly names = new Map<Exception, string>();

  constructor(
    private readonly module: RegoModule,
    private readonly all: readonly Exception[],
  ) {}

  /**
   * The 0-ary rule that holds when the exception is in force and its namespace and workload filters match the
   * object. An expiry (semantics §1.5: valid through the date, UTC) is `time.now_ns() < <ns>`, the next midnight UTC
   * as a constant in nanoseconds; OPA's `time.now_ns()` is one value for the whole query, at admission and audit.
   */
  of(e: Exception): string {
    const known = this.names.get(e);
    if (known) return known;
    const name = this.module.names.allocate('exception', e.name);
    this.names.set(e, name);
    const literals: string[] = [];
    if (e.expires !== undefined) literals.push(`time.now_ns() < ${expiryEndNs(e.expires)}`);
    if (e.namespaces.length) literals.push(`${this.module.use('object_namespace')} in ${regoTerm(e.namespaces)}`);
    const workload = (w: Exception['workloads'][number]) => `${this.module.use('is_workload')}(${regoLiteral(w.kind)}, ${regoLiteral(w.namespace)}, ${regoLiteral(w.name)})`;
    let extra = '';
    if (e.workloads.length === 1) literals.push(workload(e.workloads[0]!));
    else if (e.workloads.length > 1) {
      const any = this.module.names.allocate('exception', e.name, 'workloads');
      extra = `\n\n${e.workloads.map((w) => ruleText(any, [workload(w)])).join('\n\n')}`;
      literals.push(any);
    }
    const until = e.expires ? ` (expires ${commentText(e.expires)}: in force while time.now_ns() is before ${expiryEndRfc3339(e.expires)})` : '';
    const comment = `# exception ${commentText(e.name)}: ${commentText(JSON.stringify(e.reason))}${until}`;
    const rule = literals.length ? ruleText(name, literals) : `${name} := true`;
    this.module.add(`${comment}\n${rule}${extra}`);
    return name;
  }

  get exceptions(): readonly Exception[] {
    return this.all;
  }
}

/** `not <exception>` (or `not <name>_exempt` for several): the object is not wholly exempted. */
function exemptLiteral(module: RegoModule, owner: string, whole: readonly Exception[], names: ExceptionNames): string[] {
  if (whole.length === 0) return [];
  if (whole.length === 1) return [`not ${names.of(whole[0]!)}`];
  const name = module.names.allocate(owner, 'exempt');
  module.add(whole.map((e) => ruleText(name, [names.of(e)])).join('\n\n'));
  return [`not ${name}`];
}

function ruleViolation(module: RegoModule, plan: ModulePlan, rule: Rule, root: string, inScope: string | undefined, names: ExceptionNames): string {
  const applicable = names.exceptions.filter((e) => e.rules.length === 0 || e.rules.includes(rule.name));
  const byImage = applicable.filter((e) => e.images.length > 0);
  const keepContainers = (domain: string) => {
    const name = module.once(`containers:${rule.name}`, () => {
      const kept = module.names.allocate(rule.name, 'containers');
      const exempt = module.names.allocate(rule.name, 'image_exempt');
      const image = `${module.use('value_at')}(c, ["image"])`;
      const bodies = byImage.map((e) => ruleText(`${exempt}(c)`, [names.of(e), `${module.use('matches_any_glob')}(${image}, ${regoTerm(e.images.map(globPattern))})`]));
      const which = byImage.length === 1 ? `exception ${commentText(byImage[0]!.name)} leaves` : `exceptions ${commentText(byImage.map((e) => e.name).join(', '))} leave`;
      const text = `# The containers rule ${commentText(rule.name)} checks: ${which} out matching images.
${kept}(list) := [c | some c in list; not ${exempt}(c)]

${bodies.join('\n\n')}`;
      return { name: kept, text };
    });
    return `${name}(${domain})`;
  };
  const compiler = new RuleCompiler(module, rule.name, root, byImage.length ? keepContainers : undefined);
  const rootScope = compiler.rootScope;
  const body = [`is_object(${root})`, ...modeLiteral(plan, plan.policy.mode), ...(inScope ? [inScope] : [])];
  body.push(...exemptLiteral(module, rule.name, applicable.filter((e) => e.images.length === 0 && e.controls.length === 0), names));
  if (rule.when) body.push(compiler.single(rule.when, rootScope));
  let element: RegoScope = rootScope;
  const top = rule.predicate;
  const bindsOffender = top.kind === 'quantified' && (rule.effect === 'forbid' ? top.quantifier === 'any' : top.quantifier !== 'any');
  if (top.kind === 'quantified' && bindsOffender) {
    // The violation names the offending element: one violation per element that makes the rule fail.
    element = { term: compiler.fresh(top.domain.kind === 'container' ? 'c' : 'element'), isRoot: false };
    body.push(`some ${element.term} in ${compiler.domain(top.domain, rootScope)}`);
    if (top.quantifier === 'every') body.push(negate(compiler.single(top.body, element)));
    else body.push(...compiler.compile(top.body, element).literals);
  } else if (rule.effect === 'forbid') body.push(...compiler.compile(top, rootScope).literals);
  else body.push(negate(compiler.single(top, rootScope)));
  body.push(`msg := ${message(module, rule, element)}`);
  return `# rule ${commentText(rule.name)}, from ${where(rule)}\n${ruleText(violationHead(plan.policy, rule.name), body)}`;
}

function negate(literal: string): string {
  return literal.startsWith('not ') ? literal.slice(4) : `not ${literal}`;
}

/** The rule's message with `{path}` placeholders filled from the offending element, or a default naming the rule. */
function message(module: RegoModule, rule: Rule, element: RegoScope): string {
  if (!rule.message) return regoLiteral(`rule ${rule.name} is violated`);
  const parts = rule.message.parts;
  if (parts.every((p) => p.kind === 'text')) return regoLiteral(parts.map((p) => (p.kind === 'text' ? p.text : '')).join(''));
  const format = parts.map((p) => (p.kind === 'text' ? p.text.replace(/%/g, '%%') : '%v')).join('');
  const args = parts.flatMap((p) => (p.kind === 'field' ? [`${module.use('message_value')}(${module.use('value_at')}(${element.term}, ${regoPath(p.path)}))`] : []));
  return `sprintf(${regoLiteral(format)}, [${args.join(', ')}])`;
}

/**
 * Exceptions with `controls` (or with no rules) exempt Pod Security controls (semantics §4): for the whole pod,
 * or, with `images`, for the containers whose image matches. None: the checks read every container.
 */
function pssExemptions(module: RegoModule, exceptions: readonly Exception[], names: ExceptionNames): PssExemptions {
  const relevant = exceptions.filter((e) => (e.controls.length > 0 || e.rules.length === 0) && !(e.images.length === 0 && e.controls.length === 0));
  if (relevant.length === 0) return { containers: () => module.use('containers'), podLevel: () => [], annotation: () => [] };
  const controlTest = (e: Exception) => (e.controls.length ? [`control in ${regoTerm(e.controls)}`] : []);
  const podWide = relevant.filter((e) => e.images.length === 0);
  const byImage = relevant.filter((e) => e.images.length > 0);
  const define = () => {
    const podExempt = podWide.length
      ? podWide.map((e) => ruleText(`pss_pod_exempt(${e.controls.length ? 'control' : '_'})`, [names.of(e), ...controlTest(e)])).join('\n\n')
      : undefined;
    if (podExempt) module.define('pss_pod_exempt', `# Pod Security controls exceptions exempt for the whole pod.\n${podExempt}`);
    const containerBodies = [
      ...(podExempt ? [ruleText('pss_container_exempt(control, _)', ['pss_pod_exempt(control)'])] : []),
      ...byImage.map((e) => ruleText(`pss_container_exempt(${e.controls.length ? 'control' : '_'}, c)`, [names.of(e), ...controlTest(e), `${module.use('matches_any_glob')}(${module.use('value_at')}(c, ["image"]), ${regoTerm(e.images.map(globPattern))})`])),
    ];
    module.define('pss_container_exempt', `# Pod Security controls exceptions exempt for one container.\n${containerBodies.join('\n\n')}`);
    module.define('pss_containers', `# The containers whose container-level fields a control checks.\npss_containers(control) := [c | some c in ${module.use('containers')}; not pss_container_exempt(control, c)]`, ['pss_container_exempt']);
  };
  let defined = false;
  const ensure = () => {
    if (!defined) define();
    defined = true;
  };
  const annotationCounts = () => {
    const containers = module.use('containers');
    const valueAt = module.use('value_at');
    const named = `named := [c | some c in ${containers}; ${valueAt}(c, ["name"]) == name]`;
    const none = ruleText('pss_annotation_counts(control, name)', [named, 'count(named) == 0', ...(podWide.length ? ['not pss_pod_exempt(control)'] : [])]);
    const some = ruleText('pss_annotation_counts(control, name)', [named, 'not pss_container_exempt(control, named[0])']);
    const doc = '# A legacy annotation naming container `name` counts for a control unless that container (or, naming none, the pod) is exempt.';
    module.define('pss_annotation_counts', `${doc}\n${none}\n\n${some}`, ['pss_container_exempt']);
  };
  return {
    containers: (control: PssControl) => {
      ensure();
      return `${module.use('pss_containers')}(${regoLiteral(control)})`;
    },
    podLevel: (control: PssControl) => {
      ensure();
      return podWide.length ? [`not ${module.use('pss_pod_exempt')}(${regoLiteral(control)})`] : [];
    },
    annotation: (control: PssControl, name: string) => {
      ensure();
      if (!podWide.length && !byImage.length) return [];
      annotationCounts();
      return [`pss_annotation_counts(${regoLiteral(control)}, ${name})`];
    },
  };
}
