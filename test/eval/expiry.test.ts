import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../src/eval/index.js';
import { expiryEndMs, expiryEndNs, expiryEndRfc3339 } from '../../src/ir/index.js';
import { dsl, irOf } from '../helpers/dsl.js';

const policy = irOf(dsl`
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
      reason "migration"
      expires 2030-06-30
    }
    exception vendor {
      images "ghcr.io/vendor/*"
      rules no-privileged
      reason "vendor agent"
      expires 2030-06-30
    }
  }`).policies[0]!;

const pod = (namespace: string, image = 'nginx') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace },
  spec: { hostPID: true, containers: [{ name: 'c', image, securityContext: { privileged: true } }] },
});

const at = (text: string) => Date.parse(text);

describe('exception expiry in the semantics (valid through the expires date, UTC)', () => {
  it('the instant is the next day at 00:00:00Z, in every form a backend emits', () => {
    expect(new Date(expiryEndMs('2030-06-30')).toISOString()).toBe('2030-07-01T00:00:00.000Z');
    expect(expiryEndRfc3339('2030-06-30')).toBe('2030-07-01T00:00:00Z');
    expect(expiryEndNs('2030-06-30')).toBe(`${at('2030-07-01T00:00:00Z') / 1000}000000000`);
    expect(expiryEndRfc3339('2028-12-31')).toBe('2029-01-01T00:00:00Z');
    expect(expiryEndRfc3339('2028-02-28')).toBe('2028-02-29T00:00:00Z');
  });

  const outcomes = (now: number | undefined, image?: string) =>
    evaluatePolicy(policy, { object: pod(image ? 'apps' : 'legacy', image), namespace: image ? 'apps' : 'legacy', ...(now !== undefined ? { now } : {}) }).rules.map((r) => `${r.rule}:${r.outcome}`);

  it('a namespace exception skips the rules and pod-security up to the last second of its date, and not from the next', () => {
    const exempt = ['no-host-pid:skip', 'no-privileged:skip', 'pod-security-enforce:skip'];
    expect(outcomes(at('2030-06-29T12:00:00Z'))).toEqual(exempt);
    expect(outcomes(at('2030-06-30T23:59:59Z'))).toEqual(exempt);
    expect(outcomes(at('2030-06-30T23:59:59.999Z'))).toEqual(exempt);
    expect(outcomes(at('2030-07-01T00:00:00Z'))).toEqual(['no-host-pid:fail', 'no-privileged:fail', 'pod-security-enforce:fail']);
    expect(evaluatePolicy(policy, { object: pod('legacy'), now: at('2030-07-01T00:00:00Z') }).denied).toBe(true);
  });

  it('an image exception stops removing containers at the same instant', () => {
    expect(outcomes(at('2030-06-30T23:59:59Z'), 'ghcr.io/vendor/agent')).toContain('no-privileged:pass');
    expect(outcomes(at('2030-07-01T00:00:00Z'), 'ghcr.io/vendor/agent')).toContain('no-privileged:fail');
  });

  it('without an instant every exception is evaluated as before its expiry (the semantics reads no clock)', () => {
    expect(outcomes(undefined)).toEqual(['no-host-pid:skip', 'no-privileged:skip', 'pod-security-enforce:skip']);
  });
});
