export { evaluatePolicy, evaluateRule, type PolicyVerdict, type RuleOutcome, type RuleVerdict } from './admission.js';
export type { AdmissionRequest } from './request.js';
