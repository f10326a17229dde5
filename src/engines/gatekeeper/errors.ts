/** A problem reported as a value: a bad template or constraint, or an evaluation error. */
export interface GatekeeperError {
  readonly type: 'error';
  readonly code: 'invalid_template' | 'rego_syntax' | 'rego_compile' | 'invalid_constraint' | 'invalid_object' | 'match_error' | 'rego_runtime';
  readonly message: string;
  /** Rego location for syntax, compile and runtime errors (inside the template's embedded source). */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

export function gkError(code: GatekeeperError['code'], message: string, at?: { file: string; line: number; column: number }): GatekeeperError {
  return at ? { type: 'error', code, message, file: at.file, line: at.line, column: at.column } : { type: 'error', code, message };
}

export function isGatekeeperError(x: unknown): x is GatekeeperError {
  return typeof x === 'object' && x !== null && (x as { type?: unknown }).type === 'error';
}

export type JsonObject = { readonly [key: string]: unknown };

export function isObject(x: unknown): x is JsonObject {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function field(x: unknown, ...path: string[]): unknown {
  let cur = x;
  for (const p of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}
