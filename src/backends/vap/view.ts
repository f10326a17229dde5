import { controllerUsernames, ownedLevels, podControllers, type Exception, type FieldType, type LabelSelector, type Mode, type OwnedLevel, type PodSecurity, type Policy, type Rule, type Subject, type WorkloadRef } from '../../ir/index.js';
import { formatLine } from '../../source/index.js';
import { CelCompiler, PodSettings, celString, fieldBase, globRegex, hasPath, isObject, select, valueOf, type CelScope } from './cel.js';
import { podAnnotationsVariable, pssChecks, pssExemptions, readsAnnotations, type PssExemptions } from './pss.js';
import { pssMinor } from '../common/pss-standards.js';

/**
 * The view model of one `vap/<policy>.yaml`: a ValidatingAdmissionPolicy and its binding, as plain objects
 * (the template in targets/vap/ renders them through the common YAML helpers).
 */
export interface VapFileView {
  readonly header: readonly string[];
  /** ValidatingAdmissionPolicy, binding, and again for each further mode. */
  readonly objects: readonly object[];
}

/**
 * One ValidatingAdmissionPolicy and its binding. A binding has one set of validationActions, so a policy whose
 * pod-security lines use other modes than the policy gets one pair per mode.
 */
export interface VapPlan {
  readonly policy: Policy;
  /** The VAP and binding name (a DNS subdomain): the policy's name, `<policy>.<mode>` for another mode. */
  readonly name: string;
  readonly mode: Mode;
  readonly rules: readonly Rule[];
  readonly podSecurity: readonly PodSecurity[];
}

/** The binding's validationActions per secpol mode. */
const validationActions = { enforce: ['Deny'], audit: ['Audit'], warn: ['Warn'] } as const satisfies Record<Mode, readonly string[]>;

/** Kubernetes' plural resource name of a kind (the RESTMapper's default rule; irregular kinds listed). */
export function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  const irregular: Record<string, string> = { endpoints: 'endpoints' };
  if (irregular[lower]) return irregular[lower];
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

const v = (name: string) => `variables.${name}`;

/** Is the object of subject s (exact apiVersion and kind, semantics §1.1)? */
function subjectTest(s: Subject): string {
  if (s.kind === 'pods') return v('isPodSubject');
  const apiVersion = s.group ? `${s.group}/${s.version}` : s.version;
  return `(${v('apiVersion')} == ${celString(apiVersion)} && ${v('kind')} == ${celString(s.resourceKind)})`;
}

/** A string field of the subject, or "" when missing or not a string. */
function stringField(path: readonly string[]): string {
  const x = valueOf(v('subject'), path);
  return `(${hasPath(v('subject'), path)} && type(${x}) == string) ? ${x} : ""`;
}

/**
 * The exception's namespace and workload filters (semantics §1.5) as a CEL condition: a workload is itself (kind,
 * namespace, name), or an object its controllers created (`ownedByWorkload`), never a name prefix.
 */
function exceptionMatch(e: Exception): string {
  const parts: string[] = [];
  if (e.namespaces.length) parts.push(`${v('namespace')} in [${e.namespaces.map(celString).join(', ')}]`);
  if (e.workloads.length) {
    const self = (w: WorkloadRef) => `(${v('namespace')} == ${celString(w.namespace)} && ${v('kind')} == ${celString(w.kind)} && ${v('name')} == ${celString(w.name)})`;
    parts.push(`(${e.workloads.flatMap((w) => [self(w), ...ownedLevels(w.kind).map((level) => ownedByWorkload(w, level))]).join(' || ')})`);
  }
  return parts.length ? parts.join(' && ') : 'true';
}

/**
 * The admitted object was created by the workload's controller (issue 22 item 2): of the level's kind, in the
 * workload's namespace, requested by that controller (`request.userInfo.username`, which a user cannot choose),
 * with a controller ownerReference naming the workload, or, one level down, `<name>-<suffix without ->`. Every
 * field of a reference is type-tested before it is read, so no shape of ownerReferences raises an error.
 */
