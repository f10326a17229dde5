import { refuseDefaults } from '../common/defaults.js';
import { vapBackend as admission } from './emit.js';

/** Defaults blocks are SP2001 here: a ValidatingAdmissionPolicy only admits or denies requests; it cannot create objects or set labels. */
export const vapBackend = refuseDefaults(admission, 'a ValidatingAdmissionPolicy only admits or denies requests; it cannot create objects or set labels');
export { vapCapabilities } from './capabilities.js';
export { celString } from './cel.js';
/** The CEL policy builder, for the Kyverno ValidatingPolicy backend (src/backends/kyverno-cel), which emits the same CEL. */
export { buildView as buildCelPolicies, type VapPlan as CelPolicyPlan } from './view.js';
