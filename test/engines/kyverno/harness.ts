/** A tiny front door for the Kyverno engine tests: YAML text in, rule results out. */
import { parseAllDocuments } from 'yaml';
import { evaluateResource, type EvaluationContext, loadKyvernoDocuments, type RuleResult } from '../../../src/engines/kyverno/index.js';

/** Parses (multi-document) YAML written inline in a test; indentation is removed. */
export function yaml(text: string): unknown[] {
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)?.[0].length ?? 0));
  const dedented = lines.map((l) => l.slice(indent)).join('\n');
  return parseAllDocuments(dedented).map((d) => d.toJS() as unknown);
}

/** Loads policy/exception YAML (failing the test on load errors) and evaluates one resource. */
export function run(policyYaml: string, resource: unknown, ctx: EvaluationContext = {}): RuleResult[] {
  const loaded = loadKyvernoDocuments(yaml(policyYaml));
  if (loaded.errors.length > 0) throw new Error(`load errors: ${loaded.errors.join('; ')}`);
  const res = typeof resource === 'string' ? yaml(resource)[0] : resource;
  return evaluateResource(loaded.policies, res, { ...ctx, exceptions: [...(ctx.exceptions ?? []), ...loaded.exceptions] });
}

/** The status of each result, as `rule=status`, for compact assertions. */
export function statuses(results: readonly RuleResult[]): string[] {
  return results.map((r) => `${r.rule}=${r.status}`);
}

/** A one-rule ClusterPolicy matching `kinds` with the given `validate` body (YAML, indented under validate:). */
export function policyWith(validate: string, options: { kinds?: string; extra?: string; annotations?: string } = {}): string {
  const body = validate
    .replace(/^\n/, '')
    .split('\n')
    .map((l) => `        ${l}`)
    .join('\n');
  return `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: p
${options.annotations ?? ''}
spec:
  validationFailureAction: Enforce
  rules:
    - name: r
      match:
        any:
        - resources:
            kinds: [${options.kinds ?? 'Pod'}]
${options.extra ?? ''}
      validate:
${body}
`;
}

/** A Pod with the given spec fields (YAML object text is not needed: pass plain objects). */
export function pod(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'default', ...metadata }, spec };
}

/** The single status the policy gives the resource (`none` when no rule applied). */
export function statusOf(policyYaml: string, resource: unknown, ctx: EvaluationContext = {}): string {
  const results = run(policyYaml, resource, ctx);
  if (results.length > 1) throw new Error(`expected one result, got ${statuses(results).join(', ')}`);
  return results[0]?.status ?? 'none';
}
