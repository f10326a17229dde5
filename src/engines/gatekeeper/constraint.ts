/**
 * Constraints (Gatekeeper docs, "Constraints"): `spec.match`, `spec.parameters` and
 * `spec.enforcementAction` (deny, dryrun, warn, scoped with `scopedEnforcementActions`).
 */
import { field, gkError, isObject, type GatekeeperError, type JsonObject } from './errors.js';

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly LabelSelectorRequirement[];
}

export interface KindMatch {
  readonly apiGroups: readonly string[];
  readonly kinds: readonly string[];
}

export interface Match {
  readonly kinds: readonly KindMatch[];
  readonly scope?: string;
  readonly namespaces: readonly string[];
  readonly excludedNamespaces: readonly string[];
  readonly labelSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly name?: string;
}

export interface ScopedEnforcementAction {
  readonly action: string;
  readonly enforcementPoints: readonly string[];
}

export interface Constraint {
  readonly type: 'constraint';
  readonly kind: string;
  readonly name: string;
  readonly match: Match;
  /** `spec.parameters`, `{}` when absent. */
  readonly parameters: unknown;
  readonly enforcementAction: string;
  readonly scopedEnforcementActions: readonly ScopedEnforcementAction[];
}

const ACTIONS = new Set(['deny', 'dryrun', 'warn', 'scoped']);

function stringList(v: unknown, what: string): readonly string[] | GatekeeperError {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) return gkError('invalid_constraint', `${what} must be a list of strings`);
  return v as string[];
}

function labelSelector(v: unknown, what: string): LabelSelector | undefined | GatekeeperError {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) return gkError('invalid_constraint', `${what} must be an object`);
  const matchLabels: Record<string, string> = {};
  const ml = v.matchLabels;
  if (ml !== undefined && ml !== null) {
    if (!isObject(ml)) return gkError('invalid_constraint', `${what}.matchLabels must be an object`);
    for (const [k, val] of Object.entries(ml)) {
      if (typeof val !== 'string') return gkError('invalid_constraint', `${what}.matchLabels values must be strings`);
      matchLabels[k] = val;
    }
  }
  const matchExpressions: LabelSelectorRequirement[] = [];
  const me = v.matchExpressions;
  if (me !== undefined && me !== null) {
    if (!Array.isArray(me)) return gkError('invalid_constraint', `${what}.matchExpressions must be a list`);
    for (const e of me) {
      const key = field(e, 'key');
      const operator = field(e, 'operator');
      const values = stringList(field(e, 'values'), `${what}.matchExpressions[].values`);
      if (typeof key !== 'string') return gkError('invalid_constraint', `${what}.matchExpressions[].key must be a string`);
      if (operator !== 'In' && operator !== 'NotIn' && operator !== 'Exists' && operator !== 'DoesNotExist') {
        return gkError('invalid_constraint', `${what}.matchExpressions[].operator ${String(operator)} is not In, NotIn, Exists or DoesNotExist`);
      }
      if (!Array.isArray(values)) return values as GatekeeperError;
      if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
        return gkError('invalid_constraint', `${what}: values must be non-empty for operator ${operator}`);
      }
      if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
        return gkError('invalid_constraint', `${what}: values must be empty for operator ${operator}`);
      }
      matchExpressions.push({ key, operator, values });
    }
  }
  return { matchLabels, matchExpressions };
}

