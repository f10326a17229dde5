export { diffPolicySets, type DiffOptions, type PolicyDiff } from './diff.js';
export { renderDiff } from './render.js';
export { unifiedDiff, type ArtifactDiff, type ArtifactFileDiff } from './artifacts.js';
export type { ManifestChange, Outcome, RuleChange, RuleVerdictChange, VerdictExample } from './admission.js';
export type { ConnectionChange, NetworkChanges } from './network.js';
export type { SourceRef, StructuralChange } from './structure.js';
