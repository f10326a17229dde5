import { describe, expect, it } from 'vitest';
import { compileTo } from '../../src/compile.js';
import { renderDisagreement } from '../../src/verify/index.js';
import { dsl, irOf } from '../helpers/dsl.js';
import { verifyReports, type Mutation } from '../helpers/verify-artifacts.js';

/**
 * `storage class referenced by spec.storageClassName` and `KINDS in the cluster` (docs/language/references.md): verify
 * generates StorageClasses (present and missing, under the names the claims use) and other objects beside each
 * request; Gatekeeper and Kyverno must agree with the semantics, and artifacts that read the wrong object are caught.
 */
const set = irOf(dsl`
  policy storage {
    rule claim-class {
      applies to "v1" PersistentVolumeClaim
      require any storage class referenced by spec.storageClassName has metadata.name in ["fast", "standard"] and metadata.labels.tier = "gold"
    }

    rule template-classes {
      applies to "apps/v1" StatefulSet
      require any "storage.k8s.io/v1" StorageClass in the cluster has metadata.name exists and every item in spec.volumeClaimTemplates has any storage class referenced by spec.storageClassName has metadata.labels.tier = "gold"
    }

    rule no-blocked-config {
      applies to "v1" Service
      require no "v1" ConfigMap in the cluster has data.blocked = "yes"
    }
  }`);

type Target = 'kyverno' | 'gatekeeper';

const reportOf = async (target: Target, mutation?: Mutation, runs = 400) => (await verifyReports(set, target, { seed: 29, runs, ...(mutation ? { mutation } : {}) }))[0];

describe('verify on storage class references and cluster quantifiers', () => {
  for (const target of ['kyverno', 'gatekeeper'] as const) {
    it(`${target}: agrees with the semantics, every rule both violated and satisfied`, async () => {
      const report = await reportOf(target);
      expect(report?.disagreement && renderDisagreement(report.disagreement)).toBeUndefined();
      for (const rule of ['claim-class', 'template-classes', 'no-blocked-config']) {
        expect(report?.outcomes[rule]?.fail, `${rule} violated`).toBeGreaterThan(0);
        expect(report?.outcomes[rule]?.pass, `${rule} satisfied`).toBeGreaterThan(0);
      }
    });
  }

  it('vap, kyverno-cel and psa refuse them (SP2001)', async () => {
    for (const target of ['vap', 'kyverno-cel'] as const) {
      const text = (await compileTo(set, [target])).diagnostics.map((d) => `${d.code} ${d.message}`).join('\n');
      expect(text).toContain('SP2001');
      expect(text).toContain('`storage class referenced by spec.storageClassName`');
      expect(text).toContain('`no ConfigMap in the cluster has …`');
    }
  });

  const mutations: [string, Target, RegExp, string][] = [
    ['gatekeeper looks the class up by the claim\'s own name', 'gatekeeper', /name := value_at\(obj, \["spec", "storageClassName"\]\)/g, 'name := value_at(obj, ["metadata", "name"])'],
    ['gatekeeper reads ConfigMaps of the cluster scope only', 'gatekeeper', /o := data\.inventory\.namespace\[_\]\["v1"\]\["ConfigMap"\]\[_\]/g, 'o := data.inventory.namespace["none"]["v1"]["ConfigMap"][_]'],
    ['kyverno lists PersistentVolumes in place of StorageClasses', 'kyverno', /"\/apis\/storage\.k8s\.io\/v1\/storageclasses"/g, '"/api/v1/persistentvolumes"'],
    ['kyverno accepts a template without a class name', 'kyverno', /!= 'string'\]\) == `0`/g, "!= 'string'][0]) == `0`"],
  ];
  for (const [name, target, from, to] of mutations) {
    it(`catches: ${name}`, async () => {
      expect((await reportOf(target, [from, to], 1000))?.disagreement, 'a counterexample').toBeDefined();
    });
  }
});
