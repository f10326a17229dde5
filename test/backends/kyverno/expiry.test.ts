import { describe, expect, it } from 'vitest';
import { kyvernoBackend } from '../../../src/backends/kyverno/index.js';
import { dsl, irOf } from '../../helpers/dsl.js';
import { documents, kyvernoVerdicts, pod } from './harness.js';

/** Issue 15 item 7: an expired exception must stop working in the cluster, not only in `secpol check`. */
const source = dsl`
  policy p {
    applies to pods
    rule no-host-pid {
      forbid spec.hostPID = true
    }
    rule no-privileged {
      forbid any container has securityContext.privileged = true
    }
    enforce pod-security baseline
    exception legacy {
      namespaces "legacy"
      rules no-host-pid
      reason "migration"
      expires 2030-06-30
    }
    exception agent {
      workloads DaemonSet "monitoring/agent"
      rules no-host-pid
      reason "metrics"
      expires 2030-06-30
    }
    exception vendor {
      images "ghcr.io/vendor/*"
      rules no-privileged
      reason "vendor agent"
      expires 2030-06-30
    }
    exception ports {
      namespaces "edge"
      controls host-ports
      reason "ingress"
      expires 2030-06-30
    }
  }`;

const files = () => {
  const out = kyvernoBackend.emit(irOf(source));
  expect(out.diagnostics.map((d) => d.code)).toEqual([]);
  return out.value ?? [];
};

const before = Date.parse('2030-06-30T23:59:59Z');
const after = Date.parse('2030-07-01T00:00:00Z');

describe('Kyverno: exception expiry', () => {
  it('every PolicyException carries the date condition, the -owned one next to its controller test', () => {
    const exceptions = documents(files()).filter((d) => d['kind'] === 'PolicyException') as { metadata: { name: string }; spec: { conditions: { all: unknown[]; any?: unknown[] } } }[];
    expect(exceptions.map((e) => e.metadata.name).sort()).toEqual(['p-agent', 'p-agent-owned', 'p-legacy']);
    for (const e of exceptions) expect(e.spec.conditions.all).toEqual([{ key: "{{ time_before(time_now_utc(), '2030-07-01T00:00:00Z') }}", operator: 'Equals', value: true }]);
    expect(exceptions.find((e) => e.metadata.name === 'p-agent-owned')?.spec.conditions.any).toHaveLength(1);
  });

  it('a namespace exception (PolicyException) ends at the next midnight UTC, at admission and in a background scan', () => {
    const hostPid = pod({ hostPID: true, containers: [{ name: 'c', image: 'nginx' }] }, { namespace: 'legacy' });
    expect(kyvernoVerdicts(files(), hostPid, { now: before })['no-host-pid']).toBe('skip');
    expect(kyvernoVerdicts(files(), hostPid, { now: after })['no-host-pid']).toBe('fail');
    expect(kyvernoVerdicts(files(), hostPid, { now: before, background: true })['no-host-pid']).toBe('skip');
    expect(kyvernoVerdicts(files(), hostPid, { now: after, background: true })['no-host-pid']).toBe('fail');
  });

  it("a workload's owned pods (the -owned PolicyException) lose the exemption too", () => {
    const owned = pod(
      { hostPID: true, containers: [{ name: 'c', image: 'nginx' }] },
      { namespace: 'monitoring', name: 'agent-x1', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', controller: true, uid: 'u' }] },
    );
    const user = { userInfo: { username: 'system:serviceaccount:kube-system:daemon-set-controller' } };
    expect(kyvernoVerdicts(files(), owned, { ...user, now: before })['no-host-pid']).toBe('skip');
    expect(kyvernoVerdicts(files(), owned, { ...user, now: after })['no-host-pid']).toBe('fail');
  });

  it('an image exception compiled into the rule, and a controls exception compiled into pod-security, end with it', () => {
    const privileged = pod({ containers: [{ name: 'c', image: 'ghcr.io/vendor/agent', securityContext: { privileged: true } }] });
    expect(kyvernoVerdicts(files(), privileged, { now: before })['no-privileged']).not.toBe('fail');
    expect(kyvernoVerdicts(files(), privileged, { now: after })['no-privileged']).toBe('fail');
    const hostPort = pod({ containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80, hostPort: 80 }] }] }, { namespace: 'edge' });
    expect(kyvernoVerdicts(files(), hostPort, { now: before })['pod-security-enforce']).toBe('pass');
    expect(kyvernoVerdicts(files(), hostPort, { now: after })['pod-security-enforce']).toBe('fail');
  });

  it('Kyverno podSecurity.exclude has no conditions: an expiring unfiltered controls exception is SP2001 under the approximation', () => {
    const text = dsl`
      policy p {
        applies to pods
        enforce pod-security baseline
        exception ports {
          controls host-ports
          reason "ingress"
          expires 2030-06-30
        }
      }`;
    const out = kyvernoBackend.emit(irOf(text), { approximate: ['kyverno-pod-security'] });
    expect(out.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([expect.stringMatching(/^SP2001 kyverno cannot express the expiry of exception "ports" in podSecurity\.exclude/)]);
    expect(kyvernoBackend.emit(irOf(text)).diagnostics).toEqual([]);
  });
});
