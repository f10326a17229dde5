import type { Labels } from './cluster.js';
import { assertNever, isRecord } from './util.js';

/**
 * `metav1.LabelSelector` compiled to a predicate. Semantics per the Kubernetes "Labels and Selectors" docs:
 * matchLabels and matchExpressions are ANDed; an empty selector matches everything; `NotIn` and
 * `DoesNotExist` match objects that lack the key.
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#resources-that-support-set-based-requirements
 */
export interface CompiledSelector {
  /** A canonical text, equal for selectors that select the same objects by construction (used as a cache key). */
  readonly key: string;
  readonly matchesAll: boolean;
  matches(labels: Labels): boolean;
}

type Requirement =
  | { readonly op: 'In'; readonly key: string; readonly values: ReadonlySet<string> }
  | { readonly op: 'NotIn'; readonly key: string; readonly values: ReadonlySet<string> }
  | { readonly op: 'Exists'; readonly key: string }
  | { readonly op: 'DoesNotExist'; readonly key: string };

const operators = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

export const matchAll: CompiledSelector = { key: '{}', matchesAll: true, matches: () => true };

/**
 * Compiles a selector that is present (absent and null selectors are the caller's business:
 * their meaning depends on the field). Errors name fields relative to `path`.
 */
export function compileSelector(raw: unknown, path: string, errors: string[]): CompiledSelector | undefined {
  if (!isRecord(raw)) {
    errors.push(`${path}: must be a label selector object`);
    return undefined;
  }
  const before = errors.length;
  const requirements: Requirement[] = [];
  for (const field of Object.keys(raw)) {
    if (field !== 'matchLabels' && field !== 'matchExpressions') errors.push(`${path}.${field}: unknown field`);
  }
  const matchLabels = raw['matchLabels'];
  if (matchLabels !== undefined && matchLabels !== null) {
    if (!isRecord(matchLabels)) {
      errors.push(`${path}.matchLabels: must be a map of strings`);
    } else {
      for (const [key, value] of Object.entries(matchLabels)) {
        if (typeof value !== 'string') errors.push(`${path}.matchLabels.${key}: value must be a string`);
        else requirements.push({ op: 'In', key, values: new Set([value]) });
      }
    }
  }
  const matchExpressions = raw['matchExpressions'];
  if (matchExpressions !== undefined && matchExpressions !== null) {
    if (!Array.isArray(matchExpressions)) {
      errors.push(`${path}.matchExpressions: must be a list`);
    } else {
      matchExpressions.forEach((expr, i) => {
        const requirement = compileRequirement(expr, `${path}.matchExpressions[${i}]`, errors);
        if (requirement) requirements.push(requirement);
      });
    }
  }
  if (errors.length > before) return undefined;
  return fromRequirements(requirements);
}

function compileRequirement(raw: unknown, path: string, errors: string[]): Requirement | undefined {
  if (!isRecord(raw)) {
    errors.push(`${path}: must be an object with key and operator`);
    return undefined;
  }
  const { key, operator, values } = raw;
  if (typeof key !== 'string' || key === '') {
    errors.push(`${path}.key: must be a non-empty string`);
    return undefined;
  }
  if (typeof operator !== 'string' || !operators.has(operator)) {
    errors.push(`${path}.operator: must be one of In, NotIn, Exists, DoesNotExist`);
    return undefined;
  }
  const list = values === undefined || values === null ? [] : values;
  if (!Array.isArray(list) || list.some((v) => typeof v !== 'string')) {
    errors.push(`${path}.values: must be a list of strings`);
    return undefined;
  }
  if (operator === 'In' || operator === 'NotIn') {
    if (list.length === 0) {
      errors.push(`${path}.values: must be non-empty when operator is ${operator}`);
      return undefined;
    }
    return { op: operator, key, values: new Set(list as string[]) };
  }
  if (list.length > 0) {
    errors.push(`${path}.values: must be empty when operator is ${operator}`);
    return undefined;
  }
  return { op: operator as 'Exists' | 'DoesNotExist', key };
}

function fromRequirements(requirements: readonly Requirement[]): CompiledSelector {
  if (requirements.length === 0) return matchAll;
  const key = requirements
    .map((r) => ('values' in r ? `${r.key} ${r.op} (${[...r.values].sort().join(',')})` : `${r.key} ${r.op}`))
    .sort()
    .join('; ');
  return {
    key,
    matchesAll: false,
    matches(labels: Labels): boolean {
      for (const r of requirements) {
        const has = Object.prototype.hasOwnProperty.call(labels, r.key);
        switch (r.op) {
          case 'In':
            if (!has || !r.values.has(labels[r.key] as string)) return false;
            break;
          case 'NotIn':
            if (has && r.values.has(labels[r.key] as string)) return false;
            break;
          case 'Exists':
            if (!has) return false;
            break;
          case 'DoesNotExist':
            if (has) return false;
            break;
          default:
            return assertNever(r);
        }
      }
      return true;
    },
  };
}

