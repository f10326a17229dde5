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
  /**
   * The request's operation. For a bare object: absent or empty means an audit review (operation ""), as
   * Gatekeeper's audit and gator make; CREATE, UPDATE, DELETE or CONNECT an admission review.
   */
  readonly operation?: string;
  readonly oldObject?: unknown;
  readonly userInfo?: unknown;
  /**
   * The subresource of an admission request (`ephemeralcontainers` for `kubectl debug`: the object is the whole
   * Pod). Written as `subResource` and `requestSubResource`, which admission/v1 omits when empty.
   */
  readonly subResource?: string;
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

/**
 * The resource (plural, lower case) the API server would name for a kind: what `input.review.resource`
 * carries in a webhook request. Kubernetes derives it from the REST mapping; this covers the regular plurals
 * of the built-in kinds (`-y` -> `-ies`, `-s`/`-x`/`-ch`/`-sh` -> `-es`).
 */
function pluralOf(kind: string): string {
  const k = kind.toLowerCase();
  if (k === '') return '';
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(k)) return `${k}es`;
  return `${k}s`;
}

/**
 * Builds the review from an object, an AdmissionReview or an AdmissionRequest.
 *
 * A bare object without `operation` is reviewed as Gatekeeper's audit and `gator test`/`gator verify` review
 * existing objects: the JSON of an `admission/v1` AdmissionRequest holding only kind, name, namespace and
 * object (gatekeeper `pkg/target` `unstructuredToAdmissionRequest`). Go's JSON encoding keeps the fields
 * without `omitempty` and writes the empty RawExtensions as null, so `operation` is `""` (present, empty),
 * `uid` is `""`, `resource` is all empty strings, `userInfo` is `{}`, and `oldObject` and `options` are null.
 *
 * With `operation`, it is reviewed as the admission webhook receives it: the same request with that operation,
 * `resource` and `requestKind`/`requestResource` filled, `oldObject` (the one given; else null, as the VAP engine
 * and the semantics read an UPDATE given without its stored object: semantics §3.4) and `dryRun: false`.
 */
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
  const name = field(obj, 'metadata', 'name');
  const namespace = field(obj, 'metadata', 'namespace');
  const identity = {
    ...(typeof name === 'string' && name !== '' ? { name } : {}),
    ...(typeof namespace === 'string' && namespace !== '' ? { namespace } : {}),
  };
  if (opts.operation === undefined || opts.operation === '') {
    const review = {
      uid: '',
      kind: gvk,
      resource: { group: '', version: '', resource: '' },
      ...identity,
      operation: '',
      userInfo: opts.userInfo ?? {},
      object: obj,
      oldObject: null,
      options: null,
    };
    return { review, matchObjects: [obj] };
  }
  const resource = { group: gvk.group, version: gvk.version, resource: pluralOf(gvk.kind) };
  // DELETE: the API server sends the deleted object as oldObject and no object; Gatekeeper copies it into
  // object (SetObjectOnDelete), so both are the object.
  const old = opts.operation === 'DELETE' ? obj : opts.oldObject !== undefined ? opts.oldObject : null;
  const sub = opts.subResource ? { subResource: opts.subResource } : {};
  const requestSub = opts.subResource ? { requestSubResource: opts.subResource } : {};
  const review: Record<string, unknown> = {
    uid: '',
    kind: gvk,
    resource,
    ...sub,
    requestKind: gvk,
    requestResource: resource,
    ...requestSub,
    ...identity,
    operation: opts.operation,
    userInfo: opts.userInfo ?? {},
    object: obj,
    oldObject: old,
    dryRun: false,
    options: null,
  };
  return { review, matchObjects: isObject(old) && old !== obj ? [obj, old] : [obj] };
}
