/**
 * Behaviours of the PSA engine pinned to the PodSecurity admission plugin's source (kubernetes/kubernetes,
 * staging/src/k8s.io/pod-security-admission, read with the search tools), beyond the fixtures of
 * ../shared/corpora/psa, which only hold single pods evaluated at one level and version (issue 14 item 6).
 */
import { describe, expect, it } from 'vitest';
import { admit, policyFromNamespaceLabels } from '../../../src/engines/psa/index.js';
import { podWith } from './harness.js';

const label = (mode: string) => `pod-security.kubernetes.io/${mode}`;
const baselineV118 = { name: 'team', labels: { [label('enforce')]: 'baseline', [label('enforce-version')]: 'v1.18' } };

describe('which pod updates are evaluated (admission/admission.go isSignificantPodUpdate)', () => {
  // Before v1.19, baseline reads the seccomp alpha annotations; the pod-level one is checked for changes too.
  const withPodSeccomp = (value: string) => podWith((p) => (p.metadata['annotations'] = { 'seccomp.security.alpha.kubernetes.io/pod': value }));

  it('a change of the pod seccomp annotation is evaluated', () => {
    const result = admit({ namespace: baselineV118, object: withPodSeccomp('unconfined'), oldObject: withPodSeccomp('runtime/default'), operation: 'UPDATE' });
    expect(result.allowed).toBe(false);
    expect(result.message).toContain('seccompProfile');
  });

  it('a change of another annotation is not', () => {
    const before = withPodSeccomp('unconfined');
    const after = withPodSeccomp('unconfined');
    after.metadata['annotations']['team'] = 'x';
    expect(admit({ namespace: baselineV118, object: after, oldObject: before, operation: 'UPDATE' })).toMatchObject({ allowed: true, enforce: 'not-applicable' });
  });
});

describe('namespace labels (api/helpers.go PolicyToEvaluate, ParseLevel, ParseVersion)', () => {
  it('an invalid enforce level is restricted, an invalid audit or warn level privileged, an invalid version latest', () => {
    const policy = policyFromNamespaceLabels({
      [label('enforce')]: 'strict',
      [label('audit')]: 'strict',
      [label('warn')]: 'strict',
      [label('enforce-version')]: 'v1.025',
    });
    expect(policy.enforce.level).toBe('restricted');
    expect(policy.audit.level).toBe('privileged');
    expect(policy.warn.level).toBe('privileged');
    expect(policy.enforce.version).toBe('latest');
    expect(policy.errors).toHaveLength(4);
  });
});

describe('exemptions and the privileged short cut (ValidatePod, ValidatePodController, EvaluatePod)', () => {
  const hostPid = podWith((p) => (p.spec['hostPID'] = true));
  const restricted = { name: 'team', labels: { [label('enforce')]: 'restricted' } };

  it('namespace, then user exemptions come before the namespace policy; runtime classes at evaluation', () => {
    expect(admit({ namespace: restricted, object: hostPid, exemptions: { namespaces: ['team'] } }).allowed).toBe(true);
    expect(admit({ namespace: restricted, object: hostPid, userInfo: { username: 'ci' }, exemptions: { usernames: ['ci'] } }).allowed).toBe(true);
    const gvisor = podWith((p) => {
      p.spec['hostPID'] = true;
      p.spec['runtimeClassName'] = 'gvisor';
    });
    expect(admit({ namespace: restricted, object: gvisor, exemptions: { runtimeClasses: ['gvisor'] } }).allowed).toBe(true);
  });

  it('a controller is never enforced (EvaluatePod is called with enforce=false)', () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { metadata: {}, spec: hostPid.spec } } };
    const result = admit({ namespace: restricted, object: job });
    expect(result.allowed).toBe(true);
    expect(result.enforce).toBe('not-applicable');
  });
});
