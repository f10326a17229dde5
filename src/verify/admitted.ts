import { builtInGroup, findKnownKind, knownKinds, type FieldSchema } from '../check/fields/index.js';
import { parseQuantity, podControllers, type Operation } from '../ir/index.js';
import { canonicalQuantity } from '../ir/quantity.js';

/**
 * The admitted domain: what the API server does to a request before any validating admission policy sees it. The
 * Kubernetes admission docs give the order: mutating admission, then validation of the object against its kind's
 * schema, then validating admission (Kyverno's and Gatekeeper's webhooks, ValidatingAdmissionPolicy): "after the
 * incoming object is validated by the API server, validating admission webhooks are invoked"
 * (https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/). So admission only
 * ever sees objects that passed schema validation, in the form the API server decoded them into (`asStored`), and
 * a request with `apiProblems` never reaches Kyverno, Gatekeeper or a ValidatingAdmissionPolicy.
 *
 * One definition, used by `secpol verify` (whose generator makes only admitted objects of built-in kinds), `secpol
 * diff` and `secpol import --verify`. Field types come from the checker's field table (src/check/fields, the API
 * reference field by field); the PodSpec rules beyond types from the API reference
 * https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/ and the validation it summarises
 * (pkg/apis/core/validation: ValidatePodCreate, ValidatePodTemplateSpec, validateContainerCommon, validateVolumes).
 * Deliberately partial: types of every known field of a built-in kind, required and unique names of PodSpec, enum
 * values of the fields rules read; fields the table does not know, and kinds that are not built in (CRDs such as
 * dapr.io Component, whose schema their CRD decides), are not checked and keep any shape.
 */

/** The parts of a request the API server validates. */
export interface ApiRequest {
  readonly object: unknown;
  readonly operation?: Operation;
  /** `ephemeralcontainers` for `kubectl debug`; absent for the resource itself. */
  readonly subResource?: string;
}

/** Enumerated string fields (the API reference's "Possible enum values"). */
const enums: Readonly<Record<string, readonly string[]>> = {
  imagePullPolicy: ['Always', 'IfNotPresent', 'Never'],
  procMount: ['Default', 'Unmasked'],
  protocol: ['SCTP', 'TCP', 'UDP'],
  restartPolicy: ['Always', 'Never', 'OnFailure'],
};
const profileTypes = ['Localhost', 'RuntimeDefault', 'Unconfined'];

/** The values the API server accepts for the enumerated field at the end of `path` (a PodSpec path), if it is one. */
export function enumValues(path: readonly string[]): readonly string[] | undefined {
  const last = path[path.length - 1] ?? '';
  if (last === 'type' && ['seccompProfile', 'appArmorProfile'].includes(path[path.length - 2] ?? '')) return profileTypes;
  return Object.hasOwn(enums, last) ? enums[last] : undefined;
}
const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** IANA_SVC_NAME: at most 15 lowercase letters, digits and single hyphens, at least one letter. */
const isPortName = (n: string) => n.length <= 15 && dnsLabel.test(n) && /[a-z]/.test(n) && !n.includes('--');
const maxId = 2147483647;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => JSON.stringify(v) ?? String(v);
const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v === 'object' ? 'object' : typeof v);

/** The pod specs of an object: a Pod's own, or a controller's template (with its path and whether it is a template). */
export function podSpecs(object: unknown): { path: readonly string[]; template: boolean; controller?: string }[] {
  if (!isObject(object)) return [];
  if (object['apiVersion'] === 'v1' && object['kind'] === 'Pod') return [{ path: ['spec'], template: false }];
  const c = podControllers.find((x) => object['apiVersion'] === `${x.group}/${x.version}` && object['kind'] === x.kind);
  return c ? [{ path: [...c.template, 'spec'], template: true, controller: c.kind }] : [];
}

function at(root: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), root);
}

/** The schema of an object whose kind is built into the API server (the field table's kinds but CRDs: their CRD decides). */
export function builtInSchema(object: unknown): FieldSchema | undefined {
  if (!isObject(object) || typeof object['apiVersion'] !== 'string' || typeof object['kind'] !== 'string') return undefined;
  const apiVersion = object['apiVersion'];
  const slash = apiVersion.indexOf('/');
  const known = findKnownKind(slash < 0 ? '' : apiVersion.slice(0, slash), apiVersion.slice(slash + 1), object['kind']);
  return known && builtInKinds.includes(known) ? known.schema : undefined;
}

/** Core and the `*.k8s.io` and unqualified groups (apps, batch) are served by the API server itself. */
const builtInKinds = knownKinds.filter((k) => builtInGroup(k.group));

