import { sortedSet } from '../format.js';
import type { PodView } from '../pod-view.js';
import { allowed, forbidden, type CheckDefinition, type CheckOutcome } from './check.js';

/**
 * Baseline "Host Namespaces": sharing the host's network, PID or IPC namespace is forbidden.
 * PSS: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
function hostNamespaces(pod: PodView): CheckOutcome {
  const set = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((field) => pod.spec[field] === true);
  return set.length === 0 ? allowed : forbidden('host namespaces', sortedSet(set.map((field) => `${field}=true`)).join(', '));
}

export const hostNamespacesCheck: CheckDefinition = {
  id: 'hostNamespaces',
  level: 'baseline',
  revisions: [{ minMinor: 0, run: hostNamespaces }],
};
