/**
 * Runs loaded policies against one resource, as Kyverno's validation engine does for an admission request:
 * per rule, match/exclude, PolicyExceptions, preconditions, then the validate body. Rules that do not match
 * produce no result (as in Kyverno), nor do pattern rules on DELETE requests (Kyverno skips them silently);
 * every other rule produces one `pass | fail | skip | error` result.
 */
import { evaluateConditions } from './conditions.js';
import { loadContext } from './context.js';
import { findException } from './exceptions.js';
import { checkForeach } from './foreach.js';
import { imagesOf } from './images.js';
import { runVerifyImages } from './verify-images.js';
import { excludeBlockApplies, matchBlockMismatch, type RequestFacts, selectorMatches } from './match.js';
import { evaluatePodSecurity } from './pod-security.js';
import {
  asString,
  type CompiledRule,
  type EvaluationContext,
  type FailureAction,
  type FailureActionOverride,
  isObject,
  type JsonObject,
  type KyvernoPolicy,
  type Operation,
  type ResourceRef,
  type RuleResult,
  stringMap,
} from './types.js';
import { checkDeny, checkPatterns, errorText, isUserError, type Outcome, type RuleInfo } from './validate.js';
import type { VarContext } from './variables.js';
import { anyWildcardMatch } from './wildcard.js';

function factsOf(resource: JsonObject, ctx: EvaluationContext): RequestFacts {
  const apiVersion = asString(resource['apiVersion']) ?? '';
  const slash = apiVersion.indexOf('/');
  const metadata = isObject(resource['metadata']) ? resource['metadata'] : {};
  return {
    group: slash === -1 ? '' : apiVersion.slice(0, slash),
    version: slash === -1 ? apiVersion : apiVersion.slice(slash + 1),
    kind: asString(resource['kind']) ?? '',
    name: asString(metadata['name']) || (asString(metadata['generateName']) ?? ''),
    namespace: asString(metadata['namespace']) ?? '',
    labels: stringMap(metadata['labels']),
    annotations: stringMap(metadata['annotations']),
    operation: ctx.background ? 'CREATE' : (ctx.operation ?? 'CREATE'),
    subresource: ctx.subresource ?? '',
    namespaceLabels: ctx.namespaceLabels ?? {},
    userInfo: ctx.background ? undefined : ctx.userInfo,
  };
}

/**
 * The JSON document `{{ }}` variables resolve against (`request.*`, `serviceAccountName`, `images`). A background
 * scan builds it from the resource alone (kyverno pkg/engine/policycontext `NewPolicyContext`, called by the report
 * controller's scanner with operation CREATE and no admission info): only `request.object`, `request.namespace`,
 * `request.operation` and `images` exist there.
 */
function contextData(resource: JsonObject, object: unknown, oldObject: unknown, facts: RequestFacts, ctx: EvaluationContext): JsonObject {
  const user = ctx.userInfo;
  const userInfo: JsonObject = {};
  if (user?.username !== undefined) userInfo['username'] = user.username;
  if (user?.uid !== undefined) userInfo['uid'] = user.uid;
  if (user?.groups !== undefined) userInfo['groups'] = [...user.groups];
  const sa = /^system:serviceaccount:([^:]*):([^:]*)$/.exec(user?.username ?? '');
  const namespace = facts.kind === 'Namespace' ? '' : facts.namespace;
  const data: JsonObject = ctx.background
    ? { request: { operation: facts.operation, object, namespace } }
    : {
        request: {
          operation: facts.operation,
          object,
          oldObject,
          userInfo,
          roles: [...(user?.roles ?? [])],
          clusterRoles: [...(user?.clusterRoles ?? [])],
          namespace,
          name: facts.name,
          kind: { group: facts.group, version: facts.version, kind: facts.kind },
        },
        serviceAccountName: sa?.[2] ?? '',
        serviceAccountNamespace: sa?.[1] ?? '',
      };
  let images: JsonObject | undefined | null = null;
  Object.defineProperty(data, 'images', {
    enumerable: true,
    get: () => {
      if (images === null) images = imagesOf(resource);
      return images;
    },
  });
  return data;
}

function overrideApplies(o: FailureActionOverride, facts: RequestFacts): boolean {
  if (o.namespaces.length > 0 && !anyWildcardMatch(o.namespaces, facts.namespace)) return false;
  if (o.namespaceSelector !== undefined && o.namespaceSelector !== null && selectorMatches(o.namespaceSelector, facts.namespaceLabels) !== true) return false;
  return o.namespaces.length > 0 || (o.namespaceSelector !== undefined && o.namespaceSelector !== null);
}

