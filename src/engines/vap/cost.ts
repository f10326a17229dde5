import type { ASTNode } from '@marcbachmann/cel-js';
import { celEnvironment } from './cel-env.js';

/**
 * A static cost estimator for the CEL of ValidatingAdmissionPolicy expressions, after cel-go's checker/cost.go
 * (the estimator Kubernetes' CEL uses) with Kubernetes' settings and library costs
 * (k8s.io/apiserver/pkg/cel/environment/base.go, k8s.io/apiserver/pkg/cel/library/cost.go).
 * Model, size assumptions, limits and known differences: docs/engines/vap-cost.md.
 */

// Kubernetes limits. All but the CRD ones come from k8s.io/apiserver/pkg/apis/cel/config.go.

/** `PerCallLimit`: the runtime cost limit of one expression evaluation (cel.CostLimit in environment/base.go). */
export const PER_CALL_LIMIT = 1_000_000;
/** `RuntimeCELCostBudget`: the runtime budget of one (policy, binding, param) evaluation, shared by its expressions. */
export const RUNTIME_CEL_COST_BUDGET = 10_000_000;
/** `RuntimeCELCostBudgetMatchConditions`: the separate runtime budget of a binding's matchConditions. */
export const RUNTIME_CEL_COST_BUDGET_MATCH_CONDITIONS = 2_500_000;
/** `MaxRequestSizeBytes`: 3 MiB, the bound Kubernetes derives unbounded list and string sizes from. */
export const MAX_REQUEST_SIZE_BYTES = 3 * 1024 * 1024;
/**
 * `StaticEstimatedCostLimit` of k8s.io/apiextensions-apiserver .../apiextensions/validation/validation.go: CRD rules
 * whose estimate exceeds it are rejected when the CRD is written. Kubernetes applies no such check to a VAP.
 */
export const CRD_STATIC_ESTIMATED_COST_LIMIT = 10_000_000;

/** cel-go's estimates are uint64 and saturate at its maximum; as a double that is 2^64. */
export const UNBOUNDED = 2 ** 64;

// cel-go common/cost.go.
const SELECT_AND_IDENT_COST = 1;
const CALL_COST = 1;
const LIST_CREATE_BASE_COST = 10;
const MAP_CREATE_BASE_COST = 30;
const STRING_TRAVERSAL_COST_FACTOR = 0.1;
const REGEX_STRING_LENGTH_COST_FACTOR = 0.25;
/** library/cost.go: an authorization check is priced so that only two fit into one call. */
const AUTHORIZATION_CHECK_COST = 350_000;

/** An inclusive range of costs or sizes (string characters, list items, map entries). */
export interface Range {
  readonly min: number;
  readonly max: number;
}
export type CostEstimate = Range;

/** The largest size assumed for a value whose size the expression does not reveal. */
export interface SizeBounds {
  readonly string: number;
  readonly list: number;
  readonly map: number;
}

/**
 * Kubernetes' bound for schema values without maxLength / maxItems / maxProperties (apiserver/pkg/cel/common/schemas.go):
 * what fits into one request. A string is the request minus its quotes; a list holds (request − 2) / (minimum element
 * size + 1) items and a map (request − 2) / (minimum value size + 6) entries; an unknown (dyn) element's minimum
 * serialized size is one byte (`0`).
 */
export const KUBERNETES_REQUEST_SIZE_BOUNDS: SizeBounds = {
  string: MAX_REQUEST_SIZE_BYTES - 2,
  list: Math.floor((MAX_REQUEST_SIZE_BYTES - 2) / (1 + 1)),
  map: Math.floor((MAX_REQUEST_SIZE_BYTES - 2) / (1 + 6)),
};

/** cel-go without a size estimator, as VAP's `object`, `oldObject` and `params` (declared dyn) are typed. */
export const UNBOUNDED_SIZES: SizeBounds = { string: UNBOUNDED, list: UNBOUNDED, map: UNBOUNDED };

export type ScalarKind = 'dyn' | 'bool' | 'int' | 'uint' | 'double' | 'string' | 'bytes' | 'null' | 'timestamp' | 'duration' | 'type' | 'opaque';

/** The static type the estimator tracks: enough to pick cel-go's overload costs and to price field selection. */
export type CelType =
  | { readonly kind: ScalarKind }
  | { readonly kind: 'list'; readonly elem: CelType }
  | { readonly kind: 'map'; readonly key: CelType; readonly value: CelType }
  | { readonly kind: 'object'; readonly fields: Readonly<Record<string, CelType>> };

