import { evaluateConstraint, isGatekeeperError, loadTemplate, parseConstraint, type Constraint, type Template } from '../../engines/gatekeeper/index.js';
import type { EmittedFile } from '../../backends/backend.js';
import { documentsOf, type EngineAdapter, type EngineVerdict } from '../adapter.js';
import type { GeneratedRequest } from '../generate.js';

interface Pair {
  readonly template: Template;
  readonly constraint: Constraint;
}

/**
 * Gatekeeper's verdicts on the emitted ConstraintTemplates and Constraints, by the offline Rego engine, in both
 * review shapes: the admission webhook's request, and the audit review of an existing object.
 * A violation's `details.rule` and `details.policy` name the secpol rule. An evaluation error counts as a
 * violation of every rule of the policy (`<policy>/*`), so a Rego runtime error can never read as a pass.
 */
export function gatekeeperAdapter(files: readonly EmittedFile[]): EngineAdapter[] {
  // SyncSets (what data.inventory replicates) configure Gatekeeper; they are neither templates nor constraints.
  const docs = (documentsOf(files, 'gatekeeper') as { kind?: string; metadata?: { annotations?: Record<string, string> } }[]).filter((d) => d.kind !== 'SyncSet');
  const templates = new Map<string, Template>();
  for (const d of docs.filter((x) => x.kind === 'ConstraintTemplate')) {
    const t = loadTemplate(d);
    if (isGatekeeperError(t)) throw new Error(`an emitted ConstraintTemplate does not load: ${t.message}`);
    templates.set(t.constraintKind, t);
  }
  const pairs: Pair[] = [];
  for (const d of docs.filter((x) => x.kind !== 'ConstraintTemplate')) {
    const c = parseConstraint(d);
    if (isGatekeeperError(c)) throw new Error(`an emitted Constraint does not load: ${c.message}`);
    const template = templates.get(c.kind);
    if (!template) throw new Error(`no emitted ConstraintTemplate for Constraint kind ${c.kind}`);
    pairs.push({ template, constraint: c });
  }
  const policyOf = new Map(docs.filter((x) => x.kind !== 'ConstraintTemplate').map((d, i) => [i, d.metadata?.annotations?.['secpol.dev/policy'] ?? '']));
  const verdicts = (request: GeneratedRequest, operation: string | undefined): Map<string, EngineVerdict> => {
    const out = new Map<string, EngineVerdict>();
    const namespace = request.namespace ? { apiVersion: 'v1', kind: 'Namespace', metadata: { name: request.namespace, labels: request.namespaceLabels } } : undefined;
    // The webhook's review carries the subresource and the requesting user; an audit review has neither.
    const admission = operation ? { operation, ...(request.subResource ? { subResource: request.subResource } : {}), ...(request.userInfo ? { userInfo: { username: request.userInfo.username } } : {}), ...(request.oldObject !== undefined ? { oldObject: request.oldObject } : {}) } : {};
    pairs.forEach(({ template, constraint }, i) => {
      // time.now_ns() is the request's instant (exception expiry, issue 15 item 7).
      const clock = request.now !== undefined ? { nowNs: request.now * 1e6 } : {};
      // data.inventory: the objects generated beside the request (roles a binding references), as Gatekeeper syncs them.
      const inventory = request.inventory ? { inventory: request.inventory } : {};
      const result = evaluateConstraint({ template, constraint, object: request.object, ...admission, ...(namespace ? { namespace } : {}), ...clock, ...inventory });
      if (result.error) {
        out.set(`${policyOf.get(i) ?? ''}/*`, { violated: true, message: `error: ${result.error.message}` });
        return;
      }
      for (const v of result.violations) {
        const details = v.details as { policy?: unknown; rule?: unknown } | null;
        if (typeof details?.policy !== 'string' || typeof details.rule !== 'string') continue;
        out.set(`${details.policy}/${details.rule}`, { violated: true, message: v.msg, blocks: result.enforcementAction === 'deny' });
      }
    });
    return out;
  };
  return [
    { backend: 'gatekeeper', evaluate: (request) => verdicts(request, request.operation) },
    // Gatekeeper's audit (and gator) review existing objects with operation "", no subresource and no user: the
    // semantics counts that as a CREATE by nobody known, so the audit verdict is compared on such requests only.
    { backend: 'gatekeeper', label: 'gatekeeper-audit', evaluate: (request) => (request.operation === 'CREATE' && !request.subResource && !request.userInfo ? verdicts(request, undefined) : undefined) },
  ];
}
