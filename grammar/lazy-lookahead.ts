import type { ILookaheadStrategy, ILookaheadValidationError, IOrAlt, OptionalProductionType, Rule, TokenType } from 'chevrotain';
import { LLkLookaheadStrategy } from './chevrotain.js';

/**
 * Chevrotain's own LL(k) lookahead strategy, each lookahead function built the first time the parser reaches its
 * production instead of all of them in `performSelfAnalysis` (docs/performance.md, session 6: most of a CLI run's
 * parser construction; a file uses a fraction of the grammar's alternatives). The function built is the one
 * Chevrotain would have built at construction, from the same arguments, so what parses and how is unchanged
 * (test/syntax/lazy-lookahead.test.ts); grammar validation, when asked for, is Chevrotain's unchanged.
 */
export function lazyLookahead(maxLookahead: number): ILookaheadStrategy {
  const llk = new LLkLookaheadStrategy({ maxLookahead });
  return {
    validate: (options: { rules: Rule[]; tokenTypes: TokenType[]; grammarName: string }): ILookaheadValidationError[] => llk.validate(options),
    initialize: (options: { rules: Rule[] }) => llk.initialize?.(options),
    buildLookaheadForAlternation(options) {
      let built: ((orAlts?: IOrAlt<unknown>[]) => number | undefined) | undefined;
      return function (this: unknown, orAlts?: IOrAlt<unknown>[]) {
        built ??= llk.buildLookaheadForAlternation(options);
        return built.call(this, orAlts);
      };
    },
    buildLookaheadForOptional(options: { prodOccurrence: number; prodType: OptionalProductionType; rule: Rule; maxLookahead: number; dynamicTokensEnabled: boolean }) {
      let built: (() => boolean) | undefined;
      return function (this: unknown) {
        built ??= llk.buildLookaheadForOptional(options);
        return built.call(this);
      };
    },
  };
}
