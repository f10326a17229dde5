/**
 * The offline ValidatingAdmissionPolicy engine: loads `admissionregistration.k8s.io/v1` ValidatingAdmissionPolicy
 * and binding documents and evaluates their CEL (with @marcbachmann/cel-js and the Kubernetes extension shims of
 * cel-env.ts) against admission requests, independently of the secpol IR. Subset and differences: docs/backends/vap.md.
 */
export { admissionContext, evaluateVap, type VapRequest, type VapResult } from './evaluate.js';
export { loadVapDocuments, type LoadedVap, type LoadedPolicy, type LoadedBinding } from './load.js';
export { compileExpression, parseQuantity } from './cel-env.js';
