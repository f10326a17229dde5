/** Every supported builtin, by OPA name. */
import { aggregateBuiltins } from './aggregates.js';
import { comparisonBuiltins } from './comparison.js';
import { encodingBuiltins } from './encoding.js';
import { miscBuiltins } from './misc.js';
import { numberBuiltins } from './numbers.js';
import { objectBuiltins } from './objects.js';
import { regexBuiltins } from './regex.js';
import type { Builtin } from './registry.js';
import { stringBuiltins } from './strings.js';
import { typeBuiltins } from './types.js';

export const builtins: ReadonlyMap<string, Builtin> = new Map(
  [
    ...comparisonBuiltins,
    ...numberBuiltins,
    ...aggregateBuiltins,
    ...stringBuiltins,
    ...regexBuiltins,
    ...objectBuiltins,
    ...typeBuiltins,
    ...encodingBuiltins,
    ...miscBuiltins,
  ].map((b) => [b.name, b]),
);

export { BuiltinError, type Builtin, type BuiltinContext } from './registry.js';
