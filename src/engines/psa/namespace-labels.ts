import { goQuote } from './format.js';
import { asObject } from './pod-view.js';
import { isPsaLevel, parsePsaVersion, type PsaLevel, type PsaLevelVersion, type PsaVersion } from './version.js';

/**
 * Namespace labels to policy, as upstream's api.PolicyToEvaluate does.
 * PSA docs: https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces
 */

export type PsaMode = 'enforce' | 'audit' | 'warn';

export const psaModes: readonly PsaMode[] = ['enforce', 'audit', 'warn'];

/** The level and version each mode applies. */
export interface PsaPolicy {
  readonly enforce: PsaLevelVersion;
  readonly audit: PsaLevelVersion;
  readonly warn: PsaLevelVersion;
}

/** A namespace's policy plus one message per invalid label, in upstream's field-error wording. */
export interface PsaNamespacePolicy extends PsaPolicy {
  readonly errors: readonly string[];
}

export const labelPrefix = 'pod-security.kubernetes.io/';

const privilegedLatest: PsaLevelVersion = { level: 'privileged', version: 'latest' };

/** What PSA applies to unlabelled modes when its AdmissionConfiguration sets no defaults. */
export const defaultPsaPolicy: PsaPolicy = { enforce: privilegedLatest, audit: privilegedLatest, warn: privilegedLatest };

const levelError = 'must be one of privileged, baseline, restricted';
const versionError = 'must be "latest" or "v1.x"';

function invalid(label: string, value: string, message: string): string {
  return `metadata.labels[${label}]: Invalid value: ${goQuote(value)}: ${message}`;
}

/**
 * Resolves `pod-security.kubernetes.io/<mode>` and `<mode>-version` labels into a policy.
 * - An unset label takes the default (privileged / latest unless `defaults` says otherwise); a set
 *   version label without a level label keeps the default level, and the other way round.
 * - An invalid enforce level fails closed to `restricted`; an invalid audit or warn level fails open to
 *   `privileged`; an invalid version means `latest`. Each invalid value adds one entry to `errors`.
 * Non-string label values are ignored. Never throws.
 */
export function policyFromNamespaceLabels(labels: Readonly<Record<string, string>>, defaults?: Partial<PsaPolicy>): PsaNamespacePolicy {
  const errors: string[] = [];
  const values = asObject(labels) ?? {};
  const read = (mode: PsaMode): PsaLevelVersion => {
    const fallback = defaults?.[mode] ?? defaultPsaPolicy[mode];
    let level: PsaLevel = fallback.level;
    let version: PsaVersion = fallback.version;
    const levelLabel = labelPrefix + mode;
    const levelValue = values[levelLabel];
    if (typeof levelValue === 'string') {
      if (isPsaLevel(levelValue)) level = levelValue;
      else {
        level = mode === 'enforce' ? 'restricted' : 'privileged';
        errors.push(invalid(levelLabel, levelValue, levelError));
      }
    }
    const versionLabel = `${levelLabel}-version`;
    const versionValue = values[versionLabel];
    if (typeof versionValue === 'string') {
      const parsed = parsePsaVersion(versionValue);
      if (parsed !== undefined) version = parsed;
      else {
        version = 'latest';
        errors.push(invalid(versionLabel, versionValue, versionError));
      }
    }
    return { level, version };
  };
  const enforce = read('enforce');
  const audit = read('audit');
  const warn = read('warn');
  return { enforce, audit, warn, errors };
}
