import { capabilityTable } from '../capabilities.js';

/** What the NetworkPolicy backend expresses exactly (checked by test/backends/capabilities.test.ts). */
export const netpolCapabilities = capabilityTable('network', {
  'defaults: network policies per namespace': { level: 'exact' },
});
