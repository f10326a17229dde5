import { diagnostic, type Diagnostic } from '../../diagnostics/index.js';
import { walkPredicate, type BackendId, type Policy, type Relation } from '../../ir/index.js';

/**
 * The largest numerator or denominator of a field-relative factor a backend without quantity multiplication writes
 * out as repeated exact additions (`q·x ≤ p·y`: Kubernetes CEL's Quantity has `add` but no multiplication in the
 * releases secpol targets; Kyverno's `multiply` of a quantity goes through float64).
 */
export const maxRepeatedAdd = 32;

/** The field-relative comparisons of the rules a backend would compile (rules omitted from it left out). */
function relationsOf(policy: Policy, backend: BackendId): Relation[] {
  return policy.rules
    .filter((r) => !r.omissions.some((o) => o.backends.includes(backend)))
    .flatMap((r) => [r.predicate, ...(r.when ? [r.when] : [])])
    .flatMap((p) => [...walkPredicate(p)].map((x) => x.node).filter((n): n is Relation => n.kind === 'relation'));
}

/**
 * SP2001 at each field-relative comparison on quantities whose factor is p/q with p or q above `maxRepeatedAdd`; true
 * when there was one (the backend then emits nothing for the policy).
 */
export function refuseLargeFactors(policy: Policy, backend: BackendId, diagnostics: Diagnostic[]): boolean {
  if (policy.omissions.some((o) => o.backends.includes(backend))) return false;
  const bad = relationsOf(policy, backend).filter((r) => r.type === 'quantity' && (r.factor.numerator > maxRepeatedAdd || r.factor.denominator > maxRepeatedAdd));
  for (const r of bad) {
    const what = `a quantity compared with ${r.factor.text} × another field (the fraction ${r.factor.numerator}/${r.factor.denominator}: ${backend === 'kyverno' ? "Kyverno's multiply goes through float64" : 'Kubernetes CEL quantities have no multiplication'}, and secpol adds a quantity to itself at most ${maxRepeatedAdd} times to stay exact)`;
    diagnostics.push(diagnostic('SP2001', r.span, { backend, what, hint: `write a factor whose fraction has terms up to ${maxRepeatedAdd} (1.5, 2, 0.25), or \`omit from ${backend} because "…"\`` }));
  }
  return bad.length > 0;
}
