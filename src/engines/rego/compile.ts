/**
 * Compiles parsed modules into a {@link RegoProgram}: builds the package tree, groups rule definitions,
 * resolves every name (local variable, rule, import, builtin) and orders each body for safety.
 */
import type { Literal, RegoModule, Rule } from './ast.js';
import { ClauseCompiler, levelNames, newNode, nodeAt, Problem, Scope, type ModuleEnv } from './clause.js';
import type { CBody, CClause, CTerm, DataNode, RuleSet } from './compiled.js';
import { RegoCompileError, type Loc, type RegoCompileProblem } from './errors.js';
import { slotsIn } from './safety.js';
import { checkTypes } from './typecheck.js';

/** A compiled set of modules; build it once and evaluate it many times. */
export interface RegoProgram {
  readonly root: DataNode;
  readonly ruleSets: readonly RuleSet[];
  readonly modules: readonly RegoModule[];
}

function ruleName(rs: RuleSet): string {
  return `data.${rs.path.join('.')}`;
}

/** Compiles modules into one program. Throws {@link RegoCompileError} listing every problem found. */
export function compileModules(modules: readonly RegoModule[]): RegoProgram {
  const problems: RegoCompileProblem[] = [];
  const report = (file: string, code: RegoCompileProblem['code'], loc: Loc, message: string) =>
    problems.push({ code, file, line: loc.line, column: loc.column, message });
  const root = newNode([]);
  const ruleSets: RuleSet[] = [];
  const pkgRules = new Map<string, Set<string>>();
  const placed: { rule: Rule; module: RegoModule; rs: RuleSet }[] = [];

  for (const m of modules) {
    const pkgKey = m.packagePath.join('.');
    const names = pkgRules.get(pkgKey) ?? new Set<string>();
    pkgRules.set(pkgKey, names);
    nodeAt(root, m.packagePath, true);
    for (const rule of m.rules) {
      const full = [...m.packagePath, ...rule.path];
      names.add(rule.path[0]!);
      const node = nodeAt(root, full, true)!;
      const arity = rule.args?.length ?? 0;
      if (!node.rules) {
        if (node.children.size > 0) {
          report(m.file, 'rego_type_error', rule.loc, `rule data.${full.join('.')} conflicts with a package or rule below it`);
          continue;
        }
        node.rules = { id: ruleSets.length, kind: rule.kind, path: full, arity, clauses: [], file: m.file, loc: rule.loc };
        ruleSets.push(node.rules);
      }
      const rs = node.rules;
      if (rs.kind !== rule.kind) {
        report(m.file, 'rego_type_error', rule.loc, `conflicting rules data.${full.join('.')} found`);
        continue;
      }
      if (rs.arity !== arity) {
        report(m.file, 'rego_type_error', rule.loc, `function data.${full.join('.')} has arity ${rs.arity} and ${arity}`);
        continue;
      }
      placed.push({ rule, module: m, rs });
      if (rs.kind === 'complete') {
        const types = (rs.valueTypes ??= new Set());
        for (const v of [rule.value, ...rule.elses.map((e) => e.value)]) types.add(literalType(v));
      }
    }
  }
  for (const rs of ruleSets) {
    let parent = root;
    for (const seg of rs.path.slice(0, -1)) {
      parent = parent.children.get(seg)!;
      if (parent.rules) report(rs.file, 'rego_type_error', rs.loc, `rule ${ruleName(parent.rules)} conflicts with rule ${ruleName(rs)}`);
    }
  }

  const envs = new Map<RegoModule, ModuleEnv>();
  for (const m of modules) {
    const aliases = new Map<string, readonly string[]>();
    for (const imp of m.imports) {
      const root0 = imp.path[0];
      if (root0 !== 'data' && root0 !== 'input') continue;
      const alias = imp.alias ?? imp.path[imp.path.length - 1]!;
      if (imp.path.length === 1 && imp.alias === undefined) continue;
      aliases.set(alias, imp.path);
    }
    envs.set(m, { module: m, aliases, pkgRules: pkgRules.get(m.packagePath.join('.'))!, root });
  }

  for (const { rule, module, rs } of placed) {
    try {
      compileRule(rule, envs.get(module)!, rs);
    } catch (e) {
      if (e instanceof Problem) report(module.file, e.code, e.loc, e.message);
      else throw e;
    }
  }
  if (problems.length > 0) throw new RegoCompileError(problems);
  // OPA's CheckTypes stage runs only when every earlier stage succeeded.
  const typeErrors = checkTypes(modules, envs);
  if (typeErrors.length > 0) throw new RegoCompileError(typeErrors);
  return { root, ruleSets, modules };
}

