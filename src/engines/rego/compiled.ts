/**
 * The compiled form the interpreter runs: variables resolved to frame slots, names resolved to rules,
 * builtins or data paths, and every body reordered for safety (OPA "Safety": each expression runs once
 * the variables it reads are bound).
 */
import type { Loc } from './errors.js';
import type { RuleKind } from './ast.js';
import type { Value } from './values.js';
import type { Builtin } from './builtins/registry.js';

export type CTerm =
  | { readonly k: 'val'; readonly v: Value }
  | { readonly k: 'local'; readonly slot: number; readonly name: string; readonly loc: Loc }
  | { readonly k: 'input'; readonly loc: Loc }
  /** A reference rooted in `data`: `node` is the deepest package reached by constant keys. */
  | { readonly k: 'ref'; readonly head: CHead; readonly path: readonly CIndex[]; readonly loc: Loc }
  | { readonly k: 'call'; readonly fn: CallTarget; readonly args: readonly CTerm[]; readonly out?: CTerm; readonly loc: Loc }
  | { readonly k: 'array'; readonly items: readonly CTerm[]; readonly loc: Loc }
  | { readonly k: 'object'; readonly entries: readonly (readonly [CTerm, CTerm])[]; readonly loc: Loc }
  | { readonly k: 'set'; readonly items: readonly CTerm[]; readonly loc: Loc }
  | {
      readonly k: 'compr';
      readonly kind: 'array' | 'set' | 'object';
      readonly head: CTerm;
      readonly value?: CTerm;
      readonly body: CBody;
      /** Slots of enclosing scopes the comprehension reads (all bound when it runs). */
      readonly free: readonly number[];
      readonly loc: Loc;
    };

/** What a reference starts from. */
export type CHead =
  | { readonly k: 'term'; readonly term: CTerm }
  | { readonly k: 'rule'; readonly rules: RuleSet }
  | { readonly k: 'package'; readonly node: DataNode }
  | { readonly k: 'base'; readonly path: readonly string[] };

/** One index of a reference: a term to look up, or an unbound variable / pattern to iterate with. */
export interface CIndex {
  readonly term: CTerm;
  /** Slots inside `term` that may be unbound when the index is reached (then the index iterates). */
  readonly vars: readonly number[];
}

export type CallTarget =
  | { readonly k: 'builtin'; readonly builtin: Builtin }
  | { readonly k: 'function'; readonly rules: RuleSet };

export type CBody = readonly CLiteral[];

export type CLiteral =
  | { readonly k: 'term'; readonly term: CTerm; readonly loc: Loc }
  /** `a = b` and `a := b`: `from` is evaluated, `to` is matched against it as a pattern. */
  | { readonly k: 'unify'; readonly from: CTerm; readonly to: CTerm; readonly loc: Loc }
  /** `pre` (OPA's moved-out references, negation.ts) runs outside the negation, just before it. */
  | { readonly k: 'not'; readonly pre?: CBody; readonly inner: CLiteral; readonly loc: Loc }
  | { readonly k: 'someIn'; readonly key?: CTerm; readonly value: CTerm; readonly domain: CTerm; readonly loc: Loc }
  | {
      readonly k: 'every';
      readonly key?: number;
      readonly value: number;
      readonly domain: CTerm;
      readonly body: CBody;
      readonly loc: Loc;
    }
  | { readonly k: 'with'; readonly inner: CLiteral; readonly mods: readonly CWith[]; readonly loc: Loc }
  | { readonly k: 'true'; readonly loc: Loc };

export type CWith =
  | { readonly k: 'input'; readonly path: readonly string[]; readonly value: CTerm }
  | { readonly k: 'base'; readonly path: readonly string[]; readonly value: CTerm }
  | { readonly k: 'rule'; readonly rules: RuleSet; readonly value: CTerm }
  | { readonly k: 'mockValue'; readonly target: Builtin | RuleSet; readonly value: CTerm }
  | { readonly k: 'mockFunction'; readonly target: Builtin | RuleSet; readonly replacement: CallTarget };

/** One rule definition with its `else` chain; all share one frame layout. */
export interface CClause {
  readonly nslots: number;
  readonly args?: readonly CTerm[];
  readonly key?: CTerm;
  /** Undefined value means `true`. */
  readonly chain: readonly { readonly value?: CTerm; readonly body: CBody; readonly loc: Loc }[];
  readonly file: string;
  readonly loc: Loc;
}

/** All definitions of one rule path. */
export interface RuleSet {
  readonly id: number;
  readonly kind: RuleKind;
  /** Full path from `data`, e.g. `["k8sallowedrepos", "violation"]`. */
  readonly path: readonly string[];
  readonly arity: number;
  readonly clauses: CClause[];
  defaultValue?: Value;
  /**
   * The JSON types of a complete rule's values as written (`any` for a value that is not a literal). OPA's type
   * checker lets such a rule be called as `r()` when its type is `any` (ast/check.go checkExprBuiltin), which is
   * the case unless every value has one type.
   */
  valueTypes?: Set<string>;
  readonly file: string;
  readonly loc: Loc;
}

/** The package tree: a node holds either rules or child nodes. */
export interface DataNode {
  readonly path: readonly string[];
  readonly children: Map<string, DataNode>;
  rules?: RuleSet;
}
