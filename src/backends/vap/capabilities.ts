import { capabilityTable } from '../capabilities.js';

/** What the ValidatingAdmissionPolicy backend expresses exactly (checked by test/backends/capabilities.test.ts). */
export const vapCapabilities = capabilityTable('admission', {
  'defaults: network policies per namespace': { level: 'unsupported', note: 'a ValidatingAdmissionPolicy only admits or denies requests; kyverno generates the objects and labels, netpol and psa write them for the listed namespaces (docs/language/defaults.md)' },
  'defaults: pod-security labels per namespace': { level: 'unsupported', note: 'a ValidatingAdmissionPolicy only admits or denies requests; kyverno generates the objects and labels, netpol and psa write them for the listed namespaces (docs/language/defaults.md)' },
  'reference: role referenced by roleRef': { level: 'unsupported', note: 'a ValidatingAdmissionPolicy sees the request and one parameter object chosen by its binding (paramRef), never an object named by a request field (docs/language/references.md)' },
  'reference: scale target referenced by spec.scaleTargetRef': { level: 'unsupported', note: 'a ValidatingAdmissionPolicy sees the request and one parameter object chosen by its binding (paramRef), never an object named by a request field (docs/language/references.md)' },
  'image verification: signatures and attestations': { level: 'unsupported', note: 'CEL sees the admission request only and cannot fetch signatures from a registry or transparency log' },
  'exception: expiry': { level: 'approximate', note: 'Kubernetes CEL has no clock: the exception is emitted without its date and keeps applying after it until the policy is recompiled; the output says so and the compile warns (SP2003)' },
});
