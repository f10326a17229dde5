/**
 * Offline Rego engine: parser and interpreter for the subset of OPA's Rego that Gatekeeper templates use.
 * Supported syntax, builtins and known differences from OPA are in docs/engines/rego.md.
 */
export type { RegoModule, Rule, Term, Literal, Body } from './ast.js';
export { compileModules, type RegoProgram } from './compile.js';
export {
  RegoCompileError,
  RegoRuntimeError,
  RegoSyntaxError,
  type Loc,
  type RegoCompileProblem,
} from './errors.js';
export { DEFAULT_NOW_NS, evaluate, evaluateValue, type EvaluateOptions, type EvaluateResult } from './evaluate.js';
export { formatValue } from './format.js';
export { parseModule } from './parser.js';
export { builtinNames } from './builtins/names.js';
export { fromJS, RegoSet, toJSON, toRegoValue, type RegoValue, type Value } from './values.js';
