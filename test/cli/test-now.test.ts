/** `secpol test --now`: the samples judged at an instant, so a suite shows what changes once an exception ends. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { projectRoot } from '../helpers/corpora.js';

const policy = join(projectRoot, 'policies/workload/host-namespaces');

describe('secpol test --now', () => {
  it('through the expiry date (UTC) the node-exporter exception applies in every engine', async () => {
    const r = await runCli('test', policy, '--today', '2026-06-01', '--now', '2030-12-31T23:59:59Z');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ok {3}samples\/allow-node-exporter-exception\.yaml \(expect allow\): ir ok, kyverno ok, gatekeeper ok, gatekeeper-audit ok, vap ok/);
  });

  it('from the next midnight UTC it does not: the semantics, Kyverno and Gatekeeper deny, vap is not a judge', async () => {
    for (const now of ['2031-01-01', '2031-01-01T00:00:00Z', '2030-12-31T19:00:00-05:00']) {
      const r = await runCli('test', policy, '--today', '2026-06-01', '--now', now);
      expect(r.code, now).toBe(1);
      expect(r.stdout).toContain('FAIL samples/allow-node-exporter-exception.yaml (expect allow): ir got deny [violated: no-host-network, no-host-pid], kyverno got deny [violated: no-host-network, no-host-pid], gatekeeper got deny');
      expect(r.stdout).toContain('note: host-namespaces: not judged by vap at 2031-01-01T00:00:00.000Z: exception node-exporter has expired and vap has no clock');
    }
  });

  it('a malformed instant is a usage error', async () => {
    const r = await runCli('test', policy, '--now', '2031-13-45x');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--now takes a date YYYY-MM-DD or an RFC 3339 time');
  });
});
