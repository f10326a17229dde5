import { podControllers, type Operation, type Subject } from '../ir/index.js';
import { isObject, valueAt } from './values.js';

/** An admission request as the evaluators see it. */
export interface AdmissionRequest {
  readonly object: unknown;
  /** Default CREATE. */
  readonly operation?: Operation;
  /** The object's namespace when the manifest leaves it out (kubectl applies a default). */
  readonly namespace?: string;
  /** Labels of the object's namespace, for namespace selectors. */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  /**
   * The subresource written (`ephemeralcontainers` for `kubectl debug`, whose request object is the whole Pod);
   * absent or '' for the resource itself. Semantics §1: only the Pod's ephemeralcontainers is in any rule's scope.
   */
  readonly subResource?: string;
  /** Who sends the request; absent when nobody is known (an audit of existing objects): semantics §1.5. */
  readonly userInfo?: { readonly username: string };
  /**
   * The evaluation instant, in milliseconds since the epoch: an exception with `expires` applies only before the
   * end of its date, UTC (semantics §1.5). Absent: no instant is given, and every exception is evaluated as before
   * its expiry. Callers choose it (the CLI: `--now`, else the current time); the semantics never reads a clock.
   */
  readonly now?: number;
  /**
   * The cluster objects that exist beside the request, for references (`role referenced by roleRef`, semantics
   * §3.1): what Gatekeeper syncs into data.inventory and Kyverno's API calls read. Absent: none.
   */
  readonly inventory?: readonly unknown[];
  /** On an UPDATE, the stored object the request replaces (`is unchanged`, semantics §3.4). */
  readonly oldObject?: unknown;
}

export interface ObjectIdentity {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
}

export function identityOf(req: AdmissionRequest): ObjectIdentity {
  const o = req.object;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const labels = valueAt(o, ['metadata', 'labels']);
  const ns = valueAt(o, ['metadata', 'namespace']);
  return {
    apiVersion: str(valueAt(o, ['apiVersion'])),
    kind: str(valueAt(o, ['kind'])),
    name: str(valueAt(o, ['metadata', 'name'])),
    namespace: typeof ns === 'string' && ns !== '' ? ns : req.namespace,
    labels: isObject(labels) ? (Object.fromEntries(Object.entries(labels).filter(([, v]) => typeof v === 'string')) as Record<string, string>) : {},
  };
}

/**
 * The pod view's metadata (semantics §1): the template's labels, annotations and other fields, but the name and
 * namespace of the controller as applied. The API server creates the pods in the controller's namespace and names
 * them after it, whatever the template says, so a rule on `metadata.namespace` must not read the template's
 * (issue 22 item 3: `forbid metadata.namespace = "default"` admitted a Deployment in default).
 */
function podViewMetadata(template: unknown, own: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = isObject(template) ? { ...template } : {};
  delete out['name'];
  delete out['namespace'];
  for (const key of ['name', 'namespace']) {
    const v = valueAt(own, [key]);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * Whether the request's subresource can be in a rule's scope (semantics §1): the resource itself, or the
 * `ephemeralcontainers` subresource of a v1 Pod, which adds ephemeral containers to a running pod and whose
 * request object is the whole Pod. Every other subresource (status, binding, resize, …) is out of scope.
 */
export function subresourceInScope(req: AdmissionRequest, id: ObjectIdentity): boolean {
  const sub = req.subResource ?? '';
  return sub === '' || (sub === 'ephemeralcontainers' && id.apiVersion === 'v1' && id.kind === 'Pod');
}

/**
 * The object a rule is evaluated on (semantics §1): the object itself, or for a pod controller under
 * `applies to pods` the pod view {metadata, spec} of its template. Undefined when no subject matches.
 */
export function viewFor(subjects: readonly Subject[], id: ObjectIdentity, object: unknown): { view: unknown; isPodView: boolean } | undefined {
  for (const s of subjects) {
    if (s.kind === 'pods') {
      if (id.apiVersion === 'v1' && id.kind === 'Pod') return { view: object, isPodView: true };
      const controller = podControllers.find((c) => `${c.group}/${c.version}` === id.apiVersion && c.kind === id.kind);
      if (controller) {
        const template = valueAt(object, controller.template);
        return { view: { metadata: podViewMetadata(valueAt(template, ['metadata']), valueAt(object, ['metadata'])), spec: valueAt(template, ['spec']) ?? null }, isPodView: true };
      }
    } else {
      const apiVersion = s.group ? `${s.group}/${s.version}` : s.version;
      if (id.apiVersion === apiVersion && id.kind === s.resourceKind) return { view: object, isPodView: false };
    }
  }
  return undefined;
}
