import { podSchema, containerPortSchema, containerSchema, envVarSchema, policyRuleSchema, rbacSubjectSchema, volumeSchema, type FieldSchema } from '../check/fields/index.js';
import { canonicalQuantity } from '../ir/quantity.js';
import { apiProblems, asStored, builtInSchema, enumValues, podSpecs, quantitiesShown, valueProblems, type ApiRequest } from './admitted.js';
import type { Site } from './constants.js';

/**
 * What verify generates (docs/verification.md, "The generated domain"): `admitted`, the objects the API server
 * passes on to validating admission (admitted.ts: well-typed known fields of built-in kinds, unique names, no
 * ephemeral containers where the API forbids them), or `any`, every shape the constant pool can build, API-invalid
 * ones included (nulls in lists, `"true"` for booleans, ephemeral containers in templates), which the hostile test
 * keeps the current, guarded output honest on.
 */
export type Domain = 'admitted' | 'any';

/** The field schema of each site's values, where the kind is built in; absent sites are free. */
export type SiteSchemas = Readonly<Partial<Record<Site, FieldSchema>>>;

/** Sites of a Pod (and of a pod controller's template, whose metadata and spec are the Pod's). */
export const podSites: SiteSchemas = { object: podSchema, container: containerSchema, volume: volumeSchema, port: containerPortSchema, env: envVarSchema };

/** Sites of an object of `applies to "<apiVersion>" <Kind>`: its schema when built in; RBAC rules and subjects. */
export function resourceSites(group: string, version: string, kind: string): SiteSchemas {
  const object = builtInSchema({ apiVersion: group ? `${group}/${version}` : version, kind });
  if (!object) return {};
  return { object, 'rbac-rule': policyRuleSchema, subject: rbacSubjectSchema };
}

/**
 * Where a path leads in a schema: a known field (its schema), a free place (a field the table does not know, or
 * inside an `any` value: any shape goes), or nowhere an admitted object can have (through a list or a scalar).
 */
export type Place = { readonly kind: 'known'; readonly schema: FieldSchema } | { readonly kind: 'free' } | { readonly kind: 'blocked' };

export function placeOf(schema: FieldSchema, path: readonly string[]): Place {
  let s = schema;
  for (const segment of path) {
    if (s.type === 'any') return { kind: 'free' };
    const field = s.fields?.[segment];
    if (field) s = field;
    else if (s.type === 'string-map' || s.values) s = s.values ?? { type: 'string' };
    else if (s.type === 'object') return { kind: 'free' };
    else return { kind: 'blocked' };
  }
  return { kind: 'known', schema: s };
}

/** The element schema of the list at `path` (an `item in path` domain), or a free place, or blocked. */
export function listElementAt(schema: FieldSchema | undefined, path: readonly string[]): Place {
  if (!schema) return { kind: 'free' };
  const place = placeOf(schema, path);
  if (place.kind !== 'known') return place;
  if (place.schema.type === 'object-list') return place.schema.element ? { kind: 'known', schema: place.schema.element } : { kind: 'free' };
  return place.schema.type === 'any' ? { kind: 'free' } : { kind: 'blocked' };
}

/**
 * The candidates of a known field in an admitted object: those of its type, and for an enumerated field (a profile
 * type, a pull policy) only the values the API server accepts, every one of them (a policy allowing two of three
 * profile types is violated by the third only: `"other"` never reaches admission).
 */
export function admittedValues(schema: FieldSchema, path: readonly string[], values: readonly unknown[]): unknown[] {
  const typed = (schema.type === 'quantity' ? [...values, ...writtenQuantities] : values).filter((v) => fits(schema, v));
  const allowed = enumValues(path);
  return allowed ? [...new Set([...typed.filter((v) => typeof v === 'string' && allowed.includes(v)), ...allowed])] : typed;
}

/**
 * Quantities as users write them, which the API server shows admission in another form (docs/engines/quantities.md):
 * drawn at every quantity field a rule reads, so a backend reading the written form instead is caught.
 */
export const writtenQuantities: readonly unknown[] = ['0.5', '2000', '1.5Gi', '1e9', '100e-3', '0.0001', '1E3', '+1', '8Ki', '1024Ki', 0.5, 2000];

/**
 * Whether a known field can hold this value in an admitted object (a null is an unset field: not a value); a
 * quantity only inside the modelled domain (`canonicalQuantity`: not beyond int64).
 */
