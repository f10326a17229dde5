import { containersPhrase } from '../format.js';
import type { PodView } from '../pod-view.js';
import { allowed, forbidden, type CheckDefinition, type CheckOutcome } from './check.js';

/**
 * Restricted "Running as Non-root": runAsNonRoot must be true, at pod level or on every container,
 * and nothing may set it to false. From v1.35 user-namespaced pods (`hostUsers: false`) are exempt.
 * PSS: https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
function runAsNonRoot(pod: PodView): CheckOutcome {
  const badSetters: string[] = [];
  const podValue = pod.securityContext?.['runAsNonRoot'];
  if (podValue === false) badSetters.push('pod');
  const podNonRoot = podValue === true;

  const explicitlyBad: string[] = [];
  const implicitlyBad: string[] = [];
  for (const c of pod.containers) {
    const value = c.securityContext?.['runAsNonRoot'];
    if (typeof value === 'boolean') {
      if (!value) explicitlyBad.push(c.name);
    } else if (!podNonRoot) {
      implicitlyBad.push(c.name);
    }
  }
  if (explicitlyBad.length > 0) badSetters.push(containersPhrase(explicitlyBad));
  if (badSetters.length > 0) {
    return forbidden('runAsNonRoot != true', `${badSetters.join(' and ')} must not set securityContext.runAsNonRoot=false`);
  }
  if (implicitlyBad.length > 0) {
    return forbidden('runAsNonRoot != true', `pod or ${containersPhrase(implicitlyBad)} must set securityContext.runAsNonRoot=true`);
  }
  return allowed;
}

export const runAsNonRootCheck: CheckDefinition = {
  id: 'runAsNonRoot',
  level: 'restricted',
  revisions: [
    { minMinor: 0, run: runAsNonRoot },
    { minMinor: 35, run: (pod) => (pod.isUserNamespaced ? allowed : runAsNonRoot(pod)) },
  ],
};
