import { admissionContext, evaluateVap, type VapRequest } from '../vap/index.js';
import type { LoadedKyvernoCel, LoadedPolicyException } from './load.js';

export interface KyvernoCelResult {
  /** The ValidatingPolicy. */
  readonly policy: string;
  /** `autogen-defaults` or `autogen-cronjobs` when an autogen variant of the policy judged the request. */
  readonly autogen?: string;
  /** The validation's index; -1 for the policy as a whole (a match-condition error, or an exception's skip). */
  readonly validation: number;
  readonly allowed: boolean;
  readonly message: string;
  /** The policy's validationActions. */
  readonly actions: readonly string[];
  readonly error?: string;
  /** The PolicyException that skipped the policy for this request. */
  readonly exception?: string;
}

/** All of an exception's matchConditions hold (one that errors does not: the exception is not granted). */
function exceptionHolds(e: LoadedPolicyException, context: Record<string, unknown>): boolean {
  return e.matchConditions.every((c) => {
    try {
      return c.expression(context) === true;
    } catch {
      return false;
    }
  });
}

/**
 * Evaluates every ValidatingPolicy with admission enabled on one admission request, as Kyverno's admission
 * controller does: each program (the policy, its autogen variants) that matches runs as a ValidatingAdmissionPolicy
 * would (match conditions, variables, validations, messageExpression, failurePolicy); when a PolicyException naming
 * the policy (kind ValidatingPolicy) matches the request, the policy is skipped instead (one `exception` result).
 */
export function evaluateKyvernoCel(loaded: LoadedKyvernoCel, request: VapRequest): KyvernoCelResult[] {
  const results = evaluateVap(loaded.programs, request);
  const { context } = admissionContext(request);
  const out: KyvernoCelResult[] = [];
  for (const policy of loaded.policies) {
    if (!policy.admission) continue;
    const own = results.filter((r) => policy.programs.includes(r.policy));
    if (own.length === 0) continue;
    const exception = loaded.exceptions.find((e) => e.policyRefs.some((r) => r.name === policy.name && r.kind === 'ValidatingPolicy') && exceptionHolds(e, context));
    if (exception) {
      out.push({ policy: policy.name, validation: -1, allowed: true, message: `rule is skipped due to policy exception: ${exception.namespace}/${exception.name}`, actions: policy.validationActions, exception: exception.name });
      continue;
    }
    for (const r of own) {
      const autogen = r.policy === policy.name ? undefined : r.policy.slice(policy.name.length + 1);
      out.push({ policy: policy.name, ...(autogen ? { autogen } : {}), validation: r.validation, allowed: r.allowed, message: r.message, actions: policy.validationActions, ...(r.error !== undefined ? { error: r.error } : {}) });
    }
  }
  return out;
}
