import { withDefaults } from '../common/defaults.js';
import { emitNetpolDefaults } from './defaults.js';
import { netpolBackend as networkBlocks } from './emit.js';

/** Network blocks, plus the static NetworkPolicies of defaults blocks (src/backends/netpol/defaults.ts). */
export const netpolBackend = withDefaults(networkBlocks, emitNetpolDefaults);
export { netpolCapabilities } from './capabilities.js';
