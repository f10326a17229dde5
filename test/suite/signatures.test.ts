/**
 * `signatures: FILE` in a suite (docs/policies.md#signatures): offline signature and attestation facts, read by the
 * semantics and by the Kyverno engine each with its own code, so that a suite can say which image is signed by
 * which key. Tested through loadSuite/runSuite on in-memory files and on the library's images/signed-images.
 */
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPolicyFile } from '../../src/cli/io.js';
import { frontEnd } from '../../src/compile.js';
import { oracleFromFacts } from '../../src/engines/kyverno/index.js';
import type { ReadFile } from '../../src/load.js';
import { loadSuite, runSuite } from '../../src/suite/index.js';
import { semanticsOracle, type ImageFact } from '../../src/suite/signatures.js';
import { dsl } from '../helpers/dsl.js';
import { KEY_A, KEY_B } from '../helpers/images.js';
import { projectRoot } from '../helpers/corpora.js';

const VULN = 'https://cosign.sigstore.dev/attestation/vuln/v1';

function memory(files: Record<string, string>): ReadFile {
  return (path: string, root?: string) => {
    if (root !== undefined && !(path === root || path.startsWith(`${root}/`))) return { error: 'outside the project root', refused: true };
    const text = files[path];
    return text === undefined ? { error: 'no such file' } : { bytes: new TextEncoder().encode(text) };
  };
}

const pod = (image: string, init?: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: apps }\nspec:\n${init ? `  initContainers: [{ name: i, image: "${init}" }]\n` : ''}  containers: [{ name: c, image: "${image}" }]\n`;

const policy = dsl`
  policy signed {
    mode enforce
    omit from gatekeeper, vap, psa, kyverno-cel because "verifyImages only"

    verify images acme matching "ghcr.io/acme/*" {
      key "k.pub"
      keyless issuer "https://token.actions.githubusercontent.com" subject "https://github.com/acme/*"
      attestation "${VULN}" where summary.critical = 0
    }
  }
`;

const facts = `images:
  - image: ghcr.io/acme/api:1.0
    signatures: [{ key: k.pub }, { keyless: { issuer: "https://token.actions.githubusercontent.com", subject: "https://github.com/acme/api/.github/workflows/ci.yaml@refs/heads/main" } }]
    attestations:
      - { type: "${VULN}", key: k.pub, predicate: { summary: { critical: 0 } } }
      - { type: "${VULN}", keyless: { issuer: "https://token.actions.githubusercontent.com", subject: "https://github.com/acme/api/ci" }, predicate: { summary: { critical: 0 } } }
  - image: ghcr.io/acme/keyonly:1.0
    signatures: [{ key: k.pub }]
    attestations: [{ type: "${VULN}", key: k.pub, predicate: { summary: { critical: 0 } } }]
  - image: ghcr.io/acme/down:1.0
    error: true
`;

async function run(suite: string, files: Record<string, string> = {}) {
  const read = memory({ 'p/policy.secpol': policy, 'p/k.pub': KEY_A, 'p/other.pub': KEY_B, 'p/signatures.yaml': facts, 'p/suite.yaml': suite, 'p/ok.yaml': pod('ghcr.io/acme/api:1.0'), 'p/keyonly.yaml': pod('ghcr.io/acme/keyonly:1.0'), 'p/init.yaml': pod('ghcr.io/acme/api:1.0', 'ghcr.io/acme/keyonly:1.0'), 'p/down.yaml': pod('ghcr.io/acme/down:1.0'), 'p/outside.yaml': pod('nginx:1.25'), ...files });
  const front = frontEnd(['p/policy.secpol'], read, { today: '2026-11-23' });
  expect(front.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  const loaded = loadSuite('p/suite.yaml', read, 'p');
  if (!loaded.value) return { loaded, result: undefined };
  return { loaded, result: await runSuite(front.value!.set, loaded.value) };
}

const verdicts = (r: Awaited<ReturnType<typeof run>>) => r.result!.cases.map((c) => `${c.name}: ${c.ok ? 'ok' : c.judges.map((j) => `${j.judge} ${j.got}`).join('; ')}`);

describe('suite signatures: FILE', () => {
  it('decides verify images blocks in the semantics and in the Kyverno engine from the same facts', async () => {
    const r = await run(`signatures: signatures.yaml
