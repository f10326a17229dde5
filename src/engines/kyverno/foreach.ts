/**
 * `validate.foreach` (https://kyverno.io/docs/writing-policies/validate/#foreach): each entry evaluates its
 * `list` (a JMESPath expression without braces) and checks every non-null element, exposed as `element`,
 * `elementIndex`, `element<N>` and `elementIndex<N>` (N = nesting depth). Map elements are the pattern's
 * scope unless `elementScope: false`. A failing element fails the rule; when no element applied, it skips.
 */
import { evaluateConditions } from './conditions.js';
import { isObject, type JsonObject } from './types.js';
import { checkDeny, checkPatterns, errorText, isUserError, type Outcome, type RuleInfo } from './validate.js';
import { queryVariable, type VarContext } from './variables.js';

function evaluateList(list: unknown, ctx: VarContext): unknown[] | undefined {
  if (typeof list !== 'string') return undefined;
  const expression = list.trim().replace(/^\{\{([\s\S]*)\}\}$/, '$1');
  let value: unknown;
  try {
    value = queryVariable(ctx, expression);
  } catch (e) {
    if (isUserError(e)) return undefined;
    throw e;
  }
  return Array.isArray(value) ? value : [value];
}

function withElement(ctx: VarContext, element: unknown, index: number, nesting: number): VarContext {
  return {
    deleteRequest: ctx.deleteRequest,
    ...(ctx.clock ? { clock: ctx.clock } : {}),
    data: { ...ctx.data, element, elementIndex: index, [`element${nesting}`]: element, [`elementIndex${nesting}`]: index },
  };
}

/** One foreach entry applied to one element; undefined when the entry has nothing to check. */
function checkEntry(rule: RuleInfo, entry: JsonObject, element: unknown, resource: unknown, ctx: VarContext, nesting: number): Outcome | undefined {
  let preconditions;
  try {
    preconditions = evaluateConditions(entry['preconditions'], ctx);
  } catch (e) {
    if (!isUserError(e)) throw e;
    return { status: 'error', message: `failed to evaluate preconditions: ${errorText(e)}` };
  }
  if (!preconditions.result) {
    return { status: 'skip', message: ['preconditions not met', preconditions.message].filter((m) => m !== '').join('; ') };
  }
  if (entry['deny'] !== undefined && entry['deny'] !== null) return checkDeny(rule, entry['deny'], ctx);
  const scoped = entry['elementScope'] === undefined || entry['elementScope'] === null ? isObject(element) : entry['elementScope'] === true;
  if (entry['pattern'] !== undefined || entry['anyPattern'] !== undefined) return checkPatterns(rule, entry, scoped ? element : resource, ctx);
  if (Array.isArray(entry['foreach'])) return checkForeach(rule, entry['foreach'], resource, ctx, nesting);
  return undefined;
}

function checkElements(rule: RuleInfo, entry: JsonObject, elements: readonly unknown[], resource: unknown, ctx: VarContext, nesting: number): { outcome: Outcome; applied: number } {
  let applied = 0;
  for (let index = 0; index < elements.length; index++) {
    const element = elements[index];
    if (element === null || element === undefined) continue;
    if (entry['elementScope'] === true && !isObject(element)) {
      return { outcome: { status: 'error', message: `failed to process foreach: cannot use elementScope=true foreach rules for elements that are not maps` }, applied };
    }
    const outcome = checkEntry(rule, entry, element, resource, withElement(ctx, element, index, nesting), nesting + 1);
    if (outcome === undefined || outcome.status === 'skip') continue;
    if (outcome.status === 'error' && index < elements.length - 1) continue;
    if (outcome.status !== 'pass') return { outcome: { status: outcome.status, message: `validation failure: ${outcome.message}` }, applied };
    applied++;
  }
  return { outcome: { status: 'pass', message: '' }, applied };
}

/** Runs a list of foreach entries at the given nesting depth (0 for the rule's own `foreach`). */
export function checkForeach(rule: RuleInfo, entries: readonly unknown[], resource: unknown, ctx: VarContext, nesting = 0): Outcome {
  let applied = 0;
  for (const entry of entries) {
    if (!isObject(entry)) return { status: 'error', message: 'a foreach entry must be an object' };
    const elements = evaluateList(entry['list'], ctx);
    if (elements === undefined) continue;
    const result = checkElements(rule, entry, elements, resource, ctx, nesting);
    if (result.outcome.status !== 'pass') return result.outcome;
    applied += result.applied;
  }
  if (applied === 0) return { status: 'skip', message: 'rule skipped' };
  return { status: 'pass', message: 'rule passed' };
}
