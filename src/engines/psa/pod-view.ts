/**
 * A read-only view of a parsed-YAML pod (or pod template) with Go's decoding rules applied, so
 * checks never see `null`, arrays where objects belong, or other wrong shapes. A field of the wrong
 * type reads as unset, which is what a check sees for a field the API server would have refused.
 */

export type JsonObject = Readonly<Record<string, unknown>>;

export function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

export function asList(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A Go `string` field: unset or wrongly typed reads as "". */
export function asText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A path of object keys; undefined as soon as one step is not an object. */
export function dig(value: unknown, ...path: readonly string[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    const object = asObject(current);
    if (object === undefined) return undefined;
    current = object[key];
  }
  return current;
}

/** A Go pointer-to-struct field: present only when it holds an object. */
export function objectAt(value: unknown, ...path: readonly string[]): JsonObject | undefined {
  return asObject(dig(value, ...path));
}

export interface ContainerView {
  readonly name: string;
  readonly container: JsonObject;
  /** `securityContext`, when set. */
  readonly securityContext?: JsonObject;
}

export interface PodView {
  readonly annotations: ReadonlyMap<string, string>;
  readonly spec: JsonObject;
  /** `spec.securityContext`, when set. */
  readonly securityContext?: JsonObject;
  /** initContainers, then containers, then ephemeralContainers: upstream's visiting order. */
  readonly containers: readonly ContainerView[];
  /** `spec.os.name: windows` (the field exists from Kubernetes 1.25). */
  readonly isWindows: boolean;
  /** `spec.hostUsers: false`: the pod runs in its own user namespace. */
  readonly isUserNamespaced: boolean;
}

const emptyObject: JsonObject = Object.freeze({});

function containerView(raw: unknown): ContainerView {
  // A list entry that is not an object decodes to an empty container: the strictest reading.
  const container = asObject(raw) ?? emptyObject;
  const securityContext = objectAt(container, 'securityContext');
  return { name: asText(container['name']), container, ...(securityContext ? { securityContext } : {}) };
}

export function viewPod(metadata: unknown, spec: unknown): PodView {
  const annotations = new Map<string, string>();
  for (const [key, value] of Object.entries(objectAt(metadata, 'annotations') ?? {})) {
    if (typeof value === 'string') annotations.set(key, value);
  }
  const specObject = asObject(spec) ?? emptyObject;
  const containers = ['initContainers', 'containers', 'ephemeralContainers'].flatMap((key) =>
    asList(specObject[key]).map(containerView),
  );
  const securityContext = objectAt(specObject, 'securityContext');
  return {
    annotations,
    spec: specObject,
    ...(securityContext ? { securityContext } : {}),
    containers,
    isWindows: dig(specObject, 'os', 'name') === 'windows',
    isUserNamespaced: specObject['hostUsers'] === false,
  };
}