function parseMatch(m: unknown): Match | GatekeeperError {
  if (m === undefined || m === null) return { kinds: [], namespaces: [], excludedNamespaces: [] };
  if (!isObject(m)) return gkError('invalid_constraint', 'spec.match must be an object');
  const kinds: KindMatch[] = [];
  if (m.kinds !== undefined && m.kinds !== null) {
    if (!Array.isArray(m.kinds)) return gkError('invalid_constraint', 'spec.match.kinds must be a list');
    for (const k of m.kinds) {
      const apiGroups = stringList(field(k, 'apiGroups'), 'spec.match.kinds[].apiGroups');
      const ks = stringList(field(k, 'kinds'), 'spec.match.kinds[].kinds');
      if (!Array.isArray(apiGroups)) return apiGroups as GatekeeperError;
      if (!Array.isArray(ks)) return ks as GatekeeperError;
      kinds.push({ apiGroups, kinds: ks });
    }
  }
  const namespaces = stringList(m.namespaces, 'spec.match.namespaces');
  if (!Array.isArray(namespaces)) return namespaces as GatekeeperError;
  const excludedNamespaces = stringList(m.excludedNamespaces, 'spec.match.excludedNamespaces');
  if (!Array.isArray(excludedNamespaces)) return excludedNamespaces as GatekeeperError;
  const ls = labelSelector(m.labelSelector, 'spec.match.labelSelector');
  if (ls && 'type' in ls) return ls;
  const ns = labelSelector(m.namespaceSelector, 'spec.match.namespaceSelector');
  if (ns && 'type' in ns) return ns;
  if (m.scope !== undefined && typeof m.scope !== 'string') return gkError('invalid_constraint', 'spec.match.scope must be a string');
  if (m.name !== undefined && typeof m.name !== 'string') return gkError('invalid_constraint', 'spec.match.name must be a string');
  return {
    kinds,
    namespaces,
    excludedNamespaces,
    ...(typeof m.scope === 'string' ? { scope: m.scope } : {}),
    ...(ls ? { labelSelector: ls } : {}),
    ...(ns ? { namespaceSelector: ns } : {}),
    ...(typeof m.name === 'string' && m.name !== '' ? { name: m.name } : {}),
  };
}

/** Reads a constraint document (`constraints.gatekeeper.sh/*`). */
export function parseConstraint(doc: unknown): Constraint | GatekeeperError {
  if (!isObject(doc)) return gkError('invalid_constraint', 'constraint must be an object');
  const apiVersion = doc.apiVersion;
  if (typeof apiVersion !== 'string' || !apiVersion.startsWith('constraints.gatekeeper.sh/')) {
    return gkError('invalid_constraint', `constraint apiVersion must be constraints.gatekeeper.sh/*, got ${String(apiVersion)}`);
  }
  if (typeof doc.kind !== 'string' || doc.kind === '') return gkError('invalid_constraint', 'constraint has no kind');
  const name = field(doc, 'metadata', 'name');
  if (typeof name !== 'string' || name === '') return gkError('invalid_constraint', 'constraint has no metadata.name');
  const spec: JsonObject = isObject(doc.spec) ? doc.spec : {};
  const match = parseMatch(spec.match);
  if ('type' in match) return match;
  const action = spec.enforcementAction ?? 'deny';
  if (typeof action !== 'string' || !ACTIONS.has(action)) {
    return gkError('invalid_constraint', `enforcementAction ${String(action)} is not one of deny, dryrun, warn, scoped`);
  }
  const scoped: ScopedEnforcementAction[] = [];
  if (Array.isArray(spec.scopedEnforcementActions)) {
    for (const s of spec.scopedEnforcementActions) {
      const a = field(s, 'action');
      const points = field(s, 'enforcementPoints');
      if (typeof a !== 'string') return gkError('invalid_constraint', 'scopedEnforcementActions[].action must be a string');
      const names = Array.isArray(points) ? points.map((p) => field(p, 'name')).filter((n): n is string => typeof n === 'string') : [];
      scoped.push({ action: a, enforcementPoints: names });
    }
  }
  if (action === 'scoped' && scoped.length === 0) return gkError('invalid_constraint', 'enforcementAction scoped needs scopedEnforcementActions');
  const parameters = spec.parameters === undefined || spec.parameters === null ? {} : spec.parameters;
  return { type: 'constraint', kind: doc.kind, name, match, parameters, enforcementAction: action, scopedEnforcementActions: scoped };
}
