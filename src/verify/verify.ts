import fc from 'fast-check';
import YAML from 'yaml';
import type { EmittedFile } from '../backends/backend.js';
import { capabilityTables } from '../docs/capability-matrix.js';
import { evaluatePolicy } from '../eval/index.js';
import type { BackendId, Policy, PolicySet } from '../ir/index.js';
import { adapterLabel, type EngineAdapter, type EngineVerdict } from './adapter.js';
import type { Domain } from './domain.js';
import { requestArbitrary, type GeneratedRequest } from './generate.js';

export interface VerifyOptions {
  readonly runs: number;
  readonly seed: number;
  /** The generated domain (domain.ts): `admitted` (default), what reaches validating admission; `any`, hostile shapes too. */
  readonly domain?: Domain;
}

export interface EngineOpinion {
  readonly backend: string;
  readonly violated: boolean;
  readonly message?: string;
  /** For a violation, whether the engine blocks the request (compared with the policy's mode). */
  readonly blocks?: boolean;
}

/** A request on which the IR and at least one backend engine disagree about a rule. */
export interface Disagreement {
  readonly policy: string;
  readonly rule: string;
  readonly request: GeneratedRequest;
  readonly ir: { readonly violated: boolean; readonly outcome: string; readonly message?: string };
  readonly engines: readonly EngineOpinion[];
}

export interface PolicyReport {
  readonly policy: string;
  readonly cases: number;
  /** How often the reference semantics failed, passed or skipped each rule: both sides must be exercised. */
  readonly outcomes: Readonly<Record<string, { fail: number; pass: number; skip: number }>>;
  /** Backends compared, with how many (rule, case) pairs each decided. */
  readonly compared: Readonly<Record<string, number>>;
  /** Per rule and engine, how often the engine reported a violation and no violation where the rule applied. */
  readonly reach: Readonly<Record<string, Readonly<Record<string, Reach>>>>;
  /**
   * Rules the generated cases never both failed and passed in scope, and rules no engine decided: the proof
   * says nothing about them, so verification fails (issue 15, item 9).
   */
  readonly unexercised: readonly { readonly rule: string; readonly reason: string }[];
  /**
   * Per engine without a clock (exception expiry not `exact` in its capability table: vap), the (rule, case) pairs
   * at an instant past an expiry where the semantics' verdict changed: that engine was compared with the verdict
   * before every expiry instead, the documented approximation (docs/verification.md). Absent when none.
   */
  readonly approximated?: Readonly<Record<string, number>>;
  readonly disagreement?: Disagreement;
}

export interface Reach {
  violated: number;
  allowed: number;
}

function omitted(policy: Policy, rule: string, backend: string): boolean {
  const inPolicy = policy.omissions.some((o) => o.backends.includes(backend as BackendId));
  const r = policy.rules.find((x) => x.name === rule);
  return inPolicy || (r?.omissions.some((o) => o.backends.includes(backend as BackendId)) ?? false);
}

/** Which engines must have an opinion on a rule: PSA only speaks for pod-security rules. */
export function covers(adapter: EngineAdapter, policy: Policy, rule: string): boolean {
  if (omitted(policy, rule, adapter.backend)) return false;
  if (adapter.backend === 'psa') return rule.startsWith('pod-security-');
  return true;
}

/**
 * Whether a backend's engine reads the time, so that it must end expiring exceptions as the semantics does: its
 * capability table says exception expiry is `exact`. The others (vap: CEL has no clock) are compared with the
 * semantics before every expiry, and the cases where that differs are counted as the approximation they are.
 */
export function enforcesExpiry(backend: string): boolean {
  return capabilityTables[backend]?.['exception: expiry'].level === 'exact';
}

/** Compares one request; returns the first disagreement, counting decided pairs per backend. */
export function compareRequest(
  policy: Policy,
  adapters: readonly EngineAdapter[],
  request: GeneratedRequest,
  counts: Record<string, number>,
  outcomes?: Record<string, { fail: number; pass: number; skip: number }>,
  reach?: Record<string, Record<string, Reach>>,
  approximated?: Record<string, number>,
): Disagreement | undefined {
  const admission = {
    object: request.object,
    operation: request.operation,
    ...(request.namespace !== undefined ? { namespace: request.namespace } : {}),
    namespaceLabels: request.namespaceLabels,
    ...(request.subResource ? { subResource: request.subResource } : {}),
    ...(request.userInfo ? { userInfo: request.userInfo } : {}),
    ...(request.inventory ? { inventory: request.inventory } : {}),
    ...(request.oldObject !== undefined ? { oldObject: request.oldObject } : {}),
  };
  const ir = evaluatePolicy(policy, request.now === undefined ? admission : { ...admission, now: request.now });
  // What an engine without a clock implements: every exception as before its expiry.
  const timeless = request.now === undefined ? ir : evaluatePolicy(policy, admission);
  const opinions = adapters.flatMap((a) => {
    const verdicts = a.evaluate(request);
    return verdicts ? [{ adapter: a, verdicts }] : [];
  });
  for (const [i, verdict] of ir.rules.entries()) {
    if (outcomes) {
      const o = (outcomes[verdict.rule] ??= { fail: 0, pass: 0, skip: 0 });
      o[verdict.outcome]++;
    }
    const key = `${policy.name}/${verdict.rule}`;
    const engines: EngineOpinion[] = [];
    let split = false;
    for (const { adapter, verdicts } of opinions) {
      if (!covers(adapter, policy, verdict.rule)) continue;
      const reference = enforcesExpiry(adapter.backend) ? verdict : (timeless.rules[i] ?? verdict);
      const irViolated = reference.outcome === 'fail';
      // A violation blocks in enforce mode: the policy's for rules, the line's for pod-security lines.
      const irBlocks = irViolated && (verdict.rule.startsWith('pod-security-') ? verdict.rule === 'pod-security-enforce' : policy.mode === 'enforce');
      const v: EngineVerdict | undefined = verdicts.get(key) ?? verdicts.get(`${policy.name}/*`);
      // PSA has no opinion on objects it does not admit (controllers under enforce, unlabelled namespaces).
      if (adapter.backend === 'psa' && v === undefined) continue;
      const violated = v?.violated ?? false;
      const label = adapterLabel(adapter);
      if (approximated && reference.outcome !== verdict.outcome) approximated[label] = (approximated[label] ?? 0) + 1;
      counts[label] = (counts[label] ?? 0) + 1;
      if (reach && verdict.outcome !== 'skip') {
        const r = ((reach[verdict.rule] ??= {})[label] ??= { violated: 0, allowed: 0 });
        if (violated) r.violated++;
        else r.allowed++;
      }
      engines.push({ backend: label, violated, ...(v?.message ? { message: v.message } : {}), ...(v?.blocks !== undefined ? { blocks: v.blocks } : {}) });
      if (violated !== irViolated) split = true;
      else if (violated && v?.blocks !== undefined && v.blocks !== irBlocks) split = true;
    }
    if (split) return { policy: policy.name, rule: verdict.rule, request, ir: { violated: verdict.outcome === 'fail', outcome: verdict.outcome, ...(verdict.message ? { message: verdict.message } : {}) }, engines };
  }
  return undefined;
}

