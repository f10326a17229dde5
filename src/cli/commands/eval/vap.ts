/**
 * `secpol eval --engine vap`: ValidatingAdmissionPolicies and their bindings from `--policy`; each resource is an
 * admission request (CREATE unless `--operation` or its AdmissionReview says otherwise) from `--user`/`--group`, by
 * default an empty user name and no groups. A policy without a binding checks nothing (the API server ignores it).
 */
import { diagnostic } from '../../../diagnostics/index.js';
import { evaluateVap, loadVapDocuments } from '../../../engines/vap/index.js';
import type { EngineRun, EvalContext, EvalVerdict } from './context.js';
import { identity, namespaceLabels, namespacesAmong, spanIn } from './inputs.js';

const OPERATIONS: readonly string[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

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
    const op = (r.admission ? r.admission.operation : ctx.operation) ?? 'CREATE';
    if (!OPERATIONS.includes(op)) {
      verdicts.push({ resource: id, policy: '', rule: '', verdict: 'error', message: `the AdmissionReview's operation ${JSON.stringify(op)} is none of ${OPERATIONS.join(', ')}` });
      continue;
    }
    const requestUser = r.admission?.userInfo;
    const q = ctx.requester;
    const userInfo = requestUser ? { username: requestUser.username ?? '', groups: requestUser.groups ?? [] } : q ? { username: q.username, groups: q.groups } : undefined;
    const namespace = id.namespace ? { name: id.namespace, labels: namespaceLabels(namespaces.get(id.namespace), id.namespace, ctx.namespaceLabels) } : undefined;
    const results = evaluateVap(loaded, {
      object: r.object,
      operation: op as 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT',
      ...(r.admission?.oldObject !== undefined ? { oldObject: r.admission.oldObject } : {}),
      ...(namespace ? { namespace } : {}),
      ...(userInfo ? { userInfo } : {}),
    });
    for (const x of results) {
      const rule = `${x.validation < 0 ? 'matchConditions' : `validations[${x.validation}]`} ${x.actions.join(',')}`;
      verdicts.push({ resource: id, policy: x.policy, rule, verdict: x.error !== undefined ? 'error' : x.allowed ? 'pass' : 'fail', message: x.message });
    }
  }
  return { verdicts, diagnostics: [], warnings };
}
