import fc from 'fast-check';
import YAML from 'yaml';
import { evaluatePolicy, type AdmissionRequest, type RuleOutcome } from '../eval/index.js';
import type { Mode, Policy, PolicySet } from '../ir/index.js';
import { requestArbitrary, type GeneratedRequest } from '../verify/index.js';
import { apiProblems, asStored, problemKind } from '../verify/index.js';

/** A rule's outcome in one version; `absent` when that version has no such rule (or policy). */
export type Outcome = RuleOutcome | 'absent';

/** What happens to a request: denied (a rule of an enforce-mode policy or pod-security line fails), reported (only audit or warn ones fail), allowed. */
export type Verdict = 'allowed' | 'reported' | 'denied';

/** A failing rule and the mode it fails in: `enforce` denies the request, `audit` and `warn` report it. */
export interface Cause {
  readonly policy: string;
  readonly rule: string;
  readonly mode: Mode;
}

export interface RequestOutcome {
  readonly verdict: Verdict;
  /** Every failing rule with its mode, sorted. */
  readonly by: readonly Cause[];
}

/** `stricter`: the rule now denies or reports a request it reported or allowed; `looser`: the reverse; `neither`: audit <-> warn. */
export type Direction = 'stricter' | 'looser' | 'neither';

/** A rule whose effect on a request changes: between failing and not, or between the modes it fails in. */
export interface RuleChange {
  readonly policy: string;
  readonly rule: string;
  readonly old: Outcome;
  readonly new: Outcome;
  /** The rule's mode (its policy's, or its pod-security line's) in each version that has it. */
  readonly oldMode?: Mode;
  readonly newMode?: Mode;
  readonly direction: Direction;
}

/** A generated request on which a rule's verdict changes, with the object as YAML. */
export interface VerdictExample {
  readonly request: GeneratedRequest;
  readonly yaml: string;
  /** What happens to the request under the policy, in each version. */
  readonly old: RequestOutcome;
  readonly new: RequestOutcome;
  /** Every rule of the policy whose effect changes on this request. */
  readonly changes: readonly RuleChange[];
}

export interface RuleVerdictChange {
  readonly policy: string;
  readonly rule: string;
  /** How many of the judged requests change this rule's effect, and in which direction. */
  readonly hits: number;
  readonly stricter: number;
  readonly looser: number;
  readonly direction: Direction | 'both';
  /** Up to 3: one shrunk by fast-check per distinct transition (pass -> fail, fail (audit) -> fail (enforce)…), then others as generated. */
  readonly shrunk: number;
  readonly examples: readonly VerdictExample[];
}

/** Per policy: how many requests were generated, rejected by API validation (never judged) and judged. */
export interface GeneratedRequests {
  readonly policy: string;
  readonly generated: number;
  readonly rejected: number;
  readonly judged: number;
  /** Judged requests the policy denies now and did not before, and the reverse. */
  readonly newlyDenied: number;
  readonly newlyAllowed: number;
  /** Why requests were rejected, by kind of problem (`spec.volumes[*].name: Duplicate value`), most frequent first. */
  readonly rejections: readonly { readonly problem: string; readonly count: number }[];
}

export interface ManifestChange {
  readonly kind: string;
  readonly namespace: string | null;
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly before: RequestOutcome;
  readonly after: RequestOutcome;
  readonly changes: readonly RuleChange[];
}

interface Judged {
  readonly rules: ReadonlyMap<string, { readonly outcome: RuleOutcome; readonly mode: Mode }>;
  readonly outcome: RequestOutcome;
}

const allowed: RequestOutcome = { verdict: 'allowed', by: [] };
const verdictRank: Record<Verdict, number> = { allowed: 0, reported: 1, denied: 2 };

function byCause(a: Cause, b: Cause): number {
  return a.policy < b.policy ? -1 : a.policy > b.policy ? 1 : a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0;
}

/** The mode a rule's failure takes effect in: its policy's, or for `pod-security-<mode>` that line's. */
function modeOf(policy: Policy, rule: string): Mode {
  if (policy.rules.some((r) => r.name === rule)) return policy.mode;
  return policy.podSecurity.find((ps) => `pod-security-${ps.mode}` === rule)?.mode ?? policy.mode;
}

function judge(policy: Policy | undefined, req: AdmissionRequest): Judged {
  if (!policy) return { rules: new Map(), outcome: allowed };
  const v = evaluatePolicy(policy, req);
  const rules = new Map(v.rules.map((r) => [r.rule, { outcome: r.outcome, mode: modeOf(policy, r.rule) }]));
  const by = [...rules].filter(([, r]) => r.outcome === 'fail').map(([rule, r]) => ({ policy: policy.name, rule, mode: r.mode }));
  return { rules, outcome: { verdict: v.denied ? 'denied' : by.length ? 'reported' : 'allowed', by: by.sort(byCause) } };
}

