import { containersPhrase } from '../format.js';
import { dig, type JsonObject, type PodView } from '../pod-view.js';
import { allowed, forbidden, type CheckDefinition, type CheckOutcome } from './check.js';

/**
 * Baseline "HostProcess": Windows HostProcess containers (host-level access) are forbidden.
 * PSS: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
function setsHostProcess(securityContext: JsonObject | undefined): boolean {
  return dig(securityContext, 'windowsOptions', 'hostProcess') === true;
}

function windowsHostProcess(pod: PodView): CheckOutcome {
  const setters: string[] = [];
  if (setsHostProcess(pod.securityContext)) setters.push('pod');
  const bad = pod.containers.filter((c) => setsHostProcess(c.securityContext)).map((c) => c.name);
  if (bad.length > 0) setters.push(containersPhrase(bad));
  if (setters.length === 0) return allowed;
  return forbidden('hostProcess', `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`);
}

export const windowsHostProcessCheck: CheckDefinition = {
  id: 'windowsHostProcess',
  level: 'baseline',
  revisions: [{ minMinor: 0, run: windowsHostProcess }],
};
