import { diagnostic, type Diagnostic } from '../../diagnostics/index.js';
import type { BackendId, Policy } from '../../ir/index.js';

/** Why each backend other than kyverno cannot verify image signatures (docs/language/images.md, docs/backends/). */
const reasons: Partial<Record<BackendId, string>> = {
  gatekeeper:
    'Gatekeeper checks signatures only through an external data provider (Ratify, called with external_data in Rego; see docs/backends/gatekeeper.md, image signatures), which secpol does not emit: compile this policy for kyverno, or add `omit from gatekeeper because "…"` and deploy Ratify yourself',
  vap: 'a ValidatingAdmissionPolicy evaluates CEL on the request alone and cannot fetch signatures from a registry or a transparency log: compile this policy for kyverno, or add `omit from vap because "…"`',
  psa: 'Pod Security Admission only applies the Pod Security Standards: compile this policy for kyverno, or add `omit from psa because "…"`',
  'kyverno-cel':
    "Kyverno's ImageValidatingPolicy (policies.kyverno.io/v1) could express it, but secpol does not emit it yet: compile this policy for kyverno (ClusterPolicy verifyImages), or add `omit from kyverno-cel because \"…\"`",
};

/**
 * SP2001 for each `verify images` block of a policy a backend other than kyverno would compile; true when there
 * was one (the backend then emits nothing for the policy, so nothing partial is ever written).
 */
export function refuseImageVerification(policy: Policy, backend: BackendId, diagnostics: Diagnostic[]): boolean {
  const blocks = policy.images ?? [];
  for (const b of blocks) {
    diagnostics.push(diagnostic('SP2001', b.span, { backend, what: `image signature verification (\`verify images ${b.name}\`)`, hint: reasons[backend] ?? 'compile this policy for kyverno' }));
  }
  return blocks.length > 0;
}
