import type { PolicySet } from '../ir/index.js';
import { manifestChanges, verdictChanges, type Direction, type GeneratedRequests, type ManifestChange, type RuleVerdictChange } from './admission.js';
import { artifactDiffs, type ArtifactDiff } from './artifacts.js';
import { networkChanges, type NetworkChanges } from './network.js';
import { structuralChanges, type StructuralChange } from './structure.js';

/** A manifest document that is not a Kubernetes object (as `secpol audit` reports it); the other documents are still judged. */
export interface InvalidManifest {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly reason: string;
}

export interface DiffOptions {
  readonly runs: number;
  readonly seed: number;
  /** Existing objects to re-judge (from --manifests) and the documents that are not objects; undefined when none were given. */
  readonly manifests?: { readonly objects: readonly { value: unknown; file: string; line: number }[]; readonly invalid: readonly InvalidManifest[] };
  /** Rewrites the old file's path to the new one in old artifacts (source annotations). */
  readonly rename?: (text: string) => string;
}

/** The line a reviewer reads first: how the rules' verdicts move and what that does to requests. */
export interface DiffSummary {
  /** Rules whose verdict changes (on generated requests or existing manifests), by direction. */
  readonly rules: { readonly stricter: number; readonly looser: number; readonly both: number; readonly neither: number };
  readonly directions: readonly { readonly policy: string; readonly rule: string; readonly direction: Direction | 'both' }[];
  /** Generated requests, summed over policies. */
  readonly requests: { readonly judged: number; readonly rejected: number; readonly newlyDenied: number; readonly newlyAllowed: number };
  readonly manifests?: { readonly newlyDenied: number; readonly newlyAllowed: number; readonly invalid: number };
  readonly connections?: { readonly newlyAllowed: number; readonly newlyDenied: number };
}

/** The semantic diff of two versions of a policy set (docs/diff.md). */
export interface PolicyDiff {
  readonly old: string;
  readonly new: string;
  readonly summary: DiffSummary;
  readonly changes: readonly StructuralChange[];
  readonly verdicts: { readonly runs: number; readonly seed: number; readonly requests: readonly GeneratedRequests[]; readonly rules: readonly RuleVerdictChange[] };
  readonly manifests?: {
    readonly objects: number;
    readonly newlyDenied: number;
    readonly newlyAllowed: number;
    readonly changed: readonly ManifestChange[];
    readonly invalid: readonly InvalidManifest[];
  };
  readonly network?: NetworkChanges;
  readonly artifacts: readonly ArtifactDiff[];
}

/** Each changed rule's direction over all the evidence: generated requests and existing manifests. */
function directions(rules: readonly RuleVerdictChange[], manifests: readonly ManifestChange[]): DiffSummary['directions'] {
  const seen = new Map<string, { policy: string; rule: string; stricter: boolean; looser: boolean }>();
  const note = (policy: string, rule: string, stricter: boolean, looser: boolean) => {
    const key = `${policy}/${rule}`;
    const e = seen.get(key) ?? { policy, rule, stricter: false, looser: false };
    seen.set(key, { ...e, stricter: e.stricter || stricter, looser: e.looser || looser });
  };
  for (const r of rules) note(r.policy, r.rule, r.stricter > 0, r.looser > 0);
  for (const m of manifests) for (const c of m.changes) note(c.policy, c.rule, c.direction === 'stricter', c.direction === 'looser');
  return [...seen.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, e]) => ({ policy: e.policy, rule: e.rule, direction: e.stricter && e.looser ? 'both' : e.stricter ? 'stricter' : e.looser ? 'looser' : 'neither' }));
}

export async function diffPolicySets(before: PolicySet, after: PolicySet, names: { old: string; new: string }, options: DiffOptions): Promise<PolicyDiff> {
  const changed = options.manifests ? manifestChanges(before, after, options.manifests.objects) : [];
  const manifests = options.manifests
    ? {
        objects: options.manifests.objects.length,
        newlyDenied: changed.filter((c) => c.before.verdict !== 'denied' && c.after.verdict === 'denied').length,
        newlyAllowed: changed.filter((c) => c.before.verdict === 'denied' && c.after.verdict !== 'denied').length,
        changed,
        invalid: options.manifests.invalid,
      }
    : undefined;
  const network = networkChanges(before.networks, after.networks);
  const verdicts = verdictChanges(before, after, options);
  const dirs = directions(verdicts.rules, changed);
  const sum = (f: (r: GeneratedRequests) => number) => verdicts.requests.reduce((n, r) => n + f(r), 0);
  const summary: DiffSummary = {
    rules: {
      stricter: dirs.filter((d) => d.direction === 'stricter').length,
      looser: dirs.filter((d) => d.direction === 'looser').length,
      both: dirs.filter((d) => d.direction === 'both').length,
      neither: dirs.filter((d) => d.direction === 'neither').length,
    },
    directions: dirs,
    requests: { judged: sum((r) => r.judged), rejected: sum((r) => r.rejected), newlyDenied: sum((r) => r.newlyDenied), newlyAllowed: sum((r) => r.newlyAllowed) },
    ...(manifests ? { manifests: { newlyDenied: manifests.newlyDenied, newlyAllowed: manifests.newlyAllowed, invalid: manifests.invalid.length } } : {}),
    ...(network ? { connections: { newlyAllowed: network.newlyAllowed, newlyDenied: network.newlyDenied } } : {}),
  };
  return {
    old: names.old,
    new: names.new,
    summary,
    changes: structuralChanges(before, after),
    verdicts: { runs: options.runs, seed: options.seed, ...verdicts },
    ...(manifests ? { manifests } : {}),
    ...(network ? { network } : {}),
    artifacts: await artifactDiffs(before, after, options.rename ?? ((t) => t)),
  };
}
