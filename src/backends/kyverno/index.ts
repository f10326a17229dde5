import type { Backend } from '../backend.js';
import { emit } from './emit.js';

/** The Kyverno backend: IR policies as `kyverno.io/v1` ClusterPolicies (docs/backends/kyverno.md). */
export const kyvernoBackend: Backend = { id: 'kyverno', emit };
export { kyvernoCapabilities } from './capabilities.js';
