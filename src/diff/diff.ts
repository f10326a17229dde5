import type { PolicySet } from '../ir/index.js';
import { manifestChanges, verdictChanges, type ManifestChange, type RuleVerdictChange } from './admission.js';
import { artifactDiffs, type ArtifactDiff } from './artifacts.js';
import { networkChanges, type NetworkChanges } from './network.js';
import { structuralChanges, type StructuralChange } from './structure.js';

export interface DiffOptions {
  readonly runs: number;
  readonly seed: number;
  /** Existing objects to re-judge (from --manifests); undefined when none were given. */
  readonly manifests?: readonly { value: unknown; file: string; line: number }[];
  /** Rewrites the old file's path to the new one in old artifacts (source annotations). */
  readonly rename?: (text: string) => string;
}

/** The semantic diff of two versions of a policy set (docs/diff.md). */
export interface PolicyDiff {
  readonly old: string;
  readonly new: string;
  readonly changes: readonly StructuralChange[];
  readonly verdicts: { readonly runs: number; readonly seed: number; readonly rules: readonly RuleVerdictChange[] };
  readonly manifests?: { readonly objects: number; readonly newlyDenied: number; readonly newlyAllowed: number; readonly changed: readonly ManifestChange[] };
  readonly network?: NetworkChanges;
  readonly artifacts: readonly ArtifactDiff[];
}

export async function diffPolicySets(before: PolicySet, after: PolicySet, names: { old: string; new: string }, options: DiffOptions): Promise<PolicyDiff> {
  const changed = options.manifests ? manifestChanges(before, after, options.manifests) : undefined;
  const network = networkChanges(before.networks, after.networks);
  return {
    old: names.old,
    new: names.new,
    changes: structuralChanges(before, after),
    verdicts: { runs: options.runs, seed: options.seed, rules: verdictChanges(before, after, options) },
    ...(changed && options.manifests
      ? {
          manifests: {
            objects: options.manifests.length,
            newlyDenied: changed.filter((c) => c.before === 'allowed' && c.after === 'denied').length,
            newlyAllowed: changed.filter((c) => c.before === 'denied' && c.after === 'allowed').length,
            changed,
          },
        }
      : {}),
    ...(network ? { network } : {}),
    artifacts: await artifactDiffs(before, after, options.rename ?? ((t) => t)),
  };
}
