/**
 * The `input.review` document: an AdmissionRequest (Kubernetes admission/v1), as Gatekeeper builds it for a
 * webhook call or for `gator` (object → kind, name, namespace, object).
 */
import { field, gkError, isObject, type GatekeeperError, type JsonObject } from './errors.js';
import { groupVersionKind } from './match.js';

export interface ReviewRequest {
  /** The admission request seen by the template as `input.review`. */
  readonly review: JsonObject;
  /** The objects `spec.match` is checked against (object and/or oldObject). */
  readonly matchObjects: readonly unknown[];
}

export interface ReviewOptions {
  /** A Kubernetes object, or an `admission.k8s.io` AdmissionReview wrapping a request. */
  readonly object?: unknown;
  /** An AdmissionRequest (the `request` of an AdmissionReview). */
  readonly admissionRequest?: unknown;
  /** Overrides the request's operation; a bare object defaults to CREATE. */
  readonly operation?: string;
  readonly oldObject?: unknown;
  readonly userInfo?: unknown;
}

function isAdmissionReview(x: unknown): boolean {
  const av = field(x, 'apiVersion');
  return field(x, 'kind') === 'AdmissionReview' && typeof av === 'string' && av.startsWith('admission.k8s.io/');
}

function fromRequest(req: JsonObject, opts: ReviewOptions): ReviewRequest | GatekeeperError {
  const out: Record<string, unknown> = { ...req };
  if (opts.operation !== undefined) out.operation = opts.operation;
  if (out.operation === 'DELETE' && (out.object === undefined || out.object === null)) out.object = out.oldObject;
  const obj = out.object ?? out.oldObject;
  if (!isObject(obj)) return gkError('invalid_object', 'the admission request has neither object nor oldObject');
  if (!isObject(out.kind)) out.kind = groupVersionKind(obj);
  if (out.name === undefined && typeof field(obj, 'metadata', 'name') === 'string') out.name = field(obj, 'metadata', 'name');
  if (out.namespace === undefined && typeof field(obj, 'metadata', 'namespace') === 'string') out.namespace = field(obj, 'metadata', 'namespace');
  if (out.uid === undefined) out.uid = '';
  if (out.userInfo === undefined) out.userInfo = opts.userInfo ?? {};
  const matchObjects = [out.object, out.oldObject].filter(isObject);
  return { review: out, matchObjects };
}

/** Builds the review from an object, an AdmissionReview or an AdmissionRequest. */
export function buildReview(opts: ReviewOptions): ReviewRequest | GatekeeperError {
  if (opts.admissionRequest !== undefined) {
    if (!isObject(opts.admissionRequest)) return gkError('invalid_object', 'admissionRequest must be an object');
    return fromRequest(opts.admissionRequest, opts);
  }
  const obj = opts.object;
  if (!isObject(obj)) return gkError('invalid_object', 'object must be a Kubernetes object');
  if (isAdmissionReview(obj)) {
    const req = obj.request;
    if (!isObject(req)) return gkError('invalid_object', 'AdmissionReview has no request');
    return fromRequest(req, opts);
  }
  const gvk = groupVersionKind(obj);
  if (gvk.version === '' || gvk.kind === '') return gkError('invalid_object', 'object has no apiVersion or kind');
  const review: Record<string, unknown> = {
    uid: '',
    kind: gvk,
    operation: opts.operation ?? 'CREATE',
    userInfo: opts.userInfo ?? {},
    object: obj,
  };
  const name = field(obj, 'metadata', 'name');
  const namespace = field(obj, 'metadata', 'namespace');
  if (typeof name === 'string' && name !== '') review.name = name;
  if (typeof namespace === 'string' && namespace !== '') review.namespace = namespace;
  if (opts.oldObject !== undefined) review.oldObject = opts.oldObject;
  return { review, matchObjects: isObject(opts.oldObject) ? [obj, opts.oldObject] : [obj] };
}
