import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Api from 'chevrotain';

/**
 * Chevrotain at run time, from the single-file build the package ships (lib/chevrotain.min.mjs). Importing the
 * package's module tree costs ~300 ms of every CLI start (measured by `npm run bench`); the bundle loads in ~15 ms.
 * Every runtime use of Chevrotain goes through this module, so GAST `instanceof` checks see one class identity.
 * Types still come from the package's own declarations.
 */
const entry = createRequire(import.meta.url).resolve('chevrotain');
const bundle = (await import(pathToFileURL(join(dirname(entry), '..', 'chevrotain.min.mjs')).href)) as typeof Api;

export const createToken: typeof Api.createToken = bundle.createToken;
export const Lexer: typeof Api.Lexer = bundle.Lexer;
export const CstParser: typeof Api.CstParser = bundle.CstParser;
export const Alternation: typeof Api.Alternation = bundle.Alternation;
export const Alternative: typeof Api.Alternative = bundle.Alternative;
export const NonTerminal: typeof Api.NonTerminal = bundle.NonTerminal;
export const Option: typeof Api.Option = bundle.Option;
export const Repetition: typeof Api.Repetition = bundle.Repetition;
export const RepetitionMandatory: typeof Api.RepetitionMandatory = bundle.RepetitionMandatory;
export const RepetitionMandatoryWithSeparator: typeof Api.RepetitionMandatoryWithSeparator = bundle.RepetitionMandatoryWithSeparator;
export const RepetitionWithSeparator: typeof Api.RepetitionWithSeparator = bundle.RepetitionWithSeparator;
export const Terminal: typeof Api.Terminal = bundle.Terminal;
export const createSyntaxDiagramsCode: typeof Api.createSyntaxDiagramsCode = bundle.createSyntaxDiagramsCode;
export const generateCstDts: typeof Api.generateCstDts = bundle.generateCstDts;
export const LLkLookaheadStrategy: typeof Api.LLkLookaheadStrategy = bundle.LLkLookaheadStrategy;
