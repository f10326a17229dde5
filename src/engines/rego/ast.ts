/**
 * The Rego syntax tree, as written (OPA policy reference, "Grammar"). Infix operators are kept as calls
 * to the builtin OPA names them after (`plus`, `equal`, `internal.member_2`...), with `infix` recording
 * the operator for messages.
 */
import type { Loc } from './errors.js';

export type Scalar = null | boolean | number | string;

export type Term =
  | ScalarTerm
  | VarTerm
  | RefTerm
  | CallTerm
  | ArrayTerm
  | ObjectTerm
  | SetTerm
  | ArrayComprehension
  | SetComprehension
  | ObjectComprehension;

export interface ScalarTerm {
  readonly kind: 'scalar';
  readonly value: Scalar;
  readonly loc: Loc;
}

export interface VarTerm {
  readonly kind: 'var';
  /** `_` occurrences are renamed to unique `$wildcardN` names by the parser. */
  readonly name: string;
  readonly loc: Loc;
}

/** `head.a[b]...`; `.a` is stored as the string scalar "a". */
export interface RefTerm {
  readonly kind: 'ref';
  readonly head: Term;
  readonly path: readonly Term[];
  readonly loc: Loc;
}

export interface CallTerm {
  readonly kind: 'call';
  /** The function's dotted name: `["object", "get"]`, `["data", "lib", "f"]`, `["plus"]`. */
  readonly fn: readonly string[];
  readonly args: readonly Term[];
  readonly infix?: string;
  readonly loc: Loc;
}

export interface ArrayTerm {
  readonly kind: 'array';
  readonly items: readonly Term[];
  readonly loc: Loc;
}

export interface ObjectTerm {
  readonly kind: 'object';
  readonly entries: readonly (readonly [Term, Term])[];
  readonly loc: Loc;
}

export interface SetTerm {
  readonly kind: 'set';
  readonly items: readonly Term[];
  readonly loc: Loc;
}

export interface ArrayComprehension {
  readonly kind: 'arrayCompr';
  readonly head: Term;
  readonly body: Body;
  readonly loc: Loc;
}

export interface SetComprehension {
  readonly kind: 'setCompr';
  readonly head: Term;
  readonly body: Body;
  readonly loc: Loc;
}

export interface ObjectComprehension {
  readonly kind: 'objectCompr';
  readonly key: Term;
  readonly value: Term;
  readonly body: Body;
  readonly loc: Loc;
}

export type Body = readonly Literal[];

/** One body statement: an expression, optionally negated, with its `with` modifiers. */
export interface Literal {
  readonly expr: Expr;
  readonly negated: boolean;
  readonly withs: readonly WithModifier[];
  readonly loc: Loc;
}

export interface WithModifier {
  readonly target: Term;
  readonly value: Term;
  readonly loc: Loc;
}

export type Expr = TermExpr | AssignExpr | UnifyExpr | SomeDecl | SomeIn | Every;

export interface TermExpr {
  readonly kind: 'term';
  readonly term: Term;
  readonly loc: Loc;
}

/** `lhs := rhs` */
export interface AssignExpr {
  readonly kind: 'assign';
  readonly lhs: Term;
  readonly rhs: Term;
  readonly loc: Loc;
}

/** `lhs = rhs` */
export interface UnifyExpr {
  readonly kind: 'unify';
  readonly lhs: Term;
  readonly rhs: Term;
  readonly loc: Loc;
}

/** `some x, y` */
export interface SomeDecl {
  readonly kind: 'some';
  readonly vars: readonly VarTerm[];
  readonly loc: Loc;
}

/** `some v in xs` / `some k, v in xs` */
export interface SomeIn {
  readonly kind: 'someIn';
  readonly key?: Term;
  readonly value: Term;
  readonly domain: Term;
  readonly loc: Loc;
}

/** `every v in xs { body }` / `every k, v in xs { body }` */
export interface Every {
  readonly kind: 'every';
  readonly key?: VarTerm;
  readonly value: VarTerm;
  readonly domain: Term;
  readonly body: Body;
  readonly loc: Loc;
}

export type RuleKind = 'complete' | 'partialSet' | 'partialObject' | 'function';

/** One `else` link of a rule: its value (default `true`) and body. */
export interface ElseClause {
  readonly value?: Term;
  readonly body: Body;
  readonly loc: Loc;
}

export interface Rule {
  readonly kind: RuleKind;
  /** The rule's path below the package: `["violation"]`, or `["a", "b"]` for a ref head `a.b := 1`. */
  readonly path: readonly string[];
  readonly isDefault: boolean;
  readonly args?: readonly Term[];
  /** Partial set element / partial object key. */
  readonly key?: Term;
  /** Complete, object and function value; absent means `true` (sets have none). */
  readonly value?: Term;
  readonly body: Body;
  readonly elses: readonly ElseClause[];
  readonly loc: Loc;
}

export interface Import {
  /** `["data", "lib", "x"]`, `["input", "review"]`, `["future", "keywords", "in"]`, `["rego", "v1"]`. */
  readonly path: readonly string[];
  readonly alias?: string;
  readonly loc: Loc;
}

export interface RegoModule {
  readonly file: string;
  /** The package path without the leading `data`. */
  readonly packagePath: readonly string[];
  readonly packageLoc: Loc;
  readonly imports: readonly Import[];
  readonly rules: readonly Rule[];
}
