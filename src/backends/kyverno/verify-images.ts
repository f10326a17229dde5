import type { AttestationCondition, ImageAttestor, ImageVerification, Policy } from '../../ir/index.js';
import type { Span } from '../../source/index.js';
import { literal, valueAt } from './jmespath.js';
import { holds, scopeBlocks, type Json } from './scope.js';

/**
 * `verify images` as a Kyverno `verifyImages` rule (https://kyverno.io/docs/policy-types/cluster-policy/verify-images/,
 * checked with the search tools; docs/engines/kyverno.md, verify images): Cosign, `imageReferences` the block's
 * patterns, one attestor set without `count` (every entry must verify: kyverno conformance tests
 * keyless-attestations-multiple-subjects-counts), each attestation verified by the same set with its conditions as
 * `{{ }}` booleans over the predicate, `required: true`, and `mutateDigest`/`verifyDigest` written out (both
 * default to true in Kyverno). The predicate paths are identifiers (checked) and values are JMESPath literals, so
 * policy text never becomes an expression; keys and identities are YAML string values.
 */

export type Unsupported = (span: Span, what: string, hint: string) => void;

function entry(a: ImageAttestor): Json {
  if (a.kind === 'key') return { keys: { publicKeys: a.publicKey } };
  return { keyless: { issuer: a.issuer, subject: a.subject } };
}

const OPERATORS: Record<AttestationCondition['op'], string> = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' };

/** One condition as a JMESPath boolean; a missing field is null, which makes every comparison false. */
function conditionExpression(c: AttestationCondition): string {
  const field = valueAt('', c.path);
  const comparison = `${field} ${OPERATORS[c.op]} ${literal(c.value)}`;
  return c.op === 'ne' ? `${field} != \`null\` && ${comparison}` : comparison;
}

export function verifyImagesRule(policy: Policy, v: ImageVerification, unsupported: Unsupported): Json | undefined {
  const action = policy.mode === 'enforce' ? 'Enforce' : 'Audit';
  if (v.mutateDigest && action === 'Audit') {
    // Kyverno refuses the policy (api/kyverno/v1 ImageVerification.Validate: "mutateDigest must be set to false for
    // 'Audit' failure action").
    unsupported(v.span, `\`mutate digest\` in a policy of mode ${policy.mode} (Kyverno refuses mutateDigest with the Audit failure action)`, 'drop `mutate digest`, or make the policy `mode enforce`');
    return undefined;
  }
  if (v.name.length > 63) {
    unsupported(v.span, `the rule name "${v.name}" (Kyverno rule names have at most 63 characters)`, 'shorten the name of the verify images block');
    return undefined;
  }
  const blocks = scopeBlocks(policy.scope, [{ kind: 'pods', span: v.span }]);
  const attestors: Json = [{ entries: v.attestors.map(entry) }];
  const verify: { [key: string]: Json } = {
    type: 'Cosign',
    imageReferences: [...v.images],
    failureAction: action,
    required: true,
    mutateDigest: v.mutateDigest,
    verifyDigest: v.requireDigest,
    attestors,
  };
  if (v.attestations.length) {
    verify['attestations'] = v.attestations.map((a): Json => {
      const out: { [key: string]: Json } = { type: a.type, attestors };
      if (a.conditions.length) out['conditions'] = [{ all: a.conditions.map((c) => holds(conditionExpression(c))) }];
      return out;
    });
  }
  const out: { [key: string]: Json } = { name: v.name, match: blocks.match };
  if (blocks.exclude) out['exclude'] = blocks.exclude;
  if (blocks.preconditions.length) out['preconditions'] = { all: blocks.preconditions.map(holds) };
  out['verifyImages'] = [verify];
  return out;
}
