import { goQuote } from './format.js';
import { evaluatePod, formatPsaFailures, type PsaPodVerdict } from './evaluate.js';
import { labelPrefix, policyFromNamespaceLabels, type PsaNamespacePolicy, type PsaPolicy } from './namespace-labels.js';
import { classify, isSignificantPodUpdate } from './pod-template.js';
import { asList, asText, dig } from './pod-view.js';
import { formatLevelVersion, type PsaLevelVersion } from './version.js';

/**
 * The PodSecurity admission decision for one request, after upstream's admission/admission.go.
 * PSA docs: https://kubernetes.io/docs/concepts/security/pod-security-admission/
 */

/** PodSecurityConfiguration `exemptions`: requests matching any of these are never evaluated. */
export interface PsaExemptions {
  readonly usernames?: readonly string[];
  readonly namespaces?: readonly string[];
  readonly runtimeClasses?: readonly string[];
}

export interface PsaAdmissionRequest {
  /** The namespace the object is created in, with its labels (the policy comes from them). */
  readonly namespace: { readonly name: string; readonly labels: Readonly<Record<string, string>> };
  /** A Pod, a pod controller (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
   * ReplicationController, PodTemplate) or a Namespace, as parsed YAML. Anything else is not applicable. */
  readonly object: unknown;
  /** The previous object, for UPDATE. */
  readonly oldObject?: unknown;
  /** Defaults to CREATE. */
  readonly operation?: 'CREATE' | 'UPDATE';
  /** Pod subresources other than ephemeralcontainers (and any controller subresource) are not evaluated. */
  readonly subresource?: string;
  readonly userInfo?: { readonly username?: string };
  readonly exemptions?: PsaExemptions;
  /** PodSecurityConfiguration `defaults` for unlabelled modes; privileged:latest when absent. */
  readonly defaults?: Partial<PsaPolicy>;
}

/** A mode's evaluation: the verdict, and the level:version it was evaluated at. */
export interface PsaModeEvaluation extends PsaPodVerdict {
  readonly policy: PsaLevelVersion;
}

/** `exempt`: an exemption matched; `not-applicable`: PSA does not evaluate this mode for this request. */
export type PsaModeOutcome = PsaModeEvaluation | 'exempt' | 'not-applicable';

export type PsaExemptionReason = 'namespace' | 'user' | 'runtimeClass';

export interface PsaAdmissionResult {
  readonly allowed: boolean;
  /** The API server's denial message, e.g. `pods "p" is forbidden: violates PodSecurity "restricted:latest": ...`. */
  readonly message?: string;
  /** Only Pods are enforced; pod controllers get audit and warn only. */
  readonly enforce: PsaModeOutcome;
  readonly audit: PsaModeOutcome;
  /** Evaluated even when enforce denies, but, as upstream, no warning is returned on a denied request. */
  readonly warn: PsaModeOutcome;
  /** `would violate PodSecurity "level:version": ...` warnings returned to the client. */
  readonly warnings: readonly string[];
  /** Audit annotations under their full `pod-security.kubernetes.io/` keys, as the audit log shows them. */
  readonly auditAnnotations: Readonly<Record<string, string>>;
  readonly exemption?: PsaExemptionReason;
}

const ignoredPodSubresources = new Set(['exec', 'attach', 'binding', 'eviction', 'log', 'portforward', 'proxy', 'status']);

const notApplicable: PsaAdmissionResult = {
  allowed: true, enforce: 'not-applicable', audit: 'not-applicable', warn: 'not-applicable', warnings: [], auditAnnotations: {},
};

function exempted(reason: PsaExemptionReason): PsaAdmissionResult {
  return {
    allowed: true, enforce: 'exempt', audit: 'exempt', warn: 'exempt', warnings: [],
    auditAnnotations: { [`${labelPrefix}exempt`]: reason }, exemption: reason,
  };
}

function listed(value: string, list: readonly string[] | undefined): boolean {
  return value !== '' && asList(list).includes(value);
}

/** Go's aggregate error text: the message alone, or `[a, b]` for several. */
function aggregate(errors: readonly string[]): string {
  const unique = [...new Set(errors)];
  return unique.length === 1 ? (unique[0] ?? '') : `[${unique.join(', ')}]`;
}

function evaluateMode(pod: { metadata: unknown; spec: unknown }, policy: PsaLevelVersion): PsaModeEvaluation {
  return { ...evaluatePod(pod, policy.level, policy.version), policy };
}

function violation(verb: 'violates' | 'would violate', evaluation: PsaModeEvaluation): string {
  return `${verb} PodSecurity ${goQuote(formatLevelVersion(evaluation.policy))}: ${formatPsaFailures(evaluation.failures)}`;
}

