import { containersPhrase, pluralize, sortedSet } from '../format.js';
import { asList, dig, type PodView } from '../pod-view.js';
import { allowed, forbidden, type CheckDefinition, type CheckOutcome } from './check.js';

/**
 * Baseline "HostPorts": containers may not bind host ports (hostPort must be unset or 0).
 * PSS: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
function hostPorts(pod: PodView): CheckOutcome {
  const badContainers: string[] = [];
  const ports: string[] = [];
  for (const c of pod.containers) {
    const used = asList(c.container['ports'])
      .map((port) => dig(port, 'hostPort'))
      .filter((hostPort): hostPort is number => typeof hostPort === 'number' && hostPort !== 0);
    if (used.length === 0) continue;
    badContainers.push(c.name);
    ports.push(...used.map(String));
  }
  if (badContainers.length === 0) return allowed;
  const listed = sortedSet(ports);
  return forbidden(
    'hostPort',
    `${containersPhrase(badContainers)} ${pluralize('uses', 'use', badContainers.length)} ${pluralize('hostPort', 'hostPorts', listed.length)} ${listed.join(', ')}`,
  );
}

export const hostPortsCheck: CheckDefinition = {
  id: 'hostPorts',
  level: 'baseline',
  revisions: [{ minMinor: 0, run: hostPorts }],
};