function ownedByWorkload(w: WorkloadRef, level: OwnedLevel): string {
  const refsPath = ['metadata', 'ownerReferences'];
  const refs = `((${hasPath(v('subject'), refsPath)} && type(${valueOf(v('subject'), refsPath)}) == list) ? ${valueOf(v('subject'), refsPath)} : [])`;
  const field = (key: string, type: string) => `has(r.${key}) && type(r.${key}) == ${type}`;
  const owner = ['type(r) == map', `${field('controller', 'bool')} && r.controller`, `${field('apiVersion', 'string')} && r.apiVersion == ${celString(level.owner.apiVersion)}`, `${field('kind', 'string')} && r.kind == ${celString(level.owner.kind)}`];
  const prefix = `${w.name}-`;
  const name =
    level.owner.name === 'exact'
      ? `${field('name', 'string')} && r.name == ${celString(w.name)}`
      : `${field('name', 'string')} && r.name.startsWith(${celString(prefix)}) && r.name.size() > ${prefix.length} && r.name.lastIndexOf("-") == ${prefix.length - 1}`;
  return `(${[
    `${v('apiVersion')} == ${celString(level.apiVersion)}`,
    `${v('kind')} == ${celString(level.kind)}`,
    `${v('namespace')} == ${celString(w.namespace)}`,
    `request.userInfo.username in [${controllerUsernames(level).map(celString).join(', ')}]`,
    `${refs}.exists(r, ${[...owner, name].join(' && ')})`,
  ].join(' && ')})`;
}

function appliesTo(e: Exception, rule: Rule): boolean {
  return e.rules.length === 0 || e.rules.includes(rule.name);
}

/** The file: a header, then the policy/binding pair of each plan. */
export function buildView(policy: Policy, plans: readonly VapPlan[], omitted: readonly { readonly rule: Rule; readonly reason: string }[]): VapFileView {
  const source = formatLine(policy.span);
  return {
    header: [
      `Generated by secpol from policy "${policy.name}" (${source}); do not edit.`,
      ...(policy.title ? [policy.title] : []),
      plans.length === 1
        ? 'A ValidatingAdmissionPolicy and its binding (admissionregistration.k8s.io/v1, Kubernetes >= 1.30).'
        : `ValidatingAdmissionPolicies and bindings (admissionregistration.k8s.io/v1, Kubernetes >= 1.30), one pair per mode: ${plans.map((p) => `${p.name} (${p.mode})`).join(', ')}.`,
      ...omitted.map((o) => `rule "${o.rule.name}" is omitted from vap: ${o.reason}`),
      ...policy.podSecurity.filter((p) => p.level === 'privileged').map((p) => `${p.mode} pod-security privileged allows every pod: nothing to check.`),
    ],
    objects: plans.flatMap((plan) => {
      const { policy: vap, binding } = buildPair(plan);
      return [vap, binding];
    }),
  };
}

