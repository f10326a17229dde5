/**
 * `secpol eval --engine kyverno`: ClusterPolicies, Policies and PolicyExceptions from `--policy`; each resource is an
 * admission request (CREATE unless `--operation` or its AdmissionReview says otherwise). A Namespace object among the
 * resources gives the labels of its namespace for `namespaceSelector`, as the one in the cluster would.
 */
import { diagnostic } from '../../../diagnostics/index.js';
import { evaluateResource, loadKyvernoDocuments, type Operation, type UserInfo } from '../../../engines/kyverno/index.js';
import type { EngineRun, EvalContext, EvalVerdict } from './context.js';
import { identity, namespaceLabels, namespacesAmong, spanIn, type EvalInput } from './inputs.js';

const OPERATIONS: readonly string[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

/** The request's user (an AdmissionReview's userInfo, else --user/--group) and Kyverno's roles (--roles, --cluster-roles). */
function userOf(r: EvalInput, ctx: EvalContext): UserInfo | undefined {
  const fromRequest = r.admission?.userInfo;
  const q = ctx.requester;
  const base = fromRequest ?? (q ? { username: q.username, groups: q.groups } : undefined);
  const roles = q?.roles.length ? { roles: q.roles } : {};
  const clusterRoles = q?.clusterRoles.length ? { clusterRoles: q.clusterRoles } : {};
  if (!base && !q) return undefined;
  return { ...(base?.username !== undefined ? { username: base.username } : {}), ...(fromRequest?.uid !== undefined ? { uid: fromRequest.uid } : {}), ...(base?.groups ? { groups: base.groups } : {}), ...roles, ...clusterRoles };
}

export function runKyverno(ctx: EvalContext): EngineRun {
  const loaded = loadKyvernoDocuments(ctx.policies.map((d) => d.value));
  const warnings = [...loaded.errors];
  if (loaded.policies.length === 0) {
    const none = diagnostic('SP0030', spanIn(ctx.policies[0]!, []), { detail: 'no Kyverno ClusterPolicy or Policy loads from --policy: nothing would be checked', hint: 'give the ClusterPolicy/Policy files with --policy (the warnings above say why a document did not load)' });
    return { verdicts: [], diagnostics: [none], warnings };
  }
  const namespaces = namespacesAmong(ctx.resources.map((r) => r.object));
  const verdicts: EvalVerdict[] = [];
  for (const r of ctx.resources) {
    const id = identity(r);
    const ns = id.namespace ? namespaces.get(id.namespace) : undefined;
    const labels = ns && id.namespace ? namespaceLabels(ns, id.namespace, {}) : ctx.namespaceLabels;
    const op = r.admission ? r.admission.operation : ctx.operation;
    if (op !== undefined && !OPERATIONS.includes(op)) {
      verdicts.push({ resource: id, policy: '', rule: '', verdict: 'error', message: `the AdmissionReview's operation ${JSON.stringify(op)} is none of ${OPERATIONS.join(', ')}` });
      continue;
    }
    const user = userOf(r, ctx);
    const results = evaluateResource(loaded.policies, r.object, {
      operation: (op ?? 'CREATE') as Operation,
      namespaceLabels: labels,
      exceptions: loaded.exceptions,
      ...(r.admission?.oldObject !== undefined ? { oldObject: r.admission.oldObject } : {}),
      ...(user ? { userInfo: user } : {}),
      // --inventory: what rule context API calls read (without it, every call fails and its `default` applies).
      ...(ctx.inventory.length ? { cluster: ctx.inventory.map((d) => d.value) } : {}),
    });
    for (const x of results) verdicts.push({ resource: id, policy: x.policy, rule: x.rule, verdict: x.status, message: x.message });
  }
  return { verdicts, diagnostics: [], warnings };
}
