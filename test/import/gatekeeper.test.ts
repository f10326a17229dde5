/**
 * gatekeeper-library recognisers added for issue 18, each proven by --verify on the corpus sample, and each shown
 * to catch an original that behaves differently (the template's Rego edited in place, package unchanged).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { evaluateConstraint, loadTemplate, parseConstraint } from '../../src/engines/gatekeeper/index.js';
import { importPolicies } from '../../src/import/index.js';
import { evaluatePolicy } from '../../src/eval/index.js';
import { canonicalQuantity } from '../../src/ir/quantity.js';
import { corpusPath, hasCorpus } from '../helpers/corpora.js';
import { irOf } from '../helpers/dsl.js';

const options = { today: '2026-06-01', verify: { runs: 200, seed: 1 } };

function sample(dir: string, name: string) {
  const root = corpusPath('gatekeeper', 'library', 'general', dir);
  const template = join(root, 'template.yaml');
  const constraint = join(root, 'samples', name, 'constraint.yaml');
  return { template: { path: template, text: readFileSync(template, 'utf8') }, constraint: { path: constraint, text: readFileSync(constraint, 'utf8') } };
}

async function statusOf(inputs: { path: string; text: string }[]) {
  const r = await importPolicies(inputs, options);
  return { rules: r.value!.rules.map((x) => x.status), codes: r.diagnostics.map((d) => d.code) };
}

describe.skipIf(!hasCorpus('gatekeeper'))('import: gatekeeper-library recognisers', () => {
  it('K8sBlockEndpointEditDefaultRole is proven, and an original that no longer counts patch as an edit verb is caught', async () => {
    const s = sample('block-endpoint-edit-default-role', 'block-endpoint-edit-default-role');
    expect(await statusOf([s.template, s.constraint])).toEqual({ rules: ['proven'], codes: [] });
    const edited = s.template.text.replace(/hasEditVerb\(verbs\) \{\n\s*"patch" == verbs\[_\]\n\s*\}/, '');
    expect(edited).not.toBe(s.template.text);
    const r = await statusOf([{ ...s.template, text: edited }, s.constraint]);
    expect(r.rules).toEqual(['not-imported']);
    expect(r.codes).toContain('SP3002');
  }, 60_000);

  it('the quantity templates (K8sContainerLimits, Requests, EphemeralStorageLimit, Ratios) are proven on every sample', async () => {
    const samples: [string, string][] = [
      ['containerlimits', 'container-must-have-limits'],
      ['containerlimits', 'container-ignore-cpu-limits'],
      ['containerrequests', 'container-must-have-requests'],
      ['ephemeralstoragelimit', 'container-must-have-ephemeral-storage-limit'],
      ['containerresourceratios', 'container-must-meet-ratio'],
      ['containerresourceratios', 'container-must-meet-memory-and-cpu-ratio'],
    ];
    for (const [dir, name] of samples) {
      const s = sample(dir, name);
      expect(await statusOf([s.template, s.constraint]), name).toEqual({ rules: ['proven'], codes: [] });
    }
  }, 240_000);

  it('K8sContainerLimits: the template parses the quantity admission shows, and so does the translation (memory 1.5e3 is shown as 1500, 1e9 stays 1e9)', async () => {
    const s = sample('containerlimits', 'container-must-have-limits');
    const template = loadTemplate(YAML.parse(s.template.text));
    const constraint = parseConstraint(YAML.parse(s.constraint.text));
    const pod = (limits: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'd' }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { limits } }] } });
    const violations = (limits: Record<string, string>) => evaluateConstraint({ template: template as never, constraint: constraint as never, object: pod(limits), operation: 'CREATE' }).violations.map((v) => v.msg);
    // The template's own parser on the written text: 1.5e3 is unparseable, 1500 parses; 1e9 stays 1e9 and is unparseable.
    expect(violations({ cpu: '100m', memory: '1.5e3' }).join()).toMatch(/could not be parsed/);
    expect(canonicalQuantity('1.5e3')).toBe('1500');
    expect(violations({ cpu: '100m', memory: canonicalQuantity('1.5e3')! })).toEqual([]);
    expect(canonicalQuantity('1e9')).toBe('1e9');
    expect(violations({ cpu: '100m', memory: canonicalQuantity('1e9')! }).join()).toMatch(/could not be parsed/);
    // The imported policy, evaluated on the written manifest, reads it as admission will.
    const r = await importPolicies([s.template, s.constraint], { today: options.today });
    const set = irOf(r.value!.files.map((f) => f.text).join('\n'));
    const denied = (limits: Record<string, string>) => evaluatePolicy(set.policies[0]!, { object: pod(limits) }).denied;
    expect(denied({ cpu: '100m', memory: '1.5e3' })).toBe(false);
    expect(denied({ cpu: '100m', memory: '1e9' })).toBe(true);
    expect(denied({ cpu: '100m', memory: '512Mi' })).toBe(false);
    expect(denied({ cpu: '300m', memory: '512Mi' })).toBe(true);
  }, 60_000);

  it('K8sContainerLimits: an original that reads another suffix as unparseable is caught', async () => {
    const s = sample('containerlimits', 'container-must-have-limits');
    const edited = s.template.text.replace(/^\s*mem_multiple\("k"\) = 1000000 \{ true \}\n/m, '');
    expect(edited).not.toBe(s.template.text);
    // 500 requests: a container whose memory is shown as 3k, with every other field of every container passing, is rare (200 do not meet it with seed 1).
    const r = await importPolicies([{ ...s.template, text: edited }, s.constraint], { ...options, verify: { runs: 500, seed: 1 } });
    expect({ rules: r.value!.rules.map((x) => x.status), codes: r.diagnostics.map((d) => d.code) }).toEqual({ rules: ['not-imported'], codes: ['SP3002'] });
  }, 120_000);

  it('VerifyDeprecatedAPI: every sample is proven (removed versions in `applies to`), and an original that ignores the version is caught', async () => {
    for (const name of ['verify-1.16', 'verify-1.22', 'verify-1.25', 'verify-1.26', 'verify-1.27', 'verify-1.29']) {
      expect(await statusOf([sample('verifydeprecatedapi', name).template, sample('verifydeprecatedapi', name).constraint]), name).toEqual({ rules: ['proven'], codes: [] });
    }
    const s = sample('verifydeprecatedapi', 'verify-1.16');
    const r = await importPolicies([s.template, s.constraint], { today: options.today });
    const text = r.value!.files.map((f) => f.text).join('');
    expect(text).toContain('applies to "apps/v1beta1" Deployment, ReplicaSet, StatefulSet');
    expect(text).toContain('applies to "apps/v1" DaemonSet, Deployment, ReplicaSet, StatefulSet');
    expect(text).toContain('forbid apiVersion in ["apps/v1beta1", "apps/v1beta2", "extensions/v1beta1"]');
    // The template edited to report the listed kinds in every version: apps/v1 objects tell it apart.
    const edited = s.template.text.replace('  kvs.deprecatedAPI == input.review.object.apiVersion\n', '');
    expect(edited).not.toBe(s.template.text);
    const caught = await statusOf([{ ...s.template, text: edited }, s.constraint]);
    expect(caught).toEqual({ rules: ['not-imported'], codes: ['SP3002'] });
  }, 120_000);

  it('K8sUniqueIngressHost and K8sUniqueServiceSelector are proven (`is unique among … in the cluster`); originals that compare an object with its own stored version are caught', async () => {
    const host = sample('uniqueingresshost', 'unique-ingress-host');
    const selector = sample('uniqueserviceselector', 'unique-service-selector');
    expect(await statusOf([host.template, host.constraint])).toEqual({ rules: ['proven'], codes: [] });
    expect(await statusOf([selector.template, selector.constraint])).toEqual({ rules: ['proven'], codes: [] });
    const r = await importPolicies([host.template, host.constraint, selector.template, selector.constraint], { today: options.today });
    const text = r.value!.files.map((f) => f.text).join('');
    expect(text).toContain('require every item in spec.rules has host is unique among "networking.k8s.io/v1" Ingress, "networking.k8s.io/v1beta1" Ingress, "extensions/v1beta1" Ingress in the cluster');
    expect(text).toContain('require spec.selector is unique among "v1" Service in the cluster');
    for (const s of [host, selector]) {
      const edited = s.template.text.replace(/\n\s*not identical\(other, input\.review\)/, '');
      expect(edited).not.toBe(s.template.text);
      expect(await statusOf([{ ...s.template, text: edited }, s.constraint])).toEqual({ rules: ['not-imported'], codes: ['SP3002'] });
    }
  }, 120_000);

  it('K8sStorageClass is proven as one rule per kind (claims, StatefulSet templates), and an original that no longer reports an unsynced cluster is caught', async () => {
    for (const name of ['storageclass', 'storageclass-allowlist']) {
      const s = sample('storageclass', name);
      expect(await statusOf([s.template, s.constraint]), name).toEqual({ rules: ['proven', 'proven'], codes: [] });
    }
    const s = sample('storageclass', 'storageclass-allowlist');
    const r = await importPolicies([s.template, s.constraint], { today: options.today });
    const text = r.value!.files.map((f) => f.text).join('');
    expect(text).toContain('require any storage class referenced by spec.storageClassName has metadata.name in ["allowed-storage-class"]');
    expect(text).toContain('require any "storage.k8s.io/v1" StorageClass in the cluster has metadata.name exists and every item in spec.volumeClaimTemplates has any storage class referenced by spec.storageClassName has metadata.name in ["allowed-storage-class"]');
    const edited = s.template.text.replace(/(violation\[\{"msg": msg\}\] \{\n(\s*))not data\.inventory\.cluster\["storage\.k8s\.io\/v1"\]\["StorageClass"\]\n/, '$1false\n');
    expect(edited).not.toBe(s.template.text);
    const caught = await statusOf([{ ...s.template, text: edited }, s.constraint]);
    expect(caught.rules).toContain('not-imported');
    expect(caught.codes).toContain('SP3002');
  }, 120_000);

  it('NoUpdateServiceAccount is proven (`on update`, `exists and … is unchanged`, one rule per path), an original that ignores the old object is caught, and user exemptions stay SP3001', async () => {
    const s = sample('noupdateserviceaccount', 'noupdateserviceaccount');
    expect(await statusOf([s.template, s.constraint])).toEqual({ rules: ['proven', 'proven'], codes: [] });
    const r = await importPolicies([s.template, s.constraint], { today: options.today });
    const text = r.value!.files.map((f) => f.text).join('');
    expect(text).toContain('require spec.jobTemplate.spec.template.spec.serviceAccountName exists and spec.jobTemplate.spec.template.spec.serviceAccountName is unchanged');
    const edited = s.template.text.replace('oldKSA := get_service_account(input.review.oldObject)', 'oldKSA := get_service_account(input.review.object)');
    expect(edited).not.toBe(s.template.text);
    const caught = await statusOf([{ ...s.template, text: edited }, s.constraint]);
    expect(caught.rules).toContain('not-imported');
    expect(caught.codes).toContain('SP3002');
    const exempt = await importPolicies([s.template, { ...s.constraint, text: s.constraint.text.replace('allowedUsers: []', 'allowedUsers: ["admin"]') }], { today: options.today });
    expect(exempt.diagnostics.map((d) => `${d.code} ${d.message}`).join()).toMatch(/SP3001 .*allowedUsers.*requesting user/);
  }, 120_000);

  it('every template the language cannot express is SP3001 naming the missing construct, not "unknown template"', async () => {
    const cases: [string, string, RegExp][] = [
      ['poddisruptionbudget', 'poddisruptionbudget', /label selector.*within one object/],
    ];
    for (const [dir, name, reason] of cases) {
      const s = sample(dir, name);
      const r = await importPolicies([s.template, s.constraint], { today: options.today });
      const text = r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n');
      expect(text, dir).toMatch(/SP3001/);
      expect(text, dir).toMatch(reason);
      expect(text, dir).not.toMatch(/not one the importer knows/);
    }
  }, 60_000);
});
