export {
  admit,
  type PsaAdmissionRequest,
  type PsaAdmissionResult,
  type PsaExemptionReason,
  type PsaExemptions,
  type PsaModeEvaluation,
  type PsaModeOutcome,
} from './admit.js';
export { readPsaConfiguration, type PsaConfiguration } from './configuration.js';
export { evaluatePod, formatPsaFailures, psaChecksFor, type PsaCheckResult, type PsaPodVerdict } from './evaluate.js';
export {
  defaultPsaPolicy,
  policyFromNamespaceLabels,
  type PsaMode,
  type PsaNamespacePolicy,
  type PsaPolicy,
} from './namespace-labels.js';
export {
  formatLevelVersion,
  formatPsaVersion,
  parsePsaVersion,
  type PsaLevel,
  type PsaLevelVersion,
  type PsaVersion,
} from './version.js';
