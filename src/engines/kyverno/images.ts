/**
 * The `images` context variable and `image_normalize()` (https://kyverno.io/docs/writing-policies/variables/#variables-from-container-images):
 * image references split into registry/path/name/tag/digest, defaulting the registry to `docker.io`
 * and the tag to `latest`, keyed by container name under containers/initContainers/ephemeralContainers.
 */
import { isObject, type JsonObject } from './types.js';

const DEFAULT_REGISTRY = 'docker.io';

export interface ImageInfo {
  readonly registry: string;
  readonly path: string;
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
  readonly reference: string;
  readonly referenceWithTag: string;
}

function withDefaultRegistry(image: string): string {
  const slash = image.indexOf('/');
  if (slash === -1) return `${DEFAULT_REGISTRY}/${image}`;
  const first = image.slice(0, slash);
  if (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first) return `${DEFAULT_REGISTRY}/${image}`;
  return image;
}

/** Parses an image reference; undefined when it is not a valid reference. */
export function parseImage(image: string): ImageInfo | undefined {
  if (image === '' || /\s/.test(image)) return undefined;
  let rest = withDefaultRegistry(image);
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return undefined;
  }
  const slash = rest.indexOf('/');
  const registry = rest.slice(0, slash);
  const path = rest.slice(slash + 1);
  if (path === '' || !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(path)) return undefined;
  if (digest === undefined && tag === undefined) tag = 'latest';
  const name = path.slice(path.lastIndexOf('/') + 1);
  const base = `${registry}/${path}`;
  return {
    registry,
    path,
    name,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
    reference: digest !== undefined ? `${base}@${digest}` : `${base}:${tag ?? ''}`,
    referenceWithTag: `${base}:${tag ?? ''}`,
  };
}

/** The normalized reference `image_normalize()` returns. */
export function normalizeImage(image: string): string | undefined {
  return parseImage(image)?.reference;
}

/** Where the pod spec sits in a workload of the given kind. */
export function podSpecOf(resource: JsonObject): unknown {
  const kind = resource['kind'];
  const spec = resource['spec'];
  if (!isObject(spec)) return undefined;
  if (kind === 'Pod') return spec;
  if (kind === 'CronJob') {
    const jobTemplate = spec['jobTemplate'];
    const jobSpec = isObject(jobTemplate) ? jobTemplate['spec'] : undefined;
    const template = isObject(jobSpec) ? jobSpec['template'] : undefined;
    return isObject(template) ? template['spec'] : undefined;
  }
  const template = spec['template'];
  return isObject(template) ? template['spec'] : undefined;
}

/** The `images` variable for a resource, or undefined when it declares no containers. */
export function imagesOf(resource: unknown): JsonObject | undefined {
  if (!isObject(resource)) return undefined;
  const podSpec = podSpecOf(resource);
  if (!isObject(podSpec)) return undefined;
  const out: JsonObject = {};
  for (const group of ['containers', 'initContainers', 'ephemeralContainers']) {
    const containers = podSpec[group];
    if (!Array.isArray(containers)) continue;
    const byName: JsonObject = {};
    for (const container of containers) {
      if (!isObject(container)) continue;
      const name = container['name'];
      const image = container['image'];
      if (typeof name !== 'string' || typeof image !== 'string') continue;
      const info = parseImage(image);
      if (info) byName[name] = { ...info };
    }
    if (Object.keys(byName).length > 0) out[group] = byName;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