/** What is known of a composited variable (`spec.variables[]`), e.g. from estimating its own expression. */
export interface VariableInfo {
  readonly cost: CostEstimate;
  readonly type?: CelType;
  readonly size?: Range;
}

export interface CostOptions {
  /** Sizes of values the expression does not bound. Default: KUBERNETES_REQUEST_SIZE_BOUNDS. */
  readonly sizeBounds?: SizeBounds;
  /** Cost of the presence test of has(). Kubernetes sets cel-go's PresenceTestHasCost(false): 0. */
  readonly presenceTestCost?: number;
  /** The policy's variables, by name; each one's cost is charged once, in `withVariables`. */
  readonly variables?: Readonly<Record<string, VariableInfo>>;
}

export interface CostReport extends CostEstimate {
  /** Names X of the `variables.X` the expression reads, in first-use order. */
  readonly variablesReferenced: readonly string[];
  /**
   * The expression plus the first evaluation of each variable it reads (per `options.variables`). Kubernetes evaluates
   * a variable lazily once per policy evaluation, as its own program under its own PER_CALL_LIMIT, and charges its cost
   * to the policy budget after the expression that first read it; `min` leaves variables out, as a read may sit in a
   * branch that is never taken.
   */
  readonly withVariables: CostEstimate;
  readonly resultType: CelType;
  readonly resultSize?: Range;
}

/** The estimated cost of a parsed expression (celEnvironment.parse(text).ast). */
export function estimateCelCost(ast: ASTNode, options: CostOptions = {}): CostReport {
  const ctx: Context = {
    bounds: options.sizeBounds ?? KUBERNETES_REQUEST_SIZE_BOUNDS,
    presenceTestCost: options.presenceTestCost ?? 0,
    variables: options.variables ?? {},
    scope: new Map(),
    referenced: new Set(),
  };
  const result = estimate(ast, ctx);
  const referenced = [...ctx.referenced];
  const variableCost = referenced.reduce((sum, name) => sum + (ctx.variables[name]?.cost.max ?? 0), 0);
  return {
    min: result.cost.min,
    max: result.cost.max,
    variablesReferenced: referenced,
    withVariables: { min: result.cost.min, max: saturate(result.cost.max + variableCost) },
    resultType: result.type,
    ...(result.size ? { resultSize: result.size } : {}),
  };
}

/** estimateCelCost of a CEL text; throws cel-js's ParseError on text that does not parse. */
export function estimateExpressionCost(text: string, options: CostOptions = {}): CostReport {
  return estimateCelCost(celEnvironment.parse(text).ast, options);
}

// ---------------------------------------------------------------------------------------------------------------
// Ranges, saturating like cel-go's uint64 arithmetic.

const saturate = (n: number): number => Math.min(n, UNBOUNDED);
const fixed = (n: number): Range => ({ min: n, max: n });
const add = (...rs: readonly Range[]): Range =>
  rs.reduce((a, b) => ({ min: saturate(a.min + b.min), max: saturate(a.max + b.max) }), fixed(0));
const multiply = (a: Range, b: Range): Range => ({ min: saturate(a.min * b.min), max: saturate(a.max * b.max) });
/** cel-go's MultiplyByCostFactor: the product, rounded up. */
const byFactor = (r: Range, factor: number): Range => ({
  min: saturate(Math.ceil(r.min * factor)),
  max: saturate(Math.ceil(r.max * factor)),
});
const union = (a: Range, b: Range): Range => ({ min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) });
const unionAll = (rs: readonly Range[]): Range => rs.reduce(union);

// ---------------------------------------------------------------------------------------------------------------
// Types of the VAP variables (plugin/cel/compile.go): object, oldObject and params are dyn; request and
// namespaceObject are declared object types; variables is an object type whose fields are the variables.

const t = (kind: ScalarKind): CelType => ({ kind });
const DYN = t('dyn');
const BOOL = t('bool');
const INT = t('int');
const STRING = t('string');
const listOf = (elem: CelType): CelType => ({ kind: 'list', elem });
const mapOf = (key: CelType, value: CelType): CelType => ({ kind: 'map', key, value });
const objectOf = (fields: Record<string, CelType>): CelType => ({ kind: 'object', fields });

