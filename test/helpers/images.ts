/**
 * Fixed Cosign keys and a table-driven signature oracle for `verify images` tests (no network, no crypto: the
 * oracle answers from the table, as a registry plus transparency log would for these images).
 */
export const KEY_A = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEkESB5gB/aiDC+1Cg4+REaY7Zcxom\nfHW7W1ZSlXMvPA7tT/kGngAKY9bLp6Axvu2Q5hRaPt12+XQc/5S/fOKVHw==\n-----END PUBLIC KEY-----\n';
export const KEY_B = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEaImGfNlS54KC5HGV+q6cwWyBSr/h\nEEkQYwt3Olb6w96qyKbiVLKD3oI6aqwD/tiiuXju/uj9jaT9cq8eCFoffQ==\n-----END PUBLIC KEY-----\n';
/** The key as written in a .secpol string literal. */
export const keyLiteral = (pem: string): string => JSON.stringify(pem);

export const VULN = 'https://cosign.sigstore.dev/attestation/vuln/v1';

export type Signer = { readonly kind: 'key'; readonly publicKey: string } | { readonly kind: 'keyless'; readonly issuer: string; readonly subject: string };
export type Requirement = { readonly kind: 'signature'; readonly signer: Signer } | { readonly kind: 'attestation'; readonly type: string; readonly signer: Signer };
export type Answer = { readonly status: 'verified'; readonly predicate?: unknown } | { readonly status: 'not-verified' | 'error'; readonly reason?: string };

/** What is known about one image (by normalized reference): who signed it, its attestations, whether lookups fail. */
export interface ImageFacts {
  readonly keys?: readonly string[];
  readonly identities?: readonly { readonly issuer: string; readonly subject: string }[];
  readonly attestations?: readonly { readonly type: string; readonly key?: string; readonly identity?: { readonly issuer: string; readonly subject: string }; readonly predicate: unknown }[];
  readonly error?: boolean;
}

function wildcard(pattern: string, value: string): boolean {
  const body = [...pattern].map((c) => (c === '*' ? '.*' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 's').test(value);
}

function signedBy(signer: Signer, key: string | undefined, identity: { issuer: string; subject: string } | undefined): boolean {
  if (signer.kind === 'key') return key === signer.publicKey;
  return identity !== undefined && identity.issuer === signer.issuer && wildcard(signer.subject, identity.subject);
}

export function tableOracle(table: Readonly<Record<string, ImageFacts>>): (image: string, req: Requirement) => Answer {
  return (image, req) => {
    const facts = table[image];
    if (!facts) return { status: 'not-verified', reason: 'no signatures found' };
    if (facts.error) return { status: 'error', reason: 'registry unreachable' };
    if (req.kind === 'signature') {
      const ok = (facts.keys ?? []).some((k) => signedBy(req.signer, k, undefined)) || (facts.identities ?? []).some((i) => signedBy(req.signer, undefined, i));
      return ok ? { status: 'verified' } : { status: 'not-verified' };
    }
    const hit = (facts.attestations ?? []).find((a) => a.type === req.type && signedBy(req.signer, a.key, a.identity));
    return hit ? { status: 'verified', predicate: hit.predicate } : { status: 'not-verified' };
  };
}
