import fc from 'fast-check';
import type { EmittedFile } from '../backends/backend.js';
import { evaluatePolicy, normalizedImage, type ImageOracle, type ImageRequirement, type OracleAnswer, type SignerRef } from '../eval/index.js';
import { evaluateResource, loadKyvernoDocuments } from '../engines/kyverno/index.js';
import type { AttestationCondition, ImageVerification, Policy } from '../ir/index.js';
import { documentsOf } from './adapter.js';

/**
 * `verify images` (semantics §6) against Kyverno's verifyImages rules as the offline engine reads them. Each case is
 * a pod or Deployment whose images come from the blocks' patterns (matching and near misses, tagged or pinned), and
 * a signature oracle with fixed keys deciding who signed each image and which attestations (with which predicate
 * fields) it carries. The same oracle answers both sides, so what is compared is the rule logic: which images, which
 * signers, which attestations and conditions, digests, and whether a failure blocks (enforce) or is reported (audit).
 */

/** A key no policy trusts: signatures by it never satisfy a block. */
const FOREIGN_KEY = '-----BEGIN PUBLIC KEY-----\nZm9yZWlnbi1rZXktbm90LXRydXN0ZWQtYnktYW55LXBvbGljeQ==\n-----END PUBLIC KEY-----\n';
const DIGEST = `@sha256:${'0123456789abcdef'.repeat(4)}`;

interface Identity {
  readonly issuer: string;
  readonly subject: string;
}
type Signer = { readonly kind: 'key'; readonly key: string } | { readonly kind: 'identity'; readonly identity: Identity };

interface Facts {
  readonly signers: readonly Signer[];
  readonly attestations: readonly { readonly type: string; readonly signer: Signer; readonly predicate: Record<string, unknown> }[];
  readonly error: boolean;
}

export interface ImageCase {
  readonly object: Record<string, unknown>;
  readonly facts: Readonly<Record<string, Facts>>;
}

export interface ImageDisagreement {
  readonly rule: string;
  readonly semantics: string;
  readonly kyverno: string;
  readonly case: ImageCase;
}

function wildcard(pattern: string, value: string): boolean {
  const body = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 's').test(value);
}

function sameSigner(want: SignerRef, s: Signer): boolean {
  if (want.kind === 'key') return s.kind === 'key' && s.key === want.publicKey;
  return s.kind === 'identity' && s.identity.issuer === want.issuer && wildcard(want.subject, s.identity.subject);
}

/** The oracle of a case: answers from its table of facts, by normalized reference. */
export function caseOracle(facts: Readonly<Record<string, Facts>>): ImageOracle {
  return (image: string, req: ImageRequirement): OracleAnswer => {
    const f = facts[image];
    if (!f) return { status: 'not-verified', reason: 'no signatures' };
    if (f.error) return { status: 'error', reason: 'registry unreachable' };
    if (req.kind === 'signature') return f.signers.some((s) => sameSigner(req.signer, s)) ? { status: 'verified' } : { status: 'not-verified' };
    const hit = f.attestations.find((a) => a.type === req.type && sameSigner(req.signer, a.signer));
    return hit ? { status: 'verified', predicate: hit.predicate } : { status: 'not-verified' };
  };
}

/** A concrete image reference a glob matches (wildcards filled in), pinned or tagged. */
function instance(glob: string, pinned: boolean): string {
  let s = glob.replace(/\*/g, 'app').replace(/\?/g, 'x');
  if (s.includes('@')) return s;
  const lastSlash = s.lastIndexOf('/');
  if (s.lastIndexOf(':') <= lastSlash) s = `${s}:1.0`;
  if (pinned) s = `${s.slice(0, s.lastIndexOf(':'))}${DIGEST}`;
  return s;
}

function signerPool(blocks: readonly ImageVerification[]): Signer[] {
  const out: Signer[] = [{ kind: 'key', key: FOREIGN_KEY }];
  for (const b of blocks) {
    for (const a of b.attestors) {
      if (a.kind === 'key') out.push({ kind: 'key', key: a.publicKey });
      else {
        out.push({ kind: 'identity', identity: { issuer: a.issuer, subject: a.subject.replace(/\*/g, 'x') } });
        out.push({ kind: 'identity', identity: { issuer: a.issuer, subject: `other-${a.subject.replace(/\*/g, 'x')}` } });
      }
    }
  }
  return out;
}

