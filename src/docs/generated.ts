import { generatedGrammarFiles } from '../../grammar/generate.js';
import { capabilityMatrix } from './capability-matrix.js';
import { diagnosticPages } from './diagnostic-pages.js';
import { generatedValidators } from '../backends/common/standalone.js';
import { generatedTemplates } from '../backends/common/precompile.js';

/** Every file derived from code: `npm run generate` writes them, test/generated.test.ts checks they are current. */
export function generatedFiles(): Record<string, string> {
  return { ...generatedGrammarFiles(), ...diagnosticPages(), 'docs/capabilities.md': capabilityMatrix(), ...generatedValidators(), ...generatedTemplates() };
}
