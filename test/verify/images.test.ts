import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import type { EmittedFile } from '../../src/backends/backend.js';
import { kyvernoBackend } from '../../src/backends/kyverno/index.js';
import { verifyImages } from '../../src/verify/images.js';
import { dsl, irOf } from '../helpers/dsl.js';
import { KEY_A, KEY_B, keyLiteral, VULN } from '../helpers/images.js';

/**
 * verify for `verify images` (issue 19 item 1): semantics vs the Kyverno engine on generated pods and Deployments
 * with a fixed-key oracle (seeded, no network). A wrong emission (another key, a dropped image reference, a
 * dropped condition, a lost digest requirement) must be found.
 */
const source = dsl`
  policy supply-chain {
    applies to pods
    rule no-privileged {
      forbid any container has securityContext.privileged = true
    }
    verify images acme matching "ghcr.io/acme/*", "registry.example/team/*" {
      key ${keyLiteral(KEY_A)}
      keyless issuer "https://token.actions.githubusercontent.com" subject "https://github.com/acme/*"
      attestation "${VULN}" where scanner = "trivy" and critical <= 0
      require digest
    }
    verify images vendor matching "quay.io/vendor/*" {
      key ${keyLiteral(KEY_B)}
      mutate digest
    }
  }`;
const policy = irOf(source).policies[0]!;
const emitted = (): EmittedFile[] => {
  const out = kyvernoBackend.emit(irOf(source));
  expect(out.diagnostics).toEqual([]);
  return [...(out.value ?? [])];
};
const options = { runs: 400, seed: 20261205 };

function mutate(files: readonly EmittedFile[], edit: (rule: any) => void): EmittedFile[] {
  return files.map((f) => {
    if (!f.path.startsWith('kyverno/')) return f;
    const docs = YAML.parseAllDocuments(f.content).map((d) => d.toJSON());
    for (const d of docs) for (const r of d?.spec?.rules ?? []) if (r.verifyImages) edit(r);
    return { ...f, content: docs.map((d) => YAML.stringify(d)).join('---\n') };
  });
}

describe('verify: verify images against the Kyverno engine', () => {
  it('the emitted verifyImages rules agree with the semantics on every generated case', () => {
    const out = verifyImages(policy, emitted(), options);
    expect(out.disagreement).toBeUndefined();
    expect(out.cases).toBe(options.runs);
  });

  it('the same holds in audit mode (outcomes compared, nothing blocks)', () => {
    const audit = irOf(source.replace('policy supply-chain {', 'policy supply-chain {\n  mode audit').replace('mutate digest', 'require digest'));
    const out = kyvernoBackend.emit(audit);
    expect(out.diagnostics).toEqual([]);
    expect(verifyImages(audit.policies[0]!, out.value ?? [], options).disagreement).toBeUndefined();
  });

  const wrong: [string, (rule: any) => void][] = [
    ['a wrong key', (r) => { if (r.name === 'acme') r.verifyImages[0].attestors[0].entries[0].keys.publicKeys = KEY_B; }],
    ['a dropped image reference', (r) => { if (r.name === 'acme') r.verifyImages[0].imageReferences = ['ghcr.io/acme/*']; }],
    ['a dropped attestation condition', (r) => { if (r.name === 'acme') r.verifyImages[0].attestations[0].conditions[0].all.pop(); }],
    ['a lost digest requirement', (r) => { if (r.name === 'acme') r.verifyImages[0].verifyDigest = false; }],
    ['an attestor count of 1 (any signer instead of every signer)', (r) => { if (r.name === 'acme') r.verifyImages[0].attestors[0].count = 1; }],
    ['audit instead of enforce', (r) => { if (r.name === 'vendor') r.verifyImages[0].failureAction = 'Audit'; }],
  ];
  for (const [what, edit] of wrong) {
    it(`catches ${what}`, () => {
      const out = verifyImages(policy, mutate(emitted(), edit), options);
      expect(out.disagreement).toBeDefined();
    });
  }
});

describe('secpol verify runs it', () => {
  it('runVerify reports the verify images comparison and stays ok; the blocks are not reported unexercised', async () => {
    const { runVerify } = await import('../../src/verify/run.js');
    const report = await runVerify(irOf(source), { runs: 100, seed: 20261205 }, ['kyverno']);
    expect(report.images).toEqual([{ policy: 'supply-chain', cases: 100 }]);
    expect(report.policies.flatMap((p) => p.unexercised)).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
