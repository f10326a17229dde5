import { describe, expect, it } from 'vitest';
import { admit, type PsaAdmissionRequest } from '../../../src/engines/psa/index.js';
import { podWith, restrictedPod } from './harness.js';

// From the PSA docs (https://kubernetes.io/docs/concepts/security/pod-security-admission/): enforce rejects
// pods; audit adds an audit annotation; warn returns a user-facing warning; workload resources are
// checked by audit and warn only; exemptions cover usernames, runtimeClassNames and namespaces.

const label = (mode: string) => `pod-security.kubernetes.io/${mode}`;
const namespace = (labels: Record<string, string>) => ({ name: 'team', labels });
const restrictedEverywhere = namespace({ [label('enforce')]: 'restricted', [label('audit')]: 'restricted', [label('warn')]: 'restricted' });

/** A pod that violates restricted but passes baseline. */
const rootPod = podWith((p) => (p.spec['securityContext'] = {}));

function deployment(template: { metadata: unknown; spec: unknown }) {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template } };
}

describe('pods', () => {
  it('denies a violating pod with the API server message', () => {
    const result = admit({ namespace: restrictedEverywhere, object: rootPod });
    expect(result.allowed).toBe(false);
    expect(result.message).toBe(
      'pods "p" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true ' +
        '(pod or containers "init", "app" must set securityContext.runAsNonRoot=true), ' +
        'seccompProfile (pod or containers "init", "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
    expect(result.warnings).toEqual([]);
    expect(result.auditAnnotations).toEqual({
      'pod-security.kubernetes.io/enforce-policy': 'restricted:latest',
      'pod-security.kubernetes.io/audit-violations': result.message?.replace('pods "p" is forbidden: violates', 'would violate'),
    });
  });

  it('admits with a warning and an audit annotation when only warn and audit are stricter', () => {
    const result = admit({
      namespace: namespace({ [label('enforce')]: 'baseline', [label('warn')]: 'restricted', [label('warn-version')]: 'v1.30', [label('audit')]: 'restricted' }),
      object: rootPod,
    });
    expect(result.allowed).toBe(true);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/^would violate PodSecurity "restricted:v1\.30": runAsNonRoot != true/);
    expect(result.auditAnnotations['pod-security.kubernetes.io/audit-violations']).toMatch(/^would violate PodSecurity "restricted:latest"/);
    expect(result.auditAnnotations['pod-security.kubernetes.io/enforce-policy']).toBe('baseline:latest');
  });

  it('enforces at the labelled version', () => {
    const noSeccomp = podWith((p) => delete p.spec['securityContext'].seccompProfile);
    const at = (version: string) => admit({ namespace: namespace({ [label('enforce')]: 'restricted', [label('enforce-version')]: version }), object: noSeccomp });
    expect(at('v1.18').allowed).toBe(true);
    expect(at('v1.19').allowed).toBe(false);
  });

  it('enforces restricted:latest for an invalid enforce label and records the error', () => {
    const result = admit({ namespace: namespace({ [label('enforce')]: 'bogus' }), object: rootPod });
    expect(result.allowed).toBe(false);
    expect(result.auditAnnotations['pod-security.kubernetes.io/error']).toBe(
      'Failed to parse policy: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "bogus": must be one of privileged, baseline, restricted',
    );
  });

  it('admits anything in a fully privileged namespace', () => {
    const result = admit({ namespace: namespace({ [label('enforce-version')]: 'v1.20' }), object: podWith((p) => (p.spec['hostPID'] = true)) });
    expect(result.allowed).toBe(true);
    expect(result.auditAnnotations).toEqual({ 'pod-security.kubernetes.io/enforce-policy': 'privileged:latest' });
  });

  it('does not re-evaluate updates that leave images and containers alone', () => {
    const relabelled = podWith((p) => {
      p.spec['securityContext'] = {};
      p.metadata['labels'] = { new: 'label' };
    });
    const update = (object: unknown): ReturnType<typeof admit> =>
      admit({ namespace: restrictedEverywhere, object, oldObject: rootPod, operation: 'UPDATE' });
    expect(update(relabelled)).toMatchObject({ allowed: true, enforce: 'not-applicable' });
    const newImage = podWith((p) => {
      p.spec['securityContext'] = {};
      p.spec['containers'][0].image = 'registry.k8s.io/pause:3.10';
    });
    expect(update(newImage).allowed).toBe(false);
    const debug = podWith((p) => {
      p.spec['securityContext'] = {};
      p.spec['ephemeralContainers'] = [{ name: 'debug', image: 'busybox' }];
    });
    expect(admit({ namespace: restrictedEverywhere, object: debug, oldObject: rootPod, operation: 'UPDATE', subresource: 'ephemeralcontainers' }).allowed).toBe(false);
  });

  it('ignores read-only and status subresources', () => {
    expect(admit({ namespace: restrictedEverywhere, object: rootPod, subresource: 'status' })).toMatchObject({ allowed: true, enforce: 'not-applicable' });
    expect(admit({ namespace: restrictedEverywhere, object: rootPod, subresource: 'exec' }).allowed).toBe(true);
  });
});

