import YAML from 'yaml';
import type { EmittedFile } from '../backends/backend.js';
import type { GeneratedRequest } from './generate.js';

/** One backend's verdict on one rule: the rule key is `<policy>/<rule>` (pod security: `<policy>/pod-security-<mode>`). */
export interface EngineVerdict {
  readonly violated: boolean;
  readonly message?: string;
  /**
   * For a violation: whether the engine blocks the request (Kyverno's effective failure action, a Gatekeeper
   * constraint's `deny`, a VAP binding's `Deny`) rather than only reporting it. Compared with the policy's mode.
   */
  readonly blocks?: boolean;
}

/**
 * Runs one target engine on the artifacts a backend emitted (parsed back from their text: never the IR).
 * `evaluate` returns verdicts for the rules the engine decided; rules it did not report count as no violation.
 */
export interface EngineAdapter {
  readonly backend: string;
  /** The name in reports when one backend has several engines or review shapes (`gatekeeper-audit`); else `backend`. */
  readonly label?: string;
  /** `undefined`: this engine has no opinion on the request (e.g. an audit review of a DELETE). */
  evaluate(request: GeneratedRequest): ReadonlyMap<string, EngineVerdict> | undefined;
}

/** The name an adapter's verdicts are reported under. */
export function adapterLabel(adapter: EngineAdapter): string {
  return adapter.label ?? adapter.backend;
}

/** Every YAML document of the backend's emitted files, in file order. */
export function documentsOf(files: readonly EmittedFile[], backend: string): unknown[] {
  return files
    // Native test suites (`--with-tests`, under <backend>/tests/) hold samples, not policies.
    .filter((f) => f.path.startsWith(`${backend}/`) && !f.path.startsWith(`${backend}/tests/`))
    .flatMap((f) => YAML.parseAllDocuments(f.content).map((d) => d.toJSON() as unknown))
    .filter((d) => d !== null && d !== undefined);
}
