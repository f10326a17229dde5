/** `secpol audit --now`: manifests judged at an instant, so an audit shows what an exception's expiry changes. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit, tmpTree } from './harness.js';

const dir = tmpTree({
  'p.secpol': 'policy legacy-host-pid {\n  applies to pods\n  rule no-host-pid {\n    forbid spec.hostPID = true\n  }\n  exception migration {\n    namespaces "legacy"\n    reason "moving off hostPID"\n    expires 2030-06-30\n  }\n}\n',
  'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: old\n  namespace: legacy\nspec:\n  hostPID: true\n  containers:\n    - name: app\n      image: registry.example.com/app:1.0\n',
});

describe('secpol audit --now', () => {
  for (const target of ['ir', 'kyverno', 'gatekeeper'] as const) {
    it(`${target}: no finding through the expiry date, a finding from the next midnight UTC`, async () => {
      const within = await audit({ manifests: [join(dir, 'pod.yaml')], target, now: '2030-06-30T23:59:59Z' }, [join(dir, 'p.secpol')]);
      expect(within.code, within.stdout + within.stderr).toBe(0);
      const after = await audit({ manifests: [join(dir, 'pod.yaml')], target, now: '2030-07-01' }, [join(dir, 'p.secpol')]);
      expect(after.code, after.stdout + after.stderr).toBe(1);
      expect(after.stdout).toContain('legacy-host-pid/no-host-pid Pod/legacy/old');
    });
  }
});
