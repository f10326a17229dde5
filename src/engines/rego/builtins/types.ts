/** Type predicates (OPA builtins reference: "Types"). `is_*` is false, not undefined, for other types. */
import { typeName, type Value } from '../values.js';
import { define, type Builtin } from './registry.js';

const is = (name: string, type: ReturnType<typeof typeName>): Builtin => define(name, 1, ([v]) => typeName(v as Value) === type);

export const typeBuiltins: readonly Builtin[] = [
  is('is_string', 'string'),
  is('is_number', 'number'),
  is('is_boolean', 'boolean'),
  is('is_array', 'array'),
  is('is_set', 'set'),
  is('is_object', 'object'),
  is('is_null', 'null'),
  define('type_name', 1, ([v]) => typeName(v!)),
];
