import { containersPhrase, goQuote, joinQuote, pluralize, sortedSet } from '../format.js';
import { asText, objectAt, type JsonObject, type PodView } from '../pod-view.js';
import { allowed, forbidden, type CheckDefinition, type CheckOutcome } from './check.js';

/**
 * Baseline "Seccomp": a seccomp profile, if set, may not be Unconfined. Up to v1.18 the profile lived
 * in the alpha annotations; from v1.19 it is `securityContext.seccompProfile.type`.
 * Restricted "Seccomp" (v1.19+): the profile must be set, to RuntimeDefault or Localhost, at pod level
 * or on every container; from v1.25 pods with `spec.os.name: windows` are exempt.
 * PSS: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 * and https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
const podAnnotation = 'seccomp.security.alpha.kubernetes.io/pod';
const containerAnnotationPrefix = 'container.seccomp.security.alpha.kubernetes.io/';

function validAnnotation(value: string): boolean {
  return value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/');
}

function seccompAnnotations(pod: PodView): CheckOutcome {
  const bad: string[] = [];
  const inspect = (key: string): void => {
    const value = pod.annotations.get(key);
    if (value !== undefined && !validAnnotation(value)) bad.push(`${key}=${goQuote(value)}`);
  };
  inspect(podAnnotation);
  for (const c of pod.containers) inspect(containerAnnotationPrefix + c.name);
  if (bad.length === 0) return allowed;
  const listed = sortedSet(bad);
  return forbidden('seccompProfile', `forbidden ${pluralize('annotation', 'annotations', listed.length)} ${listed.join(', ')}`);
}

/** The profile type when `seccompProfile` is set; undefined when it is not. */
function profileType(securityContext: JsonObject | undefined): string | undefined {
  const profile = objectAt(securityContext, 'seccompProfile');
  return profile === undefined ? undefined : asText(profile['type']);
}

function validType(type: string): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

/** Shared by both levels: who explicitly set a forbidden type, and which containers set nothing. */
function seccompFields(pod: PodView): { setters: string[]; badTypes: string[]; unset: string[]; podValid: boolean } {
  const setters: string[] = [];
  const badTypes: string[] = [];
  const podType = profileType(pod.securityContext);
  if (podType !== undefined && !validType(podType)) {
    setters.push('pod');
    badTypes.push(podType);
  }
  const badContainers: string[] = [];
  const unset: string[] = [];
  for (const c of pod.containers) {
    const type = profileType(c.securityContext);
    if (type === undefined) unset.push(c.name);
    else if (!validType(type)) {
      badContainers.push(c.name);
      badTypes.push(type);
    }
  }
  if (badContainers.length > 0) setters.push(containersPhrase(badContainers));
  return { setters, badTypes, unset, podValid: podType !== undefined && validType(podType) };
}

function explicitViolation(setters: string[], badTypes: string[]): CheckOutcome {
  return forbidden(
    'seccompProfile',
    `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badTypes))}`,
  );
}

function seccompBaselineFields(pod: PodView): CheckOutcome {
  const { setters, badTypes } = seccompFields(pod);
  return setters.length === 0 ? allowed : explicitViolation(setters, badTypes);
}

function seccompRestricted(pod: PodView): CheckOutcome {
  const { setters, badTypes, unset, podValid } = seccompFields(pod);
  if (setters.length > 0) return explicitViolation(setters, badTypes);
  if (podValid || unset.length === 0) return allowed;
  return forbidden(
    'seccompProfile',
    `pod or ${containersPhrase(unset)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
  );
}

export const seccompProfileBaselineCheck: CheckDefinition = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  revisions: [
    { minMinor: 0, run: seccompAnnotations },
    { minMinor: 19, run: seccompBaselineFields },
  ],
};

export const seccompProfileRestrictedCheck: CheckDefinition = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  revisions: [
    { minMinor: 19, run: seccompRestricted, overrides: ['seccompProfile_baseline'] },
    {
      minMinor: 25,
      run: (pod) => (pod.isWindows ? allowed : seccompRestricted(pod)),
      overrides: ['seccompProfile_baseline'],
    },
  ],
};
