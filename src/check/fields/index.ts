export type { FieldSchema, KnownKind } from './schema.js';
export { builtInGroup, closestName, findKnownKind, resolvePath, type ResolveResult } from './lookup.js';
export { knownKinds, policyRuleSchema, rbacSubjectSchema } from './kinds.js';
export { objectMetaSchema } from './meta.js';
export { containerPortSchema, containerSchema, envVarSchema, podSchema, podSpecSchema, podTemplateSchema, volumeSchema } from './pod.js';
