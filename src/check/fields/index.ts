export type { FieldSchema, KnownKind } from './schema.js';
export { acceptedKind, builtInGroup, closedGroups, closestName, findKnownKind, resolvePath, type ResolveResult } from './lookup.js';
export { findRemovedKind, removedVersions, type RemovedVersion } from './deprecated.js';
export { knownKinds, policyRuleSchema, rbacSubjectSchema } from './kinds.js';
export { objectMetaSchema } from './meta.js';
export { containerPortSchema, containerSchema, envVarSchema, podSchema, podSpecSchema, podTemplateSchema, volumeSchema } from './pod.js';