/** Predicates that satisfy every condition, or break one (changed value, wrong type, missing field). */
function predicateArb(conditions: readonly AttestationCondition[]): fc.Arbitrary<Record<string, unknown>> {
  const good: Record<string, unknown> = {};
  const set = (obj: Record<string, unknown>, path: readonly string[], v: unknown) => {
    let cur = obj;
    for (const k of path.slice(0, -1)) cur = (cur[k] ??= {}) as Record<string, unknown>;
    cur[path[path.length - 1]!] = v;
  };
  const satisfying = (c: AttestationCondition): unknown => {
    if (typeof c.value !== 'number') return c.op === 'ne' ? `${String(c.value)}-other` : c.value;
    return { eq: c.value, ne: c.value + 1, lt: c.value - 1, le: c.value, gt: c.value + 1, ge: c.value }[c.op];
  };
  conditions.forEach((c) => set(good, c.path, satisfying(c)));
  if (conditions.length === 0) return fc.constant(good);
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(good) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.nat(conditions.length - 1), fc.constantFrom('other', 'string', 'missing' as const)).map(([i, how]) => {
        const broken = structuredClone(good);
        const c = conditions[i]!;
        if (how === 'missing') set(broken, c.path, null);
        else if (how === 'string') set(broken, c.path, String(satisfying(c)));
        else set(broken, c.path, typeof c.value === 'number' ? (c.op === 'eq' ? c.value + 1 : c.op === 'ne' ? c.value : c.op === 'lt' || c.op === 'le' ? c.value + 1 : c.value - 1) : c.op === 'ne' ? c.value : `${String(c.value)}x`);
        return broken;
      }),
    },
  );
}

export function imageCaseArbitrary(policy: Policy): fc.Arbitrary<ImageCase> {
  const blocks = policy.images ?? [];
  const globs = [...new Set(blocks.flatMap((b) => b.images))];
  const references = [...new Set([...globs.flatMap((g) => [instance(g, true), instance(g, false)]), 'docker.io/library/nginx:1.25', `quay.io/elsewhere/tool${DIGEST}`, 'nginx:1.25'])];
  const signers = signerPool(blocks);
  const attestationTypes = [...new Set(blocks.flatMap((b) => b.attestations.map((a) => a.type)))];
  const conditionsOf = (type: string) => blocks.flatMap((b) => b.attestations.filter((a) => a.type === type).flatMap((a) => a.conditions));
  const factsArb: fc.Arbitrary<Facts> = fc.record({
    signers: fc.subarray(signers),
    attestations: fc.array(
      fc.constantFrom(...(attestationTypes.length ? attestationTypes : ['none'])).chain((type) => fc.record({ type: fc.constant(type), signer: fc.constantFrom(...signers), predicate: predicateArb(conditionsOf(type)) })),
      { maxLength: 3 },
    ),
    error: fc.constantFrom(false, false, false, false, false, true),
  });
  // Images that satisfy a block entirely are rare at random; a third of the facts are built to, so digest and
  // failure-action differences show.
  const signerOf = (a: ImageVerification['attestors'][number]): Signer => (a.kind === 'key' ? { kind: 'key', key: a.publicKey } : { kind: 'identity', identity: { issuer: a.issuer, subject: a.subject.replace(/\*/g, 'x') } });
  const goodFor = (b: ImageVerification): fc.Arbitrary<Facts> =>
    fc.tuple(...b.attestations.map((a) => predicateArb(a.conditions))).map((predicates) => ({
      signers: b.attestors.map(signerOf),
      attestations: b.attestations.flatMap((a, i) => b.attestors.map((s) => ({ type: a.type, signer: signerOf(s), predicate: predicates[i]! }))),
      error: false,
    }));
  /** Good for a block but for one signature or one attestation: tells "every signer" from "any signer". */
  const almostFor = (b: ImageVerification): fc.Arbitrary<Facts> =>
    fc.tuple(goodFor(b), fc.boolean(), fc.nat()).map(([f, dropSignature, i]) =>
      dropSignature || f.attestations.length === 0 ? { ...f, signers: f.signers.filter((_, j) => j !== i % f.signers.length) } : { ...f, attestations: f.attestations.filter((_, j) => j !== i % f.attestations.length) },
    );
  const anyFacts = blocks.length ? fc.oneof({ weight: 2, arbitrary: factsArb }, { weight: 1, arbitrary: fc.oneof(...blocks.map(goodFor)) }, { weight: 1, arbitrary: fc.oneof(...blocks.map(almostFor)) }) : factsArb;
  const container = (i: number) => fc.constantFrom(...references).map((image) => ({ name: `c${i}`, image }));
  return fc
    .record({
      containers: fc.array(fc.nat(99), { minLength: 1, maxLength: 3 }).chain((xs) => fc.tuple(...xs.map((_, i) => container(i)))),
      init: fc.array(fc.nat(99), { maxLength: 1 }).chain((xs) => fc.tuple(...xs.map((_, i) => container(10 + i)))),
      deployment: fc.boolean(),
      namespace: fc.constantFrom('default', 'apps'),
      facts: fc.tuple(...references.map(() => anyFacts)),
    })
    .map(({ containers, init, deployment, namespace, facts }) => {
      const spec: Record<string, unknown> = { containers };
      if (init.length) spec['initContainers'] = init;
      const object = deployment
        ? { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'w', namespace }, spec: { selector: { matchLabels: { app: 'w' } }, template: { metadata: { labels: { app: 'w' } }, spec } } }
        : { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'w', namespace }, spec };
      const table: Record<string, Facts> = {};
      references.forEach((r, i) => {
        const key = normalizedImage(r);
        if (key !== undefined && table[key] === undefined) table[key] = facts[i]!;
      });
      return { object, facts: table };
    });
}

