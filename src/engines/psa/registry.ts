import { checkDefinitions, type CheckDefinition, type CheckRevision } from './checks/index.js';
import type { PsaLevel, PsaVersion } from './version.js';

/**
 * The versioned check table, resolved the way upstream's registry does (policy/registry.go):
 * - a check runs at v1.N with its newest revision whose minimum version is <= v1.N; a check with no
 *   such revision does not exist yet at v1.N and does not run;
 * - `latest`, and any version newer than the newest revision of any check, mean that newest version;
 * - restricted runs every baseline check too, except those replaced by an in-force restricted revision;
 * - order is baseline ids sorted, then restricted ids sorted, which fixes the order of messages.
 */
export interface ResolvedCheck {
  readonly id: string;
  readonly revision: CheckRevision;
}

/** The newest minor any check revision starts at: the version `latest` evaluates as. */
export const latestMinor: number = Math.max(
  ...checkDefinitions.flatMap((check) => check.revisions.map((revision) => revision.minMinor)),
);

function byId(a: CheckDefinition, b: CheckDefinition): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const baselineChecks = checkDefinitions.filter((check) => check.level === 'baseline').sort(byId);
const restrictedChecks = checkDefinitions.filter((check) => check.level === 'restricted').sort(byId);

function revisionAt(check: CheckDefinition, minor: number): CheckRevision | undefined {
  let found: CheckRevision | undefined;
  for (const revision of check.revisions) if (revision.minMinor <= minor) found = revision;
  return found;
}

/** The minor version a policy version is evaluated as. */
export function effectiveMinor(version: PsaVersion): number {
  return version === 'latest' ? latestMinor : Math.min(Math.max(0, version.minor), latestMinor);
}

const cache = new Map<string, readonly ResolvedCheck[]>();

export function resolveChecks(level: PsaLevel, version: PsaVersion): readonly ResolvedCheck[] {
  if (level === 'privileged') return [];
  const minor = effectiveMinor(version);
  const key = `${level}:${minor}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;

  const pick = (checks: readonly CheckDefinition[]): ResolvedCheck[] =>
    checks.flatMap((check) => {
      const revision = revisionAt(check, minor);
      return revision === undefined ? [] : [{ id: check.id, revision }];
    });
  const baseline = pick(baselineChecks);
  let resolved: readonly ResolvedCheck[] = baseline;
  // As upstream, any level that is neither privileged nor baseline is evaluated as restricted.
  if (level !== 'baseline') {
    const restricted = pick(restrictedChecks);
    const replaced = new Set(restricted.flatMap((check) => check.revision.overrides ?? []));
    resolved = [...baseline.filter((check) => !replaced.has(check.id)), ...restricted];
  }
  cache.set(key, resolved);
  return resolved;
}
