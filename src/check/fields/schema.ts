import type { FieldType } from '../../ir/index.js';

/**
 * A node of the known-field table: the type of a field and, for objects and lists of objects, the
 * fields of the object or of each element. `open: true` marks objects whose keys are free (labels,
 * annotations, resource maps), so any key is accepted there.
 */
export interface FieldSchema {
  readonly type: FieldType;
  readonly fields?: Readonly<Record<string, FieldSchema>>;
  /** For `object-list`: the schema of each element. */
  readonly element?: FieldSchema;
  /** For `string-map` or open objects: the schema of every value. */
  readonly values?: FieldSchema;
  /** For maps whose keys Kubernetes validates (resource lists): the keys it accepts. Absent: any key. */
  readonly keys?: KeySet;
  readonly doc?: string;
}

/** A resource kind the checker knows: its apiVersion/kind and the schema of the whole object. */
export interface KnownKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly schema: FieldSchema;
}

/** The keys a map accepts: known names, and forms of name (`hugepages-<size>`, `<domain>/<name>`). */
export interface KeySet {
  readonly names: readonly string[];
  readonly forms: readonly { readonly test: RegExp; readonly describe: string }[];
}
