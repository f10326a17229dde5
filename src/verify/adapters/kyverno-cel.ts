import { evaluateKyvernoCel, loadKyvernoCelDocuments } from '../../engines/kyverno-cel/index.js';
import type { EmittedFile } from '../../backends/backend.js';
import { documentsOf, type EngineAdapter } from '../adapter.js';
import { celRequest, celVerdicts, ruleNames } from './cel-verdicts.js';

/**
 * The offline Kyverno ValidatingPolicy engine's verdicts on the emitted documents (parsed back from their text, never
 * the IR). Validation i of a ValidatingPolicy (or of its autogen variant) is the rule named by the i-th entry of its
 * `secpol.dev/rules` annotation; a PolicyException's skip is no violation; a match-condition error is a violation of
 * every rule (`<policy>/*`). A violation blocks when the policy's validationActions include Deny.
 */
export function kyvernoCelAdapter(files: readonly EmittedFile[]): EngineAdapter {
  const loaded = loadKyvernoCelDocuments(documentsOf(files, 'kyverno-cel'));
  if (loaded.errors.length) throw new Error(`the emitted ValidatingPolicy documents do not load: ${loaded.errors.join('; ')}`);
  const names = ruleNames(loaded.policies);
  return {
    backend: 'kyverno-cel',
    // A PolicyException's skip is no violation.
    evaluate: (request) => celVerdicts(evaluateKyvernoCel(loaded, celRequest(request)).filter((r) => r.exception === undefined), names),
  };
}
