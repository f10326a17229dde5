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
