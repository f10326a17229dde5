import { compileExpression, type CompiledExpression } from './cel-env.js';
import { estimateCelCost, KUBERNETES_REQUEST_SIZE_BOUNDS, type SizeBounds, type VariableInfo } from './cost.js';
import type { MatchConstraints } from './match.js';

/** A loaded ValidatingAdmissionPolicy: its match, and every expression parsed once. */
export interface LoadedPolicy {
  readonly name: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly failurePolicy: 'Fail' | 'Ignore';
  readonly matchConstraints: MatchConstraints;
  readonly matchConditions: readonly { readonly name: string; readonly expression: CompiledExpression }[];
  readonly variables: readonly { readonly name: string; readonly expression: CompiledExpression }[];
  /** Each variable's estimated worst-case cost alone (limited to PER_CALL_LIMIT like any expression). */
  readonly variableCosts: Readonly<Record<string, number>>;
  readonly validations: readonly {
    readonly expression: CompiledExpression;
    readonly source: string;
    readonly message?: string;
    readonly messageExpression?: CompiledExpression;
    /** Estimated worst-case CEL cost of the expression alone (cost.ts), under the load's size bounds: Kubernetes limits it to PER_CALL_LIMIT. */
    readonly cost: number;
    /** The same plus the variables it reads (each its own program, charged once): what it takes from RUNTIME_CEL_COST_BUDGET. */
    readonly totalCost: number;
  }[];
}

export interface LoadedBinding {
  readonly name: string;
  readonly policyName: string;
  readonly validationActions: readonly string[];
}

export interface LoadedVap {
  readonly policies: readonly LoadedPolicy[];
  readonly bindings: readonly LoadedBinding[];
  /** Documents or expressions that did not load (a Kubernetes API server would reject or flag them). */
  readonly errors: readonly string[];
}

type Doc = { kind?: unknown; metadata?: { name?: unknown; annotations?: Record<string, string> }; spec?: Record<string, unknown> };

/**
 * Reads ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding documents; other kinds are ignored.
 * `sizeBounds` bound the sizes of strings, lists and maps in the estimated costs (default: Kubernetes' own,
 * whatever fits in one request).
 */
export function loadVapDocuments(docs: readonly unknown[], sizeBounds: SizeBounds = KUBERNETES_REQUEST_SIZE_BOUNDS): LoadedVap {
  const policies: LoadedPolicy[] = [];
  const bindings: LoadedBinding[] = [];
  const errors: string[] = [];
  for (const raw of docs) {
    const d = raw as Doc;
    if (typeof d !== 'object' || d === null) continue;
    const name = typeof d.metadata?.name === 'string' ? d.metadata.name : '';
    const spec = (d.spec ?? {}) as Record<string, any>;
    if (d.kind === 'ValidatingAdmissionPolicyBinding') {
      if (typeof spec['policyName'] !== 'string') errors.push(`binding ${name}: spec.policyName is required`);
      else bindings.push({ name, policyName: spec['policyName'], validationActions: Array.isArray(spec['validationActions']) ? spec['validationActions'] : [] });
      continue;
    }
    if (d.kind !== 'ValidatingAdmissionPolicy') continue;
    const compile = (what: string, text: unknown, expected?: 'bool' | 'string'): CompiledExpression | undefined => {
      if (typeof text !== 'string') {
        errors.push(`policy ${name}: ${what} is not a string`);
        return undefined;
      }
      try {
        return compileExpression(text, expected);
      } catch (e) {
        errors.push(`policy ${name}: ${what} does not compile: ${(e as Error).message.split('\n')[0]}`);
        return undefined;
      }
    };
    const named = (list: unknown, what: string, expected?: 'bool') =>
      (Array.isArray(list) ? list : []).flatMap((x: { name?: unknown; expression?: unknown }, i: number) => {
        const expression = compile(`${what}[${i}]`, x.expression, expected);
        return expression ? [{ name: String(x.name), expression }] : [];
      });
    const variables = named(spec['variables'], 'variables');
    const { infos: costs, own: ownCosts } = variableCosts(variables, sizeBounds);
    const validations = (Array.isArray(spec['validations']) ? spec['validations'] : []).flatMap((x: { expression?: unknown; message?: unknown; messageExpression?: unknown }, i: number) => {
      const expression = compile(`validations[${i}].expression`, x.expression, 'bool');
      if (!expression) return [];
      const messageExpression = x.messageExpression === undefined ? undefined : compile(`validations[${i}].messageExpression`, x.messageExpression, 'string');
      const report = estimateCelCost(expression.ast, { sizeBounds, variables: costs });
      return [{ expression, source: String(x.expression), cost: report.max, totalCost: report.withVariables.max, ...(typeof x.message === 'string' ? { message: x.message } : {}), ...(messageExpression ? { messageExpression } : {}) }];
    });
    policies.push({
      name,
      annotations: d.metadata?.annotations ?? {},
      failurePolicy: spec['failurePolicy'] === 'Ignore' ? 'Ignore' : 'Fail',
      matchConstraints: (spec['matchConstraints'] ?? { resourceRules: [] }) as MatchConstraints,
      matchConditions: named(spec['matchConditions'], 'matchConditions', 'bool'),
      variables,
      variableCosts: ownCosts,
      validations,
    });
  }
  return { policies, bindings, errors };
}

/**
 * Each variable's estimated cost, in declaration order (a variable may read earlier ones): `own` for its expression
 * alone, `infos` with the variables it reads. A variable read through two others is counted twice, so the figure is an upper bound.
 */
function variableCosts(variables: readonly { readonly name: string; readonly expression: CompiledExpression }[], sizeBounds: SizeBounds): { infos: Record<string, VariableInfo>; own: Record<string, number> } {
  const infos: Record<string, VariableInfo> = {};
  const own: Record<string, number> = {};
  for (const v of variables) {
    const report = estimateCelCost(v.expression.ast, { sizeBounds, variables: infos });
    infos[v.name] = { cost: report.withVariables, type: report.resultType, ...(report.resultSize ? { size: report.resultSize } : {}) };
    own[v.name] = report.max;
  }
  return { infos, own };
}
