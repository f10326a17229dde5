/**
 * gatekeeper-library K8sStorageClass (library/general/storageclass/template.yaml): a v1 PersistentVolumeClaim, and each
 * volumeClaimTemplate of an apps/v1 StatefulSet, must name a StorageClass that the synced inventory holds and that
 * `allowedStorageClasses` allows (absent, or holding "*": any); and every object the Constraint matches is reported
 * while no StorageClass is synced. Translated as one rule per kind (the Constraint's verdict on an object belongs to the
 * rule over its kind): `storage class referenced by spec.storageClassName` and `… StorageClass in the cluster`
 * (docs/language/references.md).
 */
import { literal } from './text.js';
import { no, ok, type Translation, type YamlPathStep } from './model.js';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);

export interface SplitRule {
  readonly rule: string;
  readonly applies: readonly string[];
  readonly body: string;
}

const CLASS = '"storage.k8s.io/v1" StorageClass';

export function translateStorageClass(p: Json, match: unknown, at: YamlPathStep[], matchAt: YamlPathStep[]): Translation<SplitRule[]> {
  const kinds = isMap(match) ? match['kinds'] : undefined;
  if (!Array.isArray(kinds) || kinds.length === 0) return no('a match without kinds: the template reports every object it matches while no StorageClass is synced, and secpol rules name their kinds', matchAt);
  let pvc = false;
  let sts = false;
  for (const [i, k] of kinds.entries()) {
    const groups = strings(isMap(k) ? k['apiGroups'] : undefined);
    const names = strings(isMap(k) ? k['kinds'] : undefined);
    if (!groups || !names) return no('a kinds entry without apiGroups and kinds lists', [...matchAt, 'kinds', i]);
    for (const g of groups) {
      for (const n of names) {
        if (g === '' && n === 'PersistentVolumeClaim') pvc = true;
        else if (g === 'apps' && n === 'StatefulSet') sts = true;
        else return no(`the kind ${JSON.stringify(n)} in apiGroup ${JSON.stringify(g)}: the template reports it whenever no StorageClass is synced, a rule secpol translates only for PersistentVolumeClaims and StatefulSets`, [...matchAt, 'kinds', i]);
      }
    }
  }
  const allowed = p['allowedStorageClasses'];
  const list = allowed === undefined ? ['*'] : strings(allowed);
  if (!list) return no('parameters.allowedStorageClasses that is not a list of names', [...at, 'allowedStorageClasses']);
  if (list.length === 0) return no('an empty allowedStorageClasses (the template then reports every claim)', [...at, 'allowedStorageClasses']);
  const test = list.includes('*') ? 'metadata.name exists' : `metadata.name in [${list.map((n) => literal(n)).join(', ')}]`;
  const rules: SplitRule[] = [];
  if (pvc) rules.push({ rule: 'claim-storage-class', applies: ['applies to "v1" PersistentVolumeClaim'], body: `require any storage class referenced by spec.storageClassName has ${test}` });
  if (sts) {
    rules.push({
      rule: 'template-storage-classes',
      applies: ['applies to "apps/v1" StatefulSet'],
      // The template also reports a StatefulSet without volumeClaimTemplates while no StorageClass is synced.
      body: `require any ${CLASS} in the cluster has metadata.name exists and every item in spec.volumeClaimTemplates has any storage class referenced by spec.storageClassName has ${test}`,
    });
  }
  return ok(rules);
}