/** upstream's EvaluatePod: runtimeClass exemption, then enforce (pods only), audit and warn. */
function evaluateAll(
  request: PsaAdmissionRequest,
  policy: PsaNamespacePolicy,
  pod: { metadata: unknown; spec: unknown },
  enforce: boolean,
): PsaAdmissionResult {
  if (listed(asText(dig(pod.spec, 'runtimeClassName')), request.exemptions?.runtimeClasses)) return exempted('runtimeClass');
  const annotations: Record<string, string> = {};
  if (policy.errors.length > 0) annotations[`${labelPrefix}error`] = `Failed to parse policy: ${aggregate(policy.errors)}`;

  let enforced: PsaModeOutcome = 'not-applicable';
  let message: string | undefined;
  if (enforce) {
    annotations[`${labelPrefix}enforce-policy`] = formatLevelVersion(policy.enforce);
    const evaluation = evaluateMode(pod, policy.enforce);
    enforced = evaluation;
    if (!evaluation.allowed) {
      const name = asText(dig(request.object, 'metadata', 'name'));
      message = `pods ${name === '' ? '' : `${goQuote(name)} `}is forbidden: ${violation('violates', evaluation)}`;
    }
  }
  const audit = evaluateMode(pod, policy.audit);
  if (!audit.allowed) annotations[`${labelPrefix}audit-violations`] = violation('would violate', audit);
  const warn = evaluateMode(pod, policy.warn);
  const allowed = message === undefined;
  const warnings = allowed && !warn.allowed ? [violation('would violate', warn)] : [];
  return {
    allowed, ...(message !== undefined ? { message } : {}),
    enforce: enforced, audit, warn, warnings, auditAnnotations: annotations,
  };
}

function trivially(policy: PsaNamespacePolicy, enforce: boolean): PsaAdmissionResult {
  const allowedAt = (p: PsaLevelVersion): PsaModeEvaluation => ({ allowed: true, failures: [], policy: p });
  return {
    allowed: true,
    enforce: enforce ? allowedAt(policy.enforce) : 'not-applicable',
    audit: allowedAt(policy.audit),
    warn: allowedAt(policy.warn),
    warnings: [],
    // upstream's shared response for fully privileged namespaces always names privileged:latest.
    auditAnnotations: enforce ? { [`${labelPrefix}enforce-policy`]: 'privileged:latest' } : {},
  };
}

/** A Namespace create or update: only its pod-security labels are validated. */
function admitNamespace(request: PsaAdmissionRequest): PsaAdmissionResult {
  const labelsOf = (object: unknown): Record<string, string> => (dig(object, 'metadata', 'labels') ?? {}) as Record<string, string>;
  const errors = policyFromNamespaceLabels(labelsOf(request.object), request.defaults).errors;
  if (errors.length === 0) return notApplicable;
  if (request.operation === 'UPDATE' && request.oldObject !== undefined) {
    const before = policyFromNamespaceLabels(labelsOf(request.oldObject), request.defaults).errors;
    if (before.length > 0 && aggregate(before) === aggregate(errors)) return notApplicable;
  }
  const name = asText(dig(request.object, 'metadata', 'name'));
  return { ...notApplicable, allowed: false, message: `Namespace ${goQuote(name)} is invalid: ${aggregate(errors)}` };
}

/**
 * Decides one admission request as the PodSecurity admission plugin would. Pods are checked in all
 * three modes; pod controllers get audit and warn on their pod template; Namespaces get label
 * validation. Exemptions short-circuit before evaluation. Never throws.
 */
export function admit(request: PsaAdmissionRequest): PsaAdmissionResult {
  const target = classify(request.object);
  const subresource = request.subresource ?? '';
  if (target.kind === 'other') return notApplicable;
  if (target.kind === 'namespace') return subresource === '' ? admitNamespace(request) : notApplicable;
  if (target.kind === 'pod' ? ignoredPodSubresources.has(subresource) : subresource !== '') return notApplicable;

  if (listed(request.namespace?.name ?? '', request.exemptions?.namespaces)) return exempted('namespace');
  if (listed(request.userInfo?.username ?? '', request.exemptions?.usernames)) return exempted('user');

  const policy = policyFromNamespaceLabels(request.namespace?.labels ?? {}, request.defaults);
  const clean = policy.errors.length === 0;
  const quiet = policy.audit.level === 'privileged' && policy.warn.level === 'privileged';

  if (target.kind === 'pod') {
    if (clean && quiet && policy.enforce.level === 'privileged') return trivially(policy, true);
    if (request.operation === 'UPDATE' && request.oldObject !== undefined && !isSignificantPodUpdate(request.object, request.oldObject)) {
      return notApplicable;
    }
    return evaluateAll(request, policy, target, true);
  }
  if (clean && quiet) return trivially(policy, false);
  if (target.template === undefined) return notApplicable;
  return evaluateAll(request, policy, target.template, false);
}
