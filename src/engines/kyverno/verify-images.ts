/**
 * `verifyImages` rules (https://kyverno.io/docs/policy-types/cluster-policy/verify-images/; docs/engines/kyverno.md,
 * verify images), read from the loaded ClusterPolicy. Signatures are never fetched: the caller's oracle answers
 * whether an image (its normalized reference, as Kyverno's ImageInfo.String() writes it) is signed by one attestor
 * entry and returns attestation predicates; everything else (which images, which entries, counts, conditions,
 * digests, required) is this engine's reading of the rule.
 */
import { ConditionError, evaluateConditions } from './conditions.js';
import { imagesOf } from './images.js';
import { asArray, asString, isObject, stringList, type ImageOracle, type ImageSigner, type JsonObject } from './types.js';
import type { Outcome } from './validate.js';
import { anyWildcardMatch } from './wildcard.js';

const LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** One attestor entry as the oracle's signer; undefined for entry kinds this engine does not model. */
function signerOf(entry: unknown): ImageSigner | undefined {
  if (!isObject(entry)) return undefined;
  const keys = entry['keys'];
  if (isObject(keys) && typeof keys['publicKeys'] === 'string') return { kind: 'key', publicKey: keys['publicKeys'] };
  const keyless = entry['keyless'];
  if (isObject(keyless) && typeof keyless['issuer'] === 'string' && typeof keyless['subject'] === 'string') return { kind: 'keyless', issuer: keyless['issuer'], subject: keyless['subject'] };
  return undefined;
}

type Check = { readonly ok: true; readonly predicates: readonly unknown[] } | { readonly ok: false; readonly error: boolean; readonly message: string };

/**
 * Attestor sets: every set must pass; a set passes when at least `count` entries verify (all entries when count is
 * unset). For an attestation, each verified entry's predicate is kept for the conditions.
 */
function checkAttestors(sets: unknown, ask: (signer: ImageSigner) => { status: string; predicate?: unknown; reason?: string }, what: string): Check {
  const predicates: unknown[] = [];
  for (const set of asArray(sets)) {
    if (!isObject(set)) return { ok: false, error: true, message: `${what}: invalid attestor set` };
    const entries = asArray(set['entries']);
    const count = typeof set['count'] === 'number' ? set['count'] : entries.length;
    let verified = 0;
    for (const e of entries) {
      const signer = signerOf(e);
      if (!signer) return { ok: false, error: true, message: `${what}: attestor entry kind not supported by this engine` };
      const answer = ask(signer);
      if (answer.status === 'error') return { ok: false, error: true, message: `${what}: ${answer.reason ?? 'verification error'}` };
      if (answer.status === 'verified') {
        verified++;
        predicates.push(answer.predicate);
      }
    }
    if (verified < count) return { ok: false, error: false, message: `${what}: ${verified} of ${count} required attestors verified` };
  }
  return { ok: true, predicates };
}

function checkImage(v: JsonObject, image: string, reference: string, digest: boolean, oracle: ImageOracle): { status: 'fail' | 'error'; message: string } | undefined {
  const required = v['required'] !== false;
  const mutate = v['mutateDigest'] !== false;
  const verifyDigest = v['verifyDigest'] !== false;
  if (verifyDigest && !mutate && !digest) return { status: 'fail', message: `missing digest for ${image}` };
  const signatures = checkAttestors(v['attestors'], (signer) => oracle(reference, { kind: 'signature', signer }), `image ${image} signature`);
  if (!signatures.ok) return signatures.error ? { status: 'error', message: signatures.message } : required ? { status: 'fail', message: signatures.message } : undefined;
  for (const a of asArray(v['attestations'])) {
    if (!isObject(a)) return { status: 'error', message: 'invalid attestation' };
    const type = asString(a['type']) ?? asString(a['predicateType']) ?? '';
    if (a['attestors'] === undefined) return { status: 'error', message: `attestation ${type} without attestors is not supported by this engine` };
    const checked = checkAttestors(a['attestors'], (signer) => oracle(reference, { kind: 'attestation', type, signer }), `image ${image} attestation ${type}`);
    if (!checked.ok) return { status: checked.error ? 'error' : 'fail', message: checked.message };
    for (const predicate of checked.predicates) {
      const data: JsonObject = isObject(predicate) ? predicate : {};
      for (const block of asArray(a['conditions'])) {
        try {
          if (!evaluateConditions(block, { data, deleteRequest: false }).result) return { status: 'fail', message: `image ${image} attestation ${type}: conditions not met` };
        } catch (e) {
          if (e instanceof ConditionError) return { status: 'error', message: e.message };
          return { status: 'error', message: e instanceof Error ? e.message : String(e) };
        }
      }
    }
  }
  return undefined;
}

/** The rule's outcome on a resource; `skip` when no container image matches any imageReferences. */
export function runVerifyImages(rule: readonly unknown[], resource: JsonObject, oracle: ImageOracle | undefined): Outcome {
  if (!oracle) return { status: 'skip', message: 'verifyImages rules need a signature oracle (EvaluationContext.imageOracle)' };
  const images = imagesOf(resource) ?? {};
  let matched = false;
  for (const v of rule) {
    if (!isObject(v)) return { status: 'error', message: 'invalid verifyImages entry' };
    const type = asString(v['type']) ?? 'Cosign';
    if (type !== 'Cosign') return { status: 'error', message: `verifyImages type ${type} is not supported by this engine` };
    const patterns = stringList(v['imageReferences']);
    const skip = stringList(v['skipImageReferences']);
    for (const list of LISTS) {
      const byName = images[list];
      if (!isObject(byName)) continue;
      for (const info of Object.values(byName)) {
        if (!isObject(info)) continue;
        const reference = asString(info['reference']) ?? '';
        if (!anyWildcardMatch(patterns, reference) || anyWildcardMatch(skip, reference)) continue;
        matched = true;
        const problem = checkImage(v, reference, reference, info['digest'] !== undefined, oracle);
        if (problem) return problem;
      }
    }
  }
  return matched ? { status: 'pass', message: 'image verified' } : { status: 'skip', message: 'no image matches the rule' };
}
