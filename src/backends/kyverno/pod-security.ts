import type { Exception, PodSecurity, PssControl } from '../../ir/index.js';
import type { Json } from './scope.js';

/**
 * `pod-security` lines as `validate.podSecurity` (https://kyverno.io/docs/policy-types/cluster-policy/validate/#pod-security).
 * Kyverno excludes a control at the pod level with `controlName` alone and at the container level with
 * `controlName` plus `images` (exemptions section of the same page), so each secpol control maps to a Kyverno
 * control name and the levels its restricted fields live at.
 */

type FieldLevel = 'pod' | 'container' | 'both';

export const kyvernoControls: Readonly<Record<PssControl, { readonly name: string; readonly level: FieldLevel }>> = {
  'host-process': { name: 'HostProcess', level: 'both' },
  'host-namespaces': { name: 'Host Namespaces', level: 'pod' },
  privileged: { name: 'Privileged Containers', level: 'container' },
  capabilities: { name: 'Capabilities', level: 'container' },
  'host-path-volumes': { name: 'HostPath Volumes', level: 'pod' },
  'host-ports': { name: 'Host Ports', level: 'container' },
  'host-probes': { name: 'Host Probes / Lifecycle Hooks', level: 'container' },
  apparmor: { name: 'AppArmor', level: 'both' },
  selinux: { name: 'SELinux', level: 'both' },
  'proc-mount': { name: '/proc Mount Type', level: 'container' },
  seccomp: { name: 'Seccomp', level: 'both' },
  sysctls: { name: 'Sysctls', level: 'pod' },
  'volume-types': { name: 'Volume Types', level: 'pod' },
  'privilege-escalation': { name: 'Privilege Escalation', level: 'container' },
  'run-as-non-root': { name: 'Running as Non-root', level: 'both' },
  'run-as-user': { name: 'Running as Non-root user', level: 'both' },
};

/** Kyverno 1.17 accepts v1.19 … v1.32 and latest (CRD enum of `podSecurity.version`). */
const FIRST_MINOR = 19;
const LAST_MINOR = 32;
/** Minor versions after which the Pod Security Standards changed a check (none at 1.33; 1.34 added host probes). */
const NEXT_CHANGE_AFTER_LAST = 34;

/** The Kyverno version string for a secpol version, or undefined when Kyverno cannot express it exactly. */
export function kyvernoPssVersion(version: PodSecurity['version']): string | undefined {
  if (version === 'latest') return 'latest';
  const { minor } = version;
  if (minor < FIRST_MINOR) return undefined;
  if (minor <= LAST_MINOR) return `v1.${minor}`;
  // Between the last accepted version and the next change the checks are those of the last accepted version.
  if (minor < NEXT_CHANGE_AFTER_LAST) return `v1.${LAST_MINOR}`;
  return 'latest';
}

/** `exclude[]` entries for one exception's controls (semantics §4): images narrow the exemption to those containers. */
export interface Exclusion {
  readonly controlName: string;
  readonly images?: readonly string[];
}

export function exclusionsOf(e: Exception): Exclusion[] {
  const out: Exclusion[] = [];
  for (const control of e.controls) {
    const { name, level } = kyvernoControls[control];
    if (e.images.length) {
      if (level !== 'pod') out.push({ controlName: name, images: [...e.images] });
    } else {
      if (level !== 'container') out.push({ controlName: name });
      if (level !== 'pod') out.push({ controlName: name, images: ['*'] });
    }
  }
  return out;
}

/** As `exclude[]` entries, sorted by control (pod level first) and deduplicated, so the output does not depend on the order exceptions are written in. */
export function normalizeExclusions(entries: readonly Exclusion[]): Json[] {
  const byKey = new Map(entries.map((e) => [JSON.stringify(e), e]));
  const key = (e: Exclusion): string => `${e.controlName}\u0000${e.images ? `1${e.images.join('\u0000')}` : '0'}`;
  return [...byKey.values()]
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
    .map((e): Json => (e.images ? { controlName: e.controlName, images: [...e.images] } : { controlName: e.controlName }));
}

export function podSecurityRuleName(ps: PodSecurity): string {
  return `pod-security-${ps.mode}`;
}
