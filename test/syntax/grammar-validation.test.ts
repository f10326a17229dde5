import { describe, expect, it } from 'vitest';
import { Lexer } from '../../grammar/chevrotain.js';
import { SecpolParser } from '../../grammar/parser.js';
import { allTokens, lexerOptions } from '../../grammar/tokens.js';

/**
 * The CLI builds its lexer and parser without Chevrotain's grammar validations (they cost time at every start);
 * these tests build them with the validations on, so a grammar error still fails the build.
 */
describe('grammar validations', () => {
  it('the lexer definition has no errors (unreachable tokens, empty or anchored patterns)', () => {
    const lexer = new Lexer(allTokens, { ...lexerOptions, skipValidations: false });
    expect(lexer.lexerDefinitionErrors).toEqual([]);
  });

  it('the parser passes self-analysis with validations (no ambiguity, no left recursion)', () => {
    expect(() => new SecpolParser({ validate: true })).not.toThrow();
  });

  it('validation catches a broken lexer definition (the check can fail)', () => {
    const broken = [...allTokens, allTokens[allTokens.length - 1]!];
    const lexer = new Lexer(broken, { ...lexerOptions, skipValidations: false, deferDefinitionErrorsHandling: true });
    expect(lexer.lexerDefinitionErrors.length).toBeGreaterThan(0);
  });
});
