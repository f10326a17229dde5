import type { FieldSchema } from './schema.js';

// Constructors shared by the field tables (private to this folder: the barrel does not export them).

export const str: FieldSchema = { type: 'string' };
export const int: FieldSchema = { type: 'integer' };
export const bool: FieldSchema = { type: 'boolean' };
export const quantity: FieldSchema = { type: 'quantity' };
export const strList: FieldSchema = { type: 'string-list' };
export const strMap: FieldSchema = { type: 'string-map' };
/** Free-form values and IntOrString: any sub-path is accepted and no operator is type-checked. */
export const anyValue: FieldSchema = { type: 'any' };
/** `<domain>/<name>`: an extended resource (a device plugin's `nvidia.com/gpu`), legal in any resource list. */
const extendedResource = { test: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, describe: 'an extended resource <domain>/<name>' };

/**
 * A container's (or pod's) ResourceList: resource name -> quantity (`limits.memory`, `requests.cpu`). The names
 * the API server accepts (IsStandardContainerResourceName, else a qualified extended resource name):
 * https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#resource-types
 */
export const quantityMap: FieldSchema = {
  type: 'string-map',
  values: quantity,
  keys: { names: ['cpu', 'memory', 'ephemeral-storage'], forms: [{ test: /^hugepages-[0-9]+(\.[0-9]+)?([KMGTPE]i|[kMGTPE])?$/, describe: 'hugepages-<size>' }, extendedResource] },
};

/** A PersistentVolumeClaim's ResourceList: `storage` (and extended resources). */
export const storageQuantityMap: FieldSchema = { type: 'string-map', values: quantity, keys: { names: ['storage'], forms: [extendedResource] } };

export function obj(fields: Readonly<Record<string, FieldSchema>>, doc?: string): FieldSchema {
  return doc === undefined ? { type: 'object', fields } : { type: 'object', fields, doc };
}

export function list(fields: Readonly<Record<string, FieldSchema>>, doc?: string): FieldSchema {
  return doc === undefined ? { type: 'object-list', element: obj(fields) } : { type: 'object-list', element: obj(fields), doc };
}

export function withDoc(schema: FieldSchema, doc: string): FieldSchema {
  return { ...schema, doc };
}

/** LocalObjectReference: a same-namespace object named by `name`. */
export const localRef = obj({ name: str });

/** metav1.LabelSelector. */
export const labelSelector = obj({
  matchLabels: strMap,
  matchExpressions: list({ key: str, operator: str, values: strList }),
});

/** metav1.OwnerReference. */
export const ownerReference = obj({
  apiVersion: str,
  kind: str,
  name: str,
  uid: str,
  controller: withDoc(bool, 'true on the reference to the managing controller'),
  blockOwnerDeletion: bool,
});

/**
 * metav1.ObjectMeta, the `metadata` of every object.
 * https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/object-meta/
 */
export const objectMetaSchema = obj({
  name: str,
  generateName: withDoc(str, 'prefix the server completes into a unique name'),
  namespace: str,
  selfLink: str,
  uid: str,
  resourceVersion: str,
  generation: int,
  creationTimestamp: str,
  deletionTimestamp: str,
  deletionGracePeriodSeconds: int,
  labels: strMap,
  annotations: strMap,
  ownerReferences: { type: 'object-list', element: ownerReference },
  finalizers: strList,
  managedFields: list({ manager: str, operation: str, apiVersion: str, time: str, fieldsType: str, fieldsV1: anyValue, subresource: str }),
});

/** The fields every object has besides its body: apiVersion, kind, metadata. */
export function objectSchema(body: Readonly<Record<string, FieldSchema>>): FieldSchema {
  return obj({ apiVersion: str, kind: str, metadata: objectMetaSchema, ...body });
}
