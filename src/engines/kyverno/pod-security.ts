/**
 * The `validate.podSecurity` subrule (https://kyverno.io/docs/writing-policies/validate/#pod-security):
 * applies a Pod Security Standards level at a version to the pod (or the pod template of a controller),
 * minus `exclude[]` entries: `controlName` alone exempts the control's pod-level fields, with `images[]` its
 * fields in containers running a matching image, and `restrictedField` + `values` only those values there.
 */
import { asArray, asString, isObject, type JsonObject, stringList } from './types.js';
import { anyWildcardMatch } from './wildcard.js';
import { CHECKS, CONTROL_CHECKS, type Level, type Site, type Version } from './pod-security-checks.js';
import { goSprint } from './quantity.js';

export interface PodSecurityOutcome {
  readonly status: 'pass' | 'fail' | 'error';
  readonly message: string;
}

interface Exclusion {
  readonly checkIds: readonly string[];
  readonly images: readonly string[];
  readonly restrictedField: string | undefined;
  readonly values: readonly string[] | undefined;
}

const LATEST: Version = [Number.POSITIVE_INFINITY, 0];
const CONTROLLERS = new Set(['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

function parseVersion(text: unknown): Version | undefined {
  if (text === undefined || text === null || text === '' || text === 'latest') return LATEST;
  const m = typeof text === 'string' ? /^v(\d+)\.(\d+)$/.exec(text) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** The pod metadata and spec Kyverno checks; for CronJobs the job template's metadata, as Kyverno reads it. */
function podOf(resource: JsonObject): { meta: JsonObject; spec: JsonObject } | undefined {
  const obj = (v: unknown): JsonObject => (isObject(v) ? v : {});
  const kind = resource['kind'];
  const spec = obj(resource['spec']);
  if (kind === 'Pod') return { meta: obj(resource['metadata']), spec };
  if (typeof kind === 'string' && CONTROLLERS.has(kind)) {
    const template = obj(spec['template']);
    return { meta: obj(template['metadata']), spec: obj(template['spec']) };
  }
  if (kind === 'CronJob') {
    const jobTemplate = obj(spec['jobTemplate']);
    return { meta: obj(jobTemplate['metadata']), spec: obj(obj(obj(jobTemplate['spec'])['template'])['spec']) };
  }
  return undefined;
}

function parseExclusions(raw: readonly unknown[]): Exclusion[] {
  return raw.filter(isObject).map((e) => ({
    checkIds: CONTROL_CHECKS[asString(e['controlName']) ?? ''] ?? [],
    images: stringList(e['images']),
    restrictedField: asString(e['restrictedField']),
    values: Array.isArray(e['values']) ? e['values'].map(goSprint) : undefined,
  }));
}

function exempts(exclusion: Exclusion, checkId: string, site: Site): boolean {
  if (!exclusion.checkIds.includes(checkId)) return false;
  if (exclusion.images.length > 0) {
    if (!site.container || !anyWildcardMatch(exclusion.images, site.container.image)) return false;
  } else if (site.container && !site.podAlternative) return false;
  if (exclusion.restrictedField !== undefined) {
    if (exclusion.restrictedField.replace(/\[\d+\]/g, '[*]') !== site.field) return false;
    const allowed = exclusion.values;
    if (allowed !== undefined && !site.values.every((v) => allowed.includes(goSprint(v)))) return false;
  }
  return true;
}

/**
 * The variants of a check that run: the newest for `latest`; for a pinned version, as Kyverno does, every
 * variant introduced at or before it (each identified by its minimum version), so the strictest one decides.
 */
function versionsToRun(since: readonly Version[], version: Version): Version[] {
  if (version === LATEST) return [LATEST];
  return since.filter((min) => min[0] < version[0] || (min[0] === version[0] && min[1] <= version[1]));
}

export function evaluatePodSecurity(ruleName: string, podSecurity: unknown, resource: JsonObject, extraExclusions: readonly unknown[]): PodSecurityOutcome {
  const ps = isObject(podSecurity) ? podSecurity : {};
  const levelText = ps['level'];
  if (levelText !== 'baseline' && levelText !== 'restricted' && levelText !== 'privileged') {
    return { status: 'error', message: `invalid pod security level ${JSON.stringify(levelText ?? null)}` };
  }
  const version = parseVersion(ps['version']);
  if (version === undefined) return { status: 'error', message: 'failed to parse pod security api version' };
  const pod = podOf(resource);
  if (pod === undefined) return { status: 'error', message: 'Error while getting new resource: Could not find correct resource type' };
  const exclusions = parseExclusions([...asArray(ps['exclude']), ...extraExclusions]);
  const failures: string[] = [];
  if (levelText !== 'privileged') {
    const level: Level = levelText;
    for (const check of CHECKS) {
      if (level === 'baseline' && check.level !== 'baseline') continue;
      const details = new Set<string>();
      for (const at of versionsToRun(check.since, version)) {
        for (const site of check.sites(pod.meta, pod.spec, at)) {
          if (!exclusions.some((e) => exempts(e, check.id, site))) details.add(site.detail);
        }
      }
      if (details.size > 0) failures.push(`({Allowed:false ForbiddenReason:${check.reason} ForbiddenDetail:${[...details].join(', ')}})`);
    }
  }
  const versionText = version === LATEST ? 'latest' : `v${version[0]}.${version[1]}`;
  if (failures.length === 0) return { status: 'pass', message: `Validation rule '${ruleName}' passed.` };
  return { status: 'fail', message: `Validation rule '${ruleName}' failed. It violates PodSecurity "${levelText}:${versionText}": ${failures.join('\n')}` };
}