/** The Kyverno engine's outcome per rule (error counts as fail: it blocks under failurePolicy Fail) and whether it blocks. */
function kyvernoOutcomes(loaded: ReturnType<typeof loadKyvernoDocuments>, object: unknown, oracle: ImageOracle, names: ReadonlySet<string>): { rules: Map<string, string>; blocked: boolean } {
  const rules = new Map<string, string>();
  let blocked = false;
  for (const r of evaluateResource(loaded.policies, object, { exceptions: loaded.exceptions, imageOracle: oracle, operation: 'CREATE' })) {
    if (!names.has(r.rule)) continue;
    const status = r.status === 'error' ? 'fail' : r.status;
    const prev = rules.get(r.rule);
    if (prev === undefined || prev === 'skip' || (prev === 'pass' && status === 'fail')) rules.set(r.rule, status);
    if ((r.status === 'fail' && r.failureAction === 'Enforce') || r.status === 'error') blocked = true;
  }
  return { rules, blocked };
}

/**
 * Property: on every generated case the semantics and the Kyverno engine agree on each `verify images` block's
 * outcome (pass, fail, or skip when no image matches; an oracle error fails) and on whether the request is denied.
 */
export function verifyImages(policy: Policy, files: readonly EmittedFile[], options: { runs: number; seed: number }): { cases: number; disagreement?: ImageDisagreement } {
  const names = new Set((policy.images ?? []).map((b) => b.name));
  if (names.size === 0) return { cases: 0 };
  let cases = 0;
  let found: ImageDisagreement | undefined;
  // The artifacts are read back and loaded once, as the admission adapter does (adapters/kyverno.ts), not once per
  // case: the same text every time, and the engine does not change what it loaded (~5 % of a library verify).
  const loaded = loadKyvernoDocuments(documentsOf(files, 'kyverno'));
  const result = fc.check(
    fc.property(imageCaseArbitrary(policy), (c) => {
      cases++;
      const oracle = caseOracle(c.facts);
      const semantics = evaluatePolicy(policy, { object: c.object, operation: 'CREATE' }, { imageOracle: oracle });
      const kyverno = kyvernoOutcomes(loaded, c.object, oracle, names);
      for (const name of names) {
        const s = semantics.rules.find((r) => r.rule === name)?.outcome ?? 'absent';
        const k = kyverno.rules.get(name) ?? 'skip';
        if (s !== k) {
          found = { rule: name, semantics: s, kyverno: k, case: c };
          return false;
        }
      }
      const imageFailed = semantics.rules.some((r) => names.has(r.rule) && r.outcome === 'fail');
      const semanticsBlocks = imageFailed && policy.mode === 'enforce';
      // An oracle error blocks in Kyverno whatever the failure action (failurePolicy Fail); audit policies are compared on outcomes only.
      if (policy.mode === 'enforce' && semanticsBlocks !== kyverno.blocked) {
        found = { rule: [...names].join(', '), semantics: semanticsBlocks ? 'denied' : 'admitted', kyverno: kyverno.blocked ? 'denied' : 'admitted', case: c };
        return false;
      }
      return true;
    }),
    { numRuns: options.runs, seed: options.seed },
  );
  return result.failed && found ? { cases, disagreement: found } : { cases };
}
