/**
 * The podSecurity subrule, from https://kyverno.io/docs/writing-policies/validate/#pod-security and the
 * Pod Security Standards (https://kubernetes.io/docs/concepts/security/pod-security-standards/).
 */
import { describe, expect, it } from 'vitest';
import { pod, policyWith, run, statusOf } from './harness.js';

const profile = (level: string, exclude = ''): string => policyWith(`podSecurity:\n  level: ${level}\n  version: latest${exclude}`);
const restrictedContainer = {
  name: 'c',
  image: 'busybox:1.28',
  securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, capabilities: { drop: ['ALL'] } },
};

describe('baseline', () => {
  it('blocks host namespaces (docs: badpod01 with hostIPC)', () => {
    const [result] = run(profile('baseline'), pod({ hostIPC: true, containers: [{ name: 'container01', image: 'dummyimagename' }] }));
    expect(result?.status).toBe('fail');
    expect(result?.message).toContain('ForbiddenReason:host namespaces ForbiddenDetail:hostIPC=true');
  });

  it.each([
    ['privileged', { containers: [{ name: 'c', securityContext: { privileged: true } }] }],
    ['capabilities', { containers: [{ name: 'c', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }] }],
    ['hostPath', { volumes: [{ name: 'v', hostPath: { path: '/' } }], containers: [{ name: 'c' }] }],
    ['hostPort', { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 80 }] }] }],
    ['procMount', { containers: [{ name: 'c', securityContext: { procMount: 'Unmasked' } }] }],
    ['seccomp Unconfined', { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [{ name: 'c' }] }],
    ['sysctls', { securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] }, containers: [{ name: 'c' }] }],
    ['selinux user', { securityContext: { seLinuxOptions: { user: 'root' } }, containers: [{ name: 'c' }] }],
    ['hostProcess', { securityContext: { windowsOptions: { hostProcess: true } }, containers: [{ name: 'c' }] }],
  ])('fails %s', (_name, spec) => {
    expect(statusOf(profile('baseline'), pod(spec))).toBe('fail');
  });

  it('accepts the defaults and allowed values', () => {
    const ok = pod({
      securityContext: { sysctls: [{ name: 'net.ipv4.tcp_syncookies', value: '1' }], seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 0 }], securityContext: { capabilities: { add: ['NET_BIND_SERVICE'] }, procMount: 'Default' } }],
    });
    expect(statusOf(profile('baseline'), ok)).toBe('pass');
  });

  it('checks AppArmor annotations', () => {
    const annotated = (v: string): unknown => pod({ containers: [{ name: 'c' }] }, { annotations: { 'container.apparmor.security.beta.kubernetes.io/c': v } });
    expect(statusOf(profile('baseline'), annotated('unconfined'))).toBe('fail');
    expect(statusOf(profile('baseline'), annotated('localhost/foo'))).toBe('pass');
  });
});

describe('restricted', () => {
  it('requires the restricted container settings (docs: restricted profile message)', () => {
    const [result] = run(profile('restricted'), pod({ containers: [{ name: 'container01', image: 'dummyimagename' }] }));
    expect(result?.status).toBe('fail');
    for (const reason of ['allowPrivilegeEscalation != false', 'unrestricted capabilities', 'runAsNonRoot != true', 'seccompProfile']) {
      expect(result?.message).toContain(`ForbiddenReason:${reason}`);
    }
    expect(statusOf(profile('restricted'), pod({ containers: [restrictedContainer] }))).toBe('pass');
  });

  it('restricts volume types and root users', () => {
    expect(statusOf(profile('restricted'), pod({ volumes: [{ name: 'v', nfs: { server: 's', path: '/' } }], containers: [restrictedContainer] }))).toBe('fail');
    expect(statusOf(profile('restricted'), pod({ volumes: [{ name: 'v', emptyDir: {} }], containers: [restrictedContainer] }))).toBe('pass');
    expect(statusOf(profile('restricted'), pod({ securityContext: { runAsUser: 0 }, containers: [restrictedContainer] }))).toBe('fail');
  });

  it('pod-level runAsNonRoot and seccomp satisfy every container', () => {
    const podLevel = pod({
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'c', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    });
    expect(statusOf(profile('restricted'), podLevel)).toBe('pass');
  });
});

describe('exclusions', () => {
  it('controlName alone exempts pod-level fields (docs: exclude Host Namespaces)', () => {
    const policy = profile('baseline', '\n  exclude:\n  - controlName: Host Namespaces');
    expect(statusOf(policy, pod({ hostIPC: true, containers: [{ name: 'container01', image: 'dummyimagename' }] }))).toBe('pass');
  });

  it('controlName with images exempts matching containers only (docs: Capabilities for nginx/redis)', () => {
    const policy = profile('restricted', '\n  exclude:\n  - controlName: Capabilities\n    images:\n    - nginx*\n    - redis*');
    const withImage = (image: string): unknown => pod({ containers: [{ ...restrictedContainer, image, securityContext: { ...restrictedContainer.securityContext, capabilities: { add: ['SYS_ADMIN'], drop: ['ALL'] } } }] });
    expect(statusOf(policy, withImage('nginx:1.1.9'))).toBe('pass');
    expect(statusOf(policy, withImage('busybox:1.28'))).toBe('fail');
  });

  it('Seccomp excluded at pod level and for all images is fully exempt (docs)', () => {
    const both = profile('restricted', "\n  exclude:\n  - controlName: Seccomp\n  - controlName: Seccomp\n    images:\n    - '*'");
    const unconfinedPod = pod({
      securityContext: { seccompProfile: { type: 'Unconfined' } },
      containers: [{ name: 'c', image: 'busybox:1.28', securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } } }],
    });
    expect(statusOf(both, unconfinedPod)).toBe('pass');
    const unconfinedContainer = pod({
      containers: [{ name: 'c', image: 'busybox:1.28', securityContext: { ...restrictedContainer.securityContext, seccompProfile: { type: 'Unconfined' } } }],
    });
    expect(statusOf(both, unconfinedContainer)).toBe('pass');
  });

  it('restrictedField with values exempts only those values (docs: FOO/BAR for nginx)', () => {
    const policy = profile(
      'baseline',
      '\n  exclude:\n  - controlName: Capabilities\n    images:\n    - nginx*\n    restrictedField: spec.containers[*].securityContext.capabilities.add\n    values:\n    - FOO\n    - BAR',
    );
    const adding = (cap: string): unknown => pod({ containers: [{ name: 'nginx', image: 'nginx:latest', securityContext: { capabilities: { add: [cap] } } }] });
    expect(statusOf(policy, adding('FOO'))).toBe('pass');
    expect(statusOf(policy, adding('BAZ'))).toBe('fail');
  });

  it('a PolicyException podSecurity block adds exclusions (docs: Running as Non-root in delta)', () => {
    const policy = `${profile('restricted')}
---
apiVersion: kyverno.io/v2
kind: PolicyException
metadata:
  name: pod-security-exception
  namespace: policy-exception-ns
spec:
  exceptions:
  - policyName: p
    ruleNames:
    - r
  match:
    any:
    - resources:
        namespaces:
        - delta
  podSecurity:
    - controlName: "Running as Non-root"
`;
    const rootPod = (namespace: string): unknown =>
      pod({ containers: [{ name: 'nginx', image: 'nginx', securityContext: { ...restrictedContainer.securityContext, runAsNonRoot: false } }] }, { namespace });
    expect(statusOf(policy, rootPod('delta'))).toBe('pass');
    expect(statusOf(policy, rootPod('other'))).toBe('fail');
  });
});
