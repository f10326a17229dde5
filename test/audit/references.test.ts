import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/corpora.js';
import { audit, tmpTree } from './harness.js';

/** `secpol audit` on a cluster dump: a binding's role is looked up among the audited manifests (semantics §3.1). */
const policy = 'policies/rbac/bound-role-privileges/policy.secpol';
const samples = join(projectRoot, 'policies/rbac/bound-role-privileges/samples');
const read = (f: string) => readFileSync(join(samples, f), 'utf8');

describe('audit with references', () => {
  for (const target of ['ir', 'kyverno', 'gatekeeper'] as const) {
    it(`${target}: a binding is judged by the role among the manifests, and a binding to a role not in them passes`, async () => {
      const dir = tmpTree({ 'cluster.yaml': [read('inventory.yaml'), read('deny-secret-reader.yaml'), read('allow-pod-reader.yaml')].join('\n---\n'), 'alone.yaml': read('deny-secret-reader.yaml') });
      const withRoles = await audit({ manifests: [join(dir, 'cluster.yaml')], target, format: 'json' }, [policy]);
      expect(withRoles.stdout).toContain('deny-secret-reader');
      expect(withRoles.stdout).toContain('which reads Secrets');
      expect(withRoles.stdout).not.toContain('"allow-pod-reader"');
      const alone = await audit({ manifests: [join(dir, 'alone.yaml')], target, format: 'json' }, [policy]);
      expect(alone.stdout).not.toContain('which reads Secrets');
    });
  }
});
