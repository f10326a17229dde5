/** What every engine runner of `secpol eval` gets, and what it gives back. */
import type { Diagnostic } from '../../../diagnostics/index.js';
import type { EvalInput, LoadedDoc, ResourceIdentity } from './inputs.js';
import type { Requester } from './requester.js';

/** One verdict of `secpol eval` (the documented JSON schema: docs/cli.md). */
export interface EvalVerdict {
  resource: ResourceIdentity;
  policy: string;
  rule: string;
  verdict: 'pass' | 'fail' | 'skip' | 'error';
  message: string;
  /** Each violation's message on its own (Gatekeeper: one per element of the template's violation set). */
  messages?: string[];
}

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

export interface EvalContext {
  readonly policies: readonly LoadedDoc[];
  readonly resources: readonly EvalInput[];
  /** `--inventory`: objects Gatekeeper syncs into data.inventory. */
  readonly inventory: readonly LoadedDoc[];
  /** `--operation`, when given. */
  readonly operation: Operation | undefined;
  /** `--namespace-labels`: labels of a namespace no Namespace object describes. */
  readonly namespaceLabels: Readonly<Record<string, string>>;
  readonly requester: Requester | undefined;
}

export interface EngineRun {
  readonly verdicts: EvalVerdict[];
  /** Errors stop the run before any verdict; warnings are printed before the verdicts. */
  readonly diagnostics: Diagnostic[];
  /** Engine load problems without a position (printed as `warning: …`). */
  readonly warnings: string[];
}