function buildPair(plan: VapPlan): { policy: object; binding: object } {
  const { policy, rules } = plan;
  const podSecurity = plan.podSecurity.map((ps) => {
    const exemptions = pssExemptions(policy.exceptions, pssRuleName(ps), exceptionMatch);
    return { ps, exemptions, checks: pssChecks(ps.level, ps.version, exemptions) };
  });
  const pssSubjects: Subject[] = podSecurity.length ? [{ kind: 'pods', span: podSecurity[0]!.ps.span }] : [];
  const usesPods = pssSubjects.length > 0 || rules.some((r) => (r.subjects ?? policy.scope.subjects).some((s) => s.kind === 'pods'));
  // Only Pods and their controllers reach the policy: built-in kinds, validated before admission.
  const podsOnly = [...policy.scope.subjects, ...rules.flatMap((r) => r.subjects ?? [])].every((s) => s.kind === 'pods');
  // Rules over other subjects than pods must not run on the pods that pod-security adds to the match.
  const mixed = rules.some((r) => r.subjects !== undefined) || (pssSubjects.length > 0 && !policy.scope.subjects.some((s) => s.kind === 'pods'));
  const subjects = [...rules.flatMap((r) => r.subjects ?? policy.scope.subjects), ...pssSubjects];
  const checkVariables = new PssVariables();
  const pssValidations = podSecurity.map(({ ps, exemptions, checks }) => pssValidationOf(policy, ps, exemptions, checks.map((c) => ({ id: c.id, variable: checkVariables.of(c.id, c.violated) }))));
  const podSettings = new PodSettings();
  const offending = new OffendingLists();
  const validations = [...rules.map((rule) => validationOf(policy, rule, mixed, podSettings, offending)), ...pssValidations];
  const variables = [
    { name: 'subject', expression: 'request.operation == "DELETE" ? oldObject : object' },
    { name: 'apiVersion', expression: stringField(['apiVersion']) },
    { name: 'kind', expression: stringField(['kind']) },
    { name: 'name', expression: stringField(['metadata', 'name']) },
    // A Namespace object's request.namespace is its own name; secpol treats it as cluster-scoped.
    { name: 'namespace', expression: 'request.kind.group == "" && request.kind.kind == "Namespace" ? "" : request.namespace' },
    ...(usesPods ? podVariables(podsOnly) : []),
    ...podSettings.list(),
    ...offending.list(),
    ...(checkVariables.list().some((v) => readsAnnotations(v.expression)) ? [podAnnotationsVariable] : []),
    ...checkVariables.list(),
  ];
  const source = formatLine(policy.span);
  const annotations = {
    'secpol.dev/policy': policy.name,
    'secpol.dev/rules': JSON.stringify([...rules.map((r) => r.name), ...podSecurity.map(({ ps }) => pssRuleName(ps))]),
    'secpol.dev/source': source,
    ...(policy.title ? { 'secpol.dev/title': policy.title } : {}),
  };
  const matchConditions = matchConditionsOf(policy, subjects);
  return {
    policy: {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: plan.name, annotations },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: matchConstraintsOf(policy, subjects),
        ...(matchConditions.length ? { matchConditions } : {}),
        variables,
        validations,
      },
    },
    binding: {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: plan.name, annotations: { 'secpol.dev/policy': policy.name, 'secpol.dev/source': source } },
      spec: { policyName: plan.name, validationActions: [...validationActions[plan.mode]] },
    },
  };
}

/** The verdict name of a pod-security line, shared by every backend and the reference semantics. */
function pssRuleName(ps: PodSecurity): string {
  return `pod-security-${ps.mode}`;
}

/** One variable per Pod Security check (`pss_<check id>`), shared by the lines that compile it identically. */
class PssVariables {
  private readonly byExpression = new Map<string, string>();
  private readonly names = new Set<string>();
  private readonly ordered: { name: string; expression: string }[] = [];

  of(id: string, expression: string): string {
    const known = this.byExpression.get(expression);
    if (known) return known;
    let name = `pss_${id}`;
    for (let i = 2; this.names.has(name); i++) name = `pss_${id}_${i}`;
    this.names.add(name);
    this.byExpression.set(expression, name);
    this.ordered.push({ name, expression });
    return name;
  }

  list(): readonly { name: string; expression: string }[] {
    return this.ordered;
  }
}

/**
 * A pod-security line as one validation: the pod view fails none of the checks in force. The message names the
 * standard; messageExpression lists the failed check ids, sorted, as Pod Security Admission does.
 */
function pssValidationOf(policy: Policy, ps: PodSecurity, exemptions: PssExemptions, checks: readonly { id: string; variable: string }[]): object {
  const version = ps.version === 'latest' ? 'latest' : `v1.${pssMinor(ps.version)}`;
  const podsOnly = policy.scope.subjects.every((s) => s.kind === 'pods');
  const skips = [...(podsOnly ? [] : [`!${v('isPodSubject')}`]), ...exemptions.whole.map((w) => `(${w})`)];
  const failing = checks.map((c) => v(c.variable));
  const ok = failing.length ? `!(${failing.join(' || ')})` : 'true';
  const message = `[${policy.name}/${pssRuleName(ps)}] violates PodSecurity "${ps.level}:${version}"`;
  const sorted = [...checks].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const failed = sorted.map((c) => `(${v(c.variable)} ? [${celString(c.id)}] : [])`).join(' + ');
  return {
    expression: [...skips, ok].join(' || '),
    message,
    messageExpression: failing.length ? `${celString(`${message}: `)} + (${failed}).join(", ")` : celString(message),
    reason: 'Forbidden',
  };
}

