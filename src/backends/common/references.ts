import { diagnostic, type Diagnostic } from '../../diagnostics/index.js';
import { referenceTargets, walkPredicate, type BackendId, type InCluster, type Policy, type Referenced, type Unique } from '../../ir/index.js';

/** Why a backend cannot read a referenced object (docs/language/references.md, docs/backends/). */
const reasons: Partial<Record<BackendId, string>> = {
  vap: 'a ValidatingAdmissionPolicy sees the request and one parameter object chosen by its binding (paramRef), never an object named by a field of the request: compile this policy for gatekeeper or kyverno, or add `omit from vap because "…"`',
  'kyverno-cel':
    "secpol does not emit Kyverno ValidatingPolicy lookups (its resource library) yet: compile this policy for kyverno (ClusterPolicy apiCall context) or gatekeeper, or add `omit from kyverno-cel because \"…\"`",
  psa: 'Pod Security Admission only applies the Pod Security Standards: compile this policy for gatekeeper or kyverno, or add `omit from psa because "…"`',
};

/** The reference predicates of the rules a backend would compile (rules omitted from it left out). */
export function referencesOf(policy: Policy, backend: BackendId): Referenced[] {
  return policy.rules
    .filter((r) => !r.omissions.some((o) => o.backends.includes(backend)))
    .flatMap((r) => [r.predicate, ...(r.when ? [r.when] : [])])
    .flatMap((p) => [...walkPredicate(p)].map((x) => x.node).filter((n): n is Referenced => n.kind === 'referenced'));
}

/**
 * The uniqueness tests and cluster quantifiers of the rules a backend would compile (rules omitted from it left out).
 * `is unchanged` is not among them: the CEL backends read the request's oldObject (vap/cel.ts).
 */
export function uniquesOf(policy: Policy, backend: BackendId): (Unique | InCluster)[] {
  return policy.rules
    .filter((r) => !r.omissions.some((o) => o.backends.includes(backend)))
    .flatMap((r) => [r.predicate, ...(r.when ? [r.when] : [])])
    .flatMap((p) => [...walkPredicate(p)].map((x) => x.node).filter((n): n is Unique | InCluster => n.kind === 'unique' || n.kind === 'in-cluster'));
}

/**
 * SP2001 at each reference (`role referenced by roleRef`) and uniqueness test (`is unique among … in the cluster`) a
 * backend that cannot read other objects would compile; true when there was one (the backend then emits nothing for
 * the policy, so nothing partial is ever written).
 */
export function refuseReferences(policy: Policy, backend: BackendId, diagnostics: Diagnostic[]): boolean {
  if (policy.omissions.some((o) => o.backends.includes(backend))) return false;
  const refs = referencesOf(policy, backend);
  for (const r of refs) {
    diagnostics.push(diagnostic('SP2001', r.reference.span, { backend, what: `a rule that reads another object (\`${referenceTargets[r.reference.kind].name} referenced by ${r.reference.path.join('.')}\`)`, hint: reasons[backend] ?? 'compile this policy for gatekeeper or kyverno' }));
  }
  const uniques = uniquesOf(policy, backend);
  for (const u of uniques) {
    const construct = u.kind === 'unique' ? `${u.path.join('.')} is unique among ${u.among.map((k) => k.kind).join(', ')} in the cluster` : `${u.quantifier} ${u.among.map((k) => k.kind).join(', ')} in the cluster has …`;
    diagnostics.push(diagnostic('SP2001', u.span, { backend, what: `a rule that reads the other objects of the cluster (\`${construct}\`)`, hint: uniqueReasons[backend] ?? 'compile this policy for gatekeeper or kyverno' }));
  }
  return refs.length + uniques.length > 0;
}

/** Why a backend cannot compare with other objects (docs/language/uniqueness.md). */
const uniqueReasons: Partial<Record<BackendId, string>> = {
  vap: 'a ValidatingAdmissionPolicy sees the request and one parameter object chosen by its binding (paramRef), never the other objects of the cluster: compile this policy for gatekeeper or kyverno, or add `omit from vap because "…"`',
  'kyverno-cel':
    "secpol does not emit Kyverno ValidatingPolicy lookups (its resource library) yet: compile this policy for kyverno (ClusterPolicy apiCall context) or gatekeeper, or add `omit from kyverno-cel because \"…\"`",
  psa: reasons.psa,
};
