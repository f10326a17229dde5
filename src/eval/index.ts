export { evaluatePodSecurityRules, evaluatePolicy, evaluateRule, type PolicyVerdict, type RuleOutcome, type RuleVerdict } from './admission.js';
export type { AdmissionRequest } from './request.js';
export { connectionAllowed, type NetCluster, type NetConnection, type NetEndpoint, type NetPod, type NetVerdict, type SideVerdict } from './network.js';
export { evaluatePodSecurity, type PodSecurityOutcome, type PssExempt } from './pod-security.js';