describe('pod controllers', () => {
  it('are never enforced, only audited and warned on their template', () => {
    const result = admit({ namespace: restrictedEverywhere, object: deployment({ metadata: {}, spec: rootPod.spec }) });
    expect(result.allowed).toBe(true);
    expect(result.enforce).toBe('not-applicable');
    expect(result.warnings[0]).toMatch(/^would violate PodSecurity "restricted:latest": runAsNonRoot/);
    expect(result.auditAnnotations['pod-security.kubernetes.io/audit-violations']).toBeDefined();
    expect(result.auditAnnotations['pod-security.kubernetes.io/enforce-policy']).toBeUndefined();
  });

  it('are skipped when audit and warn are privileged, whatever enforce says', () => {
    const result = admit({ namespace: namespace({ [label('enforce')]: 'restricted' }), object: deployment({ metadata: {}, spec: rootPod.spec }) });
    expect(result).toMatchObject({ allowed: true, warnings: [], auditAnnotations: {} });
  });

  it('find the pod template of every controller kind', () => {
    const template = { metadata: {}, spec: rootPod.spec };
    const objects = [
      { kind: 'StatefulSet', spec: { template } },
      { kind: 'DaemonSet', spec: { template } },
      { kind: 'ReplicaSet', spec: { template } },
      { kind: 'Job', spec: { template } },
      { kind: 'CronJob', spec: { jobTemplate: { spec: { template } } } },
      { kind: 'ReplicationController', spec: { template } },
      { kind: 'PodTemplate', template },
    ];
    for (const object of objects) {
      expect(admit({ namespace: restrictedEverywhere, object }).warnings, object.kind).toHaveLength(1);
    }
  });

  it('read template annotations for the legacy AppArmor check', () => {
    const template = { metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' } }, spec: restrictedPod().spec };
    expect(admit({ namespace: restrictedEverywhere, object: deployment(template) }).warnings[0]).toContain('forbidden AppArmor profile');
  });

  it('skip a ReplicationController without a template', () => {
    expect(admit({ namespace: restrictedEverywhere, object: { kind: 'ReplicationController', spec: {} } }).audit).toBe('not-applicable');
  });
});

describe('exemptions', () => {
  const base: PsaAdmissionRequest = { namespace: restrictedEverywhere, object: rootPod };

  it('exempt by namespace, username or runtime class, and say which', () => {
    const byNamespace = admit({ ...base, exemptions: { namespaces: ['team'] } });
    expect(byNamespace).toMatchObject({ allowed: true, enforce: 'exempt', audit: 'exempt', warn: 'exempt', exemption: 'namespace' });
    expect(byNamespace.auditAnnotations).toEqual({ 'pod-security.kubernetes.io/exempt': 'namespace' });
    expect(admit({ ...base, userInfo: { username: 'ci-bot' }, exemptions: { usernames: ['ci-bot'] } }).exemption).toBe('user');
    const sandboxed = podWith((p) => {
      p.spec['securityContext'] = {};
      p.spec['runtimeClassName'] = 'gvisor';
    });
    expect(admit({ ...base, object: sandboxed, exemptions: { runtimeClasses: ['gvisor'] } }).exemption).toBe('runtimeClass');
  });

  it('apply to pod controllers too', () => {
    const object = deployment({ metadata: {}, spec: rootPod.spec });
    expect(admit({ ...base, object, exemptions: { namespaces: ['team'] } }).warnings).toEqual([]);
  });

  it('do not match empty names', () => {
    expect(admit({ ...base, userInfo: { username: '' }, exemptions: { usernames: [''] } }).allowed).toBe(false);
  });
});

describe('other objects', () => {
  it('validate the pod-security labels of a new Namespace', () => {
    const ns = { kind: 'Namespace', metadata: { name: 'x', labels: { [label('enforce')]: 'strict' } } };
    const result = admit({ namespace: namespace({}), object: ns });
    expect(result.allowed).toBe(false);
    expect(result.message).toBe(
      'Namespace "x" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted',
    );
    expect(admit({ namespace: namespace({}), object: ns, oldObject: ns, operation: 'UPDATE' }).allowed).toBe(true);
  });

  it('are not applicable, whatever their shape', () => {
    for (const object of [{ kind: 'ConfigMap' }, null, 42, 'Pod', [], { kind: 'Pod', spec: 'x' }]) {
      expect(() => admit({ namespace: restrictedEverywhere, object })).not.toThrow();
    }
    expect(admit({ namespace: restrictedEverywhere, object: { kind: 'Service' } })).toMatchObject({ allowed: true, enforce: 'not-applicable' });
  });
});
