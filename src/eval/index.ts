export { evaluateImageRules, evaluatePodSecurityRules, evaluatePolicy, evaluateRule, type EvaluateOptions, type PolicyVerdict, type RuleOutcome, type RuleVerdict } from './admission.js';
export { normalizedImage, type ImageOracle, type ImageRequirement, type OracleAnswer, type SignerRef } from './images.js';
export type { AdmissionRequest } from './request.js';
export { connectionAllowed, type NetCluster, type NetConnection, type NetEndpoint, type NetPod, type NetVerdict, type SideVerdict } from './network.js';
export { evaluatePodSecurity, type PodSecurityOutcome, type PssExempt } from './pod-security.js';
export { admitNamespace, defaultObjects, defaultsSelect, podSecurityLabels, type DefaultObject, type DefaultsOutcome, type NamespaceState } from './defaults.js';