/** The pod view (semantics §1.1): the Pod itself, or {metadata, spec} of a controller's pod template. */
function podVariables(typed: boolean): { name: string; expression: string }[] {
  if (typed) return typedPodVariables();
  const s = v('subject');
  const templateAt = (path: readonly string[]) => `(${hasPath(s, path)} ? ${valueOf(s, path)} : null)`;
  const cron = podControllers.find((c) => c.kind === 'CronJob')!;
  const t = v('template');
  // A template without metadata has empty metadata (as the semantics' pod view), so metadata is always an object.
  const part = (key: string, missing: string) => `dyn(${hasPath(t, [key])} ? ${select(t, key)} : ${missing})`;
  const byGroup = new Map<string, string[]>();
  for (const c of podControllers) byGroup.set(`${c.group}/${c.version}`, [...(byGroup.get(`${c.group}/${c.version}`) ?? []), c.kind]);
  const isPod = `(${v('apiVersion')} == "v1" && ${v('kind')} == "Pod")`;
  const isSubject = [isPod, ...[...byGroup].map(([gv, kinds]) => `(${v('apiVersion')} == ${celString(gv)} && ${v('kind')} in [${[...kinds].sort().map(celString).join(', ')}])`)].join(' || ');
  const spec = v('podSpec');
  const list = (key: string) => `((${hasPath(spec, [key])} && type(${select(spec, key)}) == list) ? ${select(spec, key)} : [])`;
  return [
    { name: 'isPodSubject', expression: isSubject },
    { name: 'template', expression: `${v('apiVersion')} == "batch/v1" && ${v('kind')} == "CronJob" ? ${templateAt(cron.template)} : ${templateAt(['spec', 'template'])}` },
    { name: 'podView', expression: `${isPod} ? ${s} : {"metadata": ${part('metadata', '{}')}, "spec": ${part('spec', 'null')}}` },
    { name: 'podSpec', expression: `(${hasPath(v('podView'), ['spec'])} && ${isObject(valueOf(v('podView'), ['spec']))}) ? ${v('podView')}.spec : dyn({})` },
    { name: 'containers', expression: `${list('containers')} + ${list('initContainers')} + ${list('ephemeralContainers')}` },
  ];
}

/**
 * The pod view of a policy that only Pods and their controllers reach: the API server has validated them (a Pod's
 * spec and a controller's template spec are required objects, `containers` a required list), so only optional
 * fields are tested for presence (docs/backends/vap.md, "Which reads are guarded").
 */
function typedPodVariables(): { name: string; expression: string }[] {
  const s = v('subject');
  const t = v('template');
  const spec = v('podSpec');
  const cron = podControllers.find((c) => c.kind === 'CronJob')!;
  // The list tests stay for the cost check (limits.ts), which bounds a value by them to a list's items.
  const list = (key: string) => `((has(${select(spec, key)}) && type(${select(spec, key)}) == list) ? ${select(spec, key)} : [])`;
  return [
    { name: 'isPodSubject', expression: 'true' },
    { name: 'template', expression: `${v('kind')} == "CronJob" ? ${valueOf(s, cron.template)} : ${valueOf(s, ['spec', 'template'])}` },
    { name: 'podView', expression: `${v('kind')} == "Pod" ? ${s} : {"metadata": dyn(has(${t}.metadata) ? ${t}.metadata : {}), "spec": dyn(${t}.spec)}` },
    { name: 'podSpec', expression: `${v('podView')}.spec` },
    { name: 'containers', expression: `${list('containers')} + ${list('initContainers')} + ${list('ephemeralContainers')}` },
  ];
}