const stringField: FieldSchema = { type: 'string' };

/** The schema of key `k` inside a value of schema `s`; undefined for a field the table does not know. */
function child(s: FieldSchema | undefined, k: string): { schema?: FieldSchema; mapValue: boolean } {
  const field = s?.fields?.[k];
  if (field) return { schema: field, mapValue: false };
  if (s && (s.type === 'string-map' || s.values)) return { schema: s.values ?? stringField, mapValue: true };
  return { mapValue: false };
}

/** Go's zero value for a field of this schema: what a `null` map value or list element decodes into. */
function zero(s: FieldSchema): unknown {
  switch (s.type) {
    case 'string':
      return '';
    case 'quantity':
      return '0';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'any':
      return null;
    default:
      return s.type === 'string-list' || s.type === 'object-list' ? [] : {};
  }
}

/**
 * `null` as Go's JSON decoding into the typed object stores it: a field left unset; a map value (labels, resource
 * quantities) or a list element its zero value. Fields the table does not know lose their nulls too. A quantity is
 * decoded into resource.Quantity and shown to admission serialised again (`cpu: 0.5` as "500m",
 * docs/engines/quantities.md); one outside the modelled domain is left as written.
 */
function decoded(v: unknown, s: FieldSchema | undefined): unknown {
  if (s?.type === 'quantity' && (typeof v === 'string' || typeof v === 'number')) return canonicalQuantity(v) ?? v;
  if (Array.isArray(v)) {
    const element = s?.type === 'object-list' ? s.element : s?.type === 'string-list' ? stringField : undefined;
    return v.map((x) => (x === null && element ? zero(element) : decoded(x, element)));
  }
  if (!isObject(v)) return v;
  const out: Json = {};
  for (const [k, x] of Object.entries(v)) {
    const c = child(s, k);
    if (x !== null) out[k] = decoded(x, c.schema);
    else if (c.mapValue && c.schema && c.schema.type !== 'any') out[k] = zero(c.schema);
  }
  return out;
}

/**
 * A Pod's defaulting (core/v1 SetDefaults_Pod; kubernetes.io "Resource Management for Pods and Containers": a limit
 * given without a request is copied as the request): each app and init container's requests gain every limit they
 * lack. Pods only: pod templates are not defaulted so (their pods are, when the controller creates them).
 */
function requestsFromLimits(spec: Json): void {
  for (const list of ['containers', 'initContainers']) {
    const containers = spec[list];
    for (const c of Array.isArray(containers) ? containers : []) {
      const resources = isObject(c) ? c['resources'] : undefined;
      const limits = isObject(resources) ? resources['limits'] : undefined;
      if (!isObject(resources) || !isObject(limits) || Object.keys(limits).length === 0) continue;
      const requests = isObject(resources['requests']) ? resources['requests'] : {};
      resources['requests'] = { ...limits, ...requests };
    }
  }
}

/**
 * The object as the API server stores it and shows it to admission, for built-in kinds: nulls and quantities
 * decoded as Go does (`decoded`), and what a controller needs but no rule reads filled in as `kubectl create` would require it:
 * a selector matching the template's labels (Deployment, ReplicaSet, StatefulSet, DaemonSet), a CronJob schedule,
 * restartPolicy Never for Job templates (whose default, Always, a Job rejects), a Pod's requests defaulted from its
 * limits (`requestsFromLimits`). Other kinds are returned as they are.
 */
export function asStored<T extends ApiRequest>(request: T): T {
  const schema = builtInSchema(request.object);
  if (!schema) return request;
  const object = decoded(request.object, schema) as Json;
  for (const s of podSpecs(object)) {
    const spec = at(object, s.path);
    const template = at(object, s.path.slice(0, -1));
    if (!isObject(spec) || !isObject(template)) continue;
    if (!s.template) requestsFromLimits(spec);
    const top = at(object, ['spec']) as Json;
    if (s.controller === 'Job' || s.controller === 'CronJob') {
      spec['restartPolicy'] ??= 'Never';
      if (s.controller === 'CronJob') top['schedule'] ??= '0 0 * * *';
    } else if (s.controller && top['selector'] === undefined) {
      const labels = isObject(template['metadata']) ? template['metadata']['labels'] : undefined;
      const usable = isObject(labels) && Object.keys(labels).length > 0 && Object.values(labels).every((x) => typeof x === 'string');
      const matchLabels = usable ? { ...labels } : { app: String(at(object, ['metadata', 'name']) ?? 'app') };
      if (!usable) template['metadata'] = { ...(isObject(template['metadata']) ? template['metadata'] : {}), labels: { ...(isObject(labels) ? labels : {}), ...matchLabels } };
      top['selector'] = { matchLabels };
    }
  }
  // autoscaling v1/v2 SetDefaults_HorizontalPodAutoscaler: minReplicas defaults to 1 before admission.
  if (isHpa(object) && isObject(object['spec']) && object['spec']['minReplicas'] === undefined) object['spec']['minReplicas'] = 1;
  return { ...request, object } as T;
}

