/**
 * verify judges expiring exceptions on both sides of the expiry (issue 15 item 7): the day before, the expiry
 * date's last second (UTC) and the next second. A backend that enforces expiry and ignores it is a counterexample;
 * vap, whose CEL has no clock, is compared with the semantics before every expiry and the difference is counted.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { EmittedFile } from '../../src/backends/backend.js';
import { compileTo } from '../../src/compile.js';
import { engineAdapters } from '../../src/verify/adapters/index.js';
import { expiryInstants, requestArbitrary } from '../../src/verify/generate.js';
import { renderDisagreement } from '../../src/verify/index.js';
import { enforcesExpiry, verifyPolicies } from '../../src/verify/verify.js';
import { dsl, irOf } from '../helpers/dsl.js';

const set = irOf(dsl`
  policy p {
    applies to pods
    rule no-host-pid {
      forbid spec.hostPID = true
    }
    rule no-privileged {
      forbid any container has securityContext.privileged = true
    }
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
      expires 2030-09-15
    }
  }`);
const policy = set.policies[0]!;

async function reports(target: 'kyverno' | 'gatekeeper' | 'vap', mutation?: [RegExp, string]) {
  const out = await compileTo(set, [target]);
  let files: readonly EmittedFile[] = out.value ?? [];
  if (mutation) {
    let hits = 0;
    files = files.map((f) => ({ ...f, content: f.content.replace(mutation[0], () => (hits++, mutation[1])) }));
    expect(hits, `${mutation[0]} must apply`).toBeGreaterThan(0);
  }
  return verifyPolicies(set, engineAdapters[target]!(files), { runs: 400, seed: 7 });
}

describe('verify and exception expiry', () => {
  it('draws the day before, the last second and the next second of every expiry', () => {
    expect(expiryInstants(policy).map((t) => new Date(t).toISOString())).toEqual([
      '2030-06-29T12:00:00.000Z',
      '2030-06-30T23:59:59.000Z',
      '2030-07-01T00:00:00.000Z',
      '2030-09-14T12:00:00.000Z',
      '2030-09-15T23:59:59.000Z',
      '2030-09-16T00:00:00.000Z',
    ]);
    const drawn = new Set(fc.sample(requestArbitrary(policy), { numRuns: 200, seed: 1 }).map((r) => r.now));
    expect(drawn).toEqual(new Set(expiryInstants(policy)));
  });

  it('kyverno and gatekeeper end the exceptions with the semantics', async () => {
    for (const target of ['kyverno', 'gatekeeper'] as const) {
      expect(enforcesExpiry(target)).toBe(true);
      expect((await reports(target)).map((r) => r.disagreement && renderDisagreement(r.disagreement)), target).toEqual([undefined]);
    }
  });

  const strip = {
    // The PolicyException's date condition, and the same test folded into the image exception's preconditions.
    kyverno: [/time_before\(time_now_utc\(\), '[^']*'\)/g, '`true`'],
    gatekeeper: [/time\.now_ns\(\) < \d+/g, 'true'],
  } as const satisfies Record<string, [RegExp, string]>;
  for (const target of ['kyverno', 'gatekeeper'] as const) {
    it(`${target}: output that ignores the expiry is a counterexample after it`, async () => {
      const d = (await reports(target, [...strip[target]] as [RegExp, string]))[0]!.disagreement;
      expect(d, target).toBeDefined();
      expect(d!.request.now).toBeGreaterThanOrEqual(Date.parse('2030-07-01T00:00:00Z'));
      expect(renderDisagreement(d!)).toMatch(/ at 2030-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z/);
    });
  }

  it('vap keeps applying the exceptions: compared as before every expiry, the difference counted, not hidden', async () => {
    expect(enforcesExpiry('vap')).toBe(false);
    const [r] = await reports('vap');
    expect(r!.disagreement && renderDisagreement(r!.disagreement)).toBeUndefined();
    expect(r!.approximated?.['vap']).toBeGreaterThan(0);
  });
});
