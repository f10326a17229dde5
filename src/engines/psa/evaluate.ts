import { viewPod } from './pod-view.js';
import { resolveChecks } from './registry.js';
import type { PsaLevel, PsaVersion } from './version.js';

/** One check's finding, with upstream's check id (e.g. `runAsNonRoot`) and its reason/detail wording. */
export interface PsaCheckResult {
  readonly check: string;
  readonly allowed: boolean;
  /** Short reason, e.g. `allowPrivilegeEscalation != false`; set when not allowed. */
  readonly reason?: string;
  /** Specifics, e.g. `container "x" must set securityContext.allowPrivilegeEscalation=false`. */
  readonly detail?: string;
}

/** A pod's verdict at one level and version: allowed when no check failed; failures in upstream order. */
export interface PsaPodVerdict {
  readonly allowed: boolean;
  readonly failures: readonly PsaCheckResult[];
}

/**
 * Evaluates a pod (or a pod template: anything with `metadata` for annotations and `spec`) against
 * one Pod Security Standards level at one policy version. Never throws; wrongly shaped fields read as unset.
 * As upstream, a level string other than privileged or baseline is evaluated as restricted.
 */
export function evaluatePod(pod: { readonly metadata?: unknown; readonly spec?: unknown }, level: PsaLevel, version: PsaVersion): PsaPodVerdict {
  const checks = resolveChecks(level, version);
  if (checks.length === 0) return { allowed: true, failures: [] };
  const view = viewPod(pod?.metadata, pod?.spec);
  const failures: PsaCheckResult[] = [];
  for (const { id, revision } of checks) {
    const outcome = revision.run(view);
    if (!outcome.allowed) failures.push({ check: id, allowed: false, reason: outcome.reason, detail: outcome.detail });
  }
  return { allowed: failures.length === 0, failures };
}

/**
 * The failures in upstream's message form: `reason (detail), reason (detail)`, as printed after
 * `violates PodSecurity "level:version": `.
 */
export function formatPsaFailures(failures: readonly PsaCheckResult[]): string {
  return failures
    .map((failure) => {
      const reason = failure.reason !== undefined && failure.reason !== '' ? failure.reason : 'unknown forbidden reason';
      return failure.detail !== undefined && failure.detail !== '' ? `${reason} (${failure.detail})` : reason;
    })
    .join(', ');
}

/** The ids of the checks that run at a level and version, in evaluation order. */
export function psaChecksFor(level: PsaLevel, version: PsaVersion): readonly string[] {
  return resolveChecks(level, version).map((check) => check.id);
}
