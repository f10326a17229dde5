/**
 * `any`/`all` condition blocks of preconditions, deny rules and PolicyExceptions
 * (https://kyverno.io/docs/writing-policies/preconditions/#any-and-all-statements), plus the legacy plain list.
 * `any` short-circuits on the first true condition, `all` on the first false one; both must hold.
 */
import { applyOperator, parseOperator } from './operators.js';
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

function evaluateOne(condition: unknown, ctx: VarContext): { value: boolean; message: string } {
  if (!isObject(condition)) throw new ConditionError('a condition must be an object with key, operator and value');
  const operator = parseOperator(condition['operator']);
  if (operator === undefined) throw new ConditionError(`failed to create handler for condition operator ${JSON.stringify(condition['operator'] ?? null)}`);
  const key = substituteDocument(condition['key'] ?? null, ctx);
  const value = substituteDocument(condition['value'] ?? null, ctx);
  const message = typeof condition['message'] === 'string' ? condition['message'] : '';
  return { value: applyOperator(operator, key, value), message };
}

const joinNonEmpty = (parts: readonly string[], sep: string): string => parts.filter((p) => p !== '').join(sep);

/** Evaluates a condition block; absent blocks hold. Throws VariableError or ConditionError. */
export function evaluateConditions(block: unknown, ctx: VarContext): ConditionOutcome {
  if (block === undefined || block === null) return { result: true, message: '' };
  if (Array.isArray(block)) {
    const held: string[] = [];
    for (const condition of block) {
      const outcome = evaluateOne(condition, ctx);
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
  if (any !== undefined && any !== null) {
    if (!Array.isArray(any)) throw new ConditionError('`any` must be a list of conditions');
    anyResult = false;
    for (const condition of any) {
      const outcome = evaluateOne(condition, ctx);
      if (outcome.value) {
        anyResult = true;
        trueMessages.push(outcome.message);
        break;
      }
      falseMessages.push(outcome.message);
    }
  }
  let allResult = true;
  const all = block['all'];
  if (all !== undefined && all !== null) {
    if (!Array.isArray(all)) throw new ConditionError('`all` must be a list of conditions');
    for (const condition of all) {
      const outcome = evaluateOne(condition, ctx);
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
