/**
 * Rule `context` entries of type `apiCall` to the Kubernetes API server, resolved against an offline snapshot of
 * cluster objects (`EvaluationContext.cluster`), as Kyverno's loader does (pkg/engine/context/loaders/apicall.go,
 * pkg/engine/apicall/apiCall.go, read with the search tools; docs "External Data Sources", "Default values for API
 * calls"): the entry's variables are substituted, the urlPath is fetched (a GET), and on success `jmesPath` (when
 * given) transforms the response; when the fetch fails (a variable of the urlPath that does not resolve, an unknown
 * path, a missing object) the entry holds `default` as given, untransformed, and without `default` the rule reports
 * `error` ("failed to load context"); a `jmesPath` that fails on a fetched response is an `error` either way (the
 * loader's Store step). Entries load in order, so later ones may read earlier ones.
 *
 * Other entry types (configMap, variable, globalReference, imageRegistry) and service calls are not loaded here;
 * as before this module existed they are left out of the context, and a variable reading them fails to resolve.
 */
import { search, JmesPathError } from './jmespath.js';
import { isObject, type JsonObject } from './types.js';
import { substituteString, type VarContext } from './variables.js';

/** A kind's resource name, as apimachinery's UnsafeGuessKindToResource spells it. */
function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower.endsWith('endpoints')) return lower;
  if (lower.endsWith('s')) return `${lower}es`;
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** A failed API call: the entry's `default` applies, else the rule reports `error`. */
class FetchError extends Error {}
/** A fetched response that `jmesPath` cannot transform: the rule reports `error` (Kyverno's Store step). */
class StoreError extends Error {}

/**
 * The API server's answer to a GET of `urlPath` over `cluster`: `/api/v1/…` and `/apis/<group>/<version>/…`, then
 * `[namespaces/<ns>/]<resource>[/<name>]`. A resource is an object kind's lowercase plural, by apimachinery's
 * UnsafeGuessKindToResource (pkg/api/meta/restmapper.go: `endpoints` stays, a final `s` takes `es`, a final `y`
 * becomes `ies`, anything else takes `s`), which gives the served name of every built-in kind (roles, ingresses,
 * networkpolicies…). A list holds the matching objects, without their apiVersion and kind as the API server writes list
 * items (kubernetes/kubernetes#3030),
 * in (namespace, name) order, as etcd keys sort; a get of a name not there, or any other path, fails (404).
 * Client-go's RequestURI parses the path as a URL: a query string or fragment is not supported here (an error).
 */
export function apiGet(urlPath: string, cluster: readonly unknown[]): unknown {
  if (/[?#]/.test(urlPath)) throw new FetchError(`query strings and fragments are not supported offline: ${urlPath}`);
  let segments: string[];
  try {
    segments = urlPath.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  } catch {
    throw new FetchError(`invalid URL path ${urlPath}`);
  }
  let apiVersion: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 2) {
    apiVersion = segments[1]!;
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 3) {
    apiVersion = `${segments[1]}/${segments[2]}`;
    rest = segments.slice(3);
  } else throw new FetchError(`the server could not find the requested resource: ${urlPath}`);
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length < 1 || rest.length > 2) throw new FetchError(`the server could not find the requested resource: ${urlPath}`);
  const [resource, name] = rest as [string, string | undefined];
  const matching = cluster.filter((o): o is JsonObject => {
    if (!isObject(o) || o['apiVersion'] !== apiVersion || typeof o['kind'] !== 'string' || pluralOf(o['kind']) !== resource) return false;
    const meta = isObject(o['metadata']) ? o['metadata'] : {};
    const ns = typeof meta['namespace'] === 'string' ? meta['namespace'] : '';
    return namespace === undefined || ns === namespace;
  });
  const key = (o: JsonObject) => {
    const meta = isObject(o['metadata']) ? o['metadata'] : {};
    return `${typeof meta['namespace'] === 'string' ? meta['namespace'] : ''}/${typeof meta['name'] === 'string' ? meta['name'] : ''}`;
  };
  if (name !== undefined) {
    const hit = matching.find((o) => isObject(o['metadata']) && o['metadata']['name'] === name);
    if (!hit) throw new FetchError(`${resource} "${name}" not found`);
    return JSON.parse(JSON.stringify(hit)) as unknown;
  }
  const sorted = [...matching].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const kind = typeof sorted[0]?.['kind'] === 'string' ? `${sorted[0]['kind']}List` : 'List';
  // The items of a list carry no apiVersion or kind (the API server omits them: kubernetes/kubernetes#3030).
  const items = sorted.map(({ apiVersion: _v, kind: _k, ...rest }) => rest);
  return JSON.parse(JSON.stringify({ apiVersion, kind, metadata: {}, items })) as unknown;
}

