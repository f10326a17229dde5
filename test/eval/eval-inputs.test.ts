/**
 * secpol eval on the inputs users have (issue 21 items 2, 3 and 5): synced objects (--inventory), Namespace objects
 * among the resources, who is asking (--user, --group, --roles, --cluster-roles), AdmissionReviews, and --engine vap.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

function workspace(files: Record<string, string>): (name: string) => string {
  const dir = mkdtempSync(join(tmpdir(), 'secpol-eval-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return (name) => join(dir, name);
}

interface Verdict {
  resource: { kind: string; name: string; namespace: string | null };
  policy: string;
  rule: string;
  verdict: string;
  message: string;
}

async function verdicts(...args: string[]): Promise<Verdict[]> {
  const r = await runCli('eval', ...args, '--format', 'json');
  expect([0, 1], r.stderr).toContain(r.code);
  return (JSON.parse(r.stdout) as { verdicts: Verdict[] }).verdicts;
}

const template = (name: string, rego: string) => `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: ${name.toLowerCase()}
spec:
  crd:
    spec:
      names:
        kind: ${name}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
${rego.split('\n').map((l) => `        ${l}`).join('\n')}
`;

const constraint = (kind: string, match = '') => `apiVersion: constraints.gatekeeper.sh/v1beta1
kind: ${kind}
metadata:
  name: c
spec:
  match:
    kinds:
      - apiGroups: [""]
        kinds: ["Pod", "ConfigMap"]
${match}`;

const pod = (ns = 'apps', name = 'web') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  containers:
    - name: c
      image: nginx
`;

describe('gatekeeper: --inventory and Namespace objects', () => {
  const files = workspace({
    'frozen.yaml': template('Frozen', `package frozen
violation[{"msg": msg}] {
  ns := input.review.object.metadata.namespace
  data.inventory.cluster["v1"]["Namespace"][ns].metadata.labels.frozen == "true"
  msg := sprintf("namespace %v is frozen", [ns])
}
violation[{"msg": msg}] {
  ns := input.review.object.metadata.namespace
  cm := data.inventory.namespace[ns]["v1"]["ConfigMap"]["lock"]
  msg := sprintf("locked by %v", [cm.data.owner])
}`),
    'constraint.yaml': constraint('Frozen'),
    'selected.yaml': constraint('Frozen', '    namespaceSelector:\n      matchLabels:\n        team: a\n'),
    'pod.yaml': pod(),
    'ns-frozen.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels:\n    frozen: "true"\n    team: a\n',
    'ns-b.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels:\n    team: b\n',
    'lock.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lock\n  namespace: apps\ndata:\n  owner: ops\n',
  });
  const gk = (...more: string[]) => verdicts('--engine', 'gatekeeper', '--policy', files('frozen.yaml'), files('constraint.yaml'), ...more);
  const podVerdict = (vs: Verdict[]) => vs.find((v) => v.resource.kind === 'Pod')!;

  it('reads cluster-scoped objects at data.inventory.cluster[groupVersion][kind][name]', async () => {
    expect(podVerdict(await gk('--resource', files('pod.yaml'))).verdict).toBe('pass');
    const v = podVerdict(await gk('--resource', files('pod.yaml'), '--inventory', files('ns-frozen.yaml')));
    expect([v.verdict, v.message]).toEqual(['fail', 'namespace apps is frozen']);
  });

  it('reads namespaced objects at data.inventory.namespace[ns][groupVersion][kind][name]', async () => {
    const v = podVerdict(await gk('--resource', files('pod.yaml'), '--inventory', files('lock.yaml')));
    expect([v.verdict, v.message]).toEqual(['fail', 'locked by ops']);
  });

  it('syncs the Namespace objects given among the resources, and not the other resources', async () => {
    expect(podVerdict(await gk('--resource', files('pod.yaml'), files('ns-frozen.yaml'))).verdict).toBe('fail');
    // The ConfigMap is reviewed, not synced: only --inventory is.
    expect(podVerdict(await gk('--resource', files('pod.yaml'), files('lock.yaml'))).verdict).toBe('pass');
  });

  it('a Namespace object among the resources serves namespaceSelector', async () => {
    const sel = (ns: string) => verdicts('--engine', 'gatekeeper', '--policy', files('frozen.yaml'), files('selected.yaml'), '--resource', files('pod.yaml'), files(ns));
    expect(podVerdict(await sel('ns-frozen.yaml')).verdict).toBe('fail');
    expect(podVerdict(await sel('ns-b.yaml')).verdict).toBe('skip');
  });

  it('--inventory is for gatekeeper and kyverno only', async () => {
    const r = await runCli('eval', '--engine', 'vap', '--policy', files('frozen.yaml'), '--resource', files('pod.yaml'), '--inventory', files('lock.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--inventory is for --engine gatekeeper (data.inventory) and kyverno');
  });
});

const kyvernoPolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: who
spec:
  validationFailureAction: Enforce
  background: false
  rules:
    - name: no-mallory
      match:
        any:
          - resources:
              kinds: [Pod]
      exclude:
        any:
          - clusterRoles: [cluster-admin]
      validate:
        # Kyverno 1.13+ skips an Enforce rule on an UPDATE whose old object fails it too (allowExistingViolations,
        # default true), and a rule on the user fails the old object as well: false keeps it judging updates.
        allowExistingViolations: false
        message: "{{request.userInfo.username}} may not"
        deny:
          conditions:
            any:
              - key: "{{request.userInfo.username}}"
                operator: Equals
                value: mallory
    - name: no-image-change
      match:
        any:
          - resources:
              kinds: [Pod]
      preconditions:
        all:
          - key: "{{request.operation}}"
            operator: Equals
            value: UPDATE
      validate:
        message: "image changed"
        deny:
          conditions:
            any:
              - key: "{{request.object.spec.containers[0].image}}"
                operator: NotEquals
                value: "{{request.oldObject.spec.containers[0].image}}"
`;

const review = (operation: string, user: string, oldImage: string) => `apiVersion: admission.k8s.io/v1
kind: AdmissionReview
request:
  uid: "1"
  kind: {group: "", version: v1, kind: Pod}
  resource: {group: "", version: v1, resource: pods}
  name: web
  namespace: apps
  operation: ${operation}
  userInfo:
    username: ${user}
    groups: ["system:authenticated"]
  object:
${pod().split('\n').map((l) => `    ${l}`).join('\n')}
  oldObject:
${pod().replace('image: nginx', `image: ${oldImage}`).split('\n').map((l) => `    ${l}`).join('\n')}
`;

describe('who is asking, and AdmissionReviews', () => {
  const files = workspace({
    'policy.yaml': kyvernoPolicy,
    'pod.yaml': pod(),
    'update.yaml': review('UPDATE', 'mallory', 'httpd'),
    'same.yaml': review('UPDATE', 'alice', 'nginx'),
    'gk.yaml': template('NoMallory', 'package nomallory\nviolation[{"msg": msg}] {\n  input.review.userInfo.username == "mallory"\n  g := input.review.userInfo.groups[_]\n  msg := sprintf("mallory in %v", [g])\n}'),
    'gkc.yaml': constraint('NoMallory'),
    'vap.yaml': `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: no-mallory
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
      - apiGroups: [""]
        apiVersions: ["v1"]
        operations: ["CREATE", "UPDATE"]
        resources: ["pods"]
  validations:
    - expression: "request.userInfo.username != 'mallory' || 'admins' in request.userInfo.groups"
      message: no mallory
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: no-mallory
spec:
  policyName: no-mallory
  validationActions: [Deny]
`,
  });
  const ky = (...more: string[]) => verdicts('--engine', 'kyverno', '--policy', files('policy.yaml'), ...more);
  const rule = (vs: Verdict[], name: string) => vs.find((v) => v.rule === name)?.verdict ?? 'none';

  it('kyverno: no user information by default; --user, and --cluster-roles for exclude', async () => {
    // As the Kyverno CLI without a user-info file: the request has no userInfo, so the variable does not resolve.
    const anonymous = (await ky('--resource', files('pod.yaml'))).find((v) => v.rule === 'no-mallory')!;
    expect([anonymous.verdict, anonymous.message]).toEqual(['error', expect.stringContaining('request.userInfo.username')]);
    expect(rule(await ky('--resource', files('pod.yaml'), '--user', 'alice'), 'no-mallory')).toBe('pass');
    const mallory = await ky('--resource', files('pod.yaml'), '--user', 'mallory');
    expect(rule(mallory, 'no-mallory')).toBe('fail');
    expect(mallory.find((v) => v.rule === 'no-mallory')?.message).toContain('mallory may not');
    // An excluded rule gives no result, as in Kyverno.
    expect(rule(await ky('--resource', files('pod.yaml'), '--user', 'mallory', '--cluster-roles', 'view,cluster-admin'), 'no-mallory')).toBe('none');
  });

  it('kyverno: an AdmissionReview gives the operation, oldObject and userInfo, and the verdict names the object', async () => {
    const vs = await ky('--resource', files('update.yaml'));
    expect(rule(vs, 'no-mallory')).toBe('fail');
    expect(rule(vs, 'no-image-change')).toBe('fail');
    expect(vs[0]?.resource).toMatchObject({ kind: 'Pod', name: 'web', namespace: 'apps' });
    const same = await ky('--resource', files('same.yaml'));
    expect([rule(same, 'no-mallory'), rule(same, 'no-image-change')]).toEqual(['pass', 'pass']);
    // A bare object is a CREATE: the UPDATE-only rule does not apply.
    expect(rule(await ky('--resource', files('pod.yaml')), 'no-image-change')).toBe('skip');
  });

  it('a YAML file after --group is a resource, not a group', async () => {
    const vs = await verdicts('--engine', 'kyverno', '--policy', files('policy.yaml'), '--user', 'mallory', '--group', 'dev', files('pod.yaml'));
    expect(vs.find((v) => v.rule === 'no-mallory')).toMatchObject({ verdict: 'fail', resource: { name: 'web' } });
  });

  it('gatekeeper: --user and --group fill input.review.userInfo; an AdmissionReview brings its own', async () => {
    const gk = (...more: string[]) => verdicts('--engine', 'gatekeeper', '--policy', files('gk.yaml'), files('gkc.yaml'), ...more);
    expect((await gk('--resource', files('pod.yaml')))[0]?.verdict).toBe('pass');
    const v = (await gk('--resource', files('pod.yaml'), '--user', 'mallory', '--group', 'dev', 'ops'))[0]!;
    expect([v.verdict, v.message]).toEqual(['fail', 'mallory in dev; mallory in ops']);
    expect((await gk('--resource', files('update.yaml')))[0]?.message).toBe('mallory in system:authenticated');
  });

  it('vap: request.userInfo from --user/--group or the AdmissionReview', async () => {
    const vap = (...more: string[]) => verdicts('--engine', 'vap', '--policy', files('vap.yaml'), ...more);
    expect((await vap('--resource', files('pod.yaml')))[0]?.verdict).toBe('pass');
    expect((await vap('--resource', files('pod.yaml'), '--user', 'mallory'))[0]?.verdict).toBe('fail');
    expect((await vap('--resource', files('pod.yaml'), '--user', 'mallory', '--group', 'admins'))[0]?.verdict).toBe('pass');
    expect((await vap('--resource', files('update.yaml')))[0]).toMatchObject({ verdict: 'fail', message: 'no mallory', resource: { kind: 'Pod', name: 'web' } });
  });

  it('roles are Kyverno\'s; psa and netpol take no user', async () => {
    for (const [engine, flag] of [['gatekeeper', '--roles'], ['vap', '--cluster-roles'], ['psa', '--user'], ['netpol', '--group']] as const) {
      const r = await runCli('eval', '--engine', engine, '--policy', files('gk.yaml'), '--resource', files('pod.yaml'), flag, 'x');
      expect(r.code, `${engine} ${flag}`).toBe(2);
    }
  });

  it('a DELETE review is judged on its oldObject, named by it', async () => {
    const del = files('update.yaml').replace('update.yaml', 'delete.yaml');
    writeFileSync(del, `apiVersion: admission.k8s.io/v1
kind: AdmissionReview
request:
  operation: DELETE
  namespace: apps
  name: web
  userInfo: {username: mallory}
  oldObject:
${pod().split('\n').map((l) => `    ${l}`).join('\n')}
`);
    const vs = await verdicts('--engine', 'kyverno', '--policy', files('policy.yaml'), '--resource', del);
    expect(vs.find((v) => v.rule === 'no-mallory')).toMatchObject({ verdict: 'fail', resource: { kind: 'Pod', name: 'web', namespace: 'apps' } });
  });

  it('vap: policies without a binding check nothing, an SP0030 error at the document', async () => {
    const alone = files('vap.yaml').replace('vap.yaml', 'alone.yaml');
    writeFileSync(alone, readFileSync(files('vap.yaml'), 'utf8').split('---')[0]!);
    const r = await runCli('eval', '--engine', 'vap', '--policy', alone, '--resource', files('pod.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/alone\.yaml:1:1: error SP0030: no ValidatingAdmissionPolicyBinding binds the policies given/);
  });
});
