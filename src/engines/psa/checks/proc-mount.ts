import { containersPhrase, joinQuote, sortedSet } from '../format.js';
import type { PodView } from '../pod-view.js';
import { allowed, forbidden, type CheckDefinition, type CheckOutcome } from './check.js';

/**
 * Baseline "/proc Mount Type": the default /proc masks must stay, so `procMount` may only be Default.
 * From v1.35 baseline relaxes this for user-namespaced pods (`hostUsers: false`), and restricted
 * keeps the unconditional rule as its own check, `procMount_restricted`, which replaces it.
 * PSS: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
function procMount(pod: PodView): CheckOutcome {
  const badContainers: string[] = [];
  const badTypes: string[] = [];
  for (const c of pod.containers) {
    const value = c.securityContext?.['procMount'];
    if (typeof value !== 'string' || value === 'Default') continue;
    badContainers.push(c.name);
    badTypes.push(value);
  }
  if (badContainers.length === 0) return allowed;
  return forbidden(
    'procMount',
    `${containersPhrase(badContainers)} must not set securityContext.procMount to ${joinQuote(sortedSet(badTypes))}`,
  );
}

export const procMountCheck: CheckDefinition = {
  id: 'procMount',
  level: 'baseline',
  revisions: [
    { minMinor: 0, run: procMount },
    { minMinor: 35, run: (pod) => (pod.isUserNamespaced ? allowed : procMount(pod)) },
  ],
};

export const procMountRestrictedCheck: CheckDefinition = {
  id: 'procMount_restricted',
  level: 'restricted',
  revisions: [{ minMinor: 35, run: procMount, overrides: ['procMount'] }],
};
