import { controllerUsernames, exceptionInForce, ownedLevels, ownerNameMatches, type Exception, type MessageTemplate, type PodSecurity, type Policy, type PssControl, type Rule, type Scope, type WorkloadRef } from '../ir/index.js';
import { evaluateImageVerifications, type ImageOracle } from './images.js';
import { evaluatePodSecurity, pssMinor } from './pod-security.js';
import { domainElements, evalPredicate, type EvalScope } from './predicate.js';
import { identityOf, subresourceInScope, viewFor, type AdmissionRequest, type ObjectIdentity } from './request.js';
import { referencedObject } from './references.js';
import { clusterObjects, otherObjects } from './unique.js';
import { selectorMatches } from './selector.js';
import { globMatch, isObject, valueAt } from './values.js';

export type RuleOutcome = 'pass' | 'fail' | 'skip';

export interface RuleVerdict {
  readonly policy: string;
  readonly rule: string;
  readonly outcome: RuleOutcome;
  /** Why a rule was skipped. */
  readonly skipped?: 'not-in-scope' | 'exempt' | 'when-false' | 'no-oracle';
  readonly message?: string;
  /** For pod-security verdicts: the Pod Security controls that failed. */
  readonly controls?: readonly string[];
}

export interface PolicyVerdict {
  readonly policy: string;
  readonly mode: Policy['mode'];
  readonly rules: readonly RuleVerdict[];
  /** True when the policy's mode is enforce and a rule failed, or an enforce-mode pod-security line failed. */
  readonly denied: boolean;
}

function inScope(scope: Scope, id: ObjectIdentity, req: AdmissionRequest): boolean {
  if (!subresourceInScope(req, id)) return false;
  if (scope.namespaces.length && (id.namespace === undefined || !scope.namespaces.includes(id.namespace))) return false;
  if (id.namespace !== undefined && scope.excludedNamespaces.includes(id.namespace)) return false;
  if (scope.objectSelector && !selectorMatches(scope.objectSelector, id.labels)) return false;
  if (scope.namespaceSelector && (id.namespace === undefined || !selectorMatches(scope.namespaceSelector, req.namespaceLabels ?? {}))) return false;
  return scope.operations.includes(req.operation ?? 'CREATE');
}

function appliesTo(e: Exception, rule: string): boolean {
  return e.rules.length === 0 || e.rules.includes(rule);
}

/**
 * The exception is in force at the request's instant (before the end of its `expires` date, UTC) and its namespace
 * and workload filters match (semantics §1.5); images are handled per container. A workload matches itself (kind,
 * namespace, name) and, through `ownedObject`, what its controllers create.
 */
export function exceptionMatchesObject(e: Exception, id: ObjectIdentity, req: AdmissionRequest): boolean {
  if (!exceptionInForce(e.expires, req.now)) return false;
  if (e.namespaces.length && (id.namespace === undefined || !e.namespaces.includes(id.namespace))) return false;
  if (e.workloads.length) {
    const hit = e.workloads.some((w) => w.namespace === id.namespace && ((w.kind === id.kind && w.name === id.name) || ownedObject(w, id, req)));
    if (!hit) return false;
  }
  return true;
}

/**
 * An object the workload owns, proven by what a user cannot forge: the request comes from the controller that
 * creates such objects (or the controller manager itself), and a controller ownerReference of the object names
 * the workload (or, one level down, an object the workload's controller named after it). A name prefix alone
 * never matches (issue 22 item 2: `node-exporter-anything` was exempt).
 */
function ownedObject(w: WorkloadRef, id: ObjectIdentity, req: AdmissionRequest): boolean {
  const username = req.userInfo?.username;
  const refs = valueAt(req.object, ['metadata', 'ownerReferences']);
  if (username === undefined || !Array.isArray(refs)) return false;
  return ownedLevels(w.kind).some(
    (level) =>
      level.apiVersion === id.apiVersion &&
      level.kind === id.kind &&
      controllerUsernames(level).includes(username) &&
      refs.some((r) => isObject(r) && r['controller'] === true && r['apiVersion'] === level.owner.apiVersion && r['kind'] === level.owner.kind && typeof r['name'] === 'string' && ownerNameMatches(level, w.name, r['name'])),
  );
}

function exemptsWholeObject(e: Exception): boolean {
  return e.images.length === 0 && e.controls.length === 0;
}

export function evaluateRule(policy: Policy, rule: Rule, req: AdmissionRequest): RuleVerdict {
  const base = { policy: policy.name, rule: rule.name };
  const id = identityOf(req);
  const target = viewFor(rule.subjects ?? policy.scope.subjects, id, req.object);
  if (!target || !inScope(policy.scope, id, req)) return { ...base, outcome: 'skip', skipped: 'not-in-scope' };
  const applicable = policy.exceptions.filter((e) => appliesTo(e, rule.name) && exceptionMatchesObject(e, id, req));
  if (applicable.some(exemptsWholeObject)) return { ...base, outcome: 'skip', skipped: 'exempt' };
  const imageGlobs = applicable.flatMap((e) => e.images);
  const inventory = req.inventory ?? [];
  const scope: EvalScope = {
    value: target.view,
    pod: target.view,
    resolve: (ref, referrer) => referencedObject(ref, referrer, id.namespace, inventory),
    others: (among) => otherObjects(among, id, inventory),
    // An UPDATE without its old object compares with nothing: every value of it is missing.
    ...(req.operation === 'UPDATE' ? { old: { object: req.oldObject ?? null } } : {}),
    cluster: (among) => clusterObjects(among, inventory),
    ...(imageGlobs.length ? { keepContainer: (c: unknown) => { const image = valueAt(c, ['image']); return !(typeof image === 'string' && imageGlobs.some((g) => globMatch(g, image))); } } : {}),
  };
  if (rule.when && !evalPredicate(rule.when, scope)) return { ...base, outcome: 'skip', skipped: 'when-false' };
  const holds = evalPredicate(rule.predicate, scope);
  const failed = rule.effect === 'require' ? !holds : holds;
  if (!failed) return { ...base, outcome: 'pass' };
  return { ...base, outcome: 'fail', message: renderMessage(rule, scope) };
}