/**
 * Per rule whose message names the offending element, the list of offending elements as one policy variable
 * (`offending_<rule>`), read by both the validation (`size(…) == 0`) and its messageExpression (`….map(…)`), so the
 * rule's condition is written once (issue 16 item 4). Declared after the pod variables it reads.
 */
class OffendingLists {
  private readonly ordered: { name: string; expression: string }[] = [];

  add(rule: string, expression: string): string {
    const base = `offending_${rule.replace(/[^A-Za-z0-9_]/g, '_')}`;
    let name = base;
    for (let i = 2; this.ordered.some((v) => v.name === name); i++) name = `${base}_${i}`;
    this.ordered.push({ name, expression });
    return v(name);
  }

  list(): readonly { name: string; expression: string }[] {
    return this.ordered;
  }
}

function validationOf(policy: Policy, rule: Rule, mixed: boolean, podSettings: PodSettings, offending: OffendingLists): object {
  const subjects = rule.subjects ?? policy.scope.subjects;
  const applicable = policy.exceptions.filter((e) => appliesTo(e, rule));
  const exempting = applicable.filter((e) => e.images.length === 0 && e.controls.length === 0);
  const imaging = applicable.filter((e) => e.images.length > 0);
  const keep = imaging.length
    ? (c: string) => {
        const image = valueOf(c, ['image']);
        const hit = imaging.map((e) => `(${exceptionMatch(e)} && ${e.images.map((g) => `${image}.matches(${celString(globRegex(g))})`).join(' || ')})`).join(' || ');
        return `!(${hasPath(c, ['image'])} && type(${image}) == string && (${hit}))`;
      }
    : undefined;
  const pods = subjects.some((s) => s.kind === 'pods');
  const root = pods ? v('podView') : v('subject');
  const compiler = new CelCompiler(keep, pods ? v('containers') : undefined, podSettings);
  const scope = { term: root, pod: root, isRoot: true, ...(pods ? { identity: v('subject') } : {}) };
  const skips = [
    ...(mixed ? [`!(${subjects.map(subjectTest).join(' || ')})`] : []),
    ...exempting.map((e) => `(${exceptionMatch(e)})`),
    ...(rule.when ? [`!${compiler.compile(rule.when, scope)}`] : []),
  ];
  const message = messageOf(policy, rule);
  const shared = offendingList(rule, new CelCompiler(keep, pods ? v('containers') : undefined, podSettings), scope);
  if (shared) {
    // The rule fails exactly when an element offends (forbid any, require every, require no over a flat list).
    const list = offending.add(rule.name, shared);
    return {
      expression: [...skips, `size(${list}) == 0`].join(' || '),
      message,
      messageExpression: `(${list}.map(m0, ${messageRender(policy, rule, scope)('m0')}) + [${celString(message)}])[0]`,
      reason: 'Forbidden',
    };
  }
  const p = compiler.compile(rule.predicate, scope);
  const ok = rule.effect === 'forbid' ? `!${p}` : p;
  return {
    expression: [...skips, ok].join(' || '),
    message,
    messageExpression: messageExpressionOf(policy, rule, new CelCompiler(keep, pods ? v('containers') : undefined, podSettings), scope) ?? celString(message),
    reason: 'Forbidden',
  };
}

/**
 * The elements that make the rule fail, as a CEL list over `m0`, when its message names one (a placeholder) and one
 * element alone decides: `forbid any`, `require every`, `require no` over a domain CEL can list flat.
 */
function offendingList(rule: Rule, compiler: CelCompiler, scope: CelScope): string | undefined {
  const top = rule.predicate;
  if (top.kind !== 'quantified' || !rule.message || rule.message.parts.every((p) => p.kind === 'text')) return undefined;
  const wantHolds = offendingBody(rule.effect, top.quantifier);
  if (wantHolds === undefined) return undefined;
  const list = compiler.domainList(top.domain, scope);
  if (list === undefined) return undefined;
  const body = compiler.compile(top.body, { ...scope, term: 'm0', isRoot: false });
  return `${list}.filter(m0, ${wantHolds ? body : `!${body}`})`;
}

