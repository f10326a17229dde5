/** A position in a Rego source: 1-based line and column, 0-based UTF-16 offset. */
export interface Loc {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

function where(file: string, loc: Loc | undefined): string {
  return loc ? `${file}:${loc.line}:${loc.column}` : file;
}

/** A lexing or parsing mistake in a Rego module (OPA's `rego_parse_error`). */
export class RegoSyntaxError extends Error {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The message without the location prefix. */
  readonly detail: string;

  constructor(file: string, loc: Loc, detail: string) {
    super(`${where(file, loc)}: rego_parse_error: ${detail}`);
    this.name = 'RegoSyntaxError';
    this.file = file;
    this.line = loc.line;
    this.column = loc.column;
    this.detail = detail;
  }
}

/** One compile-time problem (unsafe variable, conflicting rule kinds, unknown function...). */
export interface RegoCompileProblem {
  readonly code: 'rego_compile_error' | 'rego_unsafe_var_error' | 'rego_type_error' | 'rego_recursion_error';
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** Every problem found while compiling a set of modules; the first one gives `file`/`line`/`column`. */
export class RegoCompileError extends Error {
  readonly problems: readonly RegoCompileProblem[];
  readonly file: string;
  readonly line: number;
  readonly column: number;

  constructor(problems: readonly RegoCompileProblem[]) {
    const first = problems[0];
    super(
      problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.code}: ${p.message}`).join('\n') ||
        'rego_compile_error',
    );
    this.name = 'RegoCompileError';
    this.problems = problems;
    this.file = first?.file ?? '';
    this.line = first?.line ?? 0;
    this.column = first?.column ?? 0;
  }
}

/**
 * An evaluation error OPA also raises and does not turn into "undefined": conflicting outputs of a
 * complete rule or function (`eval_conflict_error`), recursion, and unsupported constructs met at run time.
 */
export class RegoRuntimeError extends Error {
  readonly code: 'eval_conflict_error' | 'eval_recursion_error' | 'eval_type_error' | 'eval_unsupported_error';
  readonly file: string;
  readonly line: number;
  readonly column: number;

  constructor(code: RegoRuntimeError['code'], file: string, loc: Loc | undefined, detail: string) {
    super(`${where(file, loc)}: ${code}: ${detail}`);
    this.name = 'RegoRuntimeError';
    this.code = code;
    this.file = file;
    this.line = loc?.line ?? 0;
    this.column = loc?.column ?? 0;
  }
}
