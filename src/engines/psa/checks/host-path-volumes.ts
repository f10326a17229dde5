import { joinQuote, pluralize } from '../format.js';
import { asList, asText, objectAt, type PodView } from '../pod-view.js';
import { allowed, forbidden, type CheckDefinition, type CheckOutcome } from './check.js';

/**
 * Baseline "HostPath Volumes": hostPath volumes are forbidden.
 * PSS: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
function hostPathVolumes(pod: PodView): CheckOutcome {
  const names = asList(pod.spec['volumes'])
    .filter((volume) => objectAt(volume, 'hostPath') !== undefined)
    .map((volume) => asText(objectAt(volume)?.['name']));
  if (names.length === 0) return allowed;
  return forbidden('hostPath volumes', `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)}`);
}

export const hostPathVolumesCheck: CheckDefinition = {
  id: 'hostPathVolumes',
  level: 'baseline',
  revisions: [{ minMinor: 0, run: hostPathVolumes }],
};