const groupVersionKind = objectOf({ group: STRING, version: STRING, kind: STRING });
const groupVersionResource = objectOf({ group: STRING, version: STRING, resource: STRING });
const requestType = objectOf({
  kind: groupVersionKind, resource: groupVersionResource, subResource: STRING,
  requestKind: groupVersionKind, requestResource: groupVersionResource, requestSubResource: STRING,
  name: STRING, namespace: STRING, operation: STRING, dryRun: BOOL, options: DYN,
  userInfo: objectOf({ username: STRING, uid: STRING, groups: listOf(STRING), extra: mapOf(STRING, listOf(STRING)) }),
});
const namespaceType = objectOf({
  metadata: objectOf({
    name: STRING, generateName: STRING, namespace: STRING, UID: STRING, resourceVersion: STRING,
    labels: mapOf(STRING, STRING), annotations: mapOf(STRING, STRING), finalizers: listOf(STRING),
    creationTimestamp: t('timestamp'), deletionTimestamp: t('timestamp'), deletionGracePeriodSeconds: INT, generation: INT,
  }),
  spec: objectOf({ finalizers: listOf(STRING) }),
  status: objectOf({
    phase: STRING,
    conditions: listOf(objectOf({ status: STRING, type: STRING, lastTransitionTime: t('timestamp'), message: STRING, reason: STRING })),
  }),
});

