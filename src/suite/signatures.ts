import { posix } from 'node:path';
import { diagnostic, type Diagnostic } from '../diagnostics/index.js';
import { normalizedImage, type ImageOracle, type ImageRequirement, type OracleAnswer, type SignerRef } from '../eval/index.js';
import type { ReadFile } from '../load.js';
import { spanAt, type YamlDocument } from './yaml.js';

/**
 * `signatures: FILE` in a suite (docs/policies.md#signatures): the offline facts a registry and a transparency log
 * would answer for the suite's images. The file is test input: this loader checks its shape and replaces each key
 * path by the key's PEM text, and the result goes, as plain data, to the semantics (`semanticsOracle` below) and to
 * the Kyverno engine (engines/kyverno/signature-facts.ts), which each read it with their own code.
 */

/** One signer in the facts: a Cosign public key (PEM text) or a keyless identity (a concrete certificate subject). */
export type FactSigner = { readonly key: string } | { readonly keyless: { readonly issuer: string; readonly subject: string } };

export interface ImageFact {
  /** The normalized reference (`ghcr.io/acme/api:1.0`, `docker.io/library/nginx:1.25`, `…@sha256:…`). */
  readonly image: string;
  readonly signatures: readonly FactSigner[];
  readonly attestations: readonly (FactSigner & { readonly type: string; readonly predicate: unknown })[];
  /** Every lookup for this image fails (an unreachable registry): verification fails closed. */
  readonly error: boolean;
}

const maxKeyBytes = 16 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const imageKeys = new Set(['image', 'signatures', 'attestations', 'error']);

/** Reads and checks the facts document `doc` (the file at `path`); problems go to `diagnostics` at their position. */
export function signatureFacts(doc: YamlDocument, path: string, read: ReadFile, root: string, diagnostics: Diagnostic[]): ImageFact[] {
  const bad = (at: readonly (string | number)[], detail: string, hint: string) => diagnostics.push(diagnostic('SP0009', spanAt(doc, at), { detail, hint }));
  const top = doc.value as { images?: unknown } | null;
  if (typeof top !== 'object' || top === null || Array.isArray(top) || !Array.isArray(top.images)) {
    bad([], 'a signatures file has an `images:` list', 'e.g. `images: [{ image: ghcr.io/acme/api:1.0, signatures: [{ key: ../cosign.pub }] }]`');
    return [];
  }
  for (const key of Object.keys(top)) if (key !== 'images') bad([key], `unknown top-level field "${key}"`, 'a signatures file has only `images:`');
  const keyText = (at: (string | number)[], file: unknown): string | undefined => {
    const hint = 'a key is a .pub or .pem file given relative to the signatures file, inside the project root';
    if (typeof file !== 'string' || posix.isAbsolute(file) || !/\.(pub|pem)$/.test(file) || /[\u0000-\u001f\u007f]/.test(file)) {
      diagnostics.push(diagnostic('SP0011', spanAt(doc, at), { detail: `key file ${JSON.stringify(file)} is refused: not a relative path to a .pub or .pem file`, hint }));
      return undefined;
    }
    const target = posix.normalize(posix.join(posix.dirname(path), file));
    const r = read(target, root);
    if ('error' in r) {
      diagnostics.push(r.refused ? diagnostic('SP0011', spanAt(doc, at), { detail: `key file ${JSON.stringify(file)} is refused: ${r.error}`, hint }) : diagnostic('SP0004', spanAt(doc, at), { path: target, reason: r.error }));
      return undefined;
    }
    try {
      if (r.bytes.length > maxKeyBytes) throw new Error('too large');
      const text = utf8.decode(r.bytes);
      if (!text.includes('-----BEGIN PUBLIC KEY-----')) throw new Error('not a PEM public key');
      return text;
    } catch {
      diagnostics.push(diagnostic('SP0004', spanAt(doc, at), { path: target, reason: `not a PEM public key file of at most ${maxKeyBytes} bytes` }));
      return undefined;
    }
  };
  const signer = (at: (string | number)[], o: Record<string, unknown>): FactSigner | undefined => {
    if ('key' in o && !('keyless' in o)) {
      const text = keyText([...at, 'key'], o['key']);
      return text === undefined ? undefined : { key: text };
    }
    const k = o['keyless'] as { issuer?: unknown; subject?: unknown } | undefined;
    if (!('key' in o) && typeof k === 'object' && k !== null && typeof k.issuer === 'string' && typeof k.subject === 'string') return { keyless: { issuer: k.issuer, subject: k.subject } };
    bad(at, 'a signer is `key: FILE` or `keyless: { issuer: …, subject: … }`', 'the subject is the certificate\'s concrete subject (no wildcards)');
    return undefined;
  };
  const out: ImageFact[] = [];
  const seen = new Set<string>();
  top.images.forEach((entry: unknown, i) => {
    const at = ['images', i];
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return bad(at, `image ${i + 1} is not a mapping`, 'each entry is `- image: …`');
    const o = entry as Record<string, unknown>;
    for (const key of Object.keys(o)) if (!imageKeys.has(key)) bad([...at, key], `unknown field "${key}" in image ${i + 1}`, `an image entry has ${[...imageKeys].join(', ')}`);
    const image = o['image'];
    if (typeof image !== 'string' || normalizedImage(image) !== image) {
      const normal = typeof image === 'string' ? normalizedImage(image) : undefined;
      return bad([...at, 'image'], `image ${i + 1}: ${JSON.stringify(image)} is not a normalized image reference`, normal ? `write ${normal}: the facts are looked up by the normalized reference (docs/language/images.md)` : 'write registry/path:tag or registry/path@sha256:…');
    }
    if (seen.has(image)) return bad([...at, 'image'], `image ${image} is listed twice`, 'give each image one entry with all its signatures and attestations');
    seen.add(image);
    const list = (field: string): unknown[] => {
      const v = o[field] ?? [];
      if (Array.isArray(v)) return v;
      bad([...at, field], `image ${i + 1}: ${field} is a list`, `write \`${field}: []\` for none`);
      return [];
    };
    const signatures = list('signatures').flatMap((s, j) => {
      if (typeof s !== 'object' || s === null || Array.isArray(s)) return bad([...at, 'signatures', j], 'a signature is a mapping', 'e.g. `- key: ../cosign.pub`'), [];
      const got = signer([...at, 'signatures', j], s as Record<string, unknown>);
      return got ? [got] : [];
    });
    const attestations = list('attestations').flatMap((a, j) => {
      const here = [...at, 'attestations', j];
      if (typeof a !== 'object' || a === null || Array.isArray(a)) return bad(here, 'an attestation is a mapping', 'e.g. `- { type: …, key: ../cosign.pub, predicate: {…} }`'), [];
      const { type, predicate, ...rest } = a as Record<string, unknown>;
      for (const key of Object.keys(rest)) if (key !== 'key' && key !== 'keyless') bad([...here, key], `unknown field "${key}" in an attestation`, 'an attestation has type, key or keyless, predicate');
      if (typeof type !== 'string' || type === '') return bad(here, 'an attestation needs its predicate `type`', 'e.g. `type: https://cosign.sigstore.dev/attestation/vuln/v1`'), [];
      const got = signer(here, { ...('key' in rest ? { key: rest['key'] } : {}), ...('keyless' in rest ? { keyless: rest['keyless'] } : {}) });
      return got ? [{ ...got, type, predicate: predicate ?? {} }] : [];
    });
    const error = o['error'] ?? false;
    if (typeof error !== 'boolean') bad([...at, 'error'], `image ${i + 1}: error is true or false`, '`error: true` makes every lookup for the image fail');
    out.push({ image, signatures, attestations, error: error === true });
  });
  return out;
}