/**
 * Generates requests for each policy and checks that every engine, run on its backend's emitted artifacts,
 * agrees with the IR on every rule it covers. fast-check shrinks a failing request to a small counterexample.
 */
export function verifyPolicies(set: PolicySet, adapters: readonly EngineAdapter[], options: VerifyOptions): PolicyReport[] {
  return set.policies.map((policy) => {
    const counts: Record<string, number> = {};
    const outcomes: Record<string, { fail: number; pass: number; skip: number }> = {};
    const reach: Record<string, Record<string, Reach>> = {};
    const approximated: Record<string, number> = {};
    let cases = 0;
    const result = fc.check(
      fc.property(requestArbitrary(policy, options.domain), (request) => {
        cases++;
        return compareRequest(policy, adapters, request, counts, outcomes, reach, approximated) === undefined;
      }),
      { seed: options.seed, numRuns: options.runs },
    );
    const example = result.counterexample?.[0];
    const disagreement = result.failed && example ? compareRequest(policy, adapters, example, {}) : undefined;
    if (result.failed && !disagreement && result.errorInstance) throw result.errorInstance;
    return {
      policy: policy.name,
      cases,
      outcomes,
      compared: counts,
      reach,
      unexercised: disagreement ? [] : unexercised(policy, adapters, outcomes, reach),
      ...(Object.keys(approximated).length ? { approximated } : {}),
      ...(disagreement ? { disagreement } : {}),
    };
  });
}

/** Rules the run did not exercise both ways in scope, or that no engine decided. */
function unexercised(policy: Policy, adapters: readonly EngineAdapter[], outcomes: Record<string, { fail: number; pass: number; skip: number }>, reach: Record<string, Record<string, Reach>>): { rule: string; reason: string }[] {
  const out: { rule: string; reason: string }[] = [];
  for (const [rule, o] of Object.entries(outcomes)) {
    const engines = adapters.filter((a) => covers(a, policy, rule));
    if (engines.length === 0) out.push({ rule, reason: 'no backend engine decides it (omitted or not expressible everywhere)' });
    else if (o.fail === 0 || o.pass === 0) out.push({ rule, reason: `in scope it was never ${o.fail === 0 ? 'violated' : 'satisfied'} (${o.fail} violations, ${o.pass} passes, ${o.skip} out of scope)` });
    else if (!Object.values(reach[rule] ?? {}).some((r) => r.violated + r.allowed > 0)) out.push({ rule, reason: 'no engine gave a verdict on it in scope' });
  }
  return out;
}

/** The counterexample as a reviewer wants it: the object as YAML, then each side's verdict. */
export function renderDisagreement(d: Disagreement): string {
  const lines = [
    `policy ${d.policy}, rule ${d.rule}: the backends disagree`,
    `request: ${d.request.operation}${d.request.subResource ? ` of subresource ${d.request.subResource}` : ''} in namespace ${d.request.namespace ?? '(cluster-scoped)'}${Object.keys(d.request.namespaceLabels).length ? ` labelled ${JSON.stringify(d.request.namespaceLabels)}` : ''}${d.request.userInfo ? ` by ${d.request.userInfo.username}` : ''}${d.request.now !== undefined ? ` at ${new Date(d.request.now).toISOString()}` : ''}`,
    YAML.stringify(d.request.object, { lineWidth: 0 }).trimEnd(),
    `  ir (reference): ${d.ir.violated ? 'VIOLATION' : 'no violation'} (${d.ir.outcome})${d.ir.message ? `: ${d.ir.message}` : ''}`,
    ...d.engines.map((e) => `  ${e.backend}: ${e.violated ? (e.blocks === undefined ? 'VIOLATION' : e.blocks ? 'VIOLATION (blocks)' : 'VIOLATION (reported only)') : 'no violation'}${e.message ? `: ${e.message}` : ''}`),
  ];
  return lines.join('\n');
}

export type { EmittedFile };
