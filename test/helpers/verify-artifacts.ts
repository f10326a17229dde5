/**
 * Verify a policy set on one backend's emitted artifacts, optionally edited first: the mutation tests of the verify
 * suites (references, uniqueness, storage classes, …) show that a wrong artifact is caught, which needs the edit to
 * apply (a regex that no longer matches the output would make the test vacuous, so that fails here).
 */
import { expect } from 'vitest';
import type { EmittedFile } from '../../src/backends/backend.js';
import { compileTo } from '../../src/compile.js';
import type { PolicySet } from '../../src/ir/index.js';
import { engineAdapters } from '../../src/verify/adapters/index.js';
import { verifyPolicies } from '../../src/verify/verify.js';

export type Mutation = readonly [from: RegExp, to: string];

/** The files with every match of `from` replaced; fails the test when nothing matched. */
export function mutate(files: readonly EmittedFile[], from: RegExp, to: string): EmittedFile[] {
  let hits = 0;
  const out = files.map((f) => ({ ...f, content: f.content.replace(from, () => (hits++, to)) }));
  expect(hits, `the mutation ${from} must apply to the emitted text`).toBeGreaterThan(0);
  return out;
}

/** Compiles `set` to `target` (no errors), applies the mutation, and verifies every policy with a fixed seed. */
export async function verifyReports(set: PolicySet, target: 'kyverno' | 'gatekeeper' | 'vap' | 'kyverno-cel', options: { readonly seed: number; readonly runs?: number; readonly mutation?: Mutation }) {
  const out = await compileTo(set, [target]);
  expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const files = options.mutation ? mutate(out.value ?? [], ...options.mutation) : (out.value ?? []);
  return verifyPolicies(set, engineAdapters[target]!(files), { runs: options.runs ?? 400, seed: options.seed });
}
