/**
 * `secpol eval --engine kyverno-cel`: a hand-written Kyverno ValidatingPolicy and PolicyException (not secpol's
 * output), and secpol's own kyverno-cel output on a library sample, through the CLI entry point.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { projectRoot } from '../helpers/corpora.js';

const policy = `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata:
  name: no-privileged
spec:
  validationActions: [Deny]
  matchConstraints:
    resourceRules:
      - apiGroups: [""]
        apiVersions: [v1]
        operations: [CREATE, UPDATE]
        resources: [pods]
  validations:
    - expression: "object.spec.containers.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || c.securityContext.privileged == false)"
      message: privileged containers are not allowed
---
apiVersion: policies.kyverno.io/v1
kind: PolicyException
metadata:
  name: allow-ops
  namespace: kyverno
spec:
  policyRefs:
    - name: no-privileged
      kind: ValidatingPolicy
  matchConditions:
    - name: ops
      expression: "request.namespace == 'ops'"
`;

const pod = (name: string, namespace: string, privileged: boolean) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  containers: [{name: c, image: nginx${privileged ? ', securityContext: {privileged: true}' : ''}}]
`;

describe('secpol eval --engine kyverno-cel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'secpol-eval-kcel-'));
  writeFileSync(join(dir, 'vpol.yaml'), policy);
  writeFileSync(join(dir, 'pods.yaml'), [pod('bad', 'apps', true), pod('good', 'apps', false), pod('tool', 'ops', true)].join('---\n'));

  it('judges each resource with the policy, and a PolicyException skips it where its matchConditions hold', async () => {
    const r = await runCli('eval', '--engine', 'kyverno-cel', '--policy', join(dir, 'vpol.yaml'), '--resource', join(dir, 'pods.yaml'), '--format', 'json');
    expect(r.code, r.stderr).toBe(1);
    const verdicts = (JSON.parse(r.stdout) as { verdicts: { resource: { name: string }; verdict: string; message: string }[] }).verdicts;
    expect(verdicts.map((v) => [v.resource.name, v.verdict])).toEqual([['bad', 'fail'], ['good', 'pass'], ['tool', 'skip']]);
    expect(verdicts[0]!.message).toBe('privileged containers are not allowed');
  });

  it('refuses artifacts that check nothing (SP0030), e.g. a ClusterPolicy given to the CEL engine', async () => {
    const r = await runCli('eval', '--engine', 'kyverno-cel', '--policy', join(projectRoot, 'test/golden/kyverno/workload--privileged.yaml'), '--resource', join(dir, 'pods.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/SP0030: no Kyverno ValidatingPolicy/);
  });

  it('runs secpol\'s own kyverno-cel output on the library samples as the policy expects', async () => {
    const compiled = await runCli('compile', join(projectRoot, 'policies/workload/privileged'), '--target', 'kyverno-cel', '--today', '2026-11-23');
    expect(compiled.code, compiled.stderr).toBe(0);
    writeFileSync(join(dir, 'privileged.yaml'), compiled.stdout);
    const samples = join(projectRoot, 'policies/workload/privileged/samples');
    const deny = await runCli('eval', '--engine', 'kyverno-cel', '--policy', join(dir, 'privileged.yaml'), '--resource', join(samples, 'deny-privileged.yaml'));
    expect(deny.code, deny.stdout + deny.stderr).toBe(1);
    const allow = await runCli('eval', '--engine', 'kyverno-cel', '--policy', join(dir, 'privileged.yaml'), '--resource', join(samples, 'allow-privileged-false.yaml'));
    expect(allow.code, allow.stdout + allow.stderr).toBe(0);
  });
});
