import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/corpora.js';
import { runCli } from '../helpers/cli.js';

/** `secpol explain --signatures`: a verify images block says which image failed which attestor, from the facts. */
const dir = join(projectRoot, 'policies/images/signed-images');
const policy = join(dir, 'policy.secpol');
const facts = join(dir, 'samples/signatures.yaml');

type Out = { resources: { agree: boolean; rules: { rule: string; verdict: string; message?: string; skipped?: { reason: string }; engines: { backend: string; verdict: string }[] }[] }[] };

async function explain(sample: string, ...more: string[]): Promise<Out['resources'][number]> {
  const r = await runCli('explain', policy, '--resource', join(dir, 'samples', sample), '--format', 'json', ...more);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as Out).resources[0]!;
}

describe('explain verify images blocks', () => {
  it('names the image and the attestor that failed, and the Kyverno engine judges from the same facts', async () => {
    const wrongKey = await explain('deny-wrong-key.yaml', '--signatures', facts);
    const signed = wrongKey.rules.find((x) => x.rule === 'acme-signed')!;
    expect(signed.verdict).toBe('fail');
    expect(signed.message).toMatch(/^image ghcr\.io\/acme\/forked:1\.0: signature by the key of .*policy\.secpol:14 not verified/);
    expect(signed.engines).toEqual([expect.objectContaining({ backend: 'kyverno', verdict: 'fail' })]);
    const init = await explain('deny-init-container-unsigned.yaml', '--signatures', facts);
    expect(init.rules.find((x) => x.rule === 'acme-signed')!.message).toContain('image ghcr.io/acme/migrate:0.3:');
    const scan = await explain('allow-signed-critical-scan.yaml', '--signatures', facts);
    expect(scan.rules.find((x) => x.rule === 'acme-scanned')!.message).toContain('does not satisfy summary.critical = 0 (predicate has 2)');
    expect(scan.rules.find((x) => x.rule === 'acme-signed')!.verdict).toBe('pass');
    expect([wrongKey, init, scan].every((x) => x.agree)).toBe(true);
  });

  it('without facts the blocks are skipped with a hint, and no engine is said to judge them', async () => {
    const none = await explain('deny-wrong-key.yaml');
    for (const rule of none.rules) {
      expect(rule.skipped?.reason).toBe('no-oracle');
      expect(rule.engines).toEqual([]);
    }
  });

  it('a facts file with a key outside the project root is an error with its position', async () => {
    const r = await runCli('explain', policy, '--resource', join(dir, 'samples/deny-wrong-key.yaml'), '--signatures', join(projectRoot, 'README.md'));
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/SP0011|SP0009/);
  });
});