/** The rules as written in `spec.rules` (auto-generated controller rules are not part of the spec). */
const writtenRules = (policy: KyvernoPolicy): CompiledRule[] => policy.rules.filter((r) => r.name === r.reportName);

/**
 * What Kyverno's admission controller does when `rule` fails. Up to 1.18.0 the block decision reads one action for
 * the whole policy (kyverno#16557; `EngineResponse.GetValidationFailureAction` over `Spec.GetValidationFailureAction`
 * and `…Overrides`): the overrides of the first written validate rule that has any (else the policy's), then the
 * `failureAction` of the first written validate rule that sets one (else `spec.validationFailureAction`). With the
 * fix (`failureActionPerRule`) each rule's overrides and action come first, then the policy's.
 */
function failureActionOf(policy: KyvernoPolicy, rule: CompiledRule, facts: RequestFacts, perRule: boolean): FailureAction {
  const policyOverride = policy.failureActionOverrides.find((o) => overrideApplies(o, facts));
  if (perRule) {
    const ruleOverride = rule.failureActionOverrides.find((o) => overrideApplies(o, facts));
    return ruleOverride?.action ?? rule.failureAction ?? policyOverride?.action ?? policy.validationFailureAction;
  }
  const validating = writtenRules(policy).filter((r) => r.validate !== undefined);
  const overrides = validating.find((r) => r.failureActionOverrides.length > 0)?.failureActionOverrides ?? policy.failureActionOverrides;
  const override = overrides.find((o) => overrideApplies(o, facts));
  return override?.action ?? validating.find((r) => r.failureAction !== undefined)?.failureAction ?? policy.validationFailureAction;
}

function preconditionsOutcome(rule: CompiledRule, vars: VarContext): Outcome | undefined {
  try {
    const outcome = evaluateConditions(rule.preconditions, vars);
    if (outcome.result) return undefined;
    return { status: 'skip', message: ['preconditions not met', outcome.message].filter((m) => m !== '').join('; ') };
  } catch (e) {
    if (!isUserError(e)) throw e;
    return { status: 'error', message: `failed to evaluate preconditions: ${errorText(e)}` };
  }
}

interface Request {
  readonly resource: JsonObject;
  readonly facts: RequestFacts;
  readonly ctx: EvaluationContext;
  readonly vars: VarContext;
}

/**
 * Kyverno 1.13+ on UPDATE (pkg/engine/handlers/validation/validate_resource.go, `validate` and `validateOldObject`):
 * when the rule's own action (`validate.failureAction`, else `spec.validationFailureAction`) is Enforce and
 * `validate.allowExistingViolations` is not false (it defaults to true), the old object is validated again as a
 * CREATE (the old object as `request.object`, no `request.oldObject`: `SetResources(empty, old)`); if the old and the
 * new object both fail, the rule reports `skip`. Deny, pattern and foreach bodies alike (kyverno#10033, 1.13), so a
 * deny on who asks (`request.userInfo`) is skipped on any UPDATE of an object that rule would already refuse.
 */
function allowExistingViolation(policy: KyvernoPolicy, rule: CompiledRule, validate: JsonObject, req: Request, outcome: Outcome, body: (r: Request) => Outcome | undefined): Outcome | undefined {
  const old = req.ctx.oldObject;
  if (outcome.status !== 'fail' || req.facts.operation !== 'UPDATE' || !isObject(old) || validate['allowExistingViolations'] === false) return outcome;
  if ((rule.failureAction ?? policy.validationFailureAction) !== 'Enforce') return outcome;
  const request = isObject(req.vars.data['request']) ? req.vars.data['request'] : {};
  const oldReq: Request = { ...req, resource: old, facts: { ...req.facts, operation: 'CREATE' }, vars: { ...req.vars, deleteRequest: false, data: { ...req.vars.data, request: { ...request, object: old, oldObject: null, operation: 'CREATE' } } } };
  if (matchBlockMismatch(rule.match, oldReq.facts) !== undefined || (rule.exclude !== undefined && excludeBlockApplies(rule.exclude, oldReq.facts))) return outcome;
  const prior = preconditionsOutcome(rule, oldReq.vars) ?? body(oldReq);
  return prior?.status === 'fail' ? { status: 'skip', message: 'skipping the rule evaluation as pre-existing violations are allowed' } : outcome;
}