/**
 * Loads the `apiCall` entries of a rule's context into a copy of the variables; `{ error }` when one fails without a
 * `default` (Kyverno: the rule reports `error`, "failed to load context").
 */
export function loadContext(entries: unknown, vars: VarContext, cluster: readonly unknown[] | undefined, cliValues?: Readonly<Record<string, unknown>>): { vars: VarContext } | { error: string } {
  if (!Array.isArray(entries) || entries.length === 0) return { vars };
  const data: JsonObject = { ...vars.data };
  // `images` is a lazy getter on the original document; keep it lazy.
  const images = Object.getOwnPropertyDescriptor(vars.data, 'images');
  if (images) Object.defineProperty(data, 'images', images);
  let current: VarContext = { ...vars, data };
  // `kyverno test`: the Values' variables of this rule, and no API call (cli/kubectl-kyverno mockContextLoader).
  if (cliValues) {
    for (const [k, v] of Object.entries(cliValues)) data[k] = v as JsonObject[string];
    return { vars: { ...current, data } };
  }
  for (const entry of entries) {
    if (!isObject(entry) || typeof entry['name'] !== 'string' || !isObject(entry['apiCall'])) continue;
    const call = entry['apiCall'];
    const name = entry['name'];
    let value: unknown;
    try {
      value = transform(call, fetchEntry(call, current, cluster), current);
    } catch (e) {
      if (e instanceof StoreError) return { error: `failed to load context: failed to store data for APICall: ${e.message}` };
      if (!(e instanceof FetchError)) throw e;
      if (!('default' in call)) return { error: `failed to load context: failed to fetch data for APICall: ${e.message}` };
      value = call['default'];
    }
    data[name] = value as JsonObject[string];
    current = { ...current, data };
  }
  return { vars: current };
}

function fetchEntry(call: JsonObject, vars: VarContext, cluster: readonly unknown[] | undefined): unknown {
  if (call['service'] !== undefined || typeof call['urlPath'] !== 'string') throw new FetchError('only urlPath API calls to the Kubernetes API server are supported offline');
  const method = call['method'] ?? 'GET';
  if (method !== 'GET') throw new FetchError(`method ${String(method)} is not supported offline`);
  let path: unknown;
  try {
    path = substituteString(call['urlPath'], vars);
  } catch (e) {
    throw new FetchError(`failed to substitute variables in context entry: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof path !== 'string') throw new FetchError('the urlPath does not resolve to a string');
  if (cluster === undefined) throw new FetchError('no cluster objects were given to resolve API calls');
  return apiGet(path, cluster);
}

/** `jmesPath` over a fetched response; a failure here is not a failed fetch, so `default` does not apply. */
function transform(call: JsonObject, response: unknown, vars: VarContext): unknown {
  const jmesPath = call['jmesPath'];
  if (typeof jmesPath !== 'string' || jmesPath === '') return response;
  let expression: unknown;
  try {
    expression = substituteString(jmesPath, vars);
  } catch (e) {
    throw new StoreError(`failed to substitute variables in JMESPath ${jmesPath}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof expression !== 'string') throw new StoreError('the jmesPath does not resolve to a string');
  try {
    return search(response, expression, vars.clock);
  } catch (e) {
    if (e instanceof JmesPathError) throw new StoreError(`failed to apply JMESPath ${expression}: ${e.message}`);
    throw e;
  }
}

/**
 * What an `apiCall` entry whose urlPath has no variables holds over `cluster` (fetched and transformed, `default` on a
 * failed fetch): the value a `kyverno test` Values file gives the entry in place of the call, which the CLI does not
 * make offline (its mock context loader adds the Values' per-rule variables and skips API calls). Undefined when the
 * entry needs variables, has no usable result, or its transform fails.
 */
export function mockedApiCall(call: unknown, cluster: readonly unknown[]): unknown {
  if (!isObject(call) || typeof call['urlPath'] !== 'string' || call['urlPath'].includes('{{')) return undefined;
  const vars: VarContext = { data: {}, deleteRequest: false };
  try {
    return transform(call, fetchEntry(call, vars, cluster), vars);
  } catch (e) {
    if (e instanceof FetchError && 'default' in call) return call['default'];
    return undefined;
  }
}
