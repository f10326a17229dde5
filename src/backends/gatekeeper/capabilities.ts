import { capabilityTable } from '../capabilities.js';

/** What the Gatekeeper backend expresses exactly (checked by test/backends/capabilities.test.ts). */
export const gatekeeperCapabilities = capabilityTable('admission', {
  'defaults: network policies per namespace': { level: 'unsupported', note: 'Gatekeeper validates requests and cannot create objects in a namespace; kyverno generates the objects and labels, netpol and psa write them for the listed namespaces (docs/language/defaults.md)' },
  'defaults: pod-security labels per namespace': { level: 'unsupported', note: 'Gatekeeper validates requests and cannot create objects in a namespace; kyverno generates the objects and labels, netpol and psa write them for the listed namespaces (docs/language/defaults.md)' },
  'image verification: signatures and attestations': { level: 'unsupported', note: 'Gatekeeper verifies signatures only through an external data provider such as Ratify, which secpol does not emit (docs/backends/gatekeeper.md#image-signatures)' },
});