/** A rule's effect on a request: none, or the mode it fails in. */
function effect(r: { outcome: RuleOutcome; mode: Mode } | undefined): 'none' | Mode {
  return r?.outcome === 'fail' ? r.mode : 'none';
}
const effectRank = { none: 0, audit: 1, warn: 1, enforce: 2 } as const;

function ruleChanges(policy: string, a: Judged, b: Judged): RuleChange[] {
  const changes: RuleChange[] = [];
  for (const rule of [...new Set([...a.rules.keys(), ...b.rules.keys()])].sort()) {
    const o = a.rules.get(rule);
    const n = b.rules.get(rule);
    const [eo, en] = [effect(o), effect(n)];
    if (eo === en) continue;
    const direction: Direction = effectRank[en] > effectRank[eo] ? 'stricter' : effectRank[en] < effectRank[eo] ? 'looser' : 'neither';
    changes.push({ policy, rule, old: o?.outcome ?? 'absent', new: n?.outcome ?? 'absent', ...(o ? { oldMode: o.mode } : {}), ...(n ? { newMode: n.mode } : {}), direction });
  }
  return changes;
}

/** The request's header as comments: operation (and subresource), the requesting user, the namespace's labels. */
function exampleYaml(r: GeneratedRequest & { readonly subResource?: string; readonly userInfo?: { readonly username: string } }): string {
  const head = [
    `# operation: ${r.operation}${r.subResource ? ` (subresource ${r.subResource})` : ''}`,
    ...(r.userInfo ? [`# user: ${r.userInfo.username}`] : []),
    ...(Object.keys(r.namespaceLabels).length ? [`# namespace labels: ${Object.entries(r.namespaceLabels).map(([k, v]) => `${k}=${v}`).join(', ')}`] : []),
  ];
  return `${head.join('\n')}\n${YAML.stringify(r.object, { sortMapEntries: false })}`;
}

/** Generation goes on in chunks of `runs` requests (seeds seed, seed + 1…) until `runs` are judged, at most this many chunks. */
const maxChunks = 10;

/** `pass`, `skip`, `absent`, or `fail (mode)`: the key of a distinct transition. */
function state(outcome: Outcome, mode: Mode | undefined): string {
  return outcome === 'fail' ? `fail (${mode ?? ''})` : outcome;
}

/**
 * Requests whose verdict differs between two versions, per policy present in either. Requests come from the
 * generators of BOTH versions (so the boundaries of both are explored) with a fixed seed, in the form the API
 * server stores; those it would reject (src/verify/admitted.ts) are counted and never judged, and generation goes on (up
 * to 10 × runs) until `runs` are judged. The first example of each transition of each changed rule is shrunk.
 */
