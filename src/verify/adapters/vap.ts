import { evaluateVap, loadVapDocuments, type LoadedVap } from '../../engines/vap/index.js';
import type { EmittedFile } from '../../backends/backend.js';
import { documentsOf, type EngineAdapter } from '../adapter.js';
import { celRequest, celVerdicts, ruleNames } from './cel-verdicts.js';

/**
 * The offline VAP engine's verdicts on the emitted documents (parsed back from their text, never the IR): a denied
 * validation (false, or an expression error under failurePolicy Fail) is a violation of its rule (cel-verdicts.ts).
 */
export function vapAdapter(files: readonly EmittedFile[]): EngineAdapter {
  const loaded: LoadedVap = loadVapDocuments(documentsOf(files, 'vap'));
  if (loaded.errors.length) throw new Error(`the emitted VAP documents do not load: ${loaded.errors.join('; ')}`);
  const names = ruleNames(loaded.policies);
  return {
    backend: 'vap',
    evaluate: (request) => celVerdicts(evaluateVap(loaded, celRequest(request)), names),
  };
}
