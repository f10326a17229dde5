/**
 * The bodies of a validate rule: `deny` conditions (https://kyverno.io/docs/writing-policies/validate/#deny-rules)
 * and `pattern` / `anyPattern` overlays (https://kyverno.io/docs/writing-policies/validate/#patterns), with
 * Kyverno's result messages.
 */
import { hasAddIfNotPresent } from './anchors.js';
import { ConditionError, evaluateConditions } from './conditions.js';
import { matchPattern } from './pattern.js';
import { isObject, type JsonObject, type RuleStatus } from './types.js';
import { documentNeedsSubstitution, resolveReferences, substituteDocument, substituteString, type VarContext, VariableError } from './variables.js';

export interface Outcome {
  readonly status: RuleStatus;
  readonly message: string;
}

/** The rule-level facts the bodies report with. */
export interface RuleInfo {
  /** The rule name as Kyverno runs it (`autogen-…` for generated rules). */
  readonly name: string;
  readonly message: string;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Only user mistakes (unresolvable variables, malformed conditions) become `error` results; bugs propagate. */
export function isUserError(e: unknown): boolean {
  return e instanceof VariableError || e instanceof ConditionError;
}

export function checkDeny(rule: RuleInfo, deny: unknown, ctx: VarContext): Outcome {
  let outcome;
  try {
    outcome = evaluateConditions(isObject(deny) ? deny['conditions'] : undefined, ctx);
  } catch (e) {
    if (!isUserError(e)) throw e;
    return { status: 'error', message: `failed to check deny conditions: ${errorText(e)}` };
  }
  if (!outcome.result) return { status: 'pass', message: `validation rule '${rule.name}' passed.` };
  if (rule.message === '' && outcome.message === '') return { status: 'fail', message: `validation error: rule ${rule.name} failed` };
  const text = [rule.message, outcome.message].filter((m) => m !== '').join('; ');
  try {
    const substituted = substituteString(text, ctx);
    return {
      status: 'fail',
      message: typeof substituted === 'string' ? substituted : "the produced message didn't resolve to a string, check your policy definition.",
    };
  } catch (e) {
    if (!isUserError(e)) throw e;
    return { status: 'fail', message: outcome.message };
  }
}

/** The rule's message with its variables substituted; undefined when a substitution fails (Kyverno then reports it). */
function substitutedMessage(rule: RuleInfo, ctx: VarContext): string | undefined {
  try {
    const substituted = substituteString(rule.message, ctx);
    return typeof substituted === 'string' ? substituted : JSON.stringify(substituted);
  } catch (e) {
    if (!isUserError(e)) throw e;
    return undefined;
  }
}

function failureMessage(rule: RuleInfo, ctx: VarContext, path: string, error: string): string {
  if (rule.message === '') {
    return path !== '' ? `validation error: rule ${rule.name} failed at path ${path}` : `validation error: rule ${rule.name} execution error: ${error}`;
  }
  const substituted = substitutedMessage(rule, ctx);
  if (substituted === undefined) return `validation error: variables substitution error in rule ${rule.name} execution error: ${error}`;
  const msg = substituted.endsWith('.') ? substituted : `${substituted}.`;
  return path !== '' ? `validation error: ${msg} rule ${rule.name} failed at path ${path}` : `validation error: ${msg} rule ${rule.name} execution error: ${error}`;
}

function preparePattern(pattern: unknown, ctx: VarContext): unknown {
  if (!documentNeedsSubstitution(pattern)) return pattern;
  return substituteDocument(resolveReferences(pattern), ctx, []);
}

/** Validates `resource` with the `pattern` or `anyPattern` of a validate (or foreach) block. */
export function checkPatterns(rule: RuleInfo, body: JsonObject, resource: unknown, ctx: VarContext): Outcome {
  const rawPattern = body['pattern'];
  if (rawPattern !== undefined) {
    let pattern: unknown;
    try {
      pattern = preparePattern(rawPattern, ctx);
    } catch (e) {
      if (!isUserError(e)) throw e;
      return { status: 'error', message: `variable substitution failed: ${errorText(e)}` };
    }
    const outcome = matchPattern(resource, pattern);
    switch (outcome.kind) {
      case 'pass':
        return { status: 'pass', message: `validation rule '${rule.name}' passed.` };
      case 'skip':
        return { status: 'skip', message: outcome.message };
      case 'error':
        return { status: 'error', message: failureMessage(rule, ctx, '', outcome.message) };
      case 'fail':
        return { status: 'fail', message: failureMessage(rule, ctx, outcome.path, outcome.message) };
    }
  }
  const anyPattern = body['anyPattern'];
  if (!Array.isArray(anyPattern)) return { status: 'error', message: 'failed to deserialize anyPattern, expected type array' };
  const failed: string[] = [];
  const skipped: string[] = [];
  for (let i = 0; i < anyPattern.length; i++) {
    let pattern: unknown;
    try {
      pattern = preparePattern(anyPattern[i], ctx);
    } catch (e) {
      if (!isUserError(e)) throw e;
      return { status: 'error', message: `variable substitution failed: ${errorText(e)}` };
    }
    const outcome = matchPattern(resource, pattern);
    if (outcome.kind === 'pass') return { status: 'pass', message: `validation rule '${rule.name}' anyPattern[${i}] passed.` };
    if (outcome.kind === 'skip') skipped.push(`rule ${rule.name}[${i}] skipped: ${outcome.message}`);
    else if (outcome.kind === 'fail') failed.push(`rule ${rule.name}[${i}] failed at path ${outcome.path}`);
    else failed.push(`rule ${rule.name}[${i}] failed: ${outcome.message}`);
  }
  if (failed.length > 0) {
    const errors = failed.join(' ');
    if (rule.message === '') return { status: 'fail', message: `validation error: ${errors}` };
    // Current Kyverno substitutes variables in this message too (validate_resource.go buildAnyPatternErrorMessage;
    // older releases joined the raw text).
    const msg = substitutedMessage(rule, ctx);
    if (msg === undefined) return { status: 'fail', message: `validation error: variables substitution error in rule ${rule.name} execution error: ${errors}` };
    return { status: 'fail', message: `validation error: ${msg}${msg.endsWith('.') ? ' ' : '. '}${errors}` };
  }
  if (skipped.length > 0) return { status: 'skip', message: skipped.join(' ') };
  return { status: 'pass', message: rule.message };
}

/** Load-time problems of a validate block: which body it uses, and anchors validate does not accept. */
export function validateBodyProblem(validate: JsonObject): string | undefined {
  const bodies = ['pattern', 'anyPattern', 'deny', 'foreach', 'podSecurity'].filter((k) => validate[k] !== undefined && validate[k] !== null);
  const unsupported = ['cel', 'assert', 'manifests'].filter((k) => validate[k] !== undefined && validate[k] !== null);
  if (unsupported.length > 0 && bodies.length === 0) return `validate.${unsupported[0] ?? ''} is not supported by this engine`;
  if (bodies.length === 0) return 'a validate rule needs one of pattern, anyPattern, deny, foreach or podSecurity';
  if (bodies.includes('pattern') && bodies.includes('anyPattern')) return 'only one of pattern or anyPattern may be used';
  if (hasAddIfNotPresent(validate['pattern']) || hasAddIfNotPresent(validate['anyPattern']) || hasAddIfNotPresent(validate['foreach'])) {
    return 'the add-if-not-present anchor +() is only allowed in mutate rules';
  }
  return undefined;
}
