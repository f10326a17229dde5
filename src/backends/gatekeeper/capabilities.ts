import { capabilityTable } from '../capabilities.js';

/** What the Gatekeeper backend expresses exactly (checked by test/backends/capabilities.test.ts). */
export const gatekeeperCapabilities = capabilityTable('admission', {});