function runValidate(policy: KyvernoPolicy, rule: CompiledRule, validate: JsonObject, req: Request): Outcome | undefined {
  const info: RuleInfo = { name: rule.name, message: asString(validate['message']) ?? '' };
  const exception = findException(req.ctx.exceptions ?? [], policy, rule.name, req.facts, req.vars);
  const podSecurity = validate['podSecurity'];
  if (exception && !(podSecurity !== undefined && exception.podSecurity !== undefined)) {
    return { status: 'skip', message: `rule skipped due to policy exception ${exception.namespace}/${exception.name}` };
  }
  // Rule context loads before the preconditions (pkg/engine/handlers/validation: loadContext, then CheckPreconditions).
  const loaded = loadContext(rule.context, req.vars, req.ctx.cluster, req.ctx.cliValues ? (req.ctx.cliValues[policy.name]?.[rule.reportName] ?? {}) : undefined);
  if ('error' in loaded) return { status: 'error', message: loaded.error };
  if (loaded.vars !== req.vars) req = { ...req, vars: loaded.vars };
  const pre = preconditionsOutcome(rule, req.vars);
  if (pre) return pre;
  let body: ((r: Request) => Outcome | undefined) | undefined;
  if (validate['deny'] !== undefined && validate['deny'] !== null) body = (r) => checkDeny(info, validate['deny'], r.vars);
  else if (validate['pattern'] !== undefined || validate['anyPattern'] !== undefined) {
    if (req.facts.operation === 'DELETE') return undefined;
    body = (r) => checkPatterns(info, validate, r.resource, r.vars);
  } else if (Array.isArray(validate['foreach'])) body = (r) => checkForeach(info, validate['foreach'] as unknown[], r.resource, r.vars);
  if (body) {
    const outcome = body(req);
    return outcome && allowExistingViolation(policy, rule, validate, req, outcome, body);
  }
  if (podSecurity !== undefined) return evaluatePodSecurity(rule.name, podSecurity, req.resource, exception?.podSecurity ?? []);
  return { status: 'error', message: 'invalid validation rule: podSecurity, patterns, deny or foreach expected' };
}

function evaluateRule(policy: KyvernoPolicy, rule: CompiledRule, req: Request): Outcome | undefined {
  if (matchBlockMismatch(rule.match, req.facts) !== undefined) return undefined;
  if (rule.exclude !== undefined && excludeBlockApplies(rule.exclude, req.facts)) return undefined;
  if (rule.problem !== undefined) return { status: 'error', message: rule.problem };
  if (!rule.validate && rule.verifyImages) {
    const exception = findException(req.ctx.exceptions ?? [], policy, rule.name, req.facts, req.vars);
    if (exception) return { status: 'skip', message: `rule skipped due to policy exception ${exception.namespace}/${exception.name}` };
    return preconditionsOutcome(rule, req.vars) ?? runVerifyImages(rule.verifyImages, req.resource, req.ctx.imageOracle);
  }
  if (!rule.validate) return { status: 'skip', message: `${rule.otherType ?? 'this'} rules are not evaluated by this engine` };
  return runValidate(policy, rule, rule.validate, req);
}

/** Evaluates every policy against `resource`; results are in policy order, then rule order (autogen rules last). */
export function evaluateResource(policies: readonly KyvernoPolicy[], resource: unknown, ctx: EvaluationContext = {}): RuleResult[] {
  if (!isObject(resource)) return [];
  const facts = factsOf(resource, ctx);
  const operation: Operation = facts.operation;
  const deleting = operation === 'DELETE';
  const object = deleting ? null : resource;
  const oldObject = ctx.background ? undefined : (ctx.oldObject ?? (deleting ? resource : null));
  const now = ctx.now;
  const vars: VarContext = { deleteRequest: deleting, data: contextData(resource, object, oldObject, facts, ctx), ...(now !== undefined ? { clock: () => now } : {}) };
  const req: Request = { resource, facts, ctx, vars };
  const ref: ResourceRef = { kind: facts.kind, name: facts.name, namespace: facts.namespace };
  const results: RuleResult[] = [];
  for (const policy of policies) {
    if (policy.namespace !== undefined && (facts.namespace === '' || facts.namespace !== policy.namespace)) continue;
    for (const rule of policy.rules) {
      const outcome = evaluateRule(policy, rule, req);
      if (outcome === undefined) continue;
      results.push({
        policy: policy.name,
        rule: rule.reportName,
        resource: ref,
        status: outcome.status,
        message: outcome.message,
        failureAction: rule.imageFailureAction ?? failureActionOf(policy, rule, facts, ctx.failureActionPerRule ?? false),
      });
      if (policy.applyOne && (outcome.status === 'pass' || outcome.status === 'fail')) break;
    }
  }
  return results;
}

