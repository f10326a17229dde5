/**
 * What `secpol eval` reads: YAML files as the engines' own tools read them (src/suite: go-yaml's resolution, its
 * leniencies as warnings), the items of Lists, AdmissionReviews unwrapped into their request, and the Namespace
 * objects given beside the resources.
 */
import { pathDiagnostic, type Diagnostic } from '../../../diagnostics/index.js';
import { SourceFile, type Span } from '../../../source/index.js';
import { listItems, parseYamlFile, spanAt, type YamlDocument } from '../../../suite/index.js';
import { describeFsError, readText } from '../../io.js';

/** Where a verdict's resource comes from (the documented JSON schema: docs/cli.md). */
export interface ResourceIdentity {
  kind: string;
  name: string;
  namespace: string | null;
  file: string;
  line: number;
}

/** admission/v1 UserInfo: who sends the request. */
export interface RequestUser {
  readonly username?: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** An `admission.k8s.io` AdmissionReview's request, as eval needs it. */
export interface AdmissionInput {
  /** The raw request (Gatekeeper's engine reads the whole of it as `input.review`). */
  readonly request: Record<string, unknown>;
  readonly operation: string | undefined;
  /** The object under review: `object`, or for a DELETE (no object) the `oldObject`. */
  readonly object: unknown;
  readonly oldObject: unknown;
  readonly userInfo: RequestUser | undefined;
}

/** A document of a file, or one item of a List document (`itemPath` is where the item sits: `["items", i]`). */
export interface LoadedDoc extends YamlDocument {
  readonly itemPath: readonly (string | number)[];
}

/** One thing to evaluate: a document (or a List item) and, for an AdmissionReview, its request. */
export interface EvalInput {
  readonly doc: LoadedDoc;
  /** The Kubernetes object under review (a review's object, not the review). */
  readonly object: unknown;
  readonly admission?: AdmissionInput;
}

export function loadDocuments(paths: readonly string[], diagnostics: Diagnostic[]): LoadedDoc[] {
  const docs: LoadedDoc[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = readText(path);
    } catch (e) {
      diagnostics.push(pathDiagnostic('SP0004', path, { path, reason: describeFsError(e) }));
      continue;
    }
    const parsed = parseYamlFile(new SourceFile(path, text));
    diagnostics.push(...parsed.diagnostics);
    // Lists (kind: List / *List) hold their objects in items; a typed list's items are of its item kind.
    for (const d of parsed.documents) for (const item of listItems(d.value)) docs.push({ ...d, value: item.value, itemPath: item.path });
  }
  return docs;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

/** The request of an `admission.k8s.io/*` AdmissionReview, or undefined for any other document. */
export function admissionOf(value: unknown): AdmissionInput | undefined {
  if (!isRecord(value) || value['kind'] !== 'AdmissionReview') return undefined;
  const apiVersion = value['apiVersion'];
  if (typeof apiVersion !== 'string' || !apiVersion.startsWith('admission.k8s.io/')) return undefined;
  const request = isRecord(value['request']) ? value['request'] : {};
  const object = isRecord(request['object']) ? request['object'] : undefined;
  const oldObject = isRecord(request['oldObject']) ? request['oldObject'] : undefined;
  const u = request['userInfo'];
  const groups = isRecord(u) ? stringList(u['groups']) : undefined;
  const userInfo: RequestUser | undefined = isRecord(u)
    ? {
        ...(typeof u['username'] === 'string' ? { username: u['username'] } : {}),
        ...(typeof u['uid'] === 'string' ? { uid: u['uid'] } : {}),
        ...(groups ? { groups } : {}),
        ...(isRecord(u['extra']) ? { extra: u['extra'] as Record<string, string[]> } : {}),
      }
    : undefined;
  return {
    request,
    operation: typeof request['operation'] === 'string' && request['operation'] !== '' ? request['operation'] : undefined,
    object: object ?? oldObject,
    oldObject,
    userInfo,
  };
}

/** The span of a field of a loaded document or List item. */
export function spanIn(d: LoadedDoc, path: readonly (string | number)[]): Span {
  return spanAt(d, [...d.itemPath, ...path]);
}

export function toInputs(docs: readonly LoadedDoc[]): EvalInput[] {
  return docs.map((doc) => {
    const admission = admissionOf(doc.value);
    return admission ? { doc, object: admission.object, admission } : { doc, object: doc.value };
  });
}

export function identity(input: EvalInput): ResourceIdentity {
  const d = input.doc;
  const o = (isRecord(input.object) ? input.object : {}) as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  const requestNs = input.admission?.request['namespace'];
  const namespace = typeof o.metadata?.namespace === 'string' && o.metadata.namespace !== '' ? o.metadata.namespace : typeof requestNs === 'string' && requestNs !== '' ? requestNs : null;
  const line = d.file.lineColumn(spanIn(d, []).start).line;
  return { kind: String(o.kind ?? ''), name: String(o.metadata?.name ?? input.admission?.request['name'] ?? ''), namespace, file: d.file.path, line };
}

/** Namespace objects among the given documents, by name: their labels serve namespace selectors. */
export function namespacesAmong(values: readonly unknown[]): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const v of values) {
    if (!isRecord(v) || v['kind'] !== 'Namespace' || v['apiVersion'] !== 'v1') continue;
    const name = isRecord(v['metadata']) ? v['metadata']['name'] : undefined;
    if (typeof name === 'string' && !out.has(name)) out.set(name, v);
  }
  return out;
}

/**
 * The labels of a Namespace object (strings only), or `fallback` (--namespace-labels) without one, with
 * `kubernetes.io/metadata.name` as the API server sets it on every namespace.
 */
export function namespaceLabels(ns: Record<string, unknown> | undefined, name: string, fallback: Readonly<Record<string, string>>): Record<string, string> {
  if (!ns) return { ...fallback, 'kubernetes.io/metadata.name': name };
  const labels = isRecord(ns['metadata']) && isRecord(ns['metadata']['labels']) ? ns['metadata']['labels'] : {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') out[k] = v;
  return { ...out, 'kubernetes.io/metadata.name': name };
}
