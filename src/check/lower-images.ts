import type { AttestationCondition, ImageAttestation, ImageAttestor, ImageVerification, Scalar } from '../ir/index.js';
import type { ComparisonAst, StringAst, VerifyImagesAst } from '../syntax/index.js';
import type { Reporter } from './report.js';
import { Once } from './lower-common.js';

/**
 * Lowers `verify images` blocks (docs/language/images.md). Everything here ends up in Kyverno's verifyImages rule
 * as YAML values (never spliced into an expression), and attestation conditions become JMESPath `{{ a.b }}`
 * variables, so their paths are restricted to identifier segments.
 */

const PEM = /^-----BEGIN PUBLIC KEY-----\n(?:[A-Za-z0-9+/=]{1,76}\n)+-----END PUBLIC KEY-----\n?$/;
/** A Kubernetes-style image glob: registry/repository characters plus `*` and `?`, no whitespace. */
const IMAGE_GLOB = /^[A-Za-z0-9._\-/:@*?]+$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const OPS = { '=': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' } as const;

function checkImageGlob(r: Reporter, s: StringAst): boolean {
  if (IMAGE_GLOB.test(s.value)) return true;
  r.report('SP1004', s.span, { what: 'image pattern', value: JSON.stringify(s.value), reason: s.value === '' ? 'it is empty' : 'only registry, repository, tag and digest characters and the wildcards * and ? are allowed', hint: 'write e.g. "ghcr.io/acme/*"' });
  return false;
}

function lowerKey(r: Reporter, s: StringAst, resolved: { readonly path: string; readonly text: string } | undefined): ImageAttestor | undefined {
  const text = (resolved?.text ?? s.value).replace(/\r\n/g, '\n');
  if (!PEM.test(text)) {
    r.report('SP1004', s.span, {
      what: resolved ? `Cosign public key file ${resolved.path}` : 'Cosign public key',
      value: JSON.stringify(s.value.length > 40 ? `${s.value.slice(0, 40)}…` : s.value),
      reason: resolved ? 'its content is not a PEM public key' : 'not a PEM public key',
      hint: 'give a .pub/.pem file relative to the policy file, or paste the PEM text with \\n line breaks: "-----BEGIN PUBLIC KEY-----\\n…\\n-----END PUBLIC KEY-----" (KMS and secret references are not supported)',
    });
    return undefined;
  }
  return { kind: 'key', publicKey: text.endsWith('\n') ? text : `${text}\n`, span: s.span };
}

function lowerKeyless(r: Reporter, issuer: StringAst, subject: StringAst, span: ImageAttestor['span']): ImageAttestor | undefined {
  let ok = true;
  // Kyverno matches the issuer and subject as wildcards (`*` and `?`); the language's issuer is exact and its subject
  // knows only `*`, so a `?` (or an issuer's `*`) would mean more in Kyverno than in the semantics.
  if (!/^https:\/\/[^\s*?]+$/.test(issuer.value)) {
    r.report('SP1004', issuer.span, { what: 'OIDC issuer', value: JSON.stringify(issuer.value), reason: 'not an https URL without the wildcard characters * and ?', hint: 'e.g. "https://token.actions.githubusercontent.com"' });
    ok = false;
  }
  if (subject.value.trim() === '' || /[\s?]/.test(subject.value)) {
    r.report('SP1004', subject.span, { what: 'certificate subject', value: JSON.stringify(subject.value), reason: 'it is empty or contains whitespace or ? (Kyverno would read ? as any one character)', hint: 'e.g. "https://github.com/acme/*" (a * matches any characters)' });
    ok = false;
  }
  return ok ? { kind: 'keyless', issuer: issuer.value, subject: subject.value, span } : undefined;
}

function lowerCondition(r: Reporter, c: ComparisonAst): AttestationCondition | undefined {
  const where = 'an attestation condition';
  if (c.effective) {
    r.report('SP1009', c.span, { detail: '`effective` has no meaning in an attestation condition', hint: 'name a field of the attestation predicate, e.g. `scanner = "trivy"`' });
    return undefined;
  }
  const bad = c.path.segments.find((s) => s.bracketed || !IDENTIFIER.test(s.name));
  if (bad) {
    r.report('SP1004', bad.span, { what: 'predicate field', value: JSON.stringify(bad.name), reason: `${where} names fields by identifiers (letters, digits and _)`, hint: 'write the path with dots, e.g. `summary.critical`' });
    return undefined;
  }
  if (c.test.kind !== 'compare') {
    r.report('SP1009', c.test.span, { detail: `${where} compares a field with =, !=, <, <=, > or >=`, hint: 'e.g. `summary.critical = 0`' });
    return undefined;
  }
  const v = c.test.value;
  let value: Scalar;
  if (v.kind === 'string') value = v.value;
  else if (v.kind === 'boolean') value = v.value;
  else if (v.kind === 'number') value = Number(v.text);
  else {
    r.report('SP1003', v.span, { detail: 'attestation conditions compare with strings, numbers or booleans', hint: `write "${v.text}" or a plain number` });
    return undefined;
  }
  const op = OPS[c.test.op];
  if ((op === 'lt' || op === 'le' || op === 'gt' || op === 'ge') && typeof value !== 'number') {
    r.report('SP1003', v.span, { detail: `${c.test.op} compares numbers`, hint: 'use = or != for strings and booleans' });
    return undefined;
  }
  return { path: c.path.segments.map((s) => s.name), op, value };
}

const attestorKey = (a: ImageAttestor): string => (a.kind === 'key' ? `0 ${a.publicKey}` : `1 ${a.issuer} ${a.subject}`);

export function lowerVerifyImages(r: Reporter, v: VerifyImagesAst): ImageVerification | undefined {
  const owner = `verify images ${v.name.text}`;
  const images = v.images.filter((s) => checkImageGlob(r, s)).map((s) => s.value);
  const attestors: ImageAttestor[] = [];
  const attestations: ImageAttestation[] = [];
  const settings = new Once(r, owner);
  const once = (key: string, span: ImageAttestor['span']): boolean => settings.take(key, span);
  let mutateDigest = false;
  let requireDigest = false;
  for (const item of v.items) {
    switch (item.kind) {
      case 'key': {
        const k = lowerKey(r, item.key, item.resolved);
        if (k && k.kind === 'key' && once(`key ${k.publicKey}`, item.span)) attestors.push(k);
        break;
      }
      case 'keyless': {
        const k = lowerKeyless(r, item.issuer, item.subject, item.span);
        if (k && k.kind === 'keyless' && once(`keyless issuer ${JSON.stringify(k.issuer)} subject ${JSON.stringify(k.subject)}`, item.span)) attestors.push(k);
        break;
      }
      case 'attestation': {
        if (item.type.value === '' || /\s/.test(item.type.value)) {
          r.report('SP1004', item.type.span, { what: 'attestation type', value: JSON.stringify(item.type.value), reason: 'it is empty or contains whitespace', hint: 'the in-toto predicate type, e.g. "https://cosign.sigstore.dev/attestation/vuln/v1"' });
          break;
        }
        const conditions = item.conditions.map((c) => lowerCondition(r, c));
        if (conditions.every((c): c is AttestationCondition => c !== undefined) && once(`attestation ${JSON.stringify(item.type.value)}`, item.span)) {
          attestations.push({ type: item.type.value, conditions, span: item.span });
        }
        break;
      }
      case 'mutate-digest':
        if (once('mutate digest', item.span)) mutateDigest = true;
        break;
      case 'require-digest':
        if (once('require digest', item.span)) requireDigest = true;
        break;
    }
  }
  if (attestors.length === 0 && !v.items.some((i) => i.kind === 'key' || i.kind === 'keyless')) {
    r.report('SP1011', v.name.span, { what: owner, setting: 'a signer', hint: 'add `key "-----BEGIN PUBLIC KEY-----\\n…"` or `keyless issuer "…" subject "…"`: an image is verified against its signers' });
  }
  if (images.length !== v.images.length || attestors.length === 0) return undefined;
  return { name: v.name.text, span: v.span, images: [...new Set(images)].sort(), attestors: [...attestors].sort((a, b) => (attestorKey(a) < attestorKey(b) ? -1 : attestorKey(a) > attestorKey(b) ? 1 : 0)), attestations: [...attestations].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0)), mutateDigest, requireDigest };
}