cases:
  - { sample: ok.yaml, expect: allow }
  - { sample: outside.yaml, expect: allow }
  - { sample: keyonly.yaml, expect: deny, rules: [acme] }
  - { sample: init.yaml, expect: deny, rules: [acme] }
  - { sample: down.yaml, expect: deny, rules: [acme] }
`);
    expect(r.loaded.diagnostics).toEqual([]);
    expect(verdicts(r)).toEqual(['ok.yaml: ok', 'outside.yaml: ok', 'keyonly.yaml: ok', 'init.yaml: ok', 'down.yaml: ok']);
    expect(r.result!.cases.every((c) => c.judges.map((j) => j.judge).join() === 'ir,kyverno')).toBe(true);
  });

  it('fails a wrong expectation in both judges, and without facts every block skips', async () => {
    const wrong = await run('signatures: signatures.yaml\ncases:\n  - { sample: keyonly.yaml, expect: allow }\n  - { sample: ok.yaml, expect: deny, rules: [acme] }\n');
    expect(wrong.result!.cases.map((c) => c.judges.map((j) => `${j.judge}:${j.ok}`).join())).toEqual(['ir:false,kyverno:false', 'ir:false,kyverno:false']);
    const none = await run('cases:\n  - { sample: keyonly.yaml, expect: deny, rules: [acme] }\n');
    expect(none.result!.ok).toBe(false);
  });

  it('reports a facts file it cannot use at its position, with a hint', async () => {
    const bad = `images:
  - image: nginx:1.25
  - image: ghcr.io/acme/a:1
    signatures: [{ key: ../../etc/k.pub }, { key: k.txt }, { keyless: { issuer: x } }]
    colour: red
`;
    const r = await run('signatures: bad.yaml\ncases:\n  - { sample: ok.yaml, expect: allow }\n', { 'p/bad.yaml': bad });
    const found = r.loaded.diagnostics.map((d) => `${d.code} ${d.message}`);
    expect(found.some((m) => m.startsWith('SP0009') && m.includes('"nginx:1.25" is not a normalized image reference'))).toBe(true);
    expect(r.loaded.diagnostics.find((d) => d.message.includes('nginx:1.25'))?.hint).toContain('write docker.io/nginx:1.25');
    expect(found.filter((m) => m.startsWith('SP0011'))).toHaveLength(2);
    expect(found.some((m) => m.includes('`keyless: { issuer: …, subject: … }`'))).toBe(true);
    expect(found.some((m) => m.includes('unknown field "colour"'))).toBe(true);
    expect(r.loaded.diagnostics.every((d) => d.span !== undefined)).toBe(true);
  });
});

describe('the two readings of the facts', () => {
  const fact = (key: string): ImageFact => ({ image: 'ghcr.io/acme/a:1', signatures: [{ key }], attestations: [], error: false });
  const ask = (publicKey: string) => ({ kind: 'signature' as const, signer: { kind: 'key' as const, publicKey } });

  it('accept a key written with other line breaks, and refuse another key', () => {
    const rewrapped = KEY_A.replace(/\n(?!-)/g, '\r\n');
    for (const oracle of [semanticsOracle([fact(rewrapped)]), oracleFromFacts([fact(rewrapped)])]) {
      expect(oracle('ghcr.io/acme/a:1', ask(KEY_A)).status).toBe('verified');
      expect(oracle('ghcr.io/acme/a:1', ask(KEY_B)).status).toBe('not-verified');
      expect(oracle('docker.io/library/nginx:1.25', ask(KEY_A)).status).toBe('not-verified');
    }
  });
});

describe('the library policy images/signed-images', () => {
  it('passes its suite with both judges deciding every case', async () => {
    const folder = join(projectRoot, 'policies/images/signed-images');
    const read = (p: string) => readPolicyFile(join(projectRoot, p));
    const front = frontEnd([relative(projectRoot, join(folder, 'policy.secpol'))], read, { today: '2026-11-23' });
    const suite = loadSuite(relative(projectRoot, join(folder, 'suite.yaml')), read);
    expect(suite.value!.signatures!.length).toBeGreaterThan(3);
    const result = await runSuite(front.value!.set, suite.value!);
    expect(result.cases.filter((c) => !c.ok).map((c) => c.name)).toEqual([]);
    expect(result.cases.every((c) => c.judges.some((j) => j.judge === 'kyverno'))).toBe(true);
  });
});
