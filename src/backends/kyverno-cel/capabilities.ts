import { capabilityTable } from '../capabilities.js';

/** What the Kyverno ValidatingPolicy backend expresses exactly: the VAP backend's CEL (checked by test/backends/capabilities.test.ts). */
export const kyvernoCelCapabilities = capabilityTable('admission', {});
