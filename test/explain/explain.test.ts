import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainCommand } from '../../src/cli/commands/explain.js';
import { renderExplanation, type ResourceExplanation } from '../../src/explain/index.js';
import { projectRoot } from '../helpers/corpora.js';

async function explain(values: Record<string, string>, ...positionals: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await explainCommand({ stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }).run({ today: '2026-11-23', ...values }, positionals);
  return { code, stdout, stderr };
}

function resource(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'secpol-explain-'));
  writeFileSync(join(dir, 'r.yaml'), text);
  return join(dir, 'r.yaml');
}

const privileged = join(projectRoot, 'policies/workload/privileged');
const deployment = (ns: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.25
          securityContext:
            privileged: true
`;

describe('secpol explain', () => {
  it('says per object whether the engines agree, and sums up several objects', async () => {
    const r = await explain({ resource: resource(`${deployment('shop')}---\n${deployment('web')}`) }, privileged);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Deployment web: every engine agrees with the policy semantics');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('every engine agrees with the policy semantics on all 2 objects');
    const disagreeing = { resource: { kind: 'Pod', name: 'p', namespace: null }, podView: false, rules: [], excluded: [], agree: false } as unknown as ResourceExplanation;
    expect(renderExplanation(disagreeing, 'x.yaml:1')).toContain('Pod p: ENGINES DISAGREE with the policy semantics');
  });

  it('names the deciding field in the object as written, the container, the rule line, and all engines agree', async () => {
    const r = await explain({ resource: resource(deployment('shop')) }, privileged);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('FAIL privileged/no-privileged');
    expect(r.stdout).toMatch(/policy\.secpol:12/);
    expect(r.stdout).toContain('forbid any container has securityContext.privileged = true');
    expect(r.stdout).toContain('spec.template.spec.containers[0].securityContext.privileged = true  (test: = true)');
    expect(r.stdout).toContain('container "app"');
    expect(r.stdout).toContain('kyverno fail, gatekeeper fail, gatekeeper-audit fail, vap fail, kyverno-cel fail (all agree)');
  });

  it('json: the documented shape', async () => {
    const r = await explain({ resource: resource(deployment('shop')), format: 'json' }, privileged);
    const json = JSON.parse(r.stdout) as { resources: Record<string, unknown>[] };
    const [res] = json.resources;
    expect(res).toMatchObject({ resource: { kind: 'Deployment', name: 'web', namespace: 'shop' }, podView: true, agree: true });
    const rule = (res!['rules'] as Record<string, unknown>[])[0];
    expect(rule).toMatchObject({
      policy: 'privileged',
      rule: 'no-privileged',
      verdict: 'fail',
      source: 'rule no-privileged {',
      why: {
        of: 'predicate',
        effect: 'forbid',
        result: true,
        elements: [{ quantifier: 'any', domain: 'container', path: 'spec.template.spec.containers[0]', name: 'app' }],
        tests: [{ path: 'spec.template.spec.containers[0].securityContext.privileged', value: true, test: '= true', result: true }],
      },
      engines: [
        { backend: 'kyverno', verdict: 'fail', agrees: true },
        { backend: 'gatekeeper', verdict: 'fail', agrees: true },
        { backend: 'gatekeeper-audit', verdict: 'fail', agrees: true },
        { backend: 'vap', verdict: 'fail', agrees: true },
        { backend: 'kyverno-cel', verdict: 'fail', agrees: true },
      ],
      agree: true,
    });
  });

  it('says why a rule is skipped: excluded namespace, wrong kind, when false', async () => {
    const ks = await explain({ resource: resource(deployment('kube-system')), format: 'json' }, privileged);
    const rule = (JSON.parse(ks.stdout) as { resources: { rules: Record<string, unknown>[] }[] }).resources[0]!.rules[0];
    expect(rule).toMatchObject({ verdict: 'skip', skipped: { reason: 'not-in-scope', detail: expect.stringContaining('kube-system is excluded') } });
    const cm = await explain({ resource: resource('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\n') }, privileged);
    expect(cm.stdout).toContain('skipped: not-in-scope: v1 ConfigMap is not among the subjects');
    const dir = mkdtempSync(join(tmpdir(), 'secpol-explain-'));
    writeFileSync(join(dir, 'p.secpol'), 'policy p {\n  applies to pods\n  exception legacy {\n    reason "old app"\n    namespaces "legacy"\n    rules r\n  }\n  rule r {\n    forbid spec.hostPID = true\n  }\n  rule w {\n    forbid spec.hostIPC = true when spec.hostNetwork = true\n  }\n}\n');
    const pod = (ns: string) => resource(`apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ${ns}}\nspec:\n  hostPID: true\n  containers: [{name: c, image: x}]\n`);
    const legacy = await explain({ resource: pod('legacy') }, join(dir, 'p.secpol'));
    expect(legacy.stderr).toBe('');
    expect(legacy.stdout).toContain('skipped: exempt: exempt by exception legacy');
    expect(legacy.stdout).toContain('skipped: when-false');
    expect(legacy.stdout).toContain('false  spec.hostNetwork = <missing>  (test: = true)');
    const apps = await explain({ resource: pod('apps') }, join(dir, 'p.secpol'));
    expect(apps.stdout).toContain('FAIL p/r');
    expect(apps.stdout).toContain('true   spec.hostPID = true  (test: = true)');
  });

  it('an effective field reports the path it read: the pod securityContext when the container leaves it out', async () => {
    const cron = resource(`apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: jobs}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          securityContext: {runAsUser: 500}
          containers:
            - {name: a, image: x, securityContext: {runAsUser: 2000}}
            - {name: b, image: x}
`);
    const r = await explain({ resource: cron, format: 'json' }, join(projectRoot, 'policies/workload/run-as-user'));
    const rules = (JSON.parse(r.stdout) as { resources: { rules: { rule: string; verdict: string; why?: { elements: unknown[]; tests: unknown[] } }[] }[] }).resources[0]!.rules;
    const min = rules.find((x) => x.rule === 'run-as-user-min')!;
    expect(min.verdict).toBe('fail');
    expect(min.why?.elements).toEqual([{ quantifier: 'every', domain: 'container', path: 'spec.jobTemplate.spec.template.spec.containers[1]', name: 'b' }]);
    expect(min.why?.tests).toEqual([{ path: 'spec.jobTemplate.spec.template.spec.securityContext.runAsUser', value: 500, test: '>= 1000', result: false }]);
  });

  it('usage errors: no --resource, bad --format', async () => {
    await expect(explain({}, privileged)).rejects.toThrow('--resource is required');
    await expect(explain({ resource: 'x.yaml', format: 'xml' }, privileged)).rejects.toThrow('--format');
    expect((await explain({ resource: '/nonexistent/x.yaml' }, privileged)).code).toBe(2);
  });
});
