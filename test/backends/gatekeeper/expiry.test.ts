import { describe, expect, it } from 'vitest';
import { dsl } from '../../helpers/dsl.js';
import { compile, pod, violated } from './harness.js';

/** Issue 15 item 7: the Rego of an expiring exception compares time.now_ns() with the end of its date, UTC. */
const docs = compile(dsl`
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
  }`);

const ns = (text: string) => Date.parse(text) * 1e6;
const before = ns('2030-06-30T23:59:59Z');
const after = ns('2030-07-01T00:00:00Z');

describe('Gatekeeper: exception expiry', () => {
  it('the Rego names the instant as a nanosecond constant, with the date in a comment', () => {
    expect(docs.file.content).toContain('# exception legacy: "migration" (expires 2030-06-30: in force while time.now_ns() is before 2030-07-01T00:00:00Z)');
    expect(docs.file.content).toContain('time.now_ns() < 1909094400000000000');
    expect(Date.UTC(2030, 6, 1) * 1e6).toBe(1909094400000000000);
  });

  it('a namespace exception, an image exception and a controls exception end at the next midnight UTC', () => {
    const hostPid = pod({ hostPID: true, containers: [{ name: 'c', image: 'nginx' }] }, { namespace: 'legacy' });
    expect(violated(docs, { object: hostPid, nowNs: before })).not.toContain('no-host-pid');
    expect(violated(docs, { object: hostPid, nowNs: after })).toContain('no-host-pid');
    const privileged = pod({ containers: [{ name: 'c', image: 'ghcr.io/vendor/agent', securityContext: { privileged: true } }] });
    expect(violated(docs, { object: privileged, nowNs: before })).not.toContain('no-privileged');
    expect(violated(docs, { object: privileged, nowNs: after })).toContain('no-privileged');
    const hostPort = pod({ containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80, hostPort: 80 }] }] }, { namespace: 'edge' });
    expect(violated(docs, { object: hostPort, nowNs: before })).not.toContain('pod-security-enforce');
    expect(violated(docs, { object: hostPort, nowNs: after })).toContain('pod-security-enforce');
  });
});
