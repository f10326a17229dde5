import { compileTo } from '../compile.js';
import { hasErrors } from '../diagnostics/index.js';
import { connectionAllowed, evaluatePolicy } from '../eval/index.js';
import type { PolicySet } from '../ir/index.js';
import { isAllowed, loadCluster } from '../engines/netpol/index.js';
import { expiryEndMs } from '../ir/index.js';
import { adapterLabel, adaptersFor, covers, enforcesExpiry, firstError, quantitiesShown, type EngineAdapter } from '../verify/index.js';
import { documentsOf } from '../verify/adapter.js';
import { netClusterOf } from './cluster.js';
import type { Suite } from './load.js';
import { runNamespaceCases } from './namespace-cases.js';
import { semanticsOracle } from './signatures.js';

/** One judge's answer on one case: the rules it found violated (admission) or its allow/deny (network). */
export interface JudgeResult {
  readonly judge: string;
  readonly ok: boolean;
  readonly got: string;
}

export interface CaseResult {
  readonly name: string;
  /** `state` for a defaults suite's namespace case: the objects and labels it lists. */
  readonly expect: 'allow' | 'deny' | 'state';
  readonly judges: readonly JudgeResult[];
  readonly ok: boolean;
}

export interface SuiteResult {
  readonly suite: string;
  readonly cases: readonly CaseResult[];
  readonly notes: readonly string[];
  readonly ok: boolean;
}

/**
 * A case's expectation is the admission decision (deny when a violated rule enforces: a rule of an enforce-mode
 * policy, or an `enforce pod-security` line), and the rules it lists must be among those violated.
 */
function judge(name: string, violated: readonly string[], enforcing: ReadonlySet<string>, expect: 'allow' | 'deny', rules: readonly string[]): JudgeResult {
  const denied = violated.some((r) => enforcing.has(r));
  const ok = denied === (expect === 'deny') && rules.every((r) => violated.includes(r));
  const got = `${denied ? 'deny' : 'allow'}${violated.length ? ` [violated: ${violated.join(', ')}]` : ''}`;
  return { judge: name, ok, got };
}

function enforcingRules(set: PolicySet): Set<string> {
  const out = new Set<string>();
  for (const p of set.policies) {
    if (p.mode === 'enforce') p.rules.forEach((r) => out.add(r.name));
    if (p.mode === 'enforce') p.images?.forEach((b) => out.add(b.name));
    if (p.podSecurity.some((ps) => ps.mode === 'enforce')) out.add('pod-security-enforce');
  }
  return out;
}

export interface SuiteOptions {
  /**
   * The instant the cases are judged at (ms since the epoch; `secpol test --now`): exceptions apply only before the
   * end of their `expires` date, in the semantics and in the engines that read a clock. Absent: before every expiry.
   */
  readonly now?: number;
}

