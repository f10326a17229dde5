import { createSyntaxDiagramsCode, generateCstDts } from './chevrotain.js';
import { secpolParser } from './parser.js';
import { grammarToEbnf } from './ebnf.js';

/**
 * The artifacts generated from the parser, so they cannot drift from it:
 * the CST typings (grammar/cst.generated.d.ts), the EBNF (docs/grammar.ebnf) and railroad diagrams (docs/grammar.html).
 * `npm run generate` writes them; test/grammar/generated.test.ts fails when a committed copy is stale.
 */
export function generatedGrammarFiles(): Record<string, string> {
  const productions = secpolParser.getGAstProductions();
  const serialized = secpolParser.getSerializedGastProductions();
  return {
    'grammar/cst.generated.d.ts': `// Generated from grammar/parser.ts by \`npm run generate\`; do not edit.\n${generateCstDts(productions)}`,
    'docs/grammar.ebnf': grammarToEbnf(Object.values(productions)),
    'docs/grammar.html': createSyntaxDiagramsCode(serialized),
  };
}
