import { capabilityTable } from '../capabilities.js';

/** What the Kyverno backend expresses exactly (checked by test/backends/capabilities.test.ts). */
export const kyvernoCapabilities = capabilityTable('admission', {
  'pod-security': { level: 'unsupported', note: "Kyverno's podSecurity subrule runs every check revision up to the requested version, stricter than PSA (Windows pods, legacy seccomp annotations, newer sysctls); `--approximate kyverno-pod-security` accepts it" },
  'exception: pod-security controls': { level: 'unsupported', note: 'follows pod-security' },
  'exception: namespaces': { level: 'exact' },
  'exception: workloads': { level: 'exact' },
});
