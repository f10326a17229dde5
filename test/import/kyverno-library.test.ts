/**
 * Constructs of the wider kyverno/policies library (pod-security/restricted, best-practices) the Kyverno importer
 * reads exactly, each in a small policy of our own, proven by `--verify` against the original in the Kyverno engine,
 * with a wrong translation that verify catches.
 */
import { describe, expect, it } from 'vitest';
import { importPolicies } from '../../src/import/index.js';
import { buildChecked, importArtifacts } from '../../src/import/import.js';
import { proveOnce } from '../../src/import/verify.js';

const today = '2026-06-01';
const proof = { runs: 200, seed: 1 };

async function imported(text: string) {
  const r = await importPolicies([{ path: 'p.yaml', text }], { today, verify: proof });
  return { rules: r.value!.rules, text: r.value!.files.map((f) => f.text).join('\n'), codes: r.diagnostics.map((d) => d.code) };
}

/** Verify's verdict on the imported policy with its rules' lines rewritten by `edit`. */
async function proveEdited(text: string, edit: (lines: readonly string[]) => string[]) {
  const file = importArtifacts([{ path: 'p.yaml', text }], { today }).value!.files[0]!;
  const wrong = buildChecked({ ...file.policy, rules: file.policy.rules.map((r) => ({ ...r, lines: edit(r.lines) })) }, { today });
  return proveOnce(wrong.policy, wrong.set!.policies[0]!, proof);
}

const quantityGlob = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: cpu-limits
spec:
  validationFailureAction: Enforce
  rules:
    - name: whole-cores
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: set a CPU limit in whole cores
        pattern:
          spec:
            containers:
              - resources:
                  limits:
                    cpu: "?* & !*m"
            =(initContainers):
              - resources:
                  limits:
                    memory: "?*"
`;

const twoVersions = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: owner-label
spec:
  validationFailureAction: Audit
  rules:
    - name: workloads-name-an-owner
      match:
        any:
          - resources:
              kinds: [Deployment, Job, StatefulSet]
      validate:
        message: workloads need an owner label
        pattern:
          metadata:
            labels:
              owner: "?*"
`;

/** Only secret and configMap volumes; `deleteGuard` adds the precondition that keeps DELETE requests out. */
const volumeKeys = (values: string, deleteGuard = true) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: volume-sources
spec:
  validationFailureAction: Enforce
  rules:
    - name: only-config-volumes
      match:
        any:
          - resources:
              kinds: [Pod]
${deleteGuard ? `      preconditions:
        all:
          - key: "{{ request.operation || 'BACKGROUND' }}"
            operator: NotEquals
            value: DELETE
` : ''}      validate:
        message: only secret and configMap volumes
        deny:
          conditions:
            all:
              - key: "{{ request.object.spec.volumes[].keys(@)[] || '' }}"
                operator: AnyNotIn
                value: ${values}
`;

describe('import: kyverno/policies library constructs', () => {
  it('a wildcard pattern on a quantity is `matches` on the text the API server serialises, and is proven', async () => {
    const r = await imported(quantityGlob);
    expect(r.rules.map((x) => x.status)).toEqual(['proven']);
    expect(r.text).toContain('resources.limits.cpu matches "?*" and resources.limits.cpu not matches "*m"');
    expect(r.text).toContain('every init container has resources.limits.memory matches "?*"');
  });

  it('a wrong quantity translation is caught: milli-CPU limits let through', async () => {
    const bad = await proveEdited(quantityGlob, (lines) => lines.map((l) => l.replace(' and resources.limits.cpu not matches "*m"', '')));
    expect(bad.failed?.key).toBe('whole-cores');
  });

  it('a quantity pattern without a wildcard (text equality, or compared by value) stays SP3001', async () => {
    for (const leaf of ['"500m"', '"one"']) {
      const r = await imported(quantityGlob.replace('"?* & !*m"', leaf));
      expect(r.rules[0]!.status).toBe('not-imported');
      expect(r.codes).toContain('SP3001');
    }
  });

  it('kinds of two API versions in one rule become two `applies to` lines, proven on each kind', async () => {
    const r = await imported(twoVersions);
    expect(r.rules.map((x) => x.status)).toEqual(['proven']);
    expect(r.text).toContain('    applies to "apps/v1" Deployment, StatefulSet\n    applies to "batch/v1" Job\n');
  });

  // Caught because verify also draws the kinds the original matches and no imported rule applies to (probes.ts).
  it('a translation that leaves out the Jobs is caught', async () => {
    const bad = await proveEdited(twoVersions, (lines) => lines.filter((l) => !l.includes('"batch/v1"')));
    expect(bad.failed?.key).toBe('workloads-name-an-owner');
  });

  it('the keys of every volume AnyNotIn [name, V…, \'\'] forbids a volume setting any other source, and is proven', async () => {
    const r = await imported(volumeKeys("[name, secret, configMap, '']"));
    expect(r.rules.map((x) => x.status)).toEqual(['proven']);
    expect(r.text).toMatch(/forbid any volume has \(awsElasticBlockStore exists or .*hostPath exists or .*vsphereVolume exists\)/);
    expect(r.text).not.toMatch(/secret exists|configMap exists|name exists/);
  });

  it('a translation that forgets one source (hostPath) is caught', async () => {
    const bad = await proveEdited(volumeKeys("[name, secret, configMap, '']"), (lines) => lines.map((l) => l.replace(' or hostPath exists', '')));
    expect(bad.failed?.key).toBe('only-config-volumes');
  });

  it("without '' among the values a pod without volumes fails (its key is ''): SP3001", async () => {
    const r = await imported(volumeKeys('[name, secret, configMap]'));
    expect(r.rules[0]!.status).toBe('not-imported');
    expect(r.rules[0]!.reason).toContain("without '' among the values");
  });

  it('without a DELETE precondition the original also reports DELETE requests (request.object reads the old object): SP3002', async () => {
    const r = await imported(volumeKeys("[name, secret, configMap, '']", false));
    expect(r.rules[0]!.status).toBe('not-imported');
    expect(r.codes).toContain('SP3002');
  });

  it('a set operator on a list read as is stays SP3001, naming the wildcard reading (a drop of * holds ALL)', async () => {
    const r = await imported(`apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: drop-everything
spec:
  validationFailureAction: Enforce
  rules:
    - name: drop-all
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: drop ALL
        foreach:
          - list: request.object.spec.containers
            deny:
              conditions:
                all:
                  - key: ALL
                    operator: AnyNotIn
                    value: "{{ element.securityContext.capabilities.drop || '' }}"
`);
    expect(r.rules[0]!.status).toBe('not-imported');
    expect(r.codes).toContain('SP3001');
    expect(r.rules[0]!.reason).toContain('as wildcards in both directions (an element * or A* is in [ALL])');
  });

  it('a scalar pattern on a list of integers (supplementalGroups) is SP3001, saying secpol gives the field no type', async () => {
    const r = await imported(quantityGlob.replace(/spec:\n {12}containers:[\s\S]*$/, 'spec:\n            =(securityContext):\n              =(supplementalGroups): ">0"\n'));
    expect(r.rules[0]!.status).toBe('not-imported');
    expect(r.rules[0]!.reason).toContain('on spec.securityContext.supplementalGroups, a field secpol gives no type');
  });
});