/** Runs a suite through the IR semantics and every backend engine that compiles the policies. */
export async function runSuite(set: PolicySet, suite: Suite, options: SuiteOptions = {}): Promise<SuiteResult> {
  const notes: string[] = [];
  const cases: CaseResult[] = [];
  const { now } = options;
  const built = await Promise.all(set.policies.map(async (p) => ({ policy: p, built: await adaptersFor(p) })));
  for (const { built: b } of built) for (const x of b.excluded) notes.push(`${x.policy}: not run on ${x.backend}: ${x.reason}`);
  // An engine without a clock (vap) keeps an expired exception: past an expiry it is not a judge (SP2003).
  const perPolicy = built.map(({ policy, built: b }) => {
    const expired = now === undefined ? [] : policy.exceptions.filter((e) => e.expires !== undefined && now >= expiryEndMs(e.expires));
    const timeless = expired.length ? b.adapters.filter((a) => !enforcesExpiry(a.backend)) : [];
    for (const a of timeless) notes.push(`${policy.name}: not judged by ${adapterLabel(a)} at ${new Date(now!).toISOString()}: exception ${expired.map((e) => e.name).join(', ')} has expired and ${a.backend} has no clock (docs/capabilities.md)`);
    return { policy, built: { ...b, adapters: b.adapters.filter((a) => !timeless.includes(a)) } };
  });
  const enforcing = enforcingRules(set);
  // `verify images`: the semantics' oracle over the suite's signature facts; the engines get the facts themselves.
  const imageOracle = suite.signatures ? { imageOracle: semanticsOracle(suite.signatures) } : {};
  const signatures = suite.signatures ? { signatures: suite.signatures } : {};
  for (const c of suite.admission) {
    const who = { ...(c.user !== undefined ? { userInfo: { username: c.user } } : {}), ...(c.subResource !== undefined ? { subResource: c.subResource } : {}) };
    const inventory = suite.inventory.length ? { inventory: suite.inventory as Record<string, unknown>[] } : {};
    const request = { object: c.object, operation: c.operation, namespace: c.namespace ?? namespaceOf(c.object), namespaceLabels: c.namespaceLabels, ...who, ...inventory };
    const irViolated: string[] = [];
    const irControls = new Set<string>();
    const engineViolated = new Map<string, string[]>();
    // An engine that decided none of the case's rules has no opinion (PSA enforces on Pods only).
    const decided = new Set<string>();
    for (const { policy, built } of perPolicy) {
      const verdict = evaluatePolicy(policy, { ...request, ...(request.namespace ? { namespace: request.namespace } : {}), ...(now !== undefined ? { now } : {}) }, imageOracle);
      for (const r of verdict.rules) if (r.outcome === 'fail') {
        irViolated.push(r.rule);
        r.controls?.forEach((x) => irControls.add(x));
      }
      for (const adapter of built.adapters) {
        const verdicts = adapter.evaluate({ object: quantitiesShown(c.object) as Record<string, unknown>, operation: c.operation, namespace: request.namespace, namespaceLabels: { ...c.namespaceLabels, ...(request.namespace ? { 'kubernetes.io/metadata.name': request.namespace } : {}) }, ...who, ...inventory, ...signatures, ...(now !== undefined ? { now } : {}) });
        if (!verdicts) continue;
        const label = adapterLabel(adapter);
        const list = engineViolated.get(label) ?? [];
        engineViolated.set(label, list);
        for (const r of verdict.rules) {
          if (!coversRule(adapter, policy, r.rule)) continue;
          const v = verdicts.get(`${policy.name}/${r.rule}`) ?? verdicts.get(`${policy.name}/*`);
          if (v || adapter.backend !== 'psa') decided.add(label);
          if (v?.violated) list.push(r.rule);
        }
      }
    }
    const irJudge = judge('ir', irViolated, enforcing, c.expect, c.rules);
    const missingControls = c.controls.filter((x) => !irControls.has(x));
    const irResult = missingControls.length ? { ...irJudge, ok: false, got: `${irJudge.got}; controls not failing: ${missingControls.join(', ')}` } : irJudge;
    const judges = [irResult, ...[...engineViolated.entries()].filter(([name]) => decided.has(name)).map(([name, v]) => judge(name, v, enforcing, c.expect, c.rules))];
    cases.push({ name: c.name, expect: c.expect, judges, ok: judges.every((j) => j.ok) });
  }
  if (suite.connections.length) await runConnections(set, suite, cases, notes);
  if (suite.namespaces?.length) await runNamespaceCases(set, suite.namespaces, cases, notes);
  return { suite: suite.path, cases, notes, ok: cases.every((c) => c.ok) };
}

function coversRule(adapter: EngineAdapter, policy: PolicySet['policies'][number], rule: string): boolean {
  return covers(adapter, policy, rule);
}

function namespaceOf(object: unknown): string {
  const ns = (object as { metadata?: { namespace?: unknown } }).metadata?.namespace;
  return typeof ns === 'string' ? ns : 'default';
}

async function runConnections(set: PolicySet, suite: Suite, cases: CaseResult[], notes: string[]): Promise<void> {
  const irCluster = netClusterOf(suite.cluster);
  const out = await compileTo({ policies: [], networks: set.networks }, ['netpol']);
  const compiled = out.value && !hasErrors(out.diagnostics);
  if (!compiled) notes.push(`network: not run on netpol: ${firstError(out.diagnostics)}`);
  const engineCluster = compiled ? loadCluster([...suite.cluster, ...documentsOf(out.value ?? [], 'netpol')]) : undefined;
  if (engineCluster?.errors.length) notes.push(`network: cluster load problems: ${engineCluster.errors.join('; ')}`);
  const endpoint = (s: string) => (s.includes('/') ? { pod: s } : { ip: s });
  for (const c of suite.connections) {
    const conn = { from: endpoint(c.from), to: endpoint(c.to), protocol: c.protocol, port: c.port };
    const judges: JudgeResult[] = [];
    const answer = (name: string, decide: () => boolean) => {
      try {
        const allowed = decide();
        judges.push({ judge: name, ok: allowed === (c.expect === 'allow'), got: allowed ? 'allow' : 'deny' });
      } catch (e) {
        judges.push({ judge: name, ok: false, got: `error: ${(e as Error).message}` });
      }
    };
    answer('ir', () => connectionAllowed(set.networks, irCluster, conn).allowed);
    if (engineCluster) answer('netpol', () => isAllowed(engineCluster.cluster, conn).allowed);
    cases.push({ name: c.name, expect: c.expect, judges, ok: judges.every((j) => j.ok) });
  }
}