function isHpa(object: unknown): object is Json {
  return isObject(object) && object['kind'] === 'HorizontalPodAutoscaler' && (object['apiVersion'] === 'autoscaling/v2' || object['apiVersion'] === 'autoscaling/v1');
}

/**
 * A HorizontalPodAutoscaler's spec as the API server validates it (pkg/apis/autoscaling/validation:
 * validateHorizontalPodAutoscalerSpec, ValidateCrossVersionObjectReference): minReplicas and maxReplicas at least 1,
 * maxReplicas at least minReplicas, scaleTargetRef.kind and .name required and valid path segment names (no `/` or
 * `%`, not `.` or `..`); scaleTargetRef.apiVersion is not validated.
 */
function hpaProblems(object: Json, out: string[]): void {
  const spec = isObject(object['spec']) ? object['spec'] : {};
  const min = spec['minReplicas'];
  const max = typeof spec['maxReplicas'] === 'number' ? spec['maxReplicas'] : 0;
  if (typeof min === 'number' && min < 1) out.push('spec.minReplicas: Invalid value: must be greater than 0');
  if (max < 1) out.push('spec.maxReplicas: Invalid value: must be greater than 0');
  if (typeof min === 'number' && max < min) out.push('spec.maxReplicas: Invalid value: must be greater than or equal to `minReplicas`');
  const ref = isObject(spec['scaleTargetRef']) ? spec['scaleTargetRef'] : {};
  for (const k of ['kind', 'name']) {
    const v = ref[k];
    if (typeof v !== 'string' || v === '') out.push(`spec.scaleTargetRef.${k}: Required value`);
    else if (v === '.' || v === '..' || /[/%]/.test(v)) out.push(`spec.scaleTargetRef.${k}: Invalid value: may not contain '/' or '%' or be '.' or '..'`);
  }
}

/**
 * The object with every quantity of a built-in kind as the API server serialises it (`cpu: 0.5` as "500m",
 * docs/engines/quantities.md), nothing else changed: what `secpol test`, `explain` and `audit --target` give their offline
 * engines, which admission and audit only ever show the serialised form.
 */
export function quantitiesShown(object: unknown): unknown {
  const schema = builtInSchema(object);
  return schema ? serialised(object, schema) : object;
}

function serialised(v: unknown, s: FieldSchema | undefined): unknown {
  if (s?.type === 'quantity') return typeof v === 'string' || typeof v === 'number' ? (canonicalQuantity(v) ?? v) : v;
  if (Array.isArray(v)) return s?.type === 'object-list' && s.element ? v.map((x) => serialised(x, s.element)) : v;
  if (!isObject(v) || !s) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, serialised(x, child(s, k).schema)]));
}

/**
 * Type errors, in the API server's words, for a value against its field schema: every known field, list element
 * and map value, and the keys of maps whose keys Kubernetes validates (resource names). Unknown fields and `any`
 * fields are not checked.
 */