/**
 * The rule's message with `{path}` filled from the offending element of its outermost quantifier (semantics §5):
 * the first element that alone makes the rule fail — one whose body holds for `forbid any` and `require no`, one
 * whose body fails for `require every`. When no single element decides (`require any`, `forbid every`,
 * `forbid no` fail on all elements together) or the predicate is not a quantifier, the object itself.
 */
function renderMessage(rule: Rule, scope: EvalScope): string {
  const template: MessageTemplate | undefined = rule.message;
  if (!template) return `rule ${rule.name} is violated`;
  let element: unknown = scope.value;
  const top = rule.predicate;
  const decisive = top.kind === 'quantified' ? offendingBody(rule.effect, top.quantifier) : undefined;
  if (top.kind === 'quantified' && decisive !== undefined) {
    const holds = (e: unknown) => evalPredicate(top.body, { ...scope, value: e });
    element = domainElements(top.domain, scope).find((e) => holds(e) === decisive) ?? scope.value;
  }
  return template.parts.map((p) => (p.kind === 'text' ? p.text : formatValue(valueAt(element, p.path)))).join('');
}

/** What the body is on an element that alone makes the rule fail; undefined when none alone can. */
function offendingBody(effect: Rule['effect'], quantifier: 'any' | 'every' | 'no'): boolean | undefined {
  if (effect === 'forbid') return quantifier === 'any' ? true : undefined;
  return quantifier === 'every' ? false : quantifier === 'no' ? true : undefined;
}

function formatValue(v: unknown): string {
  if (v === undefined) return '<missing>';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** What an evaluation needs besides the request: the signature oracle of `verify images` (semantics §6). */
export interface EvaluateOptions {
  readonly imageOracle?: ImageOracle;
}

export function evaluatePolicy(policy: Policy, req: AdmissionRequest, options: EvaluateOptions = {}): PolicyVerdict {
  const rules = [...policy.rules.map((r) => evaluateRule(policy, r, req)), ...evaluateImageRules(policy, req, options.imageOracle)];
  const podSecurity = evaluatePodSecurityRules(policy, req);
  const denied = (policy.mode === 'enforce' && rules.some((r) => r.outcome === 'fail')) || podSecurity.some((v) => v.rule === podSecurityRuleName('enforce') && v.outcome === 'fail');
  return { policy: policy.name, mode: policy.mode, rules: [...rules, ...podSecurity], denied };
}

/**
 * The `verify images` blocks on the pod or pod template in scope; without an oracle each is `skip` (`no-oracle`):
 * whether an image is signed is never guessed.
 */
export function evaluateImageRules(policy: Policy, req: AdmissionRequest, oracle: ImageOracle | undefined): RuleVerdict[] {
  const blocks = policy.images ?? [];
  if (blocks.length === 0) return [];
  const id = identityOf(req);
  const target = viewFor([{ kind: 'pods', span: policy.span }], id, req.object);
  if (!target || !inScope(policy.scope, id, req)) return blocks.map((b) => ({ policy: policy.name, rule: b.name, outcome: 'skip', skipped: 'not-in-scope' }));
  if (!oracle) return blocks.map((b) => ({ policy: policy.name, rule: b.name, outcome: 'skip', skipped: 'no-oracle' }));
  return evaluateImageVerifications(policy, valueAt(target.view, ['spec']), oracle);
}

function podSecurityRuleName(mode: PodSecurity['mode']): string {
  return `pod-security-${mode}`;
}

function imageMatches(globs: readonly string[], container: unknown): boolean {
  const image = valueAt(container, ['image']);
  return typeof image === 'string' && globs.some((g) => globMatch(g, image));
}

/**
 * One verdict per `pod-security` line, named `pod-security-<mode>` (semantics §4), on the pod or pod view in scope.
 * Exceptions apply when they name controls or no rules. One with controls exempts those controls (all of them when
 * it names none); with images, only for containers whose image matches; with neither, it skips the object.
 */
export function evaluatePodSecurityRules(policy: Policy, req: AdmissionRequest): RuleVerdict[] {
  const id = identityOf(req);
  return policy.podSecurity.map((ps) => {
    const base = { policy: policy.name, rule: podSecurityRuleName(ps.mode) };
    const target = viewFor([{ kind: 'pods', span: ps.span }], id, req.object);
    if (!target || !inScope(policy.scope, id, req)) return { ...base, outcome: 'skip', skipped: 'not-in-scope' };
    const applicable = policy.exceptions.filter((e) => (e.controls.length > 0 || appliesTo(e, base.rule)) && exceptionMatchesObject(e, id, req));
    if (applicable.some(exemptsWholeObject)) return { ...base, outcome: 'skip', skipped: 'exempt' };
    const exempt = (control: PssControl, container?: unknown) =>
      applicable.some((e) => (e.controls.length === 0 || e.controls.includes(control)) && (e.images.length === 0 || (container !== undefined && imageMatches(e.images, container))));
    const result = evaluatePodSecurity(target.view, ps.level, ps.version, exempt);
    if (result.allowed) return { ...base, outcome: 'pass' };
    const version = ps.version === 'latest' ? 'latest' : `v1.${pssMinor(ps.version)}`;
    return { ...base, outcome: 'fail', message: `violates PodSecurity "${ps.level}:${version}": ${result.failedChecks.join(', ')}`, controls: result.failedControls };
  });
}
