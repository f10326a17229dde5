import { containersPhrase } from '../format.js';
import type { PodView } from '../pod-view.js';
import { allowed, forbidden, type CheckDefinition, type CheckOutcome } from './check.js';

/**
 * Restricted "Running as Non-root user" (v1.23+): runAsUser may not be 0, at pod or container level.
 * From v1.35 user-namespaced pods (`hostUsers: false`) are exempt.
 * PSS: https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
function runAsUser(pod: PodView): CheckOutcome {
  const setters: string[] = [];
  if (pod.securityContext?.['runAsUser'] === 0) setters.push('pod');
  const bad = pod.containers.filter((c) => c.securityContext?.['runAsUser'] === 0).map((c) => c.name);
  if (bad.length > 0) setters.push(containersPhrase(bad));
  if (setters.length === 0) return allowed;
  return forbidden('runAsUser=0', `${setters.join(' and ')} must not set runAsUser=0`);
}

export const runAsUserCheck: CheckDefinition = {
  id: 'runAsUser',
  level: 'restricted',
  revisions: [
    { minMinor: 23, run: runAsUser },
    { minMinor: 35, run: (pod) => (pod.isUserNamespaced ? allowed : runAsUser(pod)) },
  ],
};
