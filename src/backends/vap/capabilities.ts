import { capabilityTable } from '../capabilities.js';

/** What the ValidatingAdmissionPolicy backend expresses exactly (checked by test/backends/capabilities.test.ts). */
export const vapCapabilities = capabilityTable('admission', {
  'exception: expiry': { level: 'approximate', note: 'Kubernetes CEL has no clock: the exception is emitted without its date and keeps applying after it until the policy is recompiled; the output says so and the compile warns (SP2003)' },
});
