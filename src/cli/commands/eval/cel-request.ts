/**
 * The admission request the CEL engines (vap, kyverno-cel) judge for one resource: the operation from its
 * AdmissionReview or `--operation` (default CREATE), the requester from the review or `--user`/`--group`, and the
 * namespace with its labels (a Namespace object among the resources, else `--namespace-labels`).
 */
import type { VapRequest } from '../../../engines/vap/index.js';
import type { EvalContext } from './context.js';
import { identity, namespaceLabels, type EvalInput } from './inputs.js';

const OPERATIONS: readonly string[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

/** The request, or the reason it cannot be made (an AdmissionReview naming an unknown operation). */
export function celRequest(ctx: EvalContext, r: EvalInput, namespaces: ReadonlyMap<string, Record<string, unknown>>): VapRequest | { readonly problem: string } {
  const id = identity(r);
  const op = (r.admission ? r.admission.operation : ctx.operation) ?? 'CREATE';
  if (!OPERATIONS.includes(op)) return { problem: `the AdmissionReview's operation ${JSON.stringify(op)} is none of ${OPERATIONS.join(', ')}` };
  const requestUser = r.admission?.userInfo;
  const q = ctx.requester;
  const userInfo = requestUser ? { username: requestUser.username ?? '', groups: requestUser.groups ?? [] } : q ? { username: q.username, groups: q.groups } : undefined;
  const namespace = id.namespace ? { name: id.namespace, labels: namespaceLabels(namespaces.get(id.namespace), id.namespace, ctx.namespaceLabels) } : undefined;
  return {
    object: r.object,
    operation: op as VapRequest['operation'],
    ...(r.admission?.oldObject !== undefined ? { oldObject: r.admission.oldObject } : {}),
    ...(namespace ? { namespace } : {}),
    ...(userInfo ? { userInfo } : {}),
  };
}
