import { diagnostic, type Diagnostic } from '../../diagnostics/index.js';
import type { Exception, Omission, PodSecurity, Policy } from '../../ir/index.js';

/**
 * What Pod Security Admission can do with one policy. PSA is configured only by the
 * `pod-security.kubernetes.io/<mode>[-version]` labels of a namespace, so a policy maps onto it when it
 * names its namespaces and asks for nothing but Pod Security Standards levels.
 * https://kubernetes.io/docs/concepts/security/pod-security-admission/
 */
export interface PsaPlan {
  readonly policy: Policy;
  /** The namespaces to label, sorted: the scope's namespaces minus excluded and exempt ones. */
  readonly namespaces: readonly string[];
  /** Namespaces of the scope left unlabelled, each with the reason (exception or `except namespaces`). */
  readonly unlabelled: readonly { readonly namespace: string; readonly why: string }[];
  /** Rules the user omitted from psa, with their reasons, for the file's header. */
  readonly omittedRules: readonly { readonly name: string; readonly reason: string }[];
}

/**
 * The newest Pod Security Standards version secpol knows (Kubernetes v1.37, see docs/engines/psa.md).
 * A newer version label would be read by a newer API server with checks secpol has never seen.
 */
export const newestPssMinor = 37;

const defaultOperations = ['CREATE', 'UPDATE'];

export function omittedFromPsa(omissions: readonly Omission[]): Omission | undefined {
  return omissions.find((o) => o.backends.includes('psa'));
}

function sp2001(span: Parameters<typeof diagnostic>[1], what: string, hint: string): Diagnostic {
  return diagnostic('SP2001', span, { backend: 'psa', what, hint });
}

/** An exception takes part in pod security when it names controls or no rules (semantics §1.5, §4). */
function concernsPodSecurity(e: Exception): boolean {
  return e.controls.length > 0 || e.rules.length === 0;
}

function exceptionLimits(e: Exception): Diagnostic | undefined {
  const extra = [
    e.workloads.length ? 'workloads' : '',
    e.images.length ? 'images' : '',
    e.controls.length ? 'controls' : '',
  ].filter((x) => x !== '');
  if (extra.length === 0) return undefined;
  return sp2001(
    e.span,
    `exception "${e.name}" by ${extra.join(', ')} (PSA exempts whole namespaces, usernames and runtime classes only)`,
    'narrow the exception to `namespaces "…"`, move the exempt workloads to a namespace of their own, or `omit from psa because "…"`',
  );
}

function versionLimits(ps: PodSecurity): Diagnostic | undefined {
  if (ps.version === 'latest' || ps.version.minor <= newestPssMinor) return undefined;
  return sp2001(
    ps.span,
    `Pod Security version v1.${ps.version.minor} (the newest version secpol can check is v1.${newestPssMinor})`,
    `use \`version v1.${newestPssMinor}\` or older, or \`version latest\``,
  );
}

/**
 * Plans one policy. Returns undefined (and no diagnostics) when the policy has nothing for psa: it is
 * omitted from psa, or it has no pod-security line and every rule is omitted. Everything else PSA cannot
 * express is an SP2001 naming the construct.
 */
export function planPolicy(policy: Policy): { plan?: PsaPlan; diagnostics: Diagnostic[] } {
  if (omittedFromPsa(policy.omissions)) return { diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  const omittedRules: { name: string; reason: string }[] = [];
  for (const rule of policy.rules) {
    const omission = omittedFromPsa(rule.omissions);
    if (omission) omittedRules.push({ name: rule.name, reason: omission.reason });
    else {
      diagnostics.push(
        sp2001(rule.span, `rule "${rule.name}" (PSA applies only the Pod Security Standards levels)`, 'compile it with the kyverno or gatekeeper target and add `omit from psa because "…"` to the rule'),
      );
    }
  }
  if (policy.podSecurity.length === 0) return { diagnostics };

  const scope = policy.scope;
  if (scope.namespaces.length === 0) {
    diagnostics.push(
      sp2001(
        scope.span,
        `policy "${policy.name}" without named namespaces (PSA is set by labelling each namespace; a cluster-wide level belongs in the API server's PodSecurityConfiguration)`,
        'list the namespaces with `in namespaces "…"`',
      ),
    );
  }
  if (scope.namespaceSelector) {
    diagnostics.push(sp2001(scope.namespaceSelector.span, 'a namespace label selector (PSA labels named namespaces)', 'replace `where namespace labels …` with `in namespaces "…"`'));
  }
  if (scope.objectSelector) {
    diagnostics.push(sp2001(scope.objectSelector.span, 'an object label selector (PSA checks every pod of a labelled namespace)', 'remove `where labels …`, or move those pods to a namespace of their own'));
  }
  const ops = [...scope.operations].sort();
  if (ops.length !== defaultOperations.length || ops.some((op, i) => op !== defaultOperations[i])) {
    diagnostics.push(sp2001(scope.span, `operations ${scope.operations.join(', ').toLowerCase()} (PSA checks pods on create and update)`, 'remove the `on …` line'));
  }
  for (const ps of policy.podSecurity) {
    const d = versionLimits(ps);
    if (d) diagnostics.push(d);
  }

  const unlabelled = new Map<string, string>();
  for (const ns of scope.excludedNamespaces) unlabelled.set(ns, '`except namespaces`');
  for (const e of policy.exceptions.filter(concernsPodSecurity)) {
    const limit = exceptionLimits(e);
    if (limit) {
      diagnostics.push(limit);
      continue;
    }
    // A namespace-only exception is exactly "do not label it"; one with no filter exempts every namespace.
    const exempt = e.namespaces.length ? e.namespaces : scope.namespaces;
    for (const ns of exempt) if (!unlabelled.has(ns)) unlabelled.set(ns, `exception "${e.name}"`);
  }
  const inScope = [...new Set(scope.namespaces)].sort();
  const plan: PsaPlan = {
    policy,
    namespaces: inScope.filter((ns) => !unlabelled.has(ns)),
    unlabelled: inScope.filter((ns) => unlabelled.has(ns)).map((namespace) => ({ namespace, why: unlabelled.get(namespace) ?? '' })),
    omittedRules,
  };
  return { plan, diagnostics };
}
