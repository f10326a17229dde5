/**
 * An image oracle read from offline signature facts (a suite's `signatures:` file, docs/policies.md#signatures):
 * what a registry and Rekor would answer for each image, by the reference Kyverno verifies (`ImageInfo.String()`).
 * This is the engine's own reading of that test input; the semantics reads it with its own code. Keys are compared
 * as Cosign compares them once loaded: the DER bytes inside the PEM armour. A keyless entry's subject and issuer are
 * matched against the certificate's with Kyverno's wildcards (`*`, `?`), as kyverno `pkg/cosign` does
 * (`matchCertificateData`: `wildcard.Match(subject, CertSubject(cert))`; `matchExtensions`: the same for the issuer).
 */
import { isObject, type ImageOracle, type ImageSigner } from './types.js';
import { wildcardMatch } from './wildcard.js';

type Fact = { readonly key?: string; readonly issuer?: string; readonly subject?: string };

/** The base64 body of a PEM PUBLIC KEY block, undefined when there is none. */
function derOf(pem: string): string | undefined {
  const m = /-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]*)-----END PUBLIC KEY-----/.exec(pem);
  if (!m) return undefined;
  try {
    return Buffer.from(m[1]!.replace(/\s/g, ''), 'base64').toString('hex');
  } catch {
    return undefined;
  }
}

function factOf(entry: unknown): Fact | undefined {
  if (!isObject(entry)) return undefined;
  if (typeof entry['key'] === 'string') return { key: entry['key'] };
  const k = entry['keyless'];
  if (isObject(k) && typeof k['issuer'] === 'string' && typeof k['subject'] === 'string') return { issuer: k['issuer'], subject: k['subject'] };
  return undefined;
}

function verifies(signer: ImageSigner, fact: Fact | undefined): boolean {
  if (!fact) return false;
  if (signer.kind === 'key') {
    const want = derOf(signer.publicKey);
    return want !== undefined && fact.key !== undefined && derOf(fact.key) === want;
  }
  return fact.issuer !== undefined && fact.subject !== undefined && wildcardMatch(signer.issuer, fact.issuer) && wildcardMatch(signer.subject, fact.subject);
}

/** The oracle over a list of image facts (`{ image, signatures, attestations, error }`); unknown images are unsigned. */
export function oracleFromFacts(facts: readonly unknown[]): ImageOracle {
  return (image, question) => {
    const entry = facts.find((f) => isObject(f) && f['image'] === image);
    if (!isObject(entry)) return { status: 'not-verified', reason: `no signature found for ${image}` };
    if (entry['error'] === true) return { status: 'error', reason: `${image}: registry unreachable` };
    if (question.kind === 'signature') {
      const ok = Array.isArray(entry['signatures']) && entry['signatures'].some((s) => verifies(question.signer, factOf(s)));
      return ok ? { status: 'verified' } : { status: 'not-verified', reason: `no matching signatures for ${image}` };
    }
    const attestations = Array.isArray(entry['attestations']) ? entry['attestations'] : [];
    const hit = attestations.find((a) => isObject(a) && a['type'] === question.type && verifies(question.signer, factOf(a)));
    return isObject(hit) ? { status: 'verified', predicate: hit['predicate'] } : { status: 'not-verified', reason: `no ${question.type} attestation verified for ${image}` };
  };
}