/** The JSON type of a rule value written as a literal (absent: `true`); `any` for anything computed. */
function literalType(t: Rule['value']): string {
  if (t === undefined) return 'boolean';
  if (t.kind === 'scalar') return t.value === null ? 'null' : typeof t.value;
  if (t.kind === 'array' || t.kind === 'object' || t.kind === 'set') return t.kind;
  return 'any';
}

function compileRule(rule: Rule, env: ModuleEnv, rs: RuleSet): void {
  const cc = new ClauseCompiler(env);
  if (rule.isDefault) {
    const v = cc.term(rule.value!, new Scope(undefined, new Set()));
    if (v.k !== 'val') throw new Problem('rego_compile_error', rule.loc, 'default rule value must be a constant');
    if (rs.defaultValue !== undefined) throw new Problem('rego_type_error', rule.loc, `multiple default rules ${ruleName(rs)} found`);
    rs.defaultValue = v.v;
    return;
  }
  const argScope = new Scope(undefined, new Set());
  const args = rule.args?.map((a) => cc.declare(a, argScope));
  const argSlots = new Set<number>();
  for (const a of args ?? []) slotsIn(a, argSlots);
  const links = [{ value: rule.value, body: rule.body, loc: rule.loc }, ...rule.elses];
  const chain: CClause['chain'][number][] = [];
  let key: CTerm | undefined;
  links.forEach((link, i) => {
    const keyAst = i === 0 ? rule.key : undefined;
    const scope = new Scope(argScope, levelNames(link.body, [keyAst, link.value]));
    const lits = cc.body(link.body, scope);
    const keyC = keyAst ? cc.term(keyAst, scope) : undefined;
    const valueC = link.value ? cc.term(link.value, scope) : undefined;
    const outside = new Set<number>(argSlots);
    if (keyC) slotsIn(keyC, outside);
    if (valueC) slotsIn(valueC, outside);
    const { body, bound } = cc.schedule(lits, argSlots, outside);
    if (keyC) cc.checkHead(keyC, bound);
    if (valueC) cc.checkHead(valueC, bound);
    if (i === 0) key = keyC;
    chain.push(valueC ? { value: valueC, body, loc: link.loc } : { body, loc: link.loc });
  });
  const clause: CClause = {
    nslots: cc.nslots,
    chain,
    file: env.module.file,
    loc: rule.loc,
    ...(args ? { args } : {}),
    ...(key ? { key } : {}),
  };
  rs.clauses.push(clause);
}

/** A compiled query: a body that binds `result`, and the frame it needs. */
export interface CompiledQuery {
  readonly body: CBody;
  readonly result: number;
  readonly nslots: number;
}

/** Compiles a query (e.g. `data.pkg.violation with input as {}`) against a program. Throws {@link RegoCompileError}. */
export function compileQuery(program: RegoProgram, query: Literal, file = 'query'): CompiledQuery {
  const module: RegoModule = { file, packagePath: [], packageLoc: query.loc, imports: [], rules: [] };
  const env: ModuleEnv = { module, aliases: new Map(), pkgRules: new Set(), root: program.root };
  const cc = new ClauseCompiler(env);
  if (query.expr.kind !== 'term') throw new Error('query must be a term');
  const resultVar = { kind: 'var' as const, name: '$result', loc: query.loc };
  const lit: Literal = { ...query, expr: { kind: 'assign', lhs: resultVar, rhs: query.expr.term, loc: query.loc } };
  try {
    const scope = new Scope(undefined, new Set());
    const lits = cc.body([lit], scope);
    const { body } = cc.schedule(lits, new Set(), new Set());
    return { body, result: scope.vars.get('$result')!, nslots: cc.nslots };
  } catch (e) {
    if (e instanceof Problem) {
      throw new RegoCompileError([{ code: e.code, file, line: e.loc.line, column: e.loc.column, message: e.message }]);
    }
    throw e;
  }
}
