/**
 * Kubernetes and Rego names derived from secpol names. A ConstraintTemplate's `metadata.name` must be the
 * lower-cased `spec.crd.spec.names.kind`, which also becomes the CRD's plural, so it is a DNS-1035 label
 * (https://open-policy-agent.github.io/gatekeeper/website/docs/constrainttemplates).
 */

/** Every template kind starts with this, so secpol's kinds never collide with other templates in a cluster. */
const kindPrefix = 'Secpol';
const maxLabel = 63;

export interface TemplateNames {
  /** `SecpolBaselineHardening`: the Constraint kind. */
  readonly kind: string;
  /** `secpolbaselinehardening`: the ConstraintTemplate's metadata.name and the Rego package. */
  readonly templateName: string;
}

/** The template names of a policy, or a reason why none can be formed. */
export function templateNamesOf(policyName: string): TemplateNames | { readonly problem: string } {
  const words = policyName.match(/[A-Za-z0-9]+/g) ?? [];
  if (words.length === 0) return { problem: `policy name ${JSON.stringify(policyName)} as a Constraint kind (it has no letters or digits)` };
  const kind = kindPrefix + words.map((w) => (w[0] ?? '').toUpperCase() + w.slice(1)).join('');
  if (kind.length > maxLabel) return { problem: `policy name "${policyName}" as a Constraint kind (${kind} is longer than ${maxLabel} characters)` };
  return { kind, templateName: kind.toLowerCase() };
}

/** A DNS-1123 name for the Constraint's metadata.name: the policy name's letters and digits, lower-cased, joined by `-`. */
export function constraintNameOf(policyName: string, fallback: string): string {
  const name = (policyName.toLowerCase().match(/[a-z0-9]+/g) ?? []).join('-').slice(0, 253).replace(/-+$/, '');
  return name === '' ? fallback : name;
}

const regoKeywords = new Set(['as', 'contains', 'data', 'default', 'else', 'every', 'false', 'if', 'import', 'in', 'input', 'not', 'null', 'package', 'some', 'true', 'with']);

/**
 * Hands out Rego identifiers that are unique within one module. Names derived from user names are
 * snake_cased and suffixed on collision, so no policy, rule or exception name can shadow a helper.
 */
export class RegoNames {
  private readonly taken = new Set<string>();

  constructor(reserved: Iterable<string>) {
    for (const r of reserved) this.taken.add(r);
  }

  /** A fresh identifier built from `parts` (user names are reduced to `[A-Za-z0-9_]`). */
  allocate(...parts: string[]): string {
    const base = parts
      .map((p) => p.replace(/[^A-Za-z0-9_]+/g, '_'))
      .join('_')
      .replace(/_+/g, '_')
      .replace(/^_+|_+$/g, '');
    let stem = base === '' || /^[0-9]/.test(base) ? `r_${base}` : base;
    if (regoKeywords.has(stem)) stem = `${stem}_`;
    let name = stem;
    for (let i = 2; this.taken.has(name); i++) name = `${stem}_${i}`;
    this.taken.add(name);
    return name;
  }
}
