/**
 * PolicyExceptions (https://kyverno.io/docs/writing-policies/exceptions/): an exception names policies
 * (`<namespace>/<name>` for a namespaced Policy) and rule names (wildcards allowed; auto-generated rules by
 * their `autogen-` names), selects resources with a `match` block and optional `conditions`, and turns the
 * excepted rule into `skip` — or, for podSecurity rules, adds its `podSecurity[]` controls to the exclusions.
 */
import { evaluateConditions } from './conditions.js';
import { exceptionMatchApplies, type RequestFacts } from './match.js';
import { asArray, asString, isObject, type JsonObject, type KyvernoPolicy, type PolicyException, stringList } from './types.js';
import { isUserError } from './validate.js';
import type { VarContext } from './variables.js';
import { anyWildcardMatch } from './wildcard.js';

/** Reads a PolicyException document; returns an error text when it cannot be used. */
export function loadException(doc: JsonObject): PolicyException | string {
  const metadata = isObject(doc['metadata']) ? doc['metadata'] : {};
  const name = asString(metadata['name']);
  if (name === undefined || name === '') return 'PolicyException without metadata.name';
  const spec = doc['spec'];
  if (!isObject(spec)) return `PolicyException ${name}: missing spec`;
  const exceptions = asArray(spec['exceptions'])
    .filter(isObject)
    .map((e) => ({ policyName: asString(e['policyName']) ?? '', ruleNames: stringList(e['ruleNames']) }));
  if (exceptions.length === 0) return `PolicyException ${name}: spec.exceptions is empty`;
  if (!isObject(spec['match'])) return `PolicyException ${name}: missing spec.match`;
  return {
    name,
    namespace: asString(metadata['namespace']) ?? '',
    exceptions,
    match: spec['match'],
    conditions: spec['conditions'],
    podSecurity: Array.isArray(spec['podSecurity']) ? spec['podSecurity'] : undefined,
  };
}

function policyKey(policy: KyvernoPolicy): string {
  return policy.namespace === undefined ? policy.name : `${policy.namespace}/${policy.name}`;
}

/** The first exception that applies to this rule and resource, if any. */
export function findException(
  exceptions: readonly PolicyException[],
  policy: KyvernoPolicy,
  ruleName: string,
  facts: RequestFacts,
  ctx: VarContext,
): PolicyException | undefined {
  const key = policyKey(policy);
  for (const exception of exceptions) {
    const names = exception.exceptions.some((e) => e.policyName === key && anyWildcardMatch(e.ruleNames, ruleName));
    if (!names) continue;
    if (!exceptionMatchApplies(exception.match, facts)) continue;
    if (exception.conditions !== undefined && exception.conditions !== null) {
      try {
        if (!evaluateConditions(exception.conditions, ctx).result) continue;
      } catch (e) {
        if (!isUserError(e)) throw e;
        continue;
      }
    }
    return exception;
  }
  return undefined;
}
