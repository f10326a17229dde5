/**
 * Runs one constraint against one object the way Gatekeeper's constraint framework does: match first,
 * then `data.<template package>.violation` with `input = {review, parameters}`; each violation needs a
 * `msg`, and `details` defaults to `{}` (frameworks' hook module).
 */
import { evaluateValue, formatValue, RegoRuntimeError, toJSON, type Value } from '../rego/index.js';
import { parseConstraint, type Constraint } from './constraint.js';
import { field, gkError, isGatekeeperError, isObject, type GatekeeperError } from './errors.js';
import { buildInventory, findNamespace } from './inventory.js';
import { matches } from './match.js';
import { buildReview } from './review.js';
import type { Template } from './template.js';

export interface Violation {
  readonly msg: string;
  readonly details: unknown;
}

export interface ConstraintResult {
  /** Whether `spec.match` selected the object (no violations are computed otherwise). */
  readonly matched: boolean;
  /** Sorted as Rego orders the violation set. */
  readonly violations: readonly Violation[];
  /** `deny` (default), `dryrun`, `warn` or `scoped`. */
  readonly enforcementAction: string;
  /** For `scoped`: the actions that apply at `enforcementPoint`. */
  readonly scopedActions?: readonly string[];
  /** Set when the constraint, object or evaluation is in error; then `violations` is empty. */
  readonly error?: GatekeeperError;
}

export interface EvaluateConstraintOptions {
  readonly template: Template;
  /** A constraint document, or one already read with `parseConstraint`. */
  readonly constraint: unknown;
  /** A Kubernetes object, or an AdmissionReview wrapper. */
  readonly object?: unknown;
  readonly admissionRequest?: unknown;
  /** Overrides the operation; bare objects default to CREATE. */
  readonly operation?: string;
  readonly oldObject?: unknown;
  readonly userInfo?: unknown;
  /** The admission request's subresource (`ephemeralcontainers`); none by default. */
  readonly subResource?: string;
  /** The object's Namespace (for `namespaceSelector`), or the namespace name to assume. */
  readonly namespace?: unknown;
  /** Cluster objects replicated into `data.inventory` (Namespace objects here also serve `namespaceSelector`). */
  readonly inventory?: readonly unknown[];
  /** Enforcement point for `scoped` actions; default `validation.gatekeeper.sh` (the webhook). */
  readonly enforcementPoint?: string;
  readonly nowNs?: number;
}

const NO_INVENTORY: readonly unknown[] = [];

function resolveScoped(c: Constraint, point: string): string[] {
  return c.scopedEnforcementActions
    .filter((s) => s.enforcementPoints.some((p) => p === point || p === '*'))
    .map((s) => s.action);
}

/** Evaluates one constraint; every problem comes back in `error`, never as an exception. */
export function evaluateConstraint(opts: EvaluateConstraintOptions): ConstraintResult {
  const parsed = isObject(opts.constraint) && opts.constraint.type === 'constraint' ? (opts.constraint as unknown as Constraint) : parseConstraint(opts.constraint);
  if (isGatekeeperError(parsed)) return { matched: false, violations: [], enforcementAction: 'deny', error: parsed };
  const c = parsed;
  const base = {
    enforcementAction: c.enforcementAction,
    ...(c.enforcementAction === 'scoped' ? { scopedActions: resolveScoped(c, opts.enforcementPoint ?? 'validation.gatekeeper.sh') } : {}),
  };
  const fail = (error: GatekeeperError, matched = false): ConstraintResult => ({ matched, violations: [], ...base, error });
  if (c.kind !== opts.template.constraintKind) {
    return fail(gkError('invalid_constraint', `constraint kind ${c.kind} does not match template kind ${opts.template.constraintKind}`));
  }
  const req = buildReview(opts);
  if (isGatekeeperError(req)) return fail(req);
  const inventory = opts.inventory ?? NO_INVENTORY;
  const reviewNs = typeof req.review.namespace === 'string' ? req.review.namespace : typeof opts.namespace === 'string' ? opts.namespace : '';
  let nsObject: unknown = isObject(opts.namespace) ? opts.namespace : undefined;
  if (nsObject === undefined && reviewNs !== '') nsObject = findNamespace(inventory, reviewNs);
  let matched = false;
  for (const obj of req.matchObjects) {
    const objNs = field(obj, 'metadata', 'namespace');
    const ns = nsObject !== undefined && (typeof objNs !== 'string' || objNs === '' || objNs === field(nsObject, 'metadata', 'name')) ? nsObject : undefined;
    const m = matches(c.match, obj, ns, reviewNs);
    if ('error' in m) return fail(gkError('match_error', m.error));
    if (m.matched) {
      matched = true;
      break;
    }
  }
  if (!matched) return { matched: false, violations: [], ...base };
  let set: Value | undefined;
  try {
    set = evaluateValue(opts.template.program, opts.template.violationQuery, {
      input: { review: req.review, parameters: c.parameters },
      data: { inventory: buildInventory(inventory) },
      ...(opts.nowNs !== undefined ? { nowNs: opts.nowNs } : {}),
    });
  } catch (e) {
    if (e instanceof RegoRuntimeError) return fail(gkError('rego_runtime', e.message, e), true);
    throw e;
  }
  const violations: Violation[] = [];
  const items = set === undefined ? [] : (toJSON(set) as unknown[]);
  for (const r of items) {
    if (!isObject(r) || r.msg === undefined) continue;
    violations.push({ msg: typeof r.msg === 'string' ? r.msg : formatValue(r.msg as Value), details: r.details === undefined ? {} : r.details });
  }
  return { matched: true, violations, ...base };
}