/** Keys are compared as a verifier would parse them: the PEM body, whitespace ignored. */
const keyBody = (pem: string): string => pem.replace(/\s+/g, '');

/** A keyless subject in a policy may contain `*` (any characters), as docs/language/images.md says. */
function subjectMatches(pattern: string, subject: string): boolean {
  const body = [...pattern].map((c) => (c === '*' ? '[^]*' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`).test(subject);
}

function signedBy(want: SignerRef, s: FactSigner): boolean {
  if (want.kind === 'key') return 'key' in s && keyBody(s.key) === keyBody(want.publicKey);
  return 'keyless' in s && s.keyless.issuer === want.issuer && subjectMatches(want.subject, s.keyless.subject);
}

/** The semantics' reading of the facts: an oracle answering by normalized reference (unknown images: not signed). */
export function semanticsOracle(facts: readonly ImageFact[]): ImageOracle {
  const byImage = new Map(facts.map((f) => [f.image, f]));
  return (image: string, req: ImageRequirement): OracleAnswer => {
    const f = byImage.get(image);
    if (!f) return { status: 'not-verified', reason: 'no signature listed in the signature facts' };
    if (f.error) return { status: 'error', reason: 'the registry cannot be reached (the signature facts say error: true)' };
    if (req.kind === 'signature') return f.signatures.some((s) => signedBy(req.signer, s)) ? { status: 'verified' } : { status: 'not-verified', reason: 'no signature by this signer' };
    const hit = f.attestations.find((a) => a.type === req.type && signedBy(req.signer, a));
    return hit ? { status: 'verified', predicate: hit.predicate } : { status: 'not-verified', reason: `no ${req.type} attestation by this signer` };
  };
}