export function verdictChanges(before: PolicySet, after: PolicySet, options: { runs: number; seed: number }): { rules: RuleVerdictChange[]; requests: GeneratedRequests[] } {
  const names = [...new Set([...after.policies.map((p) => p.name), ...before.policies.map((p) => p.name)])];
  const rules: RuleVerdictChange[] = [];
  const requests: GeneratedRequests[] = [];
  for (const name of names) {
    const o = before.policies.find((p) => p.name === name);
    const n = after.policies.find((p) => p.name === name);
    const arbitraries = [o, n].filter((p): p is Policy => p !== undefined).map((p) => requestArbitrary(p));
    const arb = (arbitraries.length === 1 ? arbitraries[0]! : fc.oneof(...arbitraries)).map(asStored);
    const compare = (r: GeneratedRequest) => {
      const a = judge(o, r);
      const b = judge(n, r);
      return { old: a.outcome, new: b.outcome, changes: ruleChanges(name, a, b) };
    };
    const found = new Map<string, { hits: number; stricter: number; looser: number; examples: VerdictExample[] }>();
    const rejections = new Map<string, number>();
    const count = { generated: 0, rejected: 0, judged: 0, newlyDenied: 0, newlyAllowed: 0 };
    const generated = function* () {
      for (let chunk = 0; chunk < maxChunks; chunk++) yield* fc.sample(arb, { seed: options.seed + chunk, numRuns: options.runs });
    };
    for (const request of generated()) {
      if (count.judged >= options.runs) break;
      count.generated++;
      const problems = apiProblems(request);
      if (problems.length) {
        count.rejected++;
        for (const kind of new Set(problems.map(problemKind))) rejections.set(kind, (rejections.get(kind) ?? 0) + 1);
        continue;
      }
      count.judged++;
      const c = compare(request);
      if (c.old.verdict !== 'denied' && c.new.verdict === 'denied') count.newlyDenied++;
      if (c.old.verdict === 'denied' && c.new.verdict !== 'denied') count.newlyAllowed++;
      for (const change of c.changes) {
        const entry = found.get(change.rule) ?? { hits: 0, stricter: 0, looser: 0, examples: [] };
        entry.hits++;
        if (change.direction === 'stricter') entry.stricter++;
        if (change.direction === 'looser') entry.looser++;
        if (entry.examples.length < 3) entry.examples.push({ request, yaml: exampleYaml(request), ...c });
        found.set(change.rule, entry);
      }
    }
    requests.push({
      policy: name,
      ...count,
      rejections: [...rejections].map(([problem, k]) => ({ problem, count: k })).sort((a, b) => b.count - a.count || (a.problem < b.problem ? -1 : 1)),
    });
    for (const [rule, entry] of [...found].sort(([a], [b]) => (a < b ? -1 : 1))) {
      // One shrunk example per distinct transition (pass -> fail, fail (audit) -> fail (enforce)…), then generated ones.
      const transition = (changes: readonly RuleChange[]) => changes.filter((c) => c.rule === rule).map((c) => `${state(c.old, c.oldMode)}>${state(c.new, c.newMode)}`)[0] ?? '';
      const transitions = [...new Set(entry.examples.map((e) => transition(e.changes)))];
      const shrunk: VerdictExample[] = [];
      for (const t of transitions) {
        const hits = (r: GeneratedRequest) => apiProblems(r).length === 0 && transition(compare(r).changes) === t;
        const result = fc.check(fc.property(arb, (r) => !hits(r)), { seed: options.seed, numRuns: options.runs * 2 });
        const r = result.counterexample?.[0];
        if (r) shrunk.push({ request: r, yaml: exampleYaml(r), ...compare(r) });
      }
      const seen = new Set(shrunk.map((e) => e.yaml));
      const examples = [...shrunk, ...entry.examples.filter((e) => !seen.has(e.yaml))].slice(0, 3);
      const direction = entry.stricter && entry.looser ? 'both' : entry.stricter ? 'stricter' : entry.looser ? 'looser' : 'neither';
      rules.push({ policy: name, rule, hits: entry.hits, stricter: entry.stricter, looser: entry.looser, direction, shrunk: Math.min(shrunk.length, 3), examples });
    }
  }
  return { rules, requests };
}

/** The outcome of a request under several policies: the strictest verdict, every failing rule. */
function combine(outcomes: readonly RequestOutcome[]): RequestOutcome {
  const verdict = outcomes.reduce<Verdict>((v, o) => (verdictRank[o.verdict] > verdictRank[v] ? o.verdict : v), 'allowed');
  return { verdict, by: outcomes.flatMap((o) => o.by).sort(byCause) };
}

/** Existing objects (from --manifests) whose verdict changes: per object, its outcome in each version and the rules that move. */
export function manifestChanges(before: PolicySet, after: PolicySet, documents: readonly { value: unknown; file: string; line: number }[]): ManifestChange[] {
  const names = [...new Set([...after.policies.map((p) => p.name), ...before.policies.map((p) => p.name)])];
  const out: ManifestChange[] = [];
  for (const d of documents) {
    const meta = (d.value as { metadata?: { name?: unknown; namespace?: unknown } }).metadata;
    const namespace = typeof meta?.namespace === 'string' ? meta.namespace : undefined;
    const req: AdmissionRequest = { object: d.value, operation: 'CREATE', namespaceLabels: namespace ? { 'kubernetes.io/metadata.name': namespace } : {} };
    const changes: RuleChange[] = [];
    const olds: RequestOutcome[] = [];
    const news: RequestOutcome[] = [];
    for (const name of names) {
      const a = judge(before.policies.find((p) => p.name === name), req);
      const b = judge(after.policies.find((p) => p.name === name), req);
      changes.push(...ruleChanges(name, a, b));
      olds.push(a.outcome);
      news.push(b.outcome);
    }
    if (!changes.length) continue;
    out.push({
      kind: String((d.value as { kind?: unknown }).kind ?? ''),
      namespace: namespace ?? null,
      name: String(meta?.name ?? ''),
      file: d.file,
      line: d.line,
      before: combine(olds),
      after: combine(news),
      changes,
    });
  }
  return out;
}
