import { containersPhrase, joinQuote, pluralize, sortedSet } from '../format.js';
import { asText, objectAt, type JsonObject, type PodView } from '../pod-view.js';
import { allowed, forbidden, type CheckDefinition, type CheckOutcome } from './check.js';

/**
 * Baseline "SELinux": the SELinux type may only be one of the container types (v1.31 adds
 * container_engine_t), and a custom SELinux user or role may not be set.
 * PSS: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
const types1_0 = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
const types1_31 = [...types1_0, 'container_engine_t'];

function seLinuxOptions(allowedTypes: ReadonlySet<string>): (pod: PodView) => CheckOutcome {
  return (pod) => {
    const badTypes: string[] = [];
    let setUser = false;
    let setRole = false;
    const valid = (securityContext: JsonObject | undefined): boolean => {
      const options = objectAt(securityContext, 'seLinuxOptions');
      if (options === undefined) return true;
      let ok = true;
      const type = asText(options['type']);
      if (!allowedTypes.has(type)) {
        ok = false;
        badTypes.push(type);
      }
      if (asText(options['user']) !== '') {
        ok = false;
        setUser = true;
      }
      if (asText(options['role']) !== '') {
        ok = false;
        setRole = true;
      }
      return ok;
    };

    const setters: string[] = [];
    if (!valid(pod.securityContext)) setters.push('pod');
    const badContainers = pod.containers.filter((c) => !valid(c.securityContext)).map((c) => c.name);
    if (badContainers.length > 0) setters.push(containersPhrase(badContainers));
    if (setters.length === 0) return allowed;

    const problems: string[] = [];
    const types = sortedSet(badTypes);
    if (types.length > 0) problems.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
    if (setUser) problems.push('user may not be set');
    if (setRole) problems.push('role may not be set');
    return forbidden(
      'seLinuxOptions',
      `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${problems.join('; ')}`,
    );
  };
}

export const seLinuxOptionsCheck: CheckDefinition = {
  id: 'seLinuxOptions',
  level: 'baseline',
  revisions: [
    { minMinor: 0, run: seLinuxOptions(new Set(types1_0)) },
    { minMinor: 31, run: seLinuxOptions(new Set(types1_31)) },
  ],
};
