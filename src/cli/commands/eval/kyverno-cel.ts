/**
 * `secpol eval --engine kyverno-cel`: Kyverno ValidatingPolicies (policies.kyverno.io) and their PolicyExceptions
 * from `--policy`; each resource is an admission request (CREATE unless `--operation` or its AdmissionReview says
 * otherwise) from `--user`/`--group`, by default an empty user name and no groups. Unlike a ValidatingAdmission
 * Policy, a ValidatingPolicy needs no binding: Kyverno's admission controller evaluates every policy with admission
 * enabled (docs/engines/kyverno-cel.md).
 */
import { diagnostic } from '../../../diagnostics/index.js';
import { evaluateKyvernoCel, loadKyvernoCelDocuments } from '../../../engines/kyverno-cel/index.js';
import type { EngineRun, EvalContext, EvalVerdict } from './context.js';
import { celRequest } from './cel-request.js';
import { identity, namespacesAmong, spanIn } from './inputs.js';

export function runKyvernoCel(ctx: EvalContext): EngineRun {
  const loaded = loadKyvernoCelDocuments(ctx.policies.map((d) => d.value));
  const warnings = [...loaded.errors];
  if (loaded.policies.length === 0) {
    const detail = 'no Kyverno ValidatingPolicy (policies.kyverno.io) loads from --policy: nothing would be checked';
    return { verdicts: [], diagnostics: [diagnostic('SP0030', spanIn(ctx.policies[0]!, []), { detail, hint: 'give ValidatingPolicy documents (and their PolicyExceptions) with --policy; ClusterPolicies run with --engine kyverno' })], warnings };
  }
  const namespaces = namespacesAmong(ctx.resources.map((r) => r.object));
  const verdicts: EvalVerdict[] = [];
  for (const r of ctx.resources) {
    const id = identity(r);
    const request = celRequest(ctx, r, namespaces);
    if ('problem' in request) {
      verdicts.push({ resource: id, policy: '', rule: '', verdict: 'error', message: request.problem });
      continue;
    }
    const results = evaluateKyvernoCel(loaded, request);
    for (const x of results) {
      const at = x.exception !== undefined ? `exception ${x.exception}` : x.validation < 0 ? 'matchConditions' : `validations[${x.validation}]`;
      const rule = `${at}${x.autogen ? ` (${x.autogen})` : ''} ${x.actions.join(',')}`;
      const verdict = x.exception !== undefined ? 'skip' : x.error !== undefined ? 'error' : x.allowed ? 'pass' : 'fail';
      verdicts.push({ resource: id, policy: x.policy, rule, verdict, message: x.message });
    }
  }
  return { verdicts, diagnostics: [], warnings };
}
