export { importPolicies, type ImportReport, type RuleReport, type RuleStatus } from './run.js';
export type { ImportedFile, ImportInput, ImportOptions } from './import.js';
export { importSources, type ImportSource } from './model.js';
export type { ProofOptions } from './verify.js';
