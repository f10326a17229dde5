import type { AttestationCondition, ImageAttestor, ImageVerification, Policy } from '../ir/index.js';
import type { RuleVerdict } from './admission.js';
import { globMatch, isObject, valueAt } from './values.js';

/**
 * Semantics §6: `verify images`. Whether a signature or an attestation verifies is not decided here: an oracle
 * passed in explicitly answers for one (image, requirement) pair, so no evaluation ever reaches a registry or a
 * transparency log. Tests and `secpol verify` give oracles with fixed keys.
 */

/** Who must have signed: a Cosign public key (PEM) or a keyless identity (the subject may contain `*`). */
export type SignerRef = { readonly kind: 'key'; readonly publicKey: string } | { readonly kind: 'keyless'; readonly issuer: string; readonly subject: string };

/** What the oracle is asked about one image (its normalized reference). */
export type ImageRequirement =
  | { readonly kind: 'signature'; readonly signer: SignerRef }
  | { readonly kind: 'attestation'; readonly type: string; readonly signer: SignerRef };

/** `verified` attestations carry their in-toto predicate, on which the conditions are evaluated. */
export type OracleAnswer = { readonly status: 'verified'; readonly predicate?: unknown } | { readonly status: 'not-verified' | 'error'; readonly reason?: string };

export type ImageOracle = (image: string, requirement: ImageRequirement) => OracleAnswer;

/**
 * The normalized reference images are matched by and verified as: `docker.io/` added when the first path component
 * is not a registry host (no `.` or `:`, not `localhost`, lowercase), `:latest` added when there is neither a tag nor
 * a digest, and the tag dropped when there is a digest. Undefined for a reference that cannot be parsed.
 */
export function normalizedImage(image: string): string | undefined {
  if (image === '' || /\s/.test(image)) return undefined;
  const slash = image.indexOf('/');
  const head = slash === -1 ? '' : image.slice(0, slash);
  const full = slash === -1 || (!/[.:]/.test(head) && head !== 'localhost' && head.toLowerCase() === head) ? `docker.io/${image}` : image;
  const at = full.indexOf('@');
  const digest = at === -1 ? undefined : full.slice(at + 1);
  const named = at === -1 ? full : full.slice(0, at);
  if (digest !== undefined && !/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(digest)) return undefined;
  const lastSlash = named.lastIndexOf('/');
  const colon = named.lastIndexOf(':');
  const hasTag = colon > lastSlash;
  const repo = hasTag ? named.slice(0, colon) : named;
  const tag = hasTag ? named.slice(colon + 1) : undefined;
  if (tag !== undefined && !/^[\w][\w.-]{0,127}$/.test(tag)) return undefined;
  const path = repo.slice(repo.indexOf('/') + 1);
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(path)) return undefined;
  return digest !== undefined ? `${repo}@${digest}` : `${repo}:${tag ?? 'latest'}`;
}

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

function imagesOf(podSpec: unknown): string[] {
  const out: string[] = [];
  for (const list of CONTAINER_LISTS) {
    const items = valueAt(podSpec, [list]);
    if (!Array.isArray(items)) continue;
    for (const c of items) {
      const image = valueAt(c, ['image']);
      if (typeof image === 'string') out.push(image);
    }
  }
  return out;
}

function signerOf(a: ImageAttestor): SignerRef {
  return a.kind === 'key' ? { kind: 'key', publicKey: a.publicKey } : { kind: 'keyless', issuer: a.issuer, subject: a.subject };
}

function conditionHolds(c: AttestationCondition, predicate: unknown): boolean {
  const v = valueAt(predicate, c.path);
  switch (c.op) {
    case 'eq':
      return v === c.value;
    case 'ne':
      return v !== undefined && v !== c.value;
    case 'lt':
      return typeof v === 'number' && typeof c.value === 'number' && v < c.value;
    case 'le':
      return typeof v === 'number' && typeof c.value === 'number' && v <= c.value;
    case 'gt':
      return typeof v === 'number' && typeof c.value === 'number' && v > c.value;
    case 'ge':
      return typeof v === 'number' && typeof c.value === 'number' && v >= c.value;
  }
}

/** The attestor as a report names it: a key by the line that declares it, a keyless identity by issuer and subject. */
function attestorName(a: ImageAttestor): string {
  return a.kind === 'key' ? `the key of ${a.span.file.path}:${a.span.file.lineColumn(a.span.start).line}` : `keyless ${a.issuer} ${a.subject}`;
}

const OPS: Readonly<Record<AttestationCondition['op'], string>> = { eq: '=', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' };

/** Why one image fails the block, or undefined when it passes. An oracle error fails it too (fail closed). */
function imageProblem(v: ImageVerification, image: string, reference: string, oracle: ImageOracle): string | undefined {
  if (v.requireDigest && !v.mutateDigest && !reference.includes('@')) return `image ${image} is not pinned by digest`;
  const why = (answer: OracleAnswer) => `${answer.status === 'error' ? 'could not be checked' : 'not verified'}${answer.status !== 'verified' && answer.reason ? ` (${answer.reason})` : ''}`;
  for (const a of v.attestors) {
    const answer = oracle(reference, { kind: 'signature', signer: signerOf(a) });
    if (answer.status !== 'verified') return `image ${image}: signature by ${attestorName(a)} ${why(answer)}`;
  }
  for (const at of v.attestations) {
    for (const a of v.attestors) {
      const answer = oracle(reference, { kind: 'attestation', type: at.type, signer: signerOf(a) });
      if (answer.status !== 'verified') return `image ${image}: attestation ${at.type} by ${attestorName(a)} ${why(answer)}`;
      const failed = at.conditions.filter((c) => !conditionHolds(c, answer.predicate));
      if (failed.length) return `image ${image}: attestation ${at.type} by ${attestorName(a)} does not satisfy ${failed.map((c) => `${c.path.join('.')} ${OPS[c.op]} ${JSON.stringify(c.value)} (predicate has ${JSON.stringify(valueAt(answer.predicate, c.path)) ?? 'nothing'})`).join(', ')}`;
    }
  }
  return undefined;
}

/**
 * One verdict per `verify images` block on a pod spec (the pod's or a controller's template): `skip` when no
 * container image matches its patterns, `fail` when a matching image fails (the first, in container order), else
 * `pass`. An image that cannot be parsed as a reference fails every block whose patterns could concern it: it is
 * matched by its text.
 */
export function evaluateImageVerifications(policy: Policy, podSpec: unknown, oracle: ImageOracle): RuleVerdict[] {
  return (policy.images ?? []).map((v) => {
    const base = { policy: policy.name, rule: v.name };
    let matched = false;
    for (const image of isObject(podSpec) ? imagesOf(podSpec) : []) {
      const reference = normalizedImage(image);
      if (!v.images.some((g) => globMatch(g, reference ?? image))) continue;
      matched = true;
      const problem = reference === undefined ? `image ${image} is not a valid image reference` : imageProblem(v, image, reference, oracle);
      if (problem) return { ...base, outcome: 'fail', message: problem };
    }
    return matched ? { ...base, outcome: 'pass' } : { ...base, outcome: 'skip', skipped: 'not-in-scope' };
  });
}
