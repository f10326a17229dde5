export { vapBackend } from './emit.js';
export { vapCapabilities } from './capabilities.js';
export { celString } from './cel.js';
/** The CEL policy builder, for the Kyverno ValidatingPolicy backend (src/backends/kyverno-cel), which emits the same CEL. */
export { buildView as buildCelPolicies, type VapPlan as CelPolicyPlan } from './view.js';
