/**
 * `secpol eval --engine vap`: ValidatingAdmissionPolicies and their bindings from `--policy`; each resource is an
 * admission request (CREATE unless `--operation` or its AdmissionReview says otherwise) from `--user`/`--group`, by
 * default an empty user name and no groups. A policy without a binding checks nothing (the API server ignores it).
 */
import { diagnostic } from '../../../diagnostics/index.js';
import { evaluateVap, loadVapDocuments } from '../../../engines/vap/index.js';
import type { EngineRun, EvalContext, EvalVerdict } from './context.js';
import { celRequest } from './cel-request.js';
import { identity, namespacesAmong, spanIn } from './inputs.js';

export function runVap(ctx: EvalContext): EngineRun {
  const loaded = loadVapDocuments(ctx.policies.map((d) => d.value));
  const warnings = [...loaded.errors];
  const bound = loaded.policies.filter((p) => loaded.bindings.some((b) => b.policyName === p.name));
  if (bound.length === 0) {
    const detail = loaded.policies.length === 0 ? 'no ValidatingAdmissionPolicy loads from --policy: nothing would be checked' : 'no ValidatingAdmissionPolicyBinding binds the policies given: the API server would check nothing';
    return { verdicts: [], diagnostics: [diagnostic('SP0030', spanIn(ctx.policies[0]!, []), { detail, hint: 'give the policies and their bindings with --policy (the warnings above say why a document did not load)' })], warnings };
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
    const results = evaluateVap(loaded, request);
    for (const x of results) {
      const rule = `${x.validation < 0 ? 'matchConditions' : `validations[${x.validation}]`} ${x.actions.join(',')}`;
      verdicts.push({ resource: id, policy: x.policy, rule, verdict: x.error !== undefined ? 'error' : x.allowed ? 'pass' : 'fail', message: x.message });
    }
  }
  return { verdicts, diagnostics: [], warnings };
}
