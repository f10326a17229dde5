import { containersPhrase, goQuote, joinQuote, pluralize, sortedSet } from '../format.js';
import { asText, objectAt, type JsonObject, type PodView } from '../pod-view.js';
import { allowed, forbidden, type CheckDefinition, type CheckOutcome } from './check.js';

/**
 * Baseline "AppArmor": the profile type may only be RuntimeDefault or Localhost, and the legacy
 * `container.apparmor.security.beta.kubernetes.io/*` annotations only runtime/default or localhost/*.
 * PSS: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
const annotationPrefix = 'container.apparmor.security.beta.kubernetes.io/';

function allowedAnnotation(value: string): boolean {
  return value === '' || value === 'runtime/default' || value.startsWith('localhost/');
}

function badProfileType(securityContext: JsonObject | undefined): string | undefined {
  const profile = objectAt(securityContext, 'appArmorProfile');
  if (profile === undefined) return undefined;
  const type = asText(profile['type']);
  return type === 'RuntimeDefault' || type === 'Localhost' ? undefined : type;
}

function appArmorProfile(pod: PodView): CheckOutcome {
  const setters: string[] = [];
  const badTypes: string[] = [];
  const podType = badProfileType(pod.securityContext);
  if (podType !== undefined) {
    setters.push('pod');
    badTypes.push(podType);
  }
  const badContainers: string[] = [];
  for (const c of pod.containers) {
    const type = badProfileType(c.securityContext);
    if (type === undefined) continue;
    badContainers.push(c.name);
    badTypes.push(type);
  }
  if (badContainers.length > 0) setters.push(containersPhrase(badContainers));

  const badAnnotations = [...pod.annotations]
    .filter(([key, value]) => key.startsWith(annotationPrefix) && !allowedAnnotation(value))
    .map(([key, value]) => `${key}=${goQuote(value)}`)
    .sort();
  const badValues = [...sortedSet(badTypes), ...badAnnotations];
  if (badAnnotations.length > 0) setters.push(pluralize('annotation', 'annotations', badAnnotations.length));

  if (setters.length === 0) return allowed;
  return forbidden(
    pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', badValues.length),
    `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(badValues)}`,
  );
}

export const appArmorProfileCheck: CheckDefinition = {
  id: 'appArmorProfile',
  level: 'baseline',
  revisions: [{ minMinor: 0, run: appArmorProfile }],
};
