import { parseQuantity, podControllers, type Operation } from '../ir/index.js';

/**
 * What the API server does to a request before any admission policy sees it, for Pods and pod controllers (the
 * objects secpol's generator writes field by field): the object as it would be stored (`asStored`), and the
 * validation errors that reject it (`apiProblems`). Written from the Kubernetes API reference, which gives each
 * field's type and which names must be unique:
 * https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/ (PodSpec, Container, Volume,
 * SecurityContext) and the validation it summarises (pkg/apis/core/validation: ValidatePodCreate,
 * ValidatePodTemplateSpec, validateContainerCommon, validateVolumes). Schema validation runs before validating
 * admission, so a request it rejects never reaches Kyverno, Gatekeeper or a ValidatingAdmissionPolicy.
 * Deliberately partial: only the fields secpol rules read and the names that must be unique; other kinds are not checked.
 */

/** The parts of a request the API server validates. */
export interface ApiRequest {
  readonly object: unknown;
  readonly operation?: Operation;
  /** `ephemeralcontainers` for `kubectl debug`; absent for the resource itself. */
  readonly subResource?: string;
}

type Type = 'string' | 'boolean' | 'integer' | 'quantity' | { readonly fields: Readonly<Record<string, Type>> } | { readonly list: Type } | { readonly map: Type };

const strings: Type = { list: 'string' };
const profile: Type = { fields: { type: 'string', localhostProfile: 'string' } };
const seLinux: Type = { fields: { user: 'string', role: 'string', type: 'string', level: 'string' } };
const windows: Type = { fields: { gmsaCredentialSpecName: 'string', gmsaCredentialSpec: 'string', runAsUserName: 'string', hostProcess: 'boolean' } };
const ids = { runAsUser: 'integer', runAsGroup: 'integer', runAsNonRoot: 'boolean', seccompProfile: profile, appArmorProfile: profile, seLinuxOptions: seLinux, windowsOptions: windows } as const;
const containerSecurity: Type = {
  fields: { ...ids, privileged: 'boolean', allowPrivilegeEscalation: 'boolean', readOnlyRootFilesystem: 'boolean', procMount: 'string', capabilities: { fields: { add: strings, drop: strings } } },
};
const podSecurity: Type = {
  fields: { ...ids, fsGroup: 'integer', fsGroupChangePolicy: 'string', supplementalGroups: { list: 'integer' }, sysctls: { list: { fields: { name: 'string', value: 'string' } } } },
};
const resources: Type = { fields: { limits: { map: 'quantity' }, requests: { map: 'quantity' } } };
const container: Type = {
  fields: {
    name: 'string', image: 'string', imagePullPolicy: 'string', command: strings, args: strings, workingDir: 'string', stdin: 'boolean', tty: 'boolean',
    ports: { list: { fields: { name: 'string', containerPort: 'integer', hostPort: 'integer', hostIP: 'string', protocol: 'string' } } },
    env: { list: { fields: { name: 'string', value: 'string' } } },
    volumeMounts: { list: { fields: { name: 'string', mountPath: 'string', subPath: 'string', readOnly: 'boolean', mountPropagation: 'string' } } },
    securityContext: containerSecurity, resources,
  },
};
const volume: Type = {
  fields: {
    name: 'string', hostPath: { fields: { path: 'string', type: 'string' } }, emptyDir: { fields: { medium: 'string', sizeLimit: 'quantity' } },
    configMap: { fields: { name: 'string', optional: 'boolean' } }, secret: { fields: { secretName: 'string', optional: 'boolean' } },
    persistentVolumeClaim: { fields: { claimName: 'string', readOnly: 'boolean' } },
  },
};
const podSpec: Type = {
  fields: {
    containers: { list: container }, initContainers: { list: container }, ephemeralContainers: { list: container }, volumes: { list: volume },
    hostNetwork: 'boolean', hostPID: 'boolean', hostIPC: 'boolean', hostUsers: 'boolean', shareProcessNamespace: 'boolean', automountServiceAccountToken: 'boolean',
    serviceAccountName: 'string', serviceAccount: 'string', nodeName: 'string', priorityClassName: 'string', runtimeClassName: 'string', restartPolicy: 'string',
    dnsPolicy: 'string', hostname: 'string', subdomain: 'string', schedulerName: 'string', priority: 'integer', nodeSelector: { map: 'string' },
    terminationGracePeriodSeconds: 'integer', activeDeadlineSeconds: 'integer', securityContext: podSecurity,
  },
};
const metadata: Type = { fields: { name: 'string', generateName: 'string', namespace: 'string', labels: { map: 'string' }, annotations: { map: 'string' } } };

/** Enumerated string fields (the API reference's "Possible enum values"). */
const enums: Readonly<Record<string, readonly string[]>> = {
  imagePullPolicy: ['Always', 'IfNotPresent', 'Never'],
  procMount: ['Default', 'Unmasked'],
  protocol: ['SCTP', 'TCP', 'UDP'],
  restartPolicy: ['Always', 'Never', 'OnFailure'],
};
const profileTypes = ['Localhost', 'RuntimeDefault', 'Unconfined'];
const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** IANA_SVC_NAME: at most 15 lowercase letters, digits and single hyphens, at least one letter. */
const isPortName = (n: string) => n.length <= 15 && dnsLabel.test(n) && /[a-z]/.test(n) && !n.includes('--');
const maxId = 2147483647;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => JSON.stringify(v) ?? String(v);
const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v === 'object' ? 'object' : typeof v);