function typeProblems(v: unknown, s: FieldSchema, path: string, out: string[]): void {
  if (v === undefined || v === null) return;
  const wrong = (what: string) => out.push(`${path}: Invalid value: ${show(v)}: must be ${what}, not a ${kindOf(v)}`);
  switch (s.type) {
    case 'any':
      return;
    case 'string':
    case 'boolean':
      if (typeof v !== s.type) wrong(`a ${s.type}`);
      return;
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) wrong('an integer');
      return;
    case 'number':
      if (typeof v !== 'number') wrong('a number');
      return;
    case 'quantity': {
      const q = typeof v === 'number' ? v : typeof v === 'string' ? parseQuantity(v) : undefined;
      if (q === undefined) out.push(`${path}: Invalid value: ${show(v)}: must be a quantity (a number, or a string such as 500m or 1Gi)`);
      else if (q < 0) out.push(`${path}: Invalid value: ${show(v)}: must be greater than or equal to 0`);
      return;
    }
    case 'string-list':
    case 'object-list': {
      if (!Array.isArray(v)) return void out.push(`${path}: Invalid value: must be a list, not a ${kindOf(v)}`);
      const element = s.type === 'string-list' ? stringField : (s.element ?? { type: 'any' });
      v.forEach((x, i) => typeProblems(x, element, `${path}[${i}]`, out));
      return;
    }
    default: {
      if (!isObject(v)) return void out.push(`${path}: Invalid value: must be an object, not a ${kindOf(v)}`);
      for (const [k, x] of Object.entries(v)) {
        const c = child(s, k);
        const p = path ? `${path}.${k}` : k;
        if (c.mapValue && s.keys && !s.keys.names.includes(k) && !s.keys.forms.some((f) => f.test.test(k))) out.push(`${p}: Invalid value: ${show(k)}: must be a standard resource name or a fully-qualified extended resource name`);
        if (c.schema) typeProblems(x, c.schema, p, out);
      }
    }
  }
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function idProblems(sc: unknown, path: string, out: string[]): void {
  if (!isObject(sc)) return;
  for (const k of ['runAsUser', 'runAsGroup', 'fsGroup']) {
    const id = sc[k];
    if (typeof id === 'number' && Number.isInteger(id) && (id < 0 || id > maxId)) out.push(`${path}.${k}: Invalid value: ${id}: must be between 0 and ${maxId}, inclusive`);
  }
  for (const k of ['seccompProfile', 'appArmorProfile']) {
    const p = sc[k];
    if (!isObject(p)) continue;
    if (p['type'] === undefined) out.push(`${path}.${k}.type: Required value`);
    else if (typeof p['type'] === 'string' && !profileTypes.includes(p['type'])) out.push(`${path}.${k}.type: Unsupported value: ${show(p['type'])}: supported values: ${profileTypes.map(show).join(', ')}`);
    else if (p['type'] === 'Localhost' && typeof p['localhostProfile'] !== 'string') out.push(`${path}.${k}.localhostProfile: Required value: must be set when ${k.replace('Profile', '')} type is Localhost`);
  }
}

function enumProblems(o: unknown, path: string, out: string[]): void {
  if (!isObject(o)) return;
  for (const [k, values] of Object.entries(enums)) {
    const v = o[k];
    if (typeof v === 'string' && !values.includes(v)) out.push(`${path}.${k}: Unsupported value: ${show(v)}: supported values: ${values.map(show).join(', ')}`);
  }
}

/** Type errors of one value of a known field (its stored form: nulls inside decoded). */
export function valueProblems(value: unknown, schema: FieldSchema): string[] {
  const out: string[] = [];
  typeProblems(decoded(value, schema), schema, 'value', out);
  return out;
}

