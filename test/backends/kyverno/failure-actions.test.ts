/**
 * The Kyverno backend targets Kyverno 1.17, whose admission controller resolves ONE failure action per policy:
 * the first validate rule that sets `validate.failureAction` decides whether any failing rule of the ClusterPolicy
 * blocks (kyverno#16557, fixed by PR #16558 after 1.18.0; pkg/engine/api/engineresponse.go
 * GetValidationFailureAction, pkg/utils/engine/response.go BlockRequest). A secpol policy whose pod-security lines
 * have other modes than its rules therefore cannot be one ClusterPolicy: with Enforce first, a `warn` line blocks;
 * with Audit first, an `enforce` line is silently downgraded to Audit.
 */
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { kyvernoBackend } from '../../../src/backends/kyverno/index.js';
import { evaluateResource, loadKyvernoDocuments } from '../../../src/engines/kyverno/index.js';
import { irOf } from '../../helpers/dsl.js';
import { documents } from './harness.js';

const library = (path: string): string => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

/** The rules of the emitted policy that would block `object` in real Kyverno 1.17 (collapsed failure action). */
function blockingRules(source: string, object: unknown, namespaceLabels: Record<string, string> = {}): string[] {
  const out = kyvernoBackend.emit(irOf(source));
  const loaded = loadKyvernoDocuments(documents(out.value ?? []));
  return evaluateResource(loaded.policies, object, { exceptions: loaded.exceptions, namespaceLabels })
    .filter((r) => r.status === 'fail' && r.failureAction === 'Enforce')
    .map((r) => r.rule);
}

const baseline = library('policies/pod-security/baseline/policy.secpol');
const cronJob = YAML.parse(library('policies/pod-security/baseline/samples/allow-cronjob-baseline.yaml')) as unknown;

describe('a policy mixing modes, on Kyverno 1.17', () => {
  it('compiles to one ClusterPolicy per failure action, the second named after the action', () => {
    const out = kyvernoBackend.emit(irOf(baseline));
    const policies = documents(out.value ?? []).filter((d) => (d as { kind?: string }).kind === 'ClusterPolicy') as { metadata: { name: string; annotations: Record<string, string> }; spec: { rules: { validate: { failureAction: string } }[] } }[];
    expect(policies.map((p) => p.metadata.name)).toEqual(['pss-baseline', 'pss-baseline-audit']);
    for (const p of policies) {
      expect(new Set(p.spec.rules.map((r) => r.validate.failureAction)).size, p.metadata.name).toBe(1);
      expect(p.metadata.annotations['secpol.dev/policy']).toBe('pss-baseline');
    }
  });

  // Fixed (issue 14 item 6): these failed while the backend put rules of both failure actions in one ClusterPolicy.
  it('no rule of a warn line blocks (samples/allow-cronjob-baseline.yaml is admitted by suite.yaml)', () => {
    expect(blockingRules(baseline, cronJob)).toEqual([]);
  });

  it('an enforce line after audit rules still blocks', () => {
    const source = `
policy mixed {
  mode audit
  applies to pods
  rule no-host-ipc {
    forbid spec.hostIPC = true
  }
  enforce pod-security baseline version v1.30
}`;
    const privileged = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'i', securityContext: { privileged: true } }] } };
    expect(blockingRules(source, privileged)).toEqual(['pod-security-enforce-privileged']);
  });
});
