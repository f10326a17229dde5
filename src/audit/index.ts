export { loadManifests, type InvalidManifest, type LoadedManifests, type Manifest, type ManifestInput } from './load-manifests.js';
export { auditTargets, isBlocking, runAudit, type AuditOptions, type AuditReport, type AuditTarget, type Evaluation, type Finding, type ObjectRef, type RuleInfo } from './run.js';
export { formatText } from './formats/text.js';
export { formatJson, type AuditJson } from './formats/json.js';
export { formatSarif } from './formats/sarif.js';
export { formatJunit, xmlEscape } from './formats/junit.js';
export { formatMarkdown } from './formats/markdown.js';
export { formatGithub, escapeData, escapeProperty } from './formats/github.js';

export const auditFormats = ['text', 'json', 'sarif', 'junit', 'markdown', 'github'] as const;
export type AuditFormat = (typeof auditFormats)[number];
