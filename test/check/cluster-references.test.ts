/**
 * `storage class referenced by spec.storageClassName` (a reference by a name field, read at a PersistentVolumeClaim or
 * in each of a StatefulSet's volumeClaimTemplates) and `any|every|no KINDS in the cluster has …`
 * (docs/language/references.md).
 */
import { describe, expect, it } from 'vitest';
import { diagnosticsOf, dsl, irOf, rawDiagnosticsOf } from '../helpers/dsl.js';

const rule = (applies: string, body: string) => dsl`
  policy p {
    applies to ${applies}
    rule r {
      require ${body}
    }
  }
`;

describe('references by name and cluster quantifiers', () => {
  it('a PersistentVolumeClaim reads its storage class at the object, a StatefulSet in each volumeClaimTemplate', () => {
    const pvc = irOf(rule('"v1" PersistentVolumeClaim', 'any storage class referenced by spec.storageClassName has metadata.name in ["fast"]')).policies[0]!.rules[0]!.predicate;
    expect(pvc).toMatchObject({ kind: 'referenced', quantifier: 'any', reference: { kind: 'storage-class', path: ['spec', 'storageClassName'] } });
    const sts = irOf(rule('"apps/v1" StatefulSet', 'every item in spec.volumeClaimTemplates has any storage class referenced by spec.storageClassName has metadata.name exists')).policies[0]!.rules[0]!.predicate;
    expect(sts).toMatchObject({ kind: 'quantified', domain: { chains: [[['spec', 'volumeClaimTemplates']]] }, body: { kind: 'referenced', reference: { kind: 'storage-class' } } });
  });

  it('read anywhere else it is SP1009 naming where it can be read', () => {
    expect(diagnosticsOf(rule('"apps/v1" StatefulSet', 'any storage class referenced by spec.storageClassName has metadata.name exists'))).toEqual([{ code: 'SP1009', at: '4:17' }]);
    expect(rawDiagnosticsOf(rule('"apps/v1" StatefulSet', 'any storage class referenced by spec.storageClassName has metadata.name exists'))[0]!.message).toContain('StatefulSet (in `every item in spec.volumeClaimTemplates has …`)');
    expect(diagnosticsOf(rule('"v1" PersistentVolumeClaim', 'every item in spec.accessModes has any storage class referenced by spec.storageClassName has metadata.name exists'))[0]?.code).toBe('SP1003');
    expect(diagnosticsOf(rule('"apps/v1" Deployment', 'any storage class referenced by spec.storageClassName has metadata.name exists'))[0]?.code).toBe('SP1009');
  });

  it('an unknown reference name is SP1010 with a suggestion; the referring field is fixed', () => {
    expect(rawDiagnosticsOf(rule('"v1" PersistentVolumeClaim', 'any storage clas referenced by spec.storageClassName has metadata.name exists'))[0]!.hint).toContain('did you mean "storage class"?');
    expect(diagnosticsOf(rule('"v1" PersistentVolumeClaim', 'any storage class referenced by spec.volumeName has metadata.name exists'))[0]?.code).toBe('SP1010');
  });

  it('`KINDS in the cluster` quantifies over objects of those kinds, its body checked against their fields', () => {
    const p = irOf(rule('"v1" Service', 'any "storage.k8s.io/v1" StorageClass, "v1" ConfigMap in the cluster has metadata.name exists')).policies[0]!.rules[0]!.predicate;
    expect(p).toMatchObject({ kind: 'in-cluster', quantifier: 'any', among: [{ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', resource: 'storageclasses' }, { apiVersion: 'v1', kind: 'ConfigMap' }] });
    expect(diagnosticsOf(rule('"v1" Service', 'any "v1" ConfigMap in the cluster has dta.x = "y"'))[0]?.code).toBe('SP1002');
    expect(diagnosticsOf(rule('"v1" Service', 'any "v1" ConfgMap in the cluster has data.x = "y"'))[0]?.code).toBe('SP1010');
  });
});
