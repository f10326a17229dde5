import { formatValue } from '../format.js';
import { ObjectValue, SetValue, typeName, type Value } from '../values.js';

/** What a builtin may read besides its arguments. */
export interface BuiltinContext {
  /** The fixed clock `time.now_ns` returns. */
  readonly nowNs: number;
}

export type BuiltinFn = (args: readonly Value[], ctx: BuiltinContext) => Value | undefined;

export interface Builtin {
  /** OPA's name, e.g. `object.get`, or the infix operator's name (`plus`, `equal`). */
  readonly name: string;
  readonly arity: number;
  readonly fn: BuiltinFn;
}

/**
 * A builtin's run-time error (wrong operand type, bad regex, division by zero...). OPA's default,
 * non-strict mode makes the call undefined; with `strictBuiltinErrors` evaluation stops instead.
 */
export class BuiltinError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BuiltinError';
  }
}

export function define(name: string, arity: number, fn: BuiltinFn): Builtin {
  return { name, arity, fn };
}

function operandError(name: string, i: number, want: string, got: Value): never {
  throw new BuiltinError(`${name}: operand ${i + 1} must be ${want} but got ${typeName(got)}`);
}

export function str(name: string, args: readonly Value[], i: number): string {
  const v = args[i]!;
  if (typeof v !== 'string') operandError(name, i, 'string', v);
  return v as string;
}

export function num(name: string, args: readonly Value[], i: number): number {
  const v = args[i]!;
  if (typeof v !== 'number') operandError(name, i, 'number', v);
  return v as number;
}

export function int(name: string, args: readonly Value[], i: number): number {
  const v = num(name, args, i);
  if (!Number.isInteger(v)) throw new BuiltinError(`${name}: operand ${i + 1} must be an integer but got ${formatValue(v)}`);
  return v;
}

export function obj(name: string, args: readonly Value[], i: number): ObjectValue {
  const v = args[i]!;
  if (!(v instanceof ObjectValue)) operandError(name, i, 'object', v);
  return v as ObjectValue;
}

export function set(name: string, args: readonly Value[], i: number): SetValue {
  const v = args[i]!;
  if (!(v instanceof SetValue)) operandError(name, i, 'set', v);
  return v as SetValue;
}

export function arr(name: string, args: readonly Value[], i: number): readonly Value[] {
  const v = args[i]!;
  if (!Array.isArray(v)) operandError(name, i, 'array', v);
  return v as readonly Value[];
}

/** An array or set operand, as a list (sets in Rego order). */
export function collection(name: string, args: readonly Value[], i: number): readonly Value[] {
  const v = args[i]!;
  if (Array.isArray(v)) return v;
  if (v instanceof SetValue) return v.values();
  return operandError(name, i, 'array or set', v);
}

/** A string, or an array/set of strings, as a list of strings. */
export function strings(name: string, args: readonly Value[], i: number): string[] {
  const v = args[i]!;
  if (typeof v === 'string') return [v];
  const items = collection(name, args, i);
  return items.map((e) => {
    if (typeof e !== 'string') throw new BuiltinError(`${name}: operand ${i + 1} must contain only strings`);
    return e;
  });
}
