/**
 * The offline engine for Kyverno's CEL ValidatingPolicy (policies.kyverno.io): reads ValidatingPolicy and
 * PolicyException documents, expands Kyverno's autogen for pod controllers, and runs each program with the
 * ValidatingAdmissionPolicy engine's CEL evaluator, independently of the secpol IR. Subset: docs/engines/kyverno-cel.md.
 */
export { evaluateKyvernoCel, type KyvernoCelResult } from './evaluate.js';
export { loadKyvernoCelDocuments, type LoadedKyvernoCel, type LoadedValidatingPolicy, type LoadedPolicyException } from './load.js';
export { autogenVariants, canAutoGen } from './autogen.js';
