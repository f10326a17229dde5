import { withDefaults } from '../common/defaults.js';
import { emitPsaDefaults } from './defaults.js';
import { psaBackend as policies } from './emit.js';

/** Policies' pod-security lines, plus the static labels of defaults blocks (src/backends/psa/defaults.ts). */
export const psaBackend = withDefaults(policies, emitPsaDefaults);
export { newestPssMinor } from './plan.js';
export { psaCapabilities } from './capabilities.js';
