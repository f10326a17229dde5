/**
 * Pod Security Standards levels and policy versions, as the namespace labels spell them.
 * PSA docs: https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces
 */

export type PsaLevel = 'privileged' | 'baseline' | 'restricted';

/** A policy version: `latest`, or `v1.<minor>` (the only major version the standards have). */
export type PsaVersion = 'latest' | { readonly major: 1; readonly minor: number };

/** A level pinned to a version, written `restricted:v1.30` or `baseline:latest` in PSA messages. */
export interface PsaLevelVersion {
  readonly level: PsaLevel;
  readonly version: PsaVersion;
}

export const psaLevels: readonly PsaLevel[] = ['privileged', 'baseline', 'restricted'];

export function isPsaLevel(text: unknown): text is PsaLevel {
  return text === 'privileged' || text === 'baseline' || text === 'restricted';
}

const versionPattern = /^v1\.(0|[1-9][0-9]*)$/;

/**
 * Parses a version label value: `latest` or `v1.<minor>` with no leading zeros, nothing else
 * (no `1.25`, no `v1.25.0`, no `v2.0`). Returns undefined for anything invalid.
 */
export function parsePsaVersion(text: string): PsaVersion | undefined {
  if (text === 'latest') return 'latest';
  const match = versionPattern.exec(text);
  if (match === null) return undefined;
  const minor = Number(match[1]);
  return Number.isSafeInteger(minor) ? { major: 1, minor } : undefined;
}

export function formatPsaVersion(version: PsaVersion): string {
  return version === 'latest' ? 'latest' : `v${version.major}.${version.minor}`;
}

/** `level:version`, the form PSA prints in denials, warnings and audit annotations. */
export function formatLevelVersion(policy: PsaLevelVersion): string {
  return `${policy.level}:${formatPsaVersion(policy.version)}`;
}

export function sameLevelVersion(a: PsaLevelVersion, b: PsaLevelVersion): boolean {
  return a.level === b.level && formatPsaVersion(a.version) === formatPsaVersion(b.version);
}
