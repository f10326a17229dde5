import { capabilityTable } from '../capabilities.js';

/** What the Kyverno ValidatingPolicy backend expresses exactly: the VAP backend's CEL (checked by test/backends/capabilities.test.ts). */
export const kyvernoCelCapabilities = capabilityTable('admission', {
  'defaults: network policies per namespace': { level: 'unsupported', note: 'a ValidatingPolicy only validates; generating objects needs a ClusterPolicy generate rule; kyverno generates the objects and labels, netpol and psa write them for the listed namespaces (docs/language/defaults.md)' },
  'defaults: pod-security labels per namespace': { level: 'unsupported', note: 'a ValidatingPolicy only validates; generating objects needs a ClusterPolicy generate rule; kyverno generates the objects and labels, netpol and psa write them for the listed namespaces (docs/language/defaults.md)' },
  'reference: role referenced by roleRef': { level: 'unsupported', note: 'secpol does not emit ValidatingPolicy resource lookups yet; compile for kyverno or gatekeeper (docs/language/references.md)' },
  'reference: scale target referenced by spec.scaleTargetRef': { level: 'unsupported', note: 'secpol does not emit ValidatingPolicy resource lookups yet; compile for kyverno or gatekeeper (docs/language/references.md)' },
  'image verification: signatures and attestations': { level: 'unsupported', note: "Kyverno's ImageValidatingPolicy could express it; secpol does not emit it yet (compile for kyverno)" },
  // The VAP backend's CEL and CEL PolicyExceptions: no date test is emitted (issue 15 item 7 covers vap only).
  'exception: expiry': { level: 'approximate', note: 'the exception is emitted without its date (the CEL is the vap backend\'s) and keeps applying after it until the policy is recompiled' },
});
