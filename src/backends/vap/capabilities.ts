import { capabilityTable } from '../capabilities.js';

/** What the ValidatingAdmissionPolicy backend expresses exactly (checked by test/backends/capabilities.test.ts). */
export const vapCapabilities = capabilityTable('admission', {});