function rootType(name: string, ctx: Context): CelType {
  switch (name) {
    case 'request': return requestType;
    case 'namespaceObject': return namespaceType;
    case 'authorizer': return t('opaque');
    case 'variables': return objectOf(Object.fromEntries(Object.entries(ctx.variables).map(([n, v]) => [n, v.type ?? DYN])));
    default: return DYN;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The walk. Each node yields its cost, its type and, when the expression reveals it, its size.

interface Binding {
  readonly type: CelType;
  readonly size?: Range;
}

interface Context {
  readonly bounds: SizeBounds;
  readonly presenceTestCost: number;
  readonly variables: Readonly<Record<string, VariableInfo>>;
  /** Comprehension variables in scope; they shadow the VAP variables. */
  readonly scope: ReadonlyMap<string, Binding>;
  readonly referenced: Set<string>;
}

interface Estimate {
  readonly cost: Range;
  readonly type: CelType;
  readonly size?: Range;
  /** Size of each element, known for list literals. */
  readonly elementSize?: Range;
}

function estimate(node: ASTNode, ctx: Context): Estimate {
  switch (node.op) {
    case 'value': return literal(node.args);
    case 'id': return identifier(node.args, ctx);
    case '.':
    case '.?': return select(node.args[0], node.args[1], ctx);
    case '[]':
    case '[?]': return index(node.args[0], node.args[1], ctx);
    case 'call': return globalCall(node.args[0], node.args[1], ctx);
    case 'rcall': return receiverCall(node.args[0], node.args[1], node.args[2], ctx);
    case 'list': return listLiteral(node.args, ctx);
    case 'map': return mapLiteral(node.args, ctx);
    case '?:': return conditional(node.args, ctx);
    case '||':
    case '&&': return logical(node.args, ctx);
    case '!_': return oneCostCall(BOOL, [estimate(node.args, ctx)]);
    case '-_': return negation(node.args, ctx);
    case '==':
    case '!=': return equality(node.args, ctx);
    case '<':
    case '<=':
    case '>':
    case '>=': return ordering(node.args, ctx);
    case '+': return addition(node.args, ctx);
    case '-':
    case '*':
    case '/':
    case '%': return arithmetic(node.args, ctx);
    case 'in': return membership(node.args, ctx);
  }
}

/** A literal is free; its size is exact (characters of a string, bytes of bytes, 1 for a scalar). */
function literal(value: unknown): Estimate {
  const cost = fixed(0);
  if (typeof value === 'string') return { cost, type: STRING, size: fixed([...value].length) };
  if (value instanceof Uint8Array) return { cost, type: t('bytes'), size: fixed(value.length) };
  const kind: ScalarKind =
    typeof value === 'bigint' ? 'int'
    : typeof value === 'number' ? 'double'
    : typeof value === 'boolean' ? 'bool'
    : value === null ? 'null'
    : 'uint';
  return { cost, type: t(kind), size: fixed(1) };
}

function identifier(name: string, ctx: Context): Estimate {
  const cost = fixed(SELECT_AND_IDENT_COST);
  const local = ctx.scope.get(name);
  if (local) return { cost, type: local.type, ...(local.size ? { size: local.size } : {}) };
  return { cost, type: rootType(name, ctx) };
}

/** cel-go charges a field selection only on a map or object operand: selecting from dyn is free. */
function select(operandNode: ASTNode, field: string, ctx: Context): Estimate {
  const operand = estimate(operandNode, ctx);
  const charged = operand.type.kind === 'map' || operand.type.kind === 'object';
  const cost = add(operand.cost, fixed(charged ? SELECT_AND_IDENT_COST : 0));
  if (isVariablesRoot(operandNode, ctx)) {
    ctx.referenced.add(field);
    const size = ctx.variables[field]?.size;
    return { cost, type: fieldType(operand.type, field), ...(size ? { size } : {}) };
  }
  return { cost, type: fieldType(operand.type, field) };
}

function isVariablesRoot(node: ASTNode, ctx: Context): boolean {
  return node.op === 'id' && node.args === 'variables' && !ctx.scope.has('variables');
}

function fieldType(type: CelType, field: string): CelType {
  if (type.kind === 'object') return type.fields[field] ?? DYN;
  if (type.kind === 'map') return type.value;
  return DYN;
}

/** Indexing is an O(1) call; a list literal's element size carries over. */
function index(containerNode: ASTNode, keyNode: ASTNode, ctx: Context): Estimate {
  const container = estimate(containerNode, ctx);
  const key = estimate(keyNode, ctx);
  const type = container.type.kind === 'list' ? container.type.elem : container.type.kind === 'map' ? container.type.value : DYN;
  const cost = add(container.cost, key.cost, fixed(CALL_COST));
  return { cost, type, ...(container.elementSize ? { size: container.elementSize } : {}) };
}

function listLiteral(elements: readonly ASTNode[], ctx: Context): Estimate {
  const items = elements.map((e) => estimate(e, ctx));
  const elementSize = items.length === 0 ? fixed(0) : unionAll(items.map((i) => sizeOf(i, 'text', ctx)));
  const elem = items.length > 0 && items.every((i) => sameType(i.type, items[0]!.type)) ? items[0]!.type : DYN;
  const cost = add(fixed(LIST_CREATE_BASE_COST), ...items.map((i) => i.cost));
  return { cost, type: listOf(elem), size: fixed(items.length), elementSize };
}

function mapLiteral(entries: readonly (readonly [ASTNode, ASTNode])[], ctx: Context): Estimate {
  const costs = entries.flatMap(([k, v]) => [estimate(k, ctx).cost, estimate(v, ctx).cost]);
  return { cost: add(fixed(MAP_CREATE_BASE_COST), ...costs), type: mapOf(DYN, DYN), size: fixed(entries.length) };
}

/** The condition always runs, then one branch: the cost covers the cheaper and the dearer branch. */
function conditional([condNode, thenNode, elseNode]: readonly [ASTNode, ASTNode, ASTNode], ctx: Context): Estimate {
  const cond = estimate(condNode, ctx);
  const a = estimate(thenNode, ctx);
  const b = estimate(elseNode, ctx);
  const cost = add(cond.cost, union(a.cost, b.cost));
  const size = a.size && b.size ? union(a.size, b.size) : undefined;
  return { cost, type: sameType(a.type, b.type) ? a.type : DYN, ...(size ? { size } : {}) };
}

/** Short-circuit: at least the left operand, at most both; the operator itself is free. */
function logical([leftNode, rightNode]: readonly [ASTNode, ASTNode], ctx: Context): Estimate {
  const left = estimate(leftNode, ctx).cost;
  const right = estimate(rightNode, ctx).cost;
  return { cost: { min: left.min, max: saturate(left.max + right.max) }, type: BOOL };
}

/** cel-go's parser folds `-` into a numeric literal, so `-1` is a free constant. */
function negation(operandNode: ASTNode, ctx: Context): Estimate {
  const operand = estimate(operandNode, ctx);
  if (operandNode.op === 'value') return operand;
  return oneCostCall(operand.type, [operand]);
}

function oneCostCall(type: CelType, args: readonly Estimate[], size?: Range): Estimate {
  return { cost: add(fixed(CALL_COST), ...args.map((a) => a.cost)), type, ...(size ? { size } : {}) };
}

// ---------------------------------------------------------------------------------------------------------------
// Operators whose cost depends on the overload, hence on the operand types. An operand of type dyn may match several
// overloads; like cel-go, the estimate then covers all of them.

/** Comparing two values traverses the shorter one: 0.1 per character, 1 for scalars (checker/cost.go Equals). */
function comparisonCost(left: Estimate, right: Estimate, ctx: Context): Range {
  const smallestMax = Math.min(sizeOf(left, 'text', ctx).max, sizeOf(right, 'text', ctx).max);
  return byFactor({ min: smallestMax > 0 ? 1 : 0, max: smallestMax }, STRING_TRAVERSAL_COST_FACTOR);
}

function equality(nodes: readonly [ASTNode, ASTNode], ctx: Context): Estimate {
  const [left, right] = nodes.map((n) => estimate(n, ctx)) as [Estimate, Estimate];
  return { cost: add(comparisonCost(left, right, ctx), left.cost, right.cost), type: BOOL };
}

function ordering(nodes: readonly [ASTNode, ASTNode], ctx: Context): Estimate {
  const [left, right] = nodes.map((n) => estimate(n, ctx)) as [Estimate, Estimate];
  const overloads: Range[] = [];
  if (bothCouldBe(left, right, ['string', 'bytes'])) overloads.push(comparisonCost(left, right, ctx));
  if (overloads.length === 0 || !bothCouldBe(left, right, ['string', 'bytes'], true)) overloads.push(fixed(CALL_COST));
  return { cost: add(unionAll(overloads), left.cost, right.cost), type: BOOL };
}

/** Concatenating strings or bytes traverses the result; list concatenation and numeric addition cost 1. */
function addition(nodes: readonly [ASTNode, ASTNode], ctx: Context): Estimate {
  const [left, right] = nodes.map((n) => estimate(n, ctx)) as [Estimate, Estimate];
  const args = add(left.cost, right.cost);
  const overloads: Range[] = [];
  let size: Range | undefined;
  if (bothCouldBe(left, right, ['string', 'bytes'])) {
    size = add(sizeOf(left, 'text', ctx), sizeOf(right, 'text', ctx));
    overloads.push(byFactor(size, STRING_TRAVERSAL_COST_FACTOR));
  }
  if (bothCouldBe(left, right, ['list'])) size ??= add(sizeOf(left, 'items', ctx), sizeOf(right, 'items', ctx));
  if (overloads.length === 0 || !bothCouldBe(left, right, ['string', 'bytes'], true)) overloads.push(fixed(CALL_COST));
  const type = sameType(left.type, right.type) ? left.type : DYN;
  const elementSize = left.elementSize && right.elementSize ? union(left.elementSize, right.elementSize) : undefined;
  return { cost: add(unionAll(overloads), args), type, ...(size ? { size } : {}), ...(elementSize ? { elementSize } : {}) };
}

function arithmetic(nodes: readonly [ASTNode, ASTNode], ctx: Context): Estimate {
  const [left, right] = nodes.map((n) => estimate(n, ctx)) as [Estimate, Estimate];
  return oneCostCall(sameType(left.type, right.type) ? left.type : DYN, [left, right]);
}

/** `in` a list scans it (1 per item, even for a literal list); `in` a map is a lookup. */
function membership(nodes: readonly [ASTNode, ASTNode], ctx: Context): Estimate {
  const [element, container] = nodes.map((n) => estimate(n, ctx)) as [Estimate, Estimate];
  const kind = container.type.kind;
  const overloads: Range[] = [];
  if (kind === 'list' || kind === 'dyn') overloads.push(sizeOf(container, 'items', ctx));
  if (kind !== 'list') overloads.push(fixed(CALL_COST));
  return { cost: add(unionAll(overloads), element.cost, container.cost), type: BOOL };
}

/** Whether both operands may have one of the kinds (dyn may be anything); `only`: and nothing else. */
function bothCouldBe(left: Estimate, right: Estimate, kinds: readonly string[], only = false): boolean {
  const could = (e: Estimate): boolean => kinds.includes(e.type.kind) || (!only && e.type.kind === 'dyn');
  return could(left) && could(right);
}

function sameType(a: CelType, b: CelType): boolean {
  return a.kind === b.kind && a.kind !== 'list' && a.kind !== 'map' && a.kind !== 'object';
}

/**
 * The size the expression reveals, else the bound for the type: `text` when the value is traversed as characters,
 * `items` when it is iterated (a dyn value iterated is a list or a map, traversed it is at most a whole-request string).
 */
function sizeOf(e: Estimate, use: 'text' | 'items', ctx: Context): Range {
  if (e.size) return e.size;
  if (isScalar(e.type)) return fixed(1);
  const { string, list, map } = ctx.bounds;
  switch (e.type.kind) {
    case 'string':
    case 'bytes': return { min: 0, max: string };
    case 'list': return { min: 0, max: list };
    case 'map':
    case 'object': return { min: 0, max: map };
    default: return { min: 0, max: use === 'items' ? Math.max(list, map) : string };
  }
}

/** checker/cost.go isScalar: types of constant size. */
function isScalar(type: CelType): boolean {
  return ['bool', 'int', 'uint', 'double', 'timestamp', 'duration'].includes(type.kind);
}

// ---------------------------------------------------------------------------------------------------------------
// Calls.

function globalCall(name: string, argNodes: readonly ASTNode[], ctx: Context): Estimate {
  if (name === 'has' && argNodes[0]?.op === '.') return presenceTest(argNodes[0].args[0], ctx);
  const args = argNodes.map((a) => estimate(a, ctx));
  if (name === 'dyn' && args[0]) return oneCostCall(DYN, args, args[0].size);
  return call(name, undefined, args, ctx);
}

/** has(a.f) evaluates `a` and tests for the field; Kubernetes prices the test itself at presenceTestCost (0). */
function presenceTest(operandNode: ASTNode, ctx: Context): Estimate {
  return { cost: add(estimate(operandNode, ctx).cost, fixed(ctx.presenceTestCost)), type: BOOL };
}

function receiverCall(name: string, receiverNode: ASTNode, argNodes: readonly ASTNode[], ctx: Context): Estimate {
  const macro = comprehensionMacro(name, argNodes);
  if (macro) return comprehension(macro, receiverNode, argNodes, ctx);
  const target = estimate(receiverNode, ctx);
  const args = argNodes.map((a) => estimate(a, ctx));
  const result = call(name, target, args, ctx);
  return { ...result, cost: add(result.cost, target.cost) };
}

/** A call's cost is its arguments' plus the function's own: cel-go's, or Kubernetes' library's where it has one. */
function call(name: string, target: Estimate | undefined, args: readonly Estimate[], ctx: Context): Estimate {
  const fn = functionCost(name, target, args, ctx);
  return { ...fn, cost: add(fn.cost, ...args.map((a) => a.cost)) };
}

const textSize = (e: Estimate | undefined, ctx: Context): Range => (e ? sizeOf(e, 'text', ctx) : fixed(0));
const traversal = (size: Range, factor = STRING_TRAVERSAL_COST_FACTOR): Range => byFactor(size, factor);
const own = (cost: Range, type: CelType, size?: Range): Estimate => ({ cost, type, ...(size ? { size } : {}) });

/**
 * The function's own cost, without its arguments. Global functions with a Kubernetes library estimate that demands a
 * receiver (quantity, isQuantity, cidr, isIP, isCIDR) fall through to cel-go's O(1) default, as upstream's do.
 */
function functionCost(name: string, target: Estimate | undefined, args: readonly Estimate[], ctx: Context): Estimate {
  const [first] = args;
  const one = fixed(CALL_COST);
  switch (name) {
    case 'startsWith':
    case 'endsWith': return own(target ? traversal(textSize(first, ctx)) : one, BOOL);
    case 'contains': return own(target ? multiply(traversal(textSize(target, ctx)), traversal(textSize(first, ctx))) : one, BOOL);
    case 'matches': return own(target ? regexCost(target, first, ctx) : one, BOOL);
    case 'find': return own(target ? regexCost(target, first, ctx) : one, STRING);
    case 'findAll': return own(target ? regexCost(target, first, ctx) : one, listOf(STRING));
    case 'string': return conversionToText(first, ctx, STRING);
    case 'bytes': return conversionToText(first, ctx, t('bytes'));
    case 'lowerAscii':
    case 'upperAscii':
    case 'trim':
    case 'substring': return target ? own(traversal(textSize(target, ctx)), STRING, textSize(target, ctx)) : own(one, STRING);
    case 'replace': return own(target ? traversal(textSize(target, ctx), 2 * STRING_TRAVERSAL_COST_FACTOR) : one, STRING);
    case 'split': return own(target ? traversal(textSize(target, ctx), 2 * STRING_TRAVERSAL_COST_FACTOR) : one, listOf(STRING));
    case 'join': return own(target ? traversal(multiply(sizeOf(target, 'items', ctx), elementText(target, ctx))) : one, STRING);
    case 'indexOf':
    case 'lastIndexOf': return own(target ? listOrTextScan(target, ctx) : one, INT);
    case 'isSorted':
    case 'sum':
    case 'min':
    case 'max': return own(target ? listOrTextScan(target, ctx) : one, name === 'isSorted' ? BOOL : DYN);
    case 'url': return own(args.length === 1 ? traversal(textSize(first, ctx)) : one, t('opaque'));
    case 'ip': return own(target && first ? traversal(textSize(first, ctx)) : one, t('opaque'));
    case 'cidr':
    case 'isIP':
    case 'isCIDR':
    case 'quantity':
    case 'isQuantity': return own(target ? traversal(textSize(first, ctx)) : one, name.startsWith('is') ? BOOL : t('opaque'));
    case 'check': return own(fixed(AUTHORIZATION_CHECK_COST), t('opaque'));
    case 'size': return own(one, INT);
    case 'int': return own(one, INT);
    case 'uint': return own(one, t('uint'));
    case 'double': return own(one, t('double'));
    case 'bool': return own(one, BOOL);
    case 'type': return own(one, t('type'));
    case 'compareTo': return own(one, INT);
    case 'isGreaterThan':
    case 'isLessThan':
    case 'isInteger': return own(one, BOOL);
    case 'asInteger':
    case 'sign': return own(one, INT);
    case 'asApproximateFloat': return own(one, t('double'));
    default: return own(one, DYN);
  }
}

/** RE2 is O(string × regex); cel-go guesses one regex state per 4 characters and adds 1 so an empty string costs. */
function regexCost(target: Estimate, pattern: Estimate | undefined, ctx: Context): Range {
  const stringCost = traversal(add(textSize(target, ctx), fixed(1)));
  return multiply(stringCost, traversal(textSize(pattern, ctx), REGEX_STRING_LENGTH_COST_FACTOR));
}

/** string(bytes) and bytes(string) traverse their argument; other conversions, string(int) say, cost 1. */
function conversionToText(arg: Estimate | undefined, ctx: Context, type: CelType): Estimate {
  if (!arg || isScalar(arg.type) || arg.type.kind === type.kind) return own(fixed(CALL_COST), type);
  const cost = traversal(textSize(arg, ctx));
  const mayBeScalar = arg.type.kind === 'dyn';
  return own(mayBeScalar ? union(cost, fixed(CALL_COST)) : cost, type);
}

function elementText(list: Estimate, ctx: Context): Range {
  if (list.elementSize) return list.elementSize;
  const elem = list.type.kind === 'list' ? list.type.elem : DYN;
  return sizeOf({ cost: fixed(0), type: elem }, 'text', ctx);
}

/** library/cost.go: a list is scanned at 1 per element plus the text of string elements; a string at 0.1 per character. */
function listOrTextScan(target: Estimate, ctx: Context): Range {
  if (target.type.kind === 'string') return traversal(textSize(target, ctx));
  const elem = target.type.kind === 'list' ? target.type.elem : DYN;
  const perElement = elem.kind === 'string' ? add(fixed(1), traversal(elementText(target, ctx))) : fixed(1);
  return multiply(sizeOf(target, 'items', ctx), perElement);
}

// ---------------------------------------------------------------------------------------------------------------
// Comprehensions. cel-go expands each macro into a loop and prices it as
//   range + accumulator init + result + size(range) × (loop condition + loop step);
// the per-macro constants below are the costs of the expansion's own parts (parser/macro.go), with p / t the body:
//   all:        init `true` 0, result `@r` 1, condition `@not_strictly_false(@r)` 2, step `@r && p`
//   exists:     init `false` 0, result `@r` 1, condition `@not_strictly_false(!@r)` 3, step `@r || p`
//   exists_one: init `0` 0, result `@r == 1` 2, condition `true` 0, step `p ? @r + 1 : @r`
//   map:        init `[]` 10, result `@r` 1, condition `true` 0, step `@r + [t]` (or `p ? @r + [t] : @r`)
//   filter:     init `[]` 10, result `@r` 1, condition `true` 0, step `p ? @r + [x] : @r`

type MacroName = 'all' | 'exists' | 'exists_one' | 'map' | 'filter';

interface Macro {
  readonly name: MacroName;
  readonly variables: readonly string[];
}

function comprehensionMacro(name: string, args: readonly ASTNode[]): Macro | undefined {
  const macroName: MacroName | undefined =
    name === 'existsOne' ? 'exists_one' : (['all', 'exists', 'exists_one', 'map', 'filter'] as const).find((m) => m === name);
  if (!macroName || args.length < 2 || args.length > 3 || args[0]?.op !== 'id') return undefined;
  const twoVariables = args.length === 3 && macroName !== 'map' && args[1]?.op === 'id';
  if (args.length === 3 && !twoVariables && macroName !== 'map') return undefined;
  const variables = twoVariables ? [args[0].args, args[1]!.args as string] : [args[0].args];
  return { name: macroName, variables };
}

function comprehension(macro: Macro, rangeNode: ASTNode, args: readonly ASTNode[], ctx: Context): Estimate {
  const range = estimate(rangeNode, ctx);
  const count = sizeOf(range, 'items', ctx);
  const inner: Context = { ...ctx, scope: bindIterationVariables(macro.variables, range, ctx) };
  const body = args.slice(macro.variables.length).map((a) => estimate(a, inner));
  const { fixedCost, perIteration } = loopCosts(macro, body);
  const cost = add(range.cost, fixedCost, multiply(count, perIteration));
  if (macro.name === 'map' || macro.name === 'filter') {
    const elem = macro.name === 'map' ? body[body.length - 1]!.type : iterationElement(range, macro.variables.length).type;
    return { cost, type: listOf(elem), size: count };
  }
  return { cost, type: BOOL };
}

function loopCosts(macro: Macro, body: readonly Estimate[]): { fixedCost: Range; perIteration: Range } {
  const predicate = body[0]!.cost;
  const shortCircuit = (condition: number): Range => ({ min: condition + 1, max: saturate(condition + 1 + predicate.max) });
  const appendTo = (element: Range): Range => add(fixed(CALL_COST + SELECT_AND_IDENT_COST + LIST_CREATE_BASE_COST), element);
  switch (macro.name) {
    case 'all': return { fixedCost: fixed(1), perIteration: shortCircuit(2) };
    case 'exists': return { fixedCost: fixed(1), perIteration: shortCircuit(3) };
    case 'exists_one': return { fixedCost: fixed(2), perIteration: add(predicate, { min: 1, max: 2 }) };
    case 'filter': {
      const keepOrSkip = union(appendTo(fixed(SELECT_AND_IDENT_COST)), fixed(SELECT_AND_IDENT_COST));
      return { fixedCost: fixed(LIST_CREATE_BASE_COST + 1), perIteration: add(predicate, keepOrSkip) };
    }
    case 'map': {
      const transform = body[body.length - 1]!.cost;
      const step = body.length === 2 ? add(predicate, union(appendTo(transform), fixed(1))) : appendTo(transform);
      return { fixedCost: fixed(LIST_CREATE_BASE_COST + 1), perIteration: step };
    }
  }
}

/** One variable: a list's element or a map's key. Two: a list's index and element, or a map's key and value. */
function bindIterationVariables(names: readonly string[], range: Estimate, ctx: Context): ReadonlyMap<string, Binding> {
  const scope = new Map(ctx.scope);
  if (names.length === 1) scope.set(names[0]!, iterationElement(range, 1));
  else {
    const key: Binding = range.type.kind === 'list' ? { type: INT, size: fixed(1) } : { type: range.type.kind === 'map' ? range.type.key : DYN };
    scope.set(names[0]!, key);
    scope.set(names[1]!, iterationElement(range, 2));
  }
  return scope;
}

function iterationElement(range: Estimate, variableCount: number): Binding {
  const type = range.type;
  if (type.kind === 'list') return { type: type.elem, ...(range.elementSize ? { size: range.elementSize } : {}) };
  if (type.kind === 'map') return { type: variableCount === 1 ? type.key : type.value };
  return { type: DYN };
}