/** What the body is on an element that alone makes the rule fail; undefined when no single element decides. */
function offendingBody(effect: Rule['effect'], quantifier: 'any' | 'every' | 'no'): boolean | undefined {
  return effect === 'forbid' ? (quantifier === 'any' ? true : undefined) : quantifier === 'every' ? false : quantifier === 'no' ? true : undefined;
}

/**
 * A field of the offending element as text, the way the IR renders it (strings as-is, `<missing>`). `type`: the
 * type the API server gives the field (`apiTyped`), so it is present as that type or absent.
 */
function fieldText(element: string, path: readonly string[], type?: FieldType): string {
  const x = valueOf(element, path);
  const typed = type === 'string' ? x : type === 'integer' || type === 'boolean' ? `string(${x})` : undefined;
  if (typed !== undefined) return `(${hasPath(element, path, true)} ? ${typed} : "<missing>")`;
  return `((${hasPath(element, path)} && type(${x}) != null_type) ? (type(${x}) == string ? ${x} : ((type(${x}) == int || type(${x}) == uint || type(${x}) == double || type(${x}) == bool) ? string(${x}) : "<value>")) : "<missing>")`;
}

/**
 * The message with `{path}` placeholders filled from the element `element` (a CEL term; the offending element of the
 * rule's outermost quantifier, see `offendingList`), or from the object (`scope.term`).
 */
function messageRender(policy: Policy, rule: Rule, scope: CelScope): (element: string) => string {
  const parts = rule.message?.parts ?? [];
  // Placeholders are typed for the scope they were resolved in: the offending element's, or the object's when the
  // rule has no outer quantifier; the object as a fallback for an element's placeholders keeps every guard.
  const typedAt = (element: string) => element !== scope.term || rule.predicate.kind !== 'quantified';
  const text = (element: string, p: { path: readonly string[]; type?: FieldType; apiTyped?: true }) =>
    fieldText(element === scope.term ? fieldBase(scope, p.path) : element, p.path, p.apiTyped && typedAt(element) ? p.type : undefined);
  return (element) => {
    // Adjacent text (the prefix and the text parts) is one string literal.
    const out: (string | { cel: string })[] = [`[${policy.name}/${rule.name}] `];
    for (const p of parts) {
      const last = out[out.length - 1];
      if (p.kind !== 'text') out.push({ cel: text(element, p) });
      else if (typeof last === 'string') out[out.length - 1] = last + p.text.replace(/[\r\n\u2028\u2029]+/g, ' ');
      else out.push(p.text.replace(/[\r\n\u2028\u2029]+/g, ' '));
    }
    return out.map((x) => (typeof x === 'string' ? celString(x) : x.cel)).join(' + ');
  };
}

/**
 * The messageExpression of a rule whose message has placeholders and no offending-element list (`offendingList`):
 * filled from the object, or undefined when the domain has nested hops (ports of containers): CEL cannot flatten it,
 * and `message` keeps the placeholders as written.
 */
function messageExpressionOf(policy: Policy, rule: Rule, compiler: CelCompiler, scope: CelScope): string | undefined {
  const template = rule.message;
  if (!template || template.parts.every((p) => p.kind === 'text')) return undefined;
  const top = rule.predicate;
  // No single element decides for the other quantifiers, so the object.
  if (top.kind === 'quantified' && offendingBody(rule.effect, top.quantifier) !== undefined && compiler.domainList(top.domain, scope) === undefined) return undefined;
  return messageRender(policy, rule, scope)(scope.term);
}

/** The rule's message (placeholders kept as written: see docs/backends/vap.md), prefixed with the rule's key. */
function messageOf(policy: Policy, rule: Rule): string {
  const text = rule.message ? rule.message.parts.map((p) => (p.kind === 'text' ? p.text : `{${p.path.join('.')}}`)).join('') : `rule ${rule.name} is violated`;
  return `[${policy.name}/${rule.name}] ${text}`.replace(/[\r\n\u2028\u2029]+/g, ' ');
}

