import fc from 'fast-check';
import YAML from 'yaml';
import { evaluatePolicy, type AdmissionRequest, type RuleOutcome } from '../eval/index.js';
import type { Policy, PolicySet } from '../ir/index.js';
import { requestArbitrary, type GeneratedRequest } from '../verify/index.js';

/** A rule's outcome in one version; `absent` when that version has no such rule (or policy). */
export type Outcome = RuleOutcome | 'absent';

export interface RuleChange {
  readonly policy: string;
  readonly rule: string;
  readonly old: Outcome;
  readonly new: Outcome;
}

/** A generated request on which a rule's verdict changes, with the object as YAML. */
export interface VerdictExample {
  readonly request: GeneratedRequest;
  readonly yaml: string;
  /** Every rule whose fail/not-fail verdict changes on this request. */
  readonly changes: readonly RuleChange[];
}

export interface RuleVerdictChange {
  readonly policy: string;
  readonly rule: string;
  /** How many of the generated requests changed this rule's verdict. */
  readonly hits: number;
  /** Up to 3: one shrunk by fast-check per distinct transition (pass -> fail, skip -> fail…), then others as generated. */
  readonly shrunk: number;
  readonly examples: readonly VerdictExample[];
}

export interface ManifestChange {
  readonly kind: string;
  readonly namespace: string | null;
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly before: 'allowed' | 'denied';
  readonly after: 'allowed' | 'denied';
  readonly changes: readonly RuleChange[];
}

function outcomes(policy: Policy | undefined, req: AdmissionRequest): { rules: Map<string, RuleOutcome>; denied: boolean } {
  if (!policy) return { rules: new Map(), denied: false };
  const v = evaluatePolicy(policy, req);
  return { rules: new Map(v.rules.map((r) => [r.rule, r.outcome])), denied: v.denied };
}

/** Rules whose verdict moves between fail and not-fail (a pass/skip swap is no change for an admission decision). */
function ruleChanges(policy: string, before: Policy | undefined, after: Policy | undefined, req: AdmissionRequest): { changes: RuleChange[]; denied: [boolean, boolean] } {
  const a = outcomes(before, req);
  const b = outcomes(after, req);
  const changes: RuleChange[] = [];
  for (const rule of new Set([...a.rules.keys(), ...b.rules.keys()])) {
    const o: Outcome = a.rules.get(rule) ?? 'absent';
    const n: Outcome = b.rules.get(rule) ?? 'absent';
    if ((o === 'fail') !== (n === 'fail')) changes.push({ policy, rule, old: o, new: n });
  }
  return { changes, denied: [a.denied, b.denied] };
}

function asAdmission(r: GeneratedRequest): AdmissionRequest {
  return { object: r.object, operation: r.operation, ...(r.namespace !== undefined ? { namespace: r.namespace } : {}), namespaceLabels: r.namespaceLabels };
}

function exampleYaml(r: GeneratedRequest): string {
  const head = [`# operation: ${r.operation}`, ...(Object.keys(r.namespaceLabels).length ? [`# namespace labels: ${Object.entries(r.namespaceLabels).map(([k, v]) => `${k}=${v}`).join(', ')}`] : [])];
  return `${head.join('\n')}\n${YAML.stringify(r.object, { sortMapEntries: false })}`;
}

/**
 * Requests whose verdict differs between two versions, per policy present in either. Requests come from the
 * generators of BOTH versions (so the boundaries of both are explored) with a fixed seed; the first example of
 * each changed rule is shrunk by fast-check.
 */
export function verdictChanges(before: PolicySet, after: PolicySet, options: { runs: number; seed: number }): RuleVerdictChange[] {
  const names = [...new Set([...after.policies.map((p) => p.name), ...before.policies.map((p) => p.name)])];
  const out: RuleVerdictChange[] = [];
  for (const name of names) {
    const o = before.policies.find((p) => p.name === name);
    const n = after.policies.find((p) => p.name === name);
    const arbitraries = [o, n].filter((p): p is Policy => p !== undefined).map(requestArbitrary);
    const arb = arbitraries.length === 1 ? arbitraries[0]! : fc.oneof(...arbitraries);
    const found = new Map<string, { hits: number; examples: VerdictExample[] }>();
    for (const request of fc.sample(arb, { seed: options.seed, numRuns: options.runs })) {
      const { changes } = ruleChanges(name, o, n, asAdmission(request));
      for (const c of changes) {
        const entry = found.get(c.rule) ?? { hits: 0, examples: [] };
        entry.hits++;
        if (entry.examples.length < 3) entry.examples.push({ request, yaml: exampleYaml(request), changes });
        found.set(c.rule, entry);
      }
    }
    for (const [rule, entry] of found) {
      // One shrunk example per distinct transition (e.g. pass -> fail, skip -> fail), then generated ones.
      const transition = (e: VerdictExample) => e.changes.filter((c) => c.rule === rule).map((c) => `${c.old}>${c.new}`)[0] ?? '';
      const transitions = [...new Set(entry.examples.map(transition))];
      const shrunk: VerdictExample[] = [];
      for (const t of transitions) {
        const hits = (r: GeneratedRequest) => ruleChanges(name, o, n, asAdmission(r)).changes.some((c) => c.rule === rule && `${c.old}>${c.new}` === t);
        const result = fc.check(fc.property(arb, (r) => !hits(r)), { seed: options.seed, numRuns: options.runs });
        const r = result.counterexample?.[0];
        if (r) shrunk.push({ request: r, yaml: exampleYaml(r), changes: ruleChanges(name, o, n, asAdmission(r)).changes });
      }
      const seen = new Set(shrunk.map((e) => e.yaml));
      const examples = [...shrunk, ...entry.examples.filter((e) => !seen.has(e.yaml))].slice(0, 3);
      out.push({ policy: name, rule, hits: entry.hits, shrunk: Math.min(shrunk.length, 3), examples });
    }
  }
  return out;
}

/** Existing objects (from --manifests) whose verdict changes: per object, the rules that move and whether it is now denied. */
export function manifestChanges(before: PolicySet, after: PolicySet, documents: readonly { value: unknown; file: string; line: number }[]): ManifestChange[] {
  const names = [...new Set([...after.policies.map((p) => p.name), ...before.policies.map((p) => p.name)])];
  const out: ManifestChange[] = [];
  for (const d of documents) {
    const meta = (d.value as { metadata?: { name?: unknown; namespace?: unknown } }).metadata;
    const namespace = typeof meta?.namespace === 'string' ? meta.namespace : undefined;
    const req: AdmissionRequest = { object: d.value, operation: 'CREATE', namespaceLabels: namespace ? { 'kubernetes.io/metadata.name': namespace } : {} };
    const changes: RuleChange[] = [];
    let deniedBefore = false;
    let deniedAfter = false;
    for (const name of names) {
      const r = ruleChanges(name, before.policies.find((p) => p.name === name), after.policies.find((p) => p.name === name), req);
      changes.push(...r.changes);
      deniedBefore ||= r.denied[0];
      deniedAfter ||= r.denied[1];
    }
    if (!changes.length && deniedBefore === deniedAfter) continue;
    out.push({
      kind: String((d.value as { kind?: unknown }).kind ?? ''),
      namespace: namespace ?? null,
      name: String(meta?.name ?? ''),
      file: d.file,
      line: d.line,
      before: deniedBefore ? 'denied' : 'allowed',
      after: deniedAfter ? 'denied' : 'allowed',
      changes,
    });
  }
  return out;
}
