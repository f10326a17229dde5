/**
 * The `validate.podSecurity` subrule (https://kyverno.io/docs/writing-policies/validate/#pod-security):
 * applies a Pod Security Standards level at a version to the pod (or the pod template of a controller),
 * minus `exclude[]` entries. As in Kyverno, an exclusion is evaluated on a stand-in pod — the pod with a single
 * bare container for `controlName` alone, only the containers whose image matches for `images[]` — and each
 * field error it raises (limited to `restrictedField` and to bad values within `values`) cancels one
 * matching field error of the real pod (same field; same container for image exclusions).
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

/** The pod an exclusion is evaluated on: the pod with one bare container, or only the containers whose image matches. */
function exclusionPod(exclusion: Exclusion, meta: JsonObject, spec: JsonObject): { meta: JsonObject; spec: JsonObject } {
  if (exclusion.images.length === 0) {
    const { initContainers: _i, ephemeralContainers: _e, ...podLevel } = spec;
    return { meta, spec: { ...podLevel, containers: [{ name: 'fake' }] } };
  }
  const matching = (group: string): JsonObject[] =>
    asArray(spec[group]).filter((c): c is JsonObject => isObject(c) && anyWildcardMatch(exclusion.images, asString(c['image']) ?? ''));
  return { meta: {}, spec: { containers: matching('containers'), initContainers: matching('initContainers'), ephemeralContainers: matching('ephemeralContainers') } };
}

function badValues(site: Site): string[] {
  return site.values.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v) => v !== '' && v !== null && v !== undefined).map(goSprint);
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
  const versionText = version === LATEST ? 'latest' : `v${version[0]}.${version[1]}`;
  if (levelText === 'privileged') return { status: 'pass', message: `Validation rule '${ruleName}' passed.` };
  const level: Level = levelText;
  const checks = CHECKS.filter((c) => level === 'restricted' || c.level === 'baseline');
  const violations = new Map<string, Site[]>();
  for (const check of checks) {
    const sites = versionsToRun(check.since, version).flatMap((at) => check.sites(pod.meta, pod.spec, at));
    const unique = sites.filter((site, i) => sites.findIndex((o) => o.field === site.field && o.detail === site.detail) === i);
    if (unique.length > 0) violations.set(check.id, unique);
  }
  for (const exclusion of parseExclusions([...asArray(ps['exclude']), ...extraExclusions])) {
    const target = exclusionPod(exclusion, pod.meta, pod.spec);
    const containerLevel = exclusion.images.length > 0;
    for (const check of checks) {
      const remaining = violations.get(check.id);
      if (!exclusion.checkIds.includes(check.id) || remaining === undefined) continue;
      for (const at of versionsToRun(check.since, version)) {
        for (const excused of check.sites(target.meta, target.spec, at)) {
          if (exclusion.restrictedField !== undefined && exclusion.restrictedField.replace(/\d+/g, '*') !== excused.field) continue;
          const allowed = exclusion.values;
          if (allowed !== undefined && !badValues(excused).every((v) => anyWildcardMatch(allowed, v))) continue;
          const i = remaining.findIndex((site) => site.field === excused.field && (!containerLevel || !excused.container || site.container?.name === excused.container.name));
          if (i !== -1) remaining.splice(i, 1);
        }
      }
      if (remaining.length === 0) violations.delete(check.id);
    }
  }
  if (violations.size === 0) return { status: 'pass', message: `Validation rule '${ruleName}' passed.` };
  const reasons = checks
    .filter((c) => violations.has(c.id))
    .map((c) => `({Allowed:false ForbiddenReason:${c.reason} ForbiddenDetail:${(violations.get(c.id) ?? []).map((s) => s.detail).join(', ')}})`);
  return { status: 'fail', message: `Validation rule '${ruleName}' failed. It violates PodSecurity "${levelText}:${versionText}": ${reasons.join('\n')}` };
}
