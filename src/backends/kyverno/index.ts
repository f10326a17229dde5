import type { Backend } from '../backend.js';
import { withDefaults } from '../common/defaults.js';
import { emitKyvernoDefaults } from './defaults.js';
import { emit } from './emit.js';

/**
 * The Kyverno backend: IR policies as `kyverno.io/v1` ClusterPolicies (docs/backends/kyverno.md), and defaults
 * blocks as ClusterPolicies of generate and mutate rules (src/backends/kyverno/defaults.ts).
 */
export const kyvernoBackend: Backend = withDefaults({ id: 'kyverno', emit }, emitKyvernoDefaults);
export { kyvernoCapabilities } from './capabilities.js';
