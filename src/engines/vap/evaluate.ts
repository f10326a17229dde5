import { toCel } from './cel-env.js';
import type { LoadedPolicy, LoadedVap } from './load.js';
import { constraintsMatch, pluralOf, type RequestAttributes } from './match.js';

export interface VapRequest {
  /** The object being admitted; for DELETE, the object being deleted (CEL sees it as oldObject, object = null). */
  readonly object: unknown;
  /** For UPDATE, the stored object it replaces (the API server always sends one; absent here: oldObject is null). */
  readonly oldObject?: unknown;
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  /** The object's namespace and its labels; absent for a cluster-scoped object. */
  readonly namespace?: { readonly name: string; readonly labels: Readonly<Record<string, string>> };
  /** The subresource written (`ephemeralcontainers` for `kubectl debug`, the object then being the Pod); default none. */
  readonly subresource?: string;
  /** request.userInfo; default an empty username and no groups. */
  readonly userInfo?: { readonly username: string; readonly groups?: readonly string[] };
}

export interface VapResult {
  readonly policy: string;
  /** The validation's index in spec.validations; -1 for a failure of the policy as a whole (a match condition error). */
  readonly validation: number;
  readonly allowed: boolean;
  readonly message: string;
  /** The binding's validationActions (union over the policy's bindings). */
  readonly actions: readonly string[];
  readonly error?: string;
  /** The validation expression's estimated worst-case CEL cost (cost.ts; docs/engines/vap-cost.md); undefined for a match-condition failure. */
  readonly cost?: number;
  /** The same with the variables it reads: its share of the policy's runtime cost budget. */
  readonly totalCost?: number;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function labelsOf(o: unknown): Record<string, string> {
  const labels = (o as { metadata?: { labels?: unknown } } | null)?.metadata?.labels;
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) return {};
  return Object.fromEntries(Object.entries(labels).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message.split('\n')[0]! : String(e));

/**
 * The request as Kubernetes' admission matching sees it (`attributes`) and the CEL variables every expression
 * reads (`context`: object, oldObject, request, params, namespaceObject). Kyverno's CEL policies and their
 * PolicyExceptions see the same variables (src/engines/kyverno-cel).
 */
export function admissionContext(request: VapRequest): { readonly attributes: RequestAttributes; readonly context: Record<string, unknown> } {
  const o = request.object as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } } | null;
  const apiVersion = str(o?.apiVersion);
  const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/', 2) as [string, string]) : ['', apiVersion];
  const kind = str(o?.kind);
  const isNamespaceObject = group === '' && kind === 'Namespace';
  const name = str(o?.metadata?.name);
  const namespace = isNamespaceObject ? name : (request.namespace?.name ?? '');
  const attributes: RequestAttributes = {
    group,
    version,
    resource: pluralOf(kind),
    subresource: request.subresource ?? '',
    operation: request.operation,
    namespace,
    isNamespaceObject,
    objectLabels: labelsOf(request.object),
    namespaceLabels: request.namespace?.labels ?? {},
  };
  const deleting = request.operation === 'DELETE';
  const object = toCel(request.object);
  const context = {
    object: deleting ? null : object,
    oldObject: deleting ? object : request.operation === 'UPDATE' && request.oldObject !== undefined ? toCel(request.oldObject) : null,
    request: {
      operation: request.operation,
      kind: { group, version, kind },
      resource: { group, version, resource: pluralOf(kind) },
      subResource: request.subresource ?? '',
      requestKind: { group, version, kind },
      requestResource: { group, version, resource: pluralOf(kind) },
      requestSubResource: request.subresource ?? '',
      name,
      namespace,
      userInfo: { username: request.userInfo?.username ?? '', groups: [...(request.userInfo?.groups ?? [])] },
      dryRun: false,
    },
    params: null,
    namespaceObject: request.namespace ? { apiVersion: 'v1', kind: 'Namespace', metadata: { name: request.namespace.name, labels: { ...request.namespace.labels } } } : null,
  };
  return { attributes, context };
}

/**
 * Evaluates every bound ValidatingAdmissionPolicy on one request, as the API server's admission plugin does:
 * match constraints, then match conditions, then variables (in order; an erroring variable errors the
 * expressions that read it) and each validation. An expression error is a denial (failurePolicy Fail), or is
 * ignored under failurePolicy Ignore. Policies without a binding are inert.
 */
export function evaluateVap(loaded: LoadedVap, request: VapRequest): VapResult[] {
  const { attributes, context } = admissionContext(request);
  const out: VapResult[] = [];
  for (const policy of loaded.policies) {
    const bound = loaded.bindings.filter((b) => b.policyName === policy.name);
    if (bound.length === 0) continue;
    const actions = [...new Set(bound.flatMap((b) => b.validationActions))].sort();
    if (!constraintsMatch(policy.matchConstraints, attributes)) continue;
    out.push(...evaluatePolicy(policy, context, actions));
  }
  return out;
}

function evaluatePolicy(policy: LoadedPolicy, base: Record<string, unknown>, actions: readonly string[]): VapResult[] {
  const fail = policy.failurePolicy === 'Fail';
  // Match conditions: any false skips the policy; otherwise an error fails it (failurePolicy).
  let conditionError: string | undefined;
  for (const c of policy.matchConditions) {
    try {
      const v = c.expression(base);
      if (v === false) return [];
      if (v !== true) conditionError = `matchCondition ${c.name} returned a non-boolean`;
    } catch (e) {
      conditionError = `matchCondition ${c.name}: ${errorText(e)}`;
    }
  }
  if (conditionError !== undefined) return fail ? [{ policy: policy.name, validation: -1, allowed: false, message: conditionError, actions, error: conditionError }] : [];
  // Variables are evaluated lazily, once, on first read, as Kubernetes does; one that fails makes every expression
  // reading it fail (it is never evaluated when nothing reads it).
  const variables: Record<string, unknown> = {};
  const context = { ...base, variables };
  for (const v of policy.variables) {
    let state: { value: unknown } | { error: unknown } | undefined;
    Object.defineProperty(variables, v.name, {
      enumerable: true,
      get() {
        if (!state) {
          try {
            state = { value: v.expression(context) };
          } catch (error) {
            state = { error };
          }
        }
        if ('error' in state) throw state.error;
        return state.value;
      },
    });
  }
  return policy.validations.flatMap((val, i): VapResult[] => {
    let value: unknown;
    try {
      value = val.expression(context);
    } catch (e) {
      const error = errorText(e);
      return fail ? [{ policy: policy.name, validation: i, allowed: false, message: `expression error: ${error}`, actions, error, cost: val.cost, totalCost: val.totalCost }] : [];
    }
    if (value === true) return [{ policy: policy.name, validation: i, allowed: true, message: '', actions, cost: val.cost, totalCost: val.totalCost }];
    if (value !== false) {
      const error = 'validation expression returned a non-boolean';
      return fail ? [{ policy: policy.name, validation: i, allowed: false, message: error, actions, error, cost: val.cost, totalCost: val.totalCost }] : [];
    }
    let message = val.message ?? `failed expression: ${val.source}`;
    if (val.messageExpression) {
      try {
        const m = val.messageExpression(context);
        if (typeof m === 'string' && m.trim() !== '') message = m;
      } catch {
        // Kubernetes falls back to `message` when messageExpression fails.
      }
    }
    return [{ policy: policy.name, validation: i, allowed: false, message, actions, cost: val.cost, totalCost: val.totalCost }];
  });
}
