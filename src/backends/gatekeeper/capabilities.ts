import { capabilityTable } from '../capabilities.js';

/** What the Gatekeeper backend expresses exactly (checked by test/backends/capabilities.test.ts). */
export const gatekeeperCapabilities = capabilityTable('admission', {
  'image verification: signatures and attestations': { level: 'unsupported', note: 'Gatekeeper verifies signatures only through an external data provider such as Ratify, which secpol does not emit (docs/backends/gatekeeper.md#image-signatures)' },
});
