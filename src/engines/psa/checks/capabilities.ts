import { containersPhrase, joinQuote, sortedSet } from '../format.js';
import { asList, asText, objectAt, type PodView } from '../pod-view.js';
import { allowed, forbidden, type CheckDefinition, type CheckOutcome } from './check.js';

/**
 * Baseline "Capabilities": containers may add only capabilities from the default set.
 * Restricted "Capabilities": containers must drop ALL and may add back only NET_BIND_SERVICE;
 * from v1.25 pods with `spec.os.name: windows` are exempt (Linux capabilities do not apply).
 * PSS: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 * and https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
const baselineAllowed = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD',
  'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

function capabilityList(capabilities: unknown, key: 'add' | 'drop'): string[] {
  return asList(objectAt(capabilities)?.[key]).map(asText);
}

function capabilitiesBaseline(pod: PodView): CheckOutcome {
  const badContainers: string[] = [];
  const badCapabilities: string[] = [];
  for (const c of pod.containers) {
    const added = capabilityList(c.securityContext?.['capabilities'], 'add').filter((cap) => !baselineAllowed.has(cap));
    if (added.length === 0) continue;
    badContainers.push(c.name);
    badCapabilities.push(...added);
  }
  if (badContainers.length === 0) return allowed;
  return forbidden(
    'non-default capabilities',
    `${containersPhrase(badContainers)} must not include ${joinQuote(sortedSet(badCapabilities))} in securityContext.capabilities.add`,
  );
}

function capabilitiesRestricted(pod: PodView): CheckOutcome {
  const missingDropAll: string[] = [];
  const addingForbidden: string[] = [];
  const forbiddenCapabilities: string[] = [];
  for (const c of pod.containers) {
    const capabilities = objectAt(c.securityContext, 'capabilities');
    if (capabilities === undefined) {
      missingDropAll.push(c.name);
      continue;
    }
    if (!capabilityList(capabilities, 'drop').includes('ALL')) missingDropAll.push(c.name);
    const added = capabilityList(capabilities, 'add').filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (added.length > 0) {
      addingForbidden.push(c.name);
      forbiddenCapabilities.push(...added);
    }
  }
  const details: string[] = [];
  if (missingDropAll.length > 0) {
    details.push(`${containersPhrase(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  }
  if (addingForbidden.length > 0) {
    details.push(
      `${containersPhrase(addingForbidden)} must not include ${joinQuote(sortedSet(forbiddenCapabilities))} in securityContext.capabilities.add`,
    );
  }
  return details.length === 0 ? allowed : forbidden('unrestricted capabilities', details.join('; '));
}

export const capabilitiesBaselineCheck: CheckDefinition = {
  id: 'capabilities_baseline',
  level: 'baseline',
  revisions: [{ minMinor: 0, run: capabilitiesBaseline }],
};

export const capabilitiesRestrictedCheck: CheckDefinition = {
  id: 'capabilities_restricted',
  level: 'restricted',
  revisions: [
    { minMinor: 22, run: capabilitiesRestricted, overrides: ['capabilities_baseline'] },
    {
      minMinor: 25,
      run: (pod) => (pod.isWindows ? allowed : capabilitiesRestricted(pod)),
      overrides: ['capabilities_baseline'],
    },
  ],
};
