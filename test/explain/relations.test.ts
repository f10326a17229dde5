import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/** `secpol explain` on field-relative comparisons: the deciding field, the bound it is compared with, the other value. */
const dir = mkdtempSync(join(tmpdir(), 'secpol-relations-'));
const policy = join(dir, 'policy.secpol');
writeFileSync(
  policy,
  `policy resource-ratios {
  applies to pods

  rule cpu-limit-ratio {
    require every app container has resources.limits.cpu <= 4 * resources.requests.cpu
  }

  rule replica-spread {
    applies to "autoscaling/v2" HorizontalPodAutoscaler
    require spec.maxReplicas >= spec.minReplicas + 1
  }
}
`,
);
const pod = join(dir, 'pod.yaml');
writeFileSync(
  pod,
  `apiVersion: v1
kind: Pod
metadata:
  name: reports
  namespace: shop
spec:
  containers:
    - name: reports
      image: registry.example.com/shop/reports:0.3.0
      resources:
        requests:
          cpu: 250m
        limits:
          cpu: 1001m
`,
);
const hpa = join(dir, 'hpa.yaml');
writeFileSync(
  hpa,
  `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: catalog
  namespace: shop
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: catalog
  minReplicas: 3
  maxReplicas: 3
`,
);

describe('explain field-relative comparisons', () => {
  it("names the field, the bound and the other field's value; the engines agree", async () => {
    const r = await runCli('explain', policy, '--resource', pod);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('spec.containers[0].resources.limits.cpu = "1001m"  (test: <= 4 * resources.requests.cpu)');
    expect(r.stdout).toContain('note: resources.requests.cpu is "250m"');
    expect(r.stdout).toContain('every engine agrees');
  });

  it('an autoscaler at the boundary fails with its offset shown', async () => {
    const r = await runCli('explain', policy, '--resource', hpa);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('(test: >= spec.minReplicas + 1)');
    expect(r.stdout).toMatch(/FAIL resource-ratios\/replica-spread/);
  });
});
