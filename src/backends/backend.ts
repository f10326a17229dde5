import type { Staged } from '../diagnostics/index.js';
import type { BackendId, PolicySet } from '../ir/index.js';

/** One emitted file: a relative path in the output layout (`<backend>/<name>.yaml`) and its exact text. */
export interface EmittedFile {
  readonly path: string;
  readonly content: string;
  /** The objects in the file, for reporting and for the no-silent-loss check. */
  readonly objects: readonly { readonly apiVersion: string; readonly kind: string; readonly name: string }[];
}

export interface EmitOptions {
  /** Also emit native test suites (kyverno-test.yaml, gator Suite) when the backend supports it. */
  readonly withTests?: boolean;
  /**
   * Approximations the user accepted explicitly (`--approximate NAME`); without one, a construct a backend
   * cannot express exactly is SP2001. The output notes every approximation it used.
   */
  readonly approximate?: readonly Approximation[];
}

/** The approximations a backend may be allowed to make, each documented in docs/backends/. */
export const approximations = ['kyverno-pod-security'] as const;
export type Approximation = (typeof approximations)[number];

/**
 * A backend is a pure function from the IR to files (R7): no fs, no logging, deterministic output.
 * What it cannot express is an SP2001 diagnostic naming the construct, unless the user omitted the rule
 * from this backend (`omit from <backend> because "…"`), in which case the output says so in a comment.
 */
export interface Backend {
  readonly id: BackendId;
  emit(set: PolicySet, options?: EmitOptions): Staged<readonly EmittedFile[]>;
}
