/**
 * Reads parsed YAML documents into policies and exceptions: `kyverno.io` ClusterPolicy and Policy
 * (v1, v2beta1) and PolicyException (v2, v2beta1, v2alpha1). Problems are reported as text, never thrown;
 * a rule with a problem still loads and reports `error` when it matches.
 */
import { expandAutogen } from './autogen.js';
import { loadException } from './exceptions.js';
import {
  asArray,
  asString,
  type CompiledRule,
  type FailureAction,
  type FailureActionOverride,
  isObject,
  type JsonObject,
  type KyvernoPolicy,
  type PolicyException,
  stringList,
} from './types.js';
import { validateBodyProblem } from './validate.js';

export interface LoadResult {
  readonly policies: KyvernoPolicy[];
  readonly exceptions: PolicyException[];
  readonly errors: string[];
}

export function parseFailureAction(value: unknown): FailureAction | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();
  return lower === 'enforce' ? 'Enforce' : lower === 'audit' ? 'Audit' : undefined;
}

export function parseOverrides(value: unknown): FailureActionOverride[] {
  return asArray(value)
    .filter(isObject)
    .flatMap((o) => {
      const action = parseFailureAction(o['action']);
      return action ? [{ action, namespaces: stringList(o['namespaces']), namespaceSelector: o['namespaceSelector'] }] : [];
    });
}

const OTHER_RULE_TYPES = ['mutate', 'generate', 'verifyImages'] as const;

function compileRule(name: string, reportName: string, rule: JsonObject): CompiledRule {
  const validate = isObject(rule['validate']) ? rule['validate'] : undefined;
  const otherType = validate ? undefined : OTHER_RULE_TYPES.find((t) => rule[t] !== undefined);
  let problem: string | undefined;
  if (name === '') problem = 'rule without a name';
  else if (validate) problem = validateBodyProblem(validate);
  else if (otherType === undefined) problem = 'rule has no validate, mutate, generate or verifyImages block';
  if (rule['match'] === undefined && problem === undefined) problem = 'rule has no match block';
  return {
    name,
    reportName,
    match: rule['match'],
    exclude: rule['exclude'],
    preconditions: rule['preconditions'],
    validate,
    otherType,
    verifyImages: !validate && Array.isArray(rule['verifyImages']) ? rule['verifyImages'] : undefined,
    imageFailureAction: !validate && Array.isArray(rule['verifyImages']) && isObject(rule['verifyImages'][0]) ? parseFailureAction(rule['verifyImages'][0]['failureAction']) : undefined,
    failureAction: validate ? parseFailureAction(validate['failureAction']) : undefined,
    failureActionOverrides: validate ? parseOverrides(validate['failureActionOverrides']) : [],
    problem,
    ...(rule['context'] !== undefined ? { context: rule['context'] } : {}),
  };
}

function loadPolicy(doc: JsonObject, kind: 'ClusterPolicy' | 'Policy', errors: string[]): KyvernoPolicy | undefined {
  const metadata = isObject(doc['metadata']) ? doc['metadata'] : {};
  const name = asString(metadata['name']);
  if (name === undefined || name === '') {
    errors.push(`${kind} without metadata.name`);
    return undefined;
  }
  const spec = doc['spec'];
  if (!isObject(spec)) {
    errors.push(`${kind} ${name}: missing spec`);
    return undefined;
  }
  let action: FailureAction = 'Audit';
  if (spec['validationFailureAction'] !== undefined) {
    const parsed = parseFailureAction(spec['validationFailureAction']);
    if (parsed) action = parsed;
    else errors.push(`${kind} ${name}: unknown validationFailureAction ${JSON.stringify(spec['validationFailureAction'])}, using Audit`);
  }
  const rawRules = asArray(spec['rules']);
  const rules = rawRules.filter(isObject);
  if (rules.length !== rawRules.length) errors.push(`${kind} ${name}: ignored ${rawRules.length - rules.length} rule(s) that are not objects`);
  if (rules.length === 0) errors.push(`${kind} ${name}: no rules`);
  const compiled = expandAutogen(doc, rules).map((v) => compileRule(v.name, v.reportName, v.rule));
  for (const rule of compiled) {
    if (rule.problem !== undefined && rule.name === rule.reportName) errors.push(`${kind} ${name}, rule ${rule.reportName || '(unnamed)'}: ${rule.problem}`);
  }
  return {
    kind,
    name,
    namespace: kind === 'Policy' ? (asString(metadata['namespace']) ?? 'default') : undefined,
    validationFailureAction: action,
    failureActionOverrides: kind === 'ClusterPolicy' ? parseOverrides(spec['validationFailureActionOverrides']) : [],
    applyOne: spec['applyRules'] === 'One',
    failurePolicy: spec['failurePolicy'] === 'Ignore' ? 'Ignore' : 'Fail',
    rules: compiled,
  };
}

/** Loads Kyverno documents; non-Kyverno documents are reported in `errors` and otherwise ignored. */
export function loadKyvernoDocuments(docs: readonly unknown[]): LoadResult {
  const policies: KyvernoPolicy[] = [];
  const exceptions: PolicyException[] = [];
  const errors: string[] = [];
  docs.forEach((doc, index) => {
    if (doc === null || doc === undefined) return;
    if (!isObject(doc)) {
      errors.push(`document ${index}: not an object`);
      return;
    }
    const apiVersion = asString(doc['apiVersion']) ?? '';
    const kind = doc['kind'];
    if (!apiVersion.startsWith('kyverno.io/')) {
      errors.push(`document ${index}: ${String(kind)} ${apiVersion} is not a Kyverno policy or exception`);
      return;
    }
    if (kind === 'ClusterPolicy' || kind === 'Policy') {
      const policy = loadPolicy(doc, kind, errors);
      if (policy) policies.push(policy);
    } else if (kind === 'PolicyException') {
      const exception = loadException(doc);
      if (typeof exception === 'string') errors.push(exception);
      else exceptions.push(exception);
    } else {
      errors.push(`document ${index}: unsupported Kyverno kind ${String(kind)}`);
    }
  });
  return { policies, exceptions, errors };
}
