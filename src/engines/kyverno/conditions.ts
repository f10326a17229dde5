/**
 * `any`/`all` condition blocks of preconditions, deny rules and PolicyExceptions
 * (https://kyverno.io/docs/writing-policies/preconditions/#any-and-all-statements), plus the legacy plain list.
 * `any` short-circuits on the first true condition, `all` on the first false one; both must hold. Every condition's
 * key and value are substituted before any is evaluated, as Kyverno substitutes the whole block first
 * (`validateDeny`: `SubstituteAll` on the any/all block, then `EvaluateConditions`; `CheckPreconditions` and
 * `CheckDenyPreconditions` likewise): a variable that fails in a condition a short-circuit would skip still makes
 * the rule an `error`.
 */
import { applyOperator, parseOperator, type Operator } from './operators.js';
import { isObject } from './types.js';
import { substituteDocument, type VarContext } from './variables.js';

/** A malformed condition block; the rule reports `error`. */
export class ConditionError extends Error {
  override readonly name = 'ConditionError';
}

export interface ConditionOutcome {
  readonly result: boolean;
  /** The `message`s of the deciding conditions, joined with `; `. */
  readonly message: string;
}

interface Prepared {
  readonly operator: Operator;
  readonly key: unknown;
  readonly value: unknown;
  readonly message: string;
}

function prepare(condition: unknown, ctx: VarContext): Prepared {
  if (!isObject(condition)) throw new ConditionError('a condition must be an object with key, operator and value');
  const operator = parseOperator(condition['operator']);
  if (operator === undefined) throw new ConditionError(`failed to create handler for condition operator ${JSON.stringify(condition['operator'] ?? null)}`);
  const key = substituteDocument(condition['key'] ?? null, ctx);
  const value = substituteDocument(condition['value'] ?? null, ctx);
  const message = typeof condition['message'] === 'string' ? condition['message'] : '';
  return { operator, key, value, message };
}

function evaluateOne(c: Prepared): { value: boolean; message: string } {
  return { value: applyOperator(c.operator, c.key, c.value), message: c.message };
}

const joinNonEmpty = (parts: readonly string[], sep: string): string => parts.filter((p) => p !== '').join(sep);

/** Evaluates a condition block; absent blocks hold. Throws VariableError or ConditionError. */
export function evaluateConditions(block: unknown, ctx: VarContext): ConditionOutcome {
  if (block === undefined || block === null) return { result: true, message: '' };
  if (Array.isArray(block)) {
    const held: string[] = [];
    for (const condition of block.map((c) => prepare(c, ctx))) {
      const outcome = evaluateOne(condition);
      if (!outcome.value) return { result: false, message: outcome.message };
      held.push(outcome.message);
    }
    return { result: true, message: joinNonEmpty(held, ';') };
  }
  if (!isObject(block)) throw new ConditionError('invalid condition');
  const trueMessages: string[] = [];
  const falseMessages: string[] = [];
  let anyResult = true;
  const any = block['any'];
  const all = block['all'];
  if (any !== undefined && any !== null && !Array.isArray(any)) throw new ConditionError('`any` must be a list of conditions');
  if (all !== undefined && all !== null && !Array.isArray(all)) throw new ConditionError('`all` must be a list of conditions');
  const anyPrepared = Array.isArray(any) ? any.map((c) => prepare(c, ctx)) : undefined;
  const allPrepared = Array.isArray(all) ? all.map((c) => prepare(c, ctx)) : undefined;
  if (anyPrepared) {
    anyResult = false;
    for (const condition of anyPrepared) {
      const outcome = evaluateOne(condition);
      if (outcome.value) {
        anyResult = true;
        trueMessages.push(outcome.message);
        break;
      }
      falseMessages.push(outcome.message);
    }
  }
  let allResult = true;
  if (allPrepared) {
    for (const condition of allPrepared) {
      const outcome = evaluateOne(condition);
      if (!outcome.value) {
        allResult = false;
        falseMessages.push(outcome.message);
        break;
      }
      trueMessages.push(outcome.message);
    }
  }
  const result = anyResult && allResult;
  return { result, message: joinNonEmpty(result ? trueMessages : falseMessages, '; ') };
}
