import { describe, expect, it } from 'vitest';
import { evaluateResource, loadKyvernoDocuments } from '../../../src/engines/kyverno/index.js';
import { kyvernoBackend } from '../../../src/backends/kyverno/index.js';
import { irOf } from '../../helpers/dsl.js';
import { documents, pod } from './harness.js';

/**
 * A Pod Security check's denial names the check, what the pod must do, and the containers that fail it (issue 16),
 * as Pod Security Admission's messages do; read from the emitted rules through the Kyverno engine.
 */
describe('pod-security messages', () => {
  // The exact form (one rule per check), not the podSecurity subrule of --approximate kyverno-pod-security.
  const emitted = kyvernoBackend.emit(irOf('policy pss {\n  applies to pods\n  enforce pod-security baseline version v1.30\n}'), {});
  const loaded = loadKyvernoDocuments(documents(emitted.value ?? []));

  const failures = (spec: Record<string, unknown>) =>
    evaluateResource(loaded.policies, pod(spec), { operation: 'CREATE' })
      .filter((r) => r.status === 'fail')
      .map((r) => [r.rule, r.message]);

  it('names the failing check and only the containers that fail it', () => {
    const out = failures({ containers: [{ name: 'ok', image: 'nginx' }, { name: 'bad', image: 'nginx', securityContext: { privileged: true } }], initContainers: [{ name: 'setup', image: 'busybox', securityContext: { privileged: true } }] });
    expect(out.map(([rule]) => rule)).toEqual(['pod-security-enforce-privileged']);
    expect(out[0]![1]).toMatch(/violates PodSecurity "baseline:v1\.30": privileged \(containers must not set securityContext\.privileged: true\); containers: bad, setup$/);
  });

  it('says "the pod" when a pod-level setting fails a check that also looks at containers', () => {
    const out = failures({ securityContext: { seLinuxOptions: { user: 'root' } }, containers: [{ name: 'c', image: 'nginx' }] });
    expect(out.map(([rule]) => rule)).toEqual(['pod-security-enforce-selinux']);
    expect(out[0]![1]).toMatch(/; containers: the pod$/);
  });
});

/**
 * Checks whose container filters apply under a pod-level condition (runAsNonRoot, restricted seccomp) and checks split
 * by image exceptions name their failing containers too: the list is chosen by the condition that holds.
 */
describe('pod-security messages of checks with conditional container filters', () => {
  const emitted = kyvernoBackend.emit(
    irOf(`policy pss {
  applies to pods
  enforce pod-security restricted version v1.30
  exception debug {
    namespaces "tools"
    images "ghcr.io/acme/debug:*"
    controls run-as-non-root
    reason "debug images run as root"
  }
}`),
    {},
  );
  const loaded = loadKyvernoDocuments(documents(emitted.value ?? []));
  const restricted = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
  const message = (rule: string, spec: Record<string, unknown>, namespace = 'default') =>
    evaluateResource(loaded.policies, pod(spec, { namespace }), { operation: 'CREATE' }).find((r) => r.rule === `pod-security-enforce-${rule}` && r.status === 'fail')?.message;

  it('runAsNonRoot: with the pod set to true, the containers that set false; otherwise also those that leave it unset', () => {
    const containers = [
      { name: 'off', image: 'nginx', securityContext: { ...restricted, runAsNonRoot: false, seccompProfile: { type: 'RuntimeDefault' } } },
      { name: 'unset', image: 'nginx', securityContext: { ...restricted, seccompProfile: { type: 'RuntimeDefault' } } },
      { name: 'on', image: 'nginx', securityContext: { ...restricted, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } },
    ];
    expect(message('run-as-non-root', { securityContext: { runAsNonRoot: true }, containers })).toMatch(/; containers: off$/);
    expect(message('run-as-non-root', { containers })).toMatch(/; containers: off, unset$/);
  });

  it('restricted seccomp: unset container profiles count only when the pod sets none', () => {
    const containers = [
      { name: 'unconfined', image: 'nginx', securityContext: { ...restricted, runAsNonRoot: true, seccompProfile: { type: 'Unconfined' } } },
      { name: 'unset', image: 'nginx', securityContext: { ...restricted, runAsNonRoot: true } },
    ];
    expect(message('seccomp', { securityContext: { seccompProfile: { type: 'RuntimeDefault' } }, containers })).toMatch(/; containers: unconfined$/);
    expect(message('seccomp', { containers })).toMatch(/; containers: unconfined, unset$/);
  });

  it('a check split by an image exception names the containers the exception leaves in, per namespace', () => {
    const containers = [
      { name: 'app', image: 'nginx', securityContext: { ...restricted, seccompProfile: { type: 'RuntimeDefault' } } },
      { name: 'debug', image: 'ghcr.io/acme/debug:1', securityContext: { ...restricted, seccompProfile: { type: 'RuntimeDefault' } } },
    ];
    expect(message('run-as-non-root', { containers }, 'default')).toMatch(/; containers: app, debug$/);
    expect(message('run-as-non-root', { containers }, 'tools')).toMatch(/; containers: app$/);
  });
});
