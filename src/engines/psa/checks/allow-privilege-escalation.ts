import { containersPhrase } from '../format.js';
import type { PodView } from '../pod-view.js';
import { allowed, forbidden, type CheckDefinition, type CheckOutcome } from './check.js';

/**
 * Restricted "Privilege Escalation" (v1.8+): every container must set allowPrivilegeEscalation=false;
 * from v1.25 pods with `spec.os.name: windows` are exempt.
 * PSS: https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
function allowPrivilegeEscalation(pod: PodView): CheckOutcome {
  const bad = pod.containers.filter((c) => c.securityContext?.['allowPrivilegeEscalation'] !== false).map((c) => c.name);
  if (bad.length === 0) return allowed;
  return forbidden(
    'allowPrivilegeEscalation != false',
    `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`,
  );
}

export const allowPrivilegeEscalationCheck: CheckDefinition = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  revisions: [
    { minMinor: 8, run: allowPrivilegeEscalation },
    { minMinor: 25, run: (pod) => (pod.isWindows ? allowed : allowPrivilegeEscalation(pod)) },
  ],
};