function matchConstraintsOf(policy: Policy, subjects: readonly Subject[]): object {
  const { scope } = policy;
  const groups = new Map<string, Set<string>>();
  const add = (group: string, version: string, kind: string) => {
    const key = `${group}/${version}`;
    (groups.get(key) ?? groups.set(key, new Set()).get(key)!).add(pluralOf(kind));
  };
  for (const s of subjects) {
    if (s.kind === 'pods') {
      add('', 'v1', 'Pod');
      for (const c of podControllers) add(c.group, c.version, c.kind);
    } else add(s.group, s.version, s.resourceKind);
  }
  // `kubectl debug` writes the pods/ephemeralcontainers subresource, whose object is the whole Pod: Kubernetes'
  // rule matching selects a subresource only when it is listed (semantics §1; issue 22 item 1).
  const core = groups.get('/v1');
  if (core?.has('pods')) core.add('pods/ephemeralcontainers');
  const operations = [...scope.operations].sort();
  const resourceRules = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([gv, resources]) => {
      const [group, version] = gv.split('/') as [string, string];
      return { apiGroups: [group], apiVersions: [version], operations, resources: [...resources].sort() };
    });
  const namespaceKind = subjects.some((s) => s.kind === 'resource' && s.group === '' && s.resourceKind === 'Namespace');
  const expressions: object[] = [];
  if (scope.namespaces.length) expressions.push({ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...scope.namespaces].sort() });
  if (scope.excludedNamespaces.length && !namespaceKind) expressions.push({ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...scope.excludedNamespaces].sort() });
  const ns = scope.namespaceSelector ? selectorOf(scope.namespaceSelector) : {};
  const nsExpressions = [...((ns as { matchExpressions?: object[] }).matchExpressions ?? []), ...expressions];
  const namespaceSelector = { ...('matchLabels' in ns ? { matchLabels: (ns as { matchLabels: object }).matchLabels } : {}), ...(nsExpressions.length ? { matchExpressions: nsExpressions } : {}) };
  return {
    resourceRules,
    matchPolicy: 'Equivalent',
    ...(Object.keys(namespaceSelector).length ? { namespaceSelector } : {}),
    ...(scope.objectSelector ? { objectSelector: selectorOf(scope.objectSelector) } : {}),
  };
}

/**
 * What namespaceSelector cannot say: a cluster-scoped object never matches a namespace list or selector
 * (Kubernetes would ignore the selector for it), and a Namespace object is not "in" its own namespace.
 */
function matchConditionsOf(policy: Policy, subjects: readonly Subject[]): object[] {
  const { scope } = policy;
  const isNamespaceObject = 'request.kind.group == "" && request.kind.kind == "Namespace"';
  const out: object[] = [];
  if (scope.namespaces.length || scope.namespaceSelector) out.push({ name: 'namespaced', expression: `request.namespace != "" && !(${isNamespaceObject})` });
  const namespaceKind = subjects.some((s) => s.kind === 'resource' && s.group === '' && s.resourceKind === 'Namespace');
  if (scope.excludedNamespaces.length && namespaceKind) {
    out.push({ name: 'excluded-namespaces', expression: `(${isNamespaceObject}) || !(request.namespace in [${[...scope.excludedNamespaces].sort().map(celString).join(', ')}])` });
  }
  return out;
}

function selectorOf(s: LabelSelector): object {
  const matchExpressions = s.matchExpressions.map((e) => ({ key: e.key, operator: e.operator, ...(e.operator === 'In' || e.operator === 'NotIn' ? { values: [...e.values] } : {}) }));
  return {
    ...(Object.keys(s.matchLabels).length ? { matchLabels: { ...s.matchLabels } } : {}),
    ...(matchExpressions.length ? { matchExpressions } : {}),
  };
}
