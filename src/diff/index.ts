export { diffPolicySets, type DiffOptions, type DiffSummary, type InvalidManifest, type PolicyDiff } from './diff.js';
export { renderDiff, markdownLimit } from './render.js';
export { unifiedDiff, type ArtifactDiff, type ArtifactFileDiff } from './artifacts.js';
export type { Cause, Direction, GeneratedRequests, ManifestChange, Outcome, RequestOutcome, RuleChange, RuleVerdictChange, Verdict, VerdictExample } from './admission.js';
export type { ConnectionChange, NetworkChanges } from './network.js';
export type { SettingChange, SourceRef, StructuralChange } from './structure.js';