/** The pod specs of an object: a Pod's own, or a controller's template (with its path and whether it is a template). */
function podSpecs(object: unknown): { path: readonly string[]; template: boolean; controller?: string }[] {
  if (!isObject(object)) return [];
  if (object['apiVersion'] === 'v1' && object['kind'] === 'Pod') return [{ path: ['spec'], template: false }];
  const c = podControllers.find((x) => object['apiVersion'] === `${x.group}/${x.version}` && object['kind'] === x.kind);
  return c ? [{ path: [...c.template, 'spec'], template: true, controller: c.kind }] : [];
}

function at(root: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), root);
}

/** Maps whose values Go decodes from `null` into their zero value rather than leaving out: label-like maps and quantities. */
const nullAs: Readonly<Record<string, string>> = { labels: '', annotations: '', nodeSelector: '', limits: '0', requests: '0' };

/** `null` as Go's JSON decoding stores it: a field left unset, a map value its zero value. */
function dropNulls(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => dropNulls(x));
  if (!isObject(v)) return v;
  const zero = nullAs[key];
  const entries = Object.entries(v).map(([k, x]): [string, unknown] => [k, x === null && zero !== undefined ? zero : dropNulls(x, k)]);
  return Object.fromEntries(entries.filter(([, x]) => x !== null));
}

/**
 * The object as the API server stores it and shows it to admission: an explicit `null` is an unset field, or an
 * empty label value and a zero quantity in maps (Go's JSON decoding), and what a controller needs but no rule reads is filled in as `kubectl create` would require it:
 * a selector matching the template's labels (Deployment, ReplicaSet, StatefulSet, DaemonSet), a CronJob schedule,
 * restartPolicy Never for Job templates (whose default, Always, a Job rejects).
 */
export function asStored<T extends ApiRequest>(request: T): T {
  const specs = podSpecs(request.object);
  if (!specs.length) return request;
  const object = dropNulls(request.object) as Json;
  for (const s of specs) {
    const spec = at(object, s.path);
    const template = at(object, s.path.slice(0, -1));
    if (!isObject(spec) || !isObject(template)) continue;
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
  return { ...request, object } as T;
}

/** Type errors, in the API server's words, for a value against its declared type (unknown fields are not checked). */
function typeProblems(v: unknown, type: Type, path: string, out: string[]): void {
  if (v === undefined || v === null) return;
  if (type === 'string' || type === 'boolean') {
    if (typeof v !== type) out.push(`${path}: Invalid value: ${show(v)}: must be a ${type}, not a ${kindOf(v)}`);
  } else if (type === 'integer') {
    if (typeof v !== 'number' || !Number.isInteger(v)) out.push(`${path}: Invalid value: ${show(v)}: must be an integer, not a ${kindOf(v)}`);
  } else if (type === 'quantity') {
    const q = typeof v === 'number' ? v : typeof v === 'string' ? parseQuantity(v) : undefined;
    if (q === undefined) out.push(`${path}: Invalid value: ${show(v)}: must be a quantity (a number, or a string such as 500m or 1Gi)`);
    else if (q < 0) out.push(`${path}: Invalid value: ${show(v)}: must be greater than or equal to 0`);
  } else if ('list' in type) {
    if (!Array.isArray(v)) out.push(`${path}: Invalid value: must be a list, not a ${kindOf(v)}`);
    else v.forEach((x, i) => typeProblems(x, type.list, `${path}[${i}]`, out));
  } else if (!isObject(v)) {
    out.push(`${path}: Invalid value: must be an object, not a ${kindOf(v)}`);
  } else if ('map' in type) {
    for (const [k, x] of Object.entries(v)) typeProblems(x, type.map, `${path}.${k}`, out);
  } else {
    for (const [k, t] of Object.entries(type.fields)) typeProblems(v[k], t, path ? `${path}.${k}` : k, out);
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
 * `path: Reason: detail`. Apply to the stored form (`asStored`). Only Pods and pod controllers are checked.
 */
export function apiProblems(request: ApiRequest): string[] {
  const specs = podSpecs(request.object);
  if (!specs.length) return [];
  const out: string[] = [];
  const object = request.object as Json;
  typeProblems(object['metadata'], metadata, 'metadata', out);
  const name = at(object, ['metadata', 'name']);
  if ((typeof name !== 'string' || name === '') && typeof at(object, ['metadata', 'generateName']) !== 'string') out.push('metadata.name: Required value');
  const create = (request.operation ?? 'CREATE') === 'CREATE';
  const debug = request.subResource === 'ephemeralcontainers';
  for (const s of specs) {
    const path = s.path.join('.');
    const spec = at(object, s.path);
    typeProblems(spec, podSpec, path, out);
    if (s.template) typeProblems(at(object, [...s.path.slice(0, -1), 'metadata']), metadata, `${s.path.slice(0, -1).join('.')}.metadata`, out);
    specProblems(spec, path, { template: s.template, create, debug, ...(s.controller ? { controller: s.controller } : {}) }, out);
  }
  return [...new Set(out)];
}

/** A problem without its indices and values, for counting by kind: `spec.volumes[*].name: Duplicate value`. */
export function problemKind(problem: string): string {
  const [path = '', reason = ''] = problem.split(': ');
  return `${path.replace(/\[\d+\]/g, '[*]')}: ${reason}`;
}
