import { capabilityTable } from '../capabilities.js';

/**
 * What the Kyverno backend expresses exactly (checked by test/backends/capabilities.test.ts). pod-security compiles to
 * explicit deny conditions (pss-rules.ts), exception controls included; `--approximate kyverno-pod-security` selects
 * Kyverno's podSecurity subrule instead.
 */
export const kyvernoCapabilities = capabilityTable('admission', {
  'pod-security': { level: 'exact' },
  'exception: pod-security controls': { level: 'exact' },
  'exception: namespaces': { level: 'exact' },
  'exception: workloads': { level: 'exact' },
});
