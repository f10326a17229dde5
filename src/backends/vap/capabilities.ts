import { capabilityTable } from '../capabilities.js';

/** What the ValidatingAdmissionPolicy backend expresses exactly (checked by test/backends/capabilities.test.ts). */
export const vapCapabilities = capabilityTable('admission', {
  'pod-security': { level: 'unsupported', note: 'the Pod Security Standards are not compiled to CEL (SP2001); use the psa or kyverno backend' },
  'exception: pod-security controls': { level: 'unsupported', note: 'only meaningful with pod-security, which is SP2001' },
});
