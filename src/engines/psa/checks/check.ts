import type { PodView } from '../pod-view.js';

/** What one check says about one pod: allowed, or forbidden with upstream's reason and detail. */
export type CheckOutcome =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: string; readonly detail: string };

export const allowed: CheckOutcome = { allowed: true };

export function forbidden(reason: string, detail: string): CheckOutcome {
  return { allowed: false, reason, detail };
}

/** One revision of a check, in force from `minMinor` (policy version v1.<minMinor>) until the next one. */
export interface CheckRevision {
  readonly minMinor: number;
  readonly run: (pod: PodView) => CheckOutcome;
  /** Baseline check ids this restricted revision replaces while it is in force. */
  readonly overrides?: readonly string[];
}

/** A check as upstream registers it: a stable id, the level it belongs to, revisions in increasing order. */
export interface CheckDefinition {
  readonly id: string;
  readonly level: 'baseline' | 'restricted';
  readonly revisions: readonly CheckRevision[];
}
