import { containersPhrase } from '../format.js';
import type { PodView } from '../pod-view.js';
import { allowed, forbidden, type CheckDefinition, type CheckOutcome } from './check.js';

/**
 * Baseline "Privileged Containers": no container may run privileged.
 * PSS: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
function privileged(pod: PodView): CheckOutcome {
  const bad = pod.containers.filter((c) => c.securityContext?.['privileged'] === true).map((c) => c.name);
  if (bad.length === 0) return allowed;
  return forbidden('privileged', `${containersPhrase(bad)} must not set securityContext.privileged=true`);
}

export const privilegedCheck: CheckDefinition = {
  id: 'privileged',
  level: 'baseline',
  revisions: [{ minMinor: 0, run: privileged }],
};