export function fits(schema: FieldSchema, value: unknown): boolean {
  if (schema.type === 'quantity' && (typeof value === 'string' || typeof value === 'number') && canonicalQuantity(value) === undefined) return false;
  return value !== null && valueProblems(value, schema).length === 0;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A name not yet in `taken` (itself, or with the first free `-<n>` suffix), recorded as taken. */
function unique(name: string, taken: Set<string>): string {
  let out = name;
  for (let n = 1; taken.has(out); n++) out = `${name}-${n}`;
  taken.add(out);
  return out;
}

/**
 * A pod controller generated for rules over the controller itself (`applies to "apps/v1" Deployment`) has no pod
 * template, which every controller the API server admits has: it gets a minimal one (one container), no rule's field.
 */
function withTemplate<T extends ApiRequest>(request: T): T {
  const [s] = podSpecs(request.object);
  if (!s?.template || !isObject(request.object)) return request;
  // Copied only when a template is added: `mend` stores a decoded copy of the object anyway.
  let found: unknown = request.object;
  for (const key of s.path.slice(0, -1)) found = isObject(found) ? found[key] : undefined;
  if (found !== undefined && found !== null) return request;
  const object = structuredClone(request.object) as Json;
  let at: Json = object;
  for (const key of s.path.slice(0, -2)) {
    if (at[key] === undefined) at[key] = {};
    if (!isObject(at[key])) return request;
    at = at[key] as Json;
  }
  const name = isObject(object['metadata']) && typeof object['metadata']['name'] === 'string' ? object['metadata']['name'] : 'app';
  at['template'] ??= { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } };
  return { ...request, object };
}

/**
 * The request in stored form, mended where the API server would reject what a generator draws independently and no
 * rule's verdict hinges on: a second volume or port of one name (renamed with a suffix), a Localhost seccomp or
 * AppArmor profile without its profile name (given one), a hostPath volume without its path (given one), a controller without a pod template (given a minimal one) or with a template without containers (given one), ephemeral containers in a pod template or in a Pod's
 * creation (left out: the API server forbids them there; they come through `kubectl debug`). The caller keeps the
 * result only if `apiProblems` is then empty.
 */
export function mend<T extends ApiRequest>(request: T): T {
  const stored = asStored(withTemplate(request));
  const object = stored.object;
  const debug = request.subResource === 'ephemeralcontainers';
  for (const s of podSpecs(object)) {
    const spec = s.path.reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), object);
    if (!isObject(spec)) continue;
    if (s.template || ((request.operation ?? 'CREATE') === 'CREATE' && !debug)) delete spec['ephemeralContainers'];
    // A template drawn with some pod fields but no containers (rules over the controller object) gets a minimal one.
    if (s.template && spec['containers'] === undefined) spec['containers'] = [{ name: 'app', image: 'nginx:1.25' }];
    const volumes = new Set<string>();
    for (const v of list(spec['volumes'])) if (isObject(v) && typeof v['name'] === 'string') v['name'] = unique(v['name'], volumes);
    const profiled = [spec['securityContext']];
    for (const field of ['containers', 'initContainers', 'ephemeralContainers']) {
      for (const c of list(spec[field])) {
        if (!isObject(c)) continue;
        profiled.push(c['securityContext']);
        const ports = new Set<string>();
        for (const p of list(c['ports'])) if (isObject(p) && typeof p['name'] === 'string') p['name'] = unique(p['name'], ports);
      }
    }
    for (const sc of profiled) {
      if (!isObject(sc)) continue;
      for (const k of ['seccompProfile', 'appArmorProfile']) {
        const profile = sc[k];
        if (isObject(profile) && profile['type'] === 'Localhost' && profile['localhostProfile'] === undefined) profile['localhostProfile'] = 'profiles/secpol.json';
      }
    }
    for (const v of list(spec['volumes'])) if (isObject(v) && isObject(v['hostPath']) && v['hostPath']['path'] === undefined) v['hostPath']['path'] = '/var/lib/secpol';
  }
  // An UPDATE's old object is a stored object too: its quantities as the API server serialised them.
  const old = (request as { readonly oldObject?: unknown }).oldObject;
  return old === undefined ? stored : { ...stored, oldObject: quantitiesShown(old) };
}

/**
 * Keeps the requests (mended, in stored form) the API server passes on to validating admission. A generator that
 * cannot reach the domain is a secpol bug, not a policy's: after 1,000 rejections in a row it stops with the reasons
 * rather than search forever.
 */
export function admittedOnly<T extends ApiRequest>(policy: string): (request: T) => boolean {
  let misses = 0;
  return (request) => {
    const problems = apiProblems(request);
    if (problems.length === 0) return !(misses = 0);
    if (++misses >= 1000) throw new Error(`invariant: verify generated 1,000 requests in a row for policy ${policy} that the API server rejects (${problems.slice(0, 3).join('; ')})`);
    return false;
  };
}
