/**
 * gatekeeper-library NoUpdateServiceAccount (library/general/noupdateserviceaccount/template.yaml): on an UPDATE, a pod
 * controller whose pod template's serviceAccountName differs from the old object's, or that either object lacks, is
 * reported, unless the requesting user is in `allowedUsers` or one of its groups in `allowedGroups`. The service
 * account is read by the object's kind: spec.template.spec.serviceAccountName for ReplicationController, ReplicaSet,
 * Deployment, StatefulSet, DaemonSet and Job, spec.jobTemplate.spec.template.spec.serviceAccountName for CronJob.
 * Translated as one rule per path, `on update`, `exists and … is unchanged` (docs/language/changes.md); the user and
 * group exemptions have no translation yet, so only Constraints without them are imported.
 */
import { no, ok, type Translation, type YamlPathStep } from './model.js';
import type { SplitRule } from './gatekeeper-storage.js';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);

/** The kinds the template reads a template's service account from, with the apiVersion secpol applies to. */
const templated: Readonly<Record<string, { group: string; apiVersion: string }>> = {
  ReplicationController: { group: '', apiVersion: 'v1' },
  ReplicaSet: { group: 'apps', apiVersion: 'apps/v1' },
  Deployment: { group: 'apps', apiVersion: 'apps/v1' },
  StatefulSet: { group: 'apps', apiVersion: 'apps/v1' },
  DaemonSet: { group: 'apps', apiVersion: 'apps/v1' },
  Job: { group: 'batch', apiVersion: 'batch/v1' },
};

export function translateNoUpdateServiceAccount(p: Json, match: unknown, at: YamlPathStep[], matchAt: YamlPathStep[]): Translation<SplitRule[]> {
  for (const key of ['allowedUsers', 'allowedGroups'] as const) {
    const list = p[key] === undefined ? [] : strings(p[key]);
    if (!list) return no(`parameters.${key} that is not a list of names`, [...at, key]);
    if (list.length) return no(`parameters.${key} (an exemption by the requesting user or its groups, which secpol rules do not read yet)`, [...at, key]);
  }
  const kinds = isMap(match) ? match['kinds'] : undefined;
  if (!Array.isArray(kinds) || kinds.length === 0) return no('a match without kinds (the template reads the service account of the kinds it knows only)', matchAt);
  const byVersion = new Map<string, string[]>();
  let cronJob = false;
  for (const [i, k] of kinds.entries()) {
    const groups = strings(isMap(k) ? k['apiGroups'] : undefined);
    const names = strings(isMap(k) ? k['kinds'] : undefined);
    if (!groups || !names) return no('a kinds entry without apiGroups and kinds lists', [...matchAt, 'kinds', i]);
    for (const g of groups) {
      for (const n of names) {
        const t = templated[n];
        if (t && t.group === g) (byVersion.get(t.apiVersion) ?? byVersion.set(t.apiVersion, []).get(t.apiVersion)!).push(n);
        else if (n === 'CronJob' && g === 'batch') cronJob = true;
        else return no(`the kind ${JSON.stringify(n)} in apiGroup ${JSON.stringify(g)} (a Pod's service account cannot change, and other kinds have none the template reads)`, [...matchAt, 'kinds', i]);
      }
    }
  }
  const field = (path: string) => `require ${path} exists and ${path} is unchanged`;
  const rules: SplitRule[] = [];
  if (byVersion.size) {
    const applies = [...byVersion.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([v, ks]) => `applies to "${v}" ${[...new Set(ks)].join(', ')}`);
    rules.push({ rule: 'template-service-account', applies, body: field('spec.template.spec.serviceAccountName') });
  }
  if (cronJob) rules.push({ rule: 'cronjob-service-account', applies: ['applies to "batch/v1" CronJob'], body: field('spec.jobTemplate.spec.template.spec.serviceAccountName') });
  return ok(rules);
}