/** The rules of PodSpec beyond types: required and unique names, one source per volume, ports, ids, enums. */
function specProblems(spec: unknown, path: string, where: { template: boolean; controller?: string; create: boolean; debug: boolean }, out: string[]): void {
  if (!isObject(spec)) return out.push(`${path}: Required value`), undefined;
  const volumeNames = new Set<string>();
  list(spec['volumes']).forEach((v, i) => {
    const p = `${path}.volumes[${i}]`;
    const name = isObject(v) ? v['name'] : undefined;
    if (typeof name !== 'string' || name === '') out.push(`${p}.name: Required value`);
    else if (!dnsLabel.test(name) || name.length > 63) out.push(`${p}.name: Invalid value: ${show(name)}: must be a DNS-1123 label`);
    else if (volumeNames.has(name)) out.push(`${p}.name: Duplicate value: ${show(name)}`);
    else volumeNames.add(name);
    // Every Volume field but name is a volume source; a volume has exactly one (none is defaulted to emptyDir).
    const sources = isObject(v) ? Object.keys(v).filter((k) => k !== 'name') : [];
    if (sources.length > 1) out.push(`${p}: Forbidden: may not specify more than 1 volume type (${sources.sort().join(', ')})`);
    if (isObject(v) && isObject(v['hostPath']) && typeof v['hostPath']['path'] !== 'string') out.push(`${p}.hostPath.path: Required value`);
  });
  if (list(spec['containers']).length === 0) out.push(`${path}.containers: Required value`);
  if (where.template && list(spec['ephemeralContainers']).length) out.push(`${path}.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod template`);
  if (!where.template && where.create && !where.debug && list(spec['ephemeralContainers']).length) out.push(`${path}.ephemeralContainers: Forbidden: cannot be set on create`);
  const restart = spec['restartPolicy'];
  if (where.controller && typeof restart === 'string') {
    const allowed = where.controller === 'Job' || where.controller === 'CronJob' ? ['Never', 'OnFailure'] : ['Always'];
    if (!allowed.includes(restart)) out.push(`${path}.restartPolicy: Unsupported value: ${show(restart)}: supported values: ${allowed.map(show).join(', ')}`);
  }
  enumProblems(spec, path, out);
  idProblems(spec['securityContext'], `${path}.securityContext`, out);
  const containerNames = new Set<string>();
  for (const field of ['containers', 'initContainers', 'ephemeralContainers']) {
    list(spec[field]).forEach((c, i) => {
      const p = `${path}.${field}[${i}]`;
      const o = isObject(c) ? c : {};
      const name = o['name'];
      if (typeof name !== 'string' || name === '') out.push(`${p}.name: Required value`);
      else if (!dnsLabel.test(name) || name.length > 63) out.push(`${p}.name: Invalid value: ${show(name)}: must be a DNS-1123 label`);
      else if (containerNames.has(name)) out.push(`${p}.name: Duplicate value: ${show(name)}`);
      else containerNames.add(name);
      if (typeof o['image'] !== 'string' || o['image'] === '') out.push(`${p}.image: Required value`);
      enumProblems(o, p, out);
      idProblems(o['securityContext'], `${p}.securityContext`, out);
      const portNames = new Set<string>();
      list(o['ports']).forEach((port, j) => {
        const q = `${p}.ports[${j}]`;
        const x = isObject(port) ? port : {};
        const cp = x['containerPort'];
        if (cp === undefined) out.push(`${q}.containerPort: Required value`);
        else if (typeof cp === 'number' && (cp < 1 || cp > 65535)) out.push(`${q}.containerPort: Invalid value: ${cp}: must be between 1 and 65535, inclusive`);
        const hp = x['hostPort'];
        if (typeof hp === 'number' && hp !== 0 && (hp < 1 || hp > 65535)) out.push(`${q}.hostPort: Invalid value: ${hp}: must be between 1 and 65535, inclusive`);
        const pn = x['name'];
        if (typeof pn === 'string' && !isPortName(pn)) out.push(`${q}.name: Invalid value: ${show(pn)}: must be an IANA_SVC_NAME`);
        else if (typeof pn === 'string' && portNames.has(pn)) out.push(`${q}.name: Duplicate value: ${show(pn)}`);
        else if (typeof pn === 'string') portNames.add(pn);
        enumProblems(x, q, out);
      });
      list(o['env']).forEach((e, j) => {
        if (!isObject(e) || typeof e['name'] !== 'string' || e['name'] === '') out.push(`${p}.env[${j}].name: Required value`);
      });
      list(o['volumeMounts']).forEach((m, j) => {
        const x = isObject(m) ? m : {};
        if (typeof x['name'] !== 'string' || x['name'] === '') out.push(`${p}.volumeMounts[${j}].name: Required value`);
        else if (!volumeNames.has(x['name'])) out.push(`${p}.volumeMounts[${j}].name: Not found: ${show(x['name'])}`);
        if (typeof x['mountPath'] !== 'string' || x['mountPath'] === '') out.push(`${p}.volumeMounts[${j}].mountPath: Required value`);
      });
    });
  }
}

/**
 * The errors the API server would answer this request with (empty when it would pass them on to admission), as
 * `path: Reason: detail`. Apply to the stored form (`asStored`). Only built-in kinds are checked.
 */
export function apiProblems(request: ApiRequest): string[] {
  const schema = builtInSchema(request.object);
  if (!schema) return [];
  const out: string[] = [];
  const object = request.object as Json;
  typeProblems(object, schema, '', out);
  const name = at(object, ['metadata', 'name']);
  if ((typeof name !== 'string' || name === '') && typeof at(object, ['metadata', 'generateName']) !== 'string') out.push('metadata.name: Required value');
  if (isHpa(object)) hpaProblems(object, out);
  const create = (request.operation ?? 'CREATE') === 'CREATE';
  const debug = request.subResource === 'ephemeralcontainers';
  for (const s of podSpecs(object)) {
    specProblems(at(object, s.path), s.path.join('.'), { template: s.template, create, debug, ...(s.controller ? { controller: s.controller } : {}) }, out);
  }
  return [...new Set(out)];
}

/** A problem without its indices and values, for counting by kind: `spec.volumes[*].name: Duplicate value`. */
export function problemKind(problem: string): string {
  const [path = '', reason = ''] = problem.split(': ');
  return `${path.replace(/\[\d+\]/g, '[*]')}: ${reason}`;
}
