import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/corpora.js';
import { runCli } from '../helpers/cli.js';

/** `secpol explain` on field-relative comparisons: the deciding field, the bound it is compared with, the other value. */
const policy = join(projectRoot, 'policies/workload/resource-ratios/policy.secpol');
const samples = join(projectRoot, 'policies/workload/resource-ratios/samples');

describe('explain field-relative comparisons', () => {
  it('names the field, the bound and the other field\'s value; the engines agree', async () => {
    const r = await runCli('explain', policy, '--resource', join(samples, 'deny-cpu-over-ratio.yaml'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('spec.containers[0].resources.limits.cpu = "1001m"  (test: <= 4 * resources.requests.cpu)');
    expect(r.stdout).toContain('note: resources.requests.cpu is "250m"');
    expect(r.stdout).toContain('every engine agrees');
  });

  it('an autoscaler at the boundary fails with its offset shown', async () => {
    const r = await runCli('explain', policy, '--resource', join(samples, 'deny-autoscaler-no-spread.yaml'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('(test: >= spec.minReplicas + 1)');
    expect(r.stdout).toMatch(/FAIL resource-ratios\/replica-spread/);
  });
});
