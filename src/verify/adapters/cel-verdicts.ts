import type { VapRequest } from '../../engines/vap/index.js';
import type { EngineVerdict } from '../adapter.js';
import type { GeneratedRequest } from '../generate.js';

/**
 * What the two CEL engines (vap, kyverno-cel) share in verify: the generated request as an admission request, and
 * their per-validation results as verdicts per secpol rule. Validation i of a policy is the rule named by the i-th
 * entry of its `secpol.dev/rules` annotation (read from the emitted text); a match-condition error is a violation of
 * every rule (`<policy>/*`); a violation blocks when the validation actions include Deny.
 */

export interface CelResult {
  readonly policy: string;
  readonly validation: number;
  readonly allowed: boolean;
  readonly message: string;
  readonly actions: readonly string[];
  readonly error?: string;
}

export type RuleNames = ReadonlyMap<string, { readonly policy: string; readonly rules: readonly string[] }>;

/** Each loaded policy's secpol policy and rule names, from its annotations. */
export function ruleNames(policies: readonly { readonly name: string; readonly annotations: Readonly<Record<string, string>> }[]): RuleNames {
  return new Map(policies.map((p) => [p.name, { policy: p.annotations['secpol.dev/policy'] ?? p.name, rules: JSON.parse(p.annotations['secpol.dev/rules'] ?? '[]') as string[] }]));
}

export function celRequest(request: GeneratedRequest): VapRequest {
  return {
    object: request.object,
    operation: request.operation,
    ...(request.namespace !== undefined ? { namespace: { name: request.namespace, labels: request.namespaceLabels } } : {}),
    ...(request.subResource ? { subresource: request.subResource } : {}),
    ...(request.userInfo ? { userInfo: request.userInfo } : {}),
    // On an UPDATE, the stored object it replaces (CEL's oldObject; `is unchanged`).
    ...(request.oldObject !== undefined ? { oldObject: request.oldObject } : {}),
  };
}

/** Verdicts by `<policy>/<rule>`: any violating result of a rule makes it violated. */
export function celVerdicts(results: readonly CelResult[], names: RuleNames): Map<string, EngineVerdict> {
  const out = new Map<string, EngineVerdict>();
  for (const r of results) {
    const n = names.get(r.policy)!;
    const key = r.validation < 0 ? `${n.policy}/*` : `${n.policy}/${n.rules[r.validation]}`;
    const violated = !r.allowed;
    const prev = out.get(key);
    if (!prev || (violated && !prev.violated)) out.set(key, { violated, message: r.error ? `error: ${r.error}` : r.message, ...(violated ? { blocks: r.actions.includes('Deny') } : {}) });
  }
  return out;
}
