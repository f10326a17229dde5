import { effectiveFields, referenceTargets, type Domain, type FieldRef, type DomainKind, type EffectiveField, type FieldType, type Predicate, type Reference, type Scalar, type Test, type UniqueKind, type ValueRef } from '../ir/index.js';
import { parseQuantity, translateRe2Flags } from '../ir/index.js';
import type { Span } from '../source/index.js';
import type { ComparisonAst, DomainAst, PathAst, PredicateAst, TestAst, ValueAst } from '../syntax/index.js';
import {
  closestName,
  containerPortSchema,
  containerSchema,
  envVarSchema,
  findKnownKind,
  policyRuleSchema,
  rbacSubjectSchema,
  resolvePath,
  volumeSchema,
  type FieldSchema,
} from './fields/index.js';
import { scalarOf } from './lower-common.js';
import { lowerTargets, lowerUnique } from './lower-unique.js';
import type { Reporter } from './report.js';

/** Where a predicate is evaluated: the object itself, or one element of a quantifier's domain. */
export interface PredicateScope {
  /** Candidate schemas for paths here (one per subject kind); a path must resolve in each. */
  readonly schemas: readonly { readonly owner: string; readonly schema: FieldSchema }[];
  /** The object is a Pod-shaped subject (pods and their controllers' templates). */
  readonly podObject: boolean;
  /** The scope is a container of the pod itself (so `effective` and nested port/env domains apply). */
  readonly container: boolean;
  /** Kinds the object may be, for domain checks (rbac rule needs Role/ClusterRole…). */
  readonly objectKinds: readonly string[];
  readonly atObject: boolean;
  /** Every subject is a kind the API server validates against its schema (built in and in the field table, not a CRD). */
  readonly apiTyped?: boolean;
  /**
   * How the scope is reached from the object's root: [] at the object, then the list hops of enclosing `item in PATH`
   * quantifiers; absent elsewhere (other domains, referenced objects). Where `is unique among …` compares.
   */
  readonly place?: readonly (readonly string[])[];
  /** Inside `item in PATH` quantifiers over the object's lists (`place`): the kinds the object may be. */
  readonly ownerKinds?: readonly string[];
}

const containerLists = { all: ['containers', 'initContainers', 'ephemeralContainers'], app: ['containers'], init: ['initContainers'], ephemeral: ['ephemeralContainers'] } as const;

const anySchema: FieldSchema = { type: 'any' };

function elementScope(owner: string, schema: FieldSchema, container = false): PredicateScope {
  return { schemas: [{ owner, schema }], podObject: false, container, objectKinds: [], atObject: false };
}

export function lowerPredicate(r: Reporter, p: PredicateAst, scope: PredicateScope): Predicate | undefined {
  switch (p.kind) {
    case 'and':
    case 'or': {
      const operands = p.operands.map((o) => lowerPredicate(r, o, scope));
      return operands.every((o): o is Predicate => o !== undefined) ? { kind: p.kind, operands, span: p.span } : undefined;
    }
    case 'not': {
      const operand = lowerPredicate(r, p.operand, scope);
      return operand && { kind: 'not', operand, span: p.span };
    }
    case 'quantified': {
      if (p.domain.kind === 'cluster') {
        const lowered = lowerCluster(r, p.domain);
        const body = lowerPredicate(r, p.body, lowered.scope);
        return lowered.among && body && { kind: 'in-cluster', quantifier: p.quantifier, among: lowered.among, body, span: p.span };
      }
      if (p.domain.kind === 'reference') {
        // The body is checked against the referenced kinds even when the reference is misplaced (no cascade of
        // SP1009s); an unknown reference kind has no known shape, so its body waits until the kind is fixed.
        const lowered = lowerReference(r, p.domain, scope);
        const body = lowered && lowerPredicate(r, p.body, lowered.scope);
        return lowered?.reference && body && { kind: 'referenced', quantifier: p.quantifier, reference: lowered.reference, body, span: p.span };
      }
      const lowered = lowerDomain(r, p.domain, scope);
      if (!lowered) {
        lowerPredicate(r, p.body, elementScope('element', anySchema));
        return undefined;
      }
      const body = lowerPredicate(r, p.body, lowered.scope);
      return body && { kind: 'quantified', quantifier: p.quantifier, domain: lowered.domain, body, span: p.span };
    }
    case 'comparison':
      return lowerComparison(r, p, scope);
  }
}

/**
 * `KIND referenced by PATH` (docs/language/references.md): KIND must be a reference the language knows, PATH its
 * referring field, and the rule must apply only to kinds that carry that field. The body is checked against the
 * referenced kinds' fields, as a rule that applies to them.
 */
function lowerReference(r: Reporter, d: Extract<DomainAst, { kind: 'reference' }>, scope: PredicateScope): { reference?: Reference; scope: PredicateScope } | undefined {
  const known = Object.values(referenceTargets);
  const describe = known.map((k) => `\`${k.name} referenced by ${k.path.join('.')}\` (from ${k.from.map((f) => f.kind).join(' or ')})`).join(', ');
  const spec = known.find((k) => k.name === d.target.text);
  if (!spec) {
    const near = closestName(d.target.text, known.map((k) => k.name));
    r.report('SP1010', d.target.span, { what: 'reference kind', name: d.target.text, hint: near[0] ? `did you mean "${near[0]}"? secpol follows ${describe}` : `secpol follows ${describe}` });
    return undefined;
  }
  const schemas = spec.targets.map((t) => {
    const [group, version] = t.apiVersion.includes('/') ? t.apiVersion.split('/') : ['', t.apiVersion];
    return { owner: t.kind, schema: findKnownKind(group!, version!, t.kind)?.schema ?? anySchema };
  });
  const target: PredicateScope = { schemas, podObject: false, container: false, objectKinds: spec.targetKinds, atObject: true };
  const path = d.path.segments.map((s) => s.name);
  if (path.join('.') !== spec.path.join('.')) {
    r.report('SP1010', d.path.span, { what: `field referring to a ${spec.name}`, name: path.join('.'), hint: `a ${spec.name} is named by ${spec.path.join('.')}: write \`${spec.name} referenced by ${spec.path.join('.')}\`` });
    return { scope: target };
  }
  const atObject = spec.from.filter((f) => f.list === undefined).map((f) => f.kind);
  // Inside `item in LIST` over the object's own list, the referrer is the element (a StatefulSet's volumeClaimTemplates).
  const list = scope.place?.length === 1 ? scope.place[0]!.join('.') : undefined;
  const inElements = spec.from.filter((f) => f.list !== undefined && f.list.join('.') === list).map((f) => f.kind);
  const placed = scope.atObject
    ? scope.objectKinds.length > 0 && scope.objectKinds.every((k) => atObject.includes(k))
    : list !== undefined && (scope.ownerKinds ?? []).length > 0 && (scope.ownerKinds ?? []).every((k) => inElements.includes(k));
  if (!placed) {
    const where = spec.from.map((f) => (f.list ? `${f.kind} (in \`every item in ${f.list.join('.')} has …\`)` : f.kind)).join(' or ');
    const kinds = scope.objectKinds.filter((k) => !atObject.includes(k));
    const which = scope.atObject && kinds.length ? `; ${kinds.join(', ')} ha${kinds.length === 1 ? 's' : 've'} no ${spec.path.join('.')}` : '';
    r.report('SP1009', d.span, { detail: `\`${spec.name} referenced by ${spec.path.join('.')}\` can only be read from ${where}${which}`, hint: `give the rule \`applies to "${spec.from[0]!.apiVersion}" ${spec.from[0]!.kind}\`` });
    return { scope: target };
  }
  return { reference: { kind: spec.kind, path, span: d.span }, scope: target };
}

/**
 * `KINDS in the cluster` (docs/language/references.md): the kinds as `applies to` takes them; the body is checked
 * against their fields (untyped for removed versions and CRDs), as a rule that applies to them.
 */
function lowerCluster(r: Reporter, d: Extract<DomainAst, { kind: 'cluster' }>): { among?: UniqueKind[]; scope: PredicateScope } {
  const among: UniqueKind[] = [];
  const schemas: { owner: string; schema: FieldSchema }[] = [];
  let ok = true;
  for (const target of d.among) {
    const kinds = lowerTargets(r, target);
    if (!kinds) {
      ok = false;
      continue;
    }
    for (const k of kinds) {
      if (among.some((a) => a.apiVersion === k.kind.apiVersion && a.kind === k.kind.kind)) continue;
      among.push(k.kind);
      schemas.push({ owner: k.kind.kind, schema: k.schema ?? anySchema });
    }
  }
  const scope: PredicateScope = { schemas: schemas.length ? schemas : [{ owner: 'object', schema: anySchema }], podObject: false, container: false, objectKinds: among.map((k) => k.kind), atObject: true };
  return ok ? { among, scope } : { scope };
}

function misplaced(r: Reporter, span: Span, what: string, where: string): undefined {
  r.report('SP1009', span, { detail: `${what} can only be used ${where}`, hint: `use it ${where}, or give the rule its own \`applies to\`` });
  return undefined;
}

/** Resolves a quantifier's domain to list chains relative to the current scope, and the element's scope. */
export function lowerDomain(r: Reporter, d: DomainAst, scope: PredicateScope): { domain: Domain; scope: PredicateScope } | undefined {
  // The elements of a typed list of a built-in kind are typed objects in turn.
  const make = (kind: DomainKind, chains: string[][][], inner: PredicateScope, typed = scope.apiTyped === true) => ({
    domain: { kind, chains, span: d.span, ...(typed ? { apiTyped: true as const } : {}) },
    scope: { ...inner, apiTyped: typed },
  });
  switch (d.kind) {
    case 'container':
      if (!scope.podObject) return misplaced(r, d.span, 'a container quantifier', 'in rules that apply to pods');
      return make('container', containerLists[d.which].map((list) => [['spec', list]]), elementScope('container', containerSchema, true));
    case 'volume':
      if (!scope.podObject) return misplaced(r, d.span, 'a volume quantifier', 'in rules that apply to pods');
      return make('volume', [[['spec', 'volumes']]], elementScope('volume', volumeSchema));
    case 'port':
    case 'env': {
      const field = d.kind === 'port' ? 'ports' : 'env';
      const schema = d.kind === 'port' ? containerPortSchema : envVarSchema;
      if (scope.container) return make(d.kind, [[[field]]], elementScope(d.kind === 'port' ? 'container port' : 'env var', schema));
      if (!scope.podObject) return misplaced(r, d.span, `a ${d.kind} quantifier`, 'in rules that apply to pods, or inside a container quantifier');
      return make(d.kind, containerLists.all.map((list) => [['spec', list], [field]]), elementScope(d.kind === 'port' ? 'container port' : 'env var', schema));
    }
    case 'rbac-rule':
      if (!scope.atObject || !scope.objectKinds.every((k) => k === 'Role' || k === 'ClusterRole') || scope.objectKinds.length === 0) {
        return misplaced(r, d.span, 'an `rbac rule` quantifier', 'in rules that apply to Role or ClusterRole');
      }
      return make('rbac-rule', [[['rules']]], elementScope('RBAC rule', policyRuleSchema));
    case 'subject':
      if (!scope.atObject || !scope.objectKinds.every((k) => k === 'RoleBinding' || k === 'ClusterRoleBinding') || scope.objectKinds.length === 0) {
        return misplaced(r, d.span, 'a `subject` quantifier', 'in rules that apply to RoleBinding or ClusterRoleBinding');
      }
      return make('subject', [[['subjects']]], elementScope('subject', rbacSubjectSchema));
    case 'reference':
      // Lowered by lowerReference: a reference is not a list of the object.
      return misplaced(r, d.span, 'a reference', 'as `any|every|no KIND referenced by PATH has …`');
    case 'cluster':
      // Lowered by lowerCluster: the objects of the cluster are not a list of the object.
      return misplaced(r, d.span, '`KIND in the cluster`', 'as `any|every|no KIND in the cluster has …`');
    case 'item': {
      const path = d.path.segments.map((s) => s.name);
      const resolved = resolveIn(r, d.path, scope);
      if (!resolved) return undefined;
      if (resolved.type !== 'object-list' && resolved.type !== 'any') {
        r.report('SP1003', d.path.span, { detail: `\`item in\` needs a list of objects, but ${path.join('.')} is ${describeType(resolved.type)}`, hint: resolved.type === 'string-list' ? 'test lists of strings with `contains`, `contains only [...]` or `contains none of [...]`' : 'quantify over a list field' });
        return undefined;
      }
      const inner = elementScope('list item', resolved.element ?? anySchema);
      const owner = scope.atObject ? scope.objectKinds : (scope.ownerKinds ?? []);
      return make('item', [[path]], scope.place ? { ...inner, place: [...scope.place, path], ownerKinds: owner } : inner, apiTypedAt(scope, path, 'object-list'));
    }
  }
}

function describeType(t: FieldType): string {
  const names: Record<FieldType, string> = { string: 'a string', integer: 'an integer', number: 'a number', boolean: 'a boolean', quantity: 'a quantity', 'string-list': 'a list of strings', 'object-list': 'a list of objects', object: 'an object', 'string-map': 'a map of strings', any: 'untyped' };
  return names[t];
}

/** Resolves a path in every candidate schema; reports the first that fails with spelling suggestions. */
function resolveIn(r: Reporter, path: PathAst, scope: PredicateScope): FieldSchema | undefined {
  const names = path.segments.map((s) => s.name);
  let found: FieldSchema | undefined;
  for (const { owner, schema } of scope.schemas) {
    const res = resolvePath(schema, names);
    if (!res.ok) {
      const seg = path.segments[res.failedAt];
      const suggestion = res.suggestions[0];
      const where = res.owner ? `${owner} ${res.owner}` : owner;
      // `spec.minReplicas-1` is one name: a hyphen joins words; an offset needs spaces (`spec.minReplicas - 1`).
      const glued = seg && /^(.+)-(\d+(?:\.\d+)?)$/.exec(seg.name);
      const hint = glued && suggestion === glued[1] ? `write spaces around the minus: "${glued[1]} - ${glued[2]}" (a hyphen between words is part of a name)` : suggestion ? `did you mean "${suggestion}"?` : res.expected ? `${where} takes ${res.expected}` : `see the fields of ${where} in the Kubernetes API reference`;
      r.report('SP1002', seg?.span ?? path.span, { field: seg?.name ?? names.join('.'), owner: res.owner || owner, hint });
      return undefined;
    }
    found ??= res.schema;
  }
  return found ?? anySchema;
}

function lowerComparison(r: Reporter, c: ComparisonAst, scope: PredicateScope): Predicate | undefined {
  const subject = c.effective ? lowerEffective(r, c.path, scope) : lowerField(r, c.path, scope);
  if (!subject) return undefined;
  if (c.test.kind === 'unique') return lowerUnique(r, c, scope, subject.type);
  if (c.test.kind === 'unchanged') {
    // The old object is the object's stored version: compared at the object itself, not a pod view or an element.
    if (c.effective || !scope.atObject || scope.place?.length !== 0 || scope.podObject) {
      r.report('SP1009', c.test.span, { detail: '`is unchanged` can only be used at the object (not inside a quantifier or a reference), in rules that do not apply to pods', hint: 'write the full path from the object, and give the rule `applies to "apps/v1" Deployment, …` for controllers' });
      return undefined;
    }
    return { kind: 'unchanged', path: c.path.segments.map((s) => s.name), span: c.span };
  }
  if (c.test.kind === 'relative') return lowerRelation(r, c, c.test, subject, scope);
  const test = lowerTest(r, c.test, subject.type, c.path);
  return test && { kind: 'test', subject, test, span: c.span };
}

/** The largest numerator or denominator a factor may reduce to; a larger one is refused (SP1003) as no use case needs it. */
const maxFactorTerm = 1_000_000;

/**
 * `PATH OP [FACTOR *] OTHER [+|- OFFSET]` (docs/language/predicates.md "Comparing two fields"): both fields of the same
 * scope, both integers or both quantities; the factor a non-negative decimal, the offset a whole number on integers.
 */
function lowerRelation(r: Reporter, c: ComparisonAst, t: Extract<TestAst, { kind: 'relative' }>, subject: ValueRef, scope: PredicateScope): Predicate | undefined {
  const field = c.path.segments.map((s) => s.name).join('.');
  const otherName = t.operand.path.segments.map((s) => s.name).join('.');
  const mismatch = (span: Span, detail: string, hint: string): undefined => {
    r.report('SP1003', span, { detail, hint });
    return undefined;
  };
  if (t.op === '=' || t.op === '!=') {
    return mismatch(t.span, `\`${t.op}\` compares a field with a value; two fields are compared with <, <=, > and >=`, `write ${field} <= ${otherName} and ${field} >= ${otherName} for equal values`);
  }
  if (subject.kind !== 'field') return mismatch(c.path.span, '`effective` fields cannot be compared with another field', `compare ${field} with a value`);
  const other = lowerField(r, t.operand.path, scope);
  if (!other) return undefined;
  const kinds = (type: FieldType) => (type === 'integer' ? 'integer' : type === 'quantity' ? 'quantity' : undefined);
  const left = kinds(subject.type);
  if (!left) return mismatch(c.path.span, `comparing with another field needs integer or quantity fields, but ${field} is ${describeType(subject.type)}`, 'compare it with a value');
  if (kinds(other.type) !== left) {
    return mismatch(t.operand.path.span, `${field} is ${describeType(subject.type)}, but ${otherName} is ${describeType(other.type)}`, left === 'integer' ? 'compare an integer field with another integer field' : 'compare a quantity with another quantity (resources.limits.cpu with resources.requests.cpu)');
  }
  let factor = { text: '1', numerator: 1, denominator: 1 };
  if (t.operand.factor) {
    const text = t.operand.factor.text;
    const ratio = /^\d+(?:\.\d+)?$/.test(text) ? reduce(text) : undefined;
    if (!ratio) return mismatch(t.operand.factor.span, `the factor ${text} is negative`, 'write a factor of 0 or more');
    if (ratio.numerator > maxFactorTerm || ratio.denominator > maxFactorTerm) return mismatch(t.operand.factor.span, `the factor ${text} has too many digits`, 'write a factor with at most 6 significant digits');
    factor = { text, ...ratio };
  }
  let offset = 0;
  if (t.operand.offset) {
    const text = t.operand.offset.text;
    if (left !== 'integer') return mismatch(t.operand.offset.span, `an offset is added to integer fields only, but ${otherName} is a quantity`, `scale it instead: ${field} ${t.op} 2 * ${otherName}`);
    if (!/^-?\d+$/.test(text)) return mismatch(t.operand.offset.span, `${otherName} is an integer, but the offset ${text} is not whole`, 'write a whole number');
    offset = Number(text);
    if (!Number.isSafeInteger(offset) || Math.abs(offset) > 2 ** 31) return mismatch(t.operand.offset.span, `the offset ${text} is out of range`, 'write an offset between -2147483648 and 2147483648');
  }
  const op = ({ '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' } as const)[t.op];
  return { kind: 'relation', op, subject, other, type: left, factor, offset, span: c.span };
}

/** `1.50` as 3/2. */
function reduce(text: string): { numerator: number; denominator: number } | undefined {
  const [whole, fraction = ''] = text.split('.');
  let n = BigInt(whole! + fraction);
  let d = 10n ** BigInt(fraction.length);
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
  const g = n === 0n ? d : gcd(n, d);
  n /= g;
  d /= g;
  return n > BigInt(Number.MAX_SAFE_INTEGER) || d > BigInt(Number.MAX_SAFE_INTEGER) ? { numerator: Infinity, denominator: Infinity } : { numerator: Number(n), denominator: Number(d) };
}

function lowerField(r: Reporter, path: PathAst, scope: PredicateScope): FieldRef | undefined {
  const schema = resolveIn(r, path, scope);
  const names = path.segments.map((s) => s.name);
  return schema && { kind: 'field', path: names, type: schema.type, ...(apiTypedAt(scope, names, schema.type) ? { apiTyped: true as const } : {}) };
}

/** A message placeholder's field part, typed where the API server types it (`MessageTemplate`, `ValueRef.apiTyped`). */
export function typedPart(scope: PredicateScope, path: readonly string[]): { kind: 'field'; path: readonly string[]; type?: FieldType; apiTyped?: true } {
  const first = scope.schemas[0] && resolvePath(scope.schemas[0].schema, path);
  const type = first?.ok ? first.schema.type : undefined;
  return type && apiTypedAt(scope, path, type) ? { kind: 'field', path, type, apiTyped: true } : { kind: 'field', path };
}

/** The API server types `path` as `type` in every subject of the scope (see `ValueRef.apiTyped`). */
function apiTypedAt(scope: PredicateScope, path: readonly string[], type: FieldType): boolean {
  if (scope.apiTyped !== true || type === 'any' || scope.schemas.length === 0) return false;
  return scope.schemas.every(({ schema }) => {
    const res = resolvePath(schema, path);
    return res.ok && res.schema.type === type;
  });
}

function lowerEffective(r: Reporter, path: PathAst, scope: PredicateScope): ValueRef | undefined {
  const name = path.segments.map((s) => s.name).join('.');
  if (!scope.container) return misplaced(r, path.span, '`effective`', 'inside a container quantifier (`every container has effective runAsNonRoot = true`)');
  if (!(name in effectiveFields)) {
    const near = closestName(name, Object.keys(effectiveFields));
    r.report('SP1002', path.span, { field: name, owner: 'effective security settings', hint: near[0] ? `did you mean "${near[0]}"?` : `effective applies to ${Object.keys(effectiveFields).join(', ')}` });
    return undefined;
  }
  const field = name as EffectiveField;
  const parts = field.split('.');
  return { kind: 'effective', field, containerPath: ['securityContext', ...parts], podPath: ['spec', 'securityContext', ...parts], type: effectiveFields[field], ...(scope.apiTyped ? { apiTyped: true as const } : {}) };
}

const unsafeRegex = /\(\?[=!<]|\\[1-9]|\\k<|\(\?P?</;

/** Type-checks one test against the field's type and turns literals into IR values. */
function lowerTest(r: Reporter, t: TestAst, type: FieldType, path: PathAst): Test | undefined {
  const field = path.segments.map((s) => s.name).join('.');
  const mismatch = (detail: string, hint: string): undefined => {
    r.report('SP1003', t.span, { detail, hint });
    return undefined;
  };
  const isList = type === 'string-list' || type === 'object-list';
  switch (t.kind) {
    case 'state': {
      const op = ({ exists: 'exists', 'is not absent': 'exists', 'is absent': 'absent', 'is empty': 'empty', 'is not empty': 'not-empty' } as const)[t.op];
      if ((op === 'empty' || op === 'not-empty') && !['string', 'string-list', 'object-list', 'string-map', 'object', 'any'].includes(type)) {
        return mismatch(`\`${t.op}\` needs a list, map or string, but ${field} is ${describeType(type)}`, 'use `exists` or `is absent` for scalar fields');
      }
      return { op };
    }
    case 'relative':
      return undefined;
    case 'compare': {
      if (t.op === '=' || t.op === '!=') {
        if (isList) return mismatch(`${field} is ${describeType(type)}; \`${t.op}\` compares single values`, 'use `contains`, `contains only [...]` or `contains none of [...]`');
        if (type === 'quantity') return mismatch(`${field} is a quantity; quantities are compared with <, <=, > and >=`, `write ${field} <= ${valueText(t.value)}`);
        const value = checkScalar(r, t.value, type, field);
        return value === undefined ? undefined : { op: t.op === '=' ? 'eq' : 'ne', value };
      }
      const op = ({ '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' } as const)[t.op];
      if (type === 'quantity' || (type === 'any' && t.value.kind === 'quantity')) {
        const text = t.value.kind === 'quantity' || t.value.kind === 'number' ? t.value.text : t.value.kind === 'string' ? t.value.value : '';
        const value = parseQuantity(text);
        if (value === undefined) {
          r.report('SP1004', t.value.span, { what: 'quantity', value: JSON.stringify(text), reason: 'not a Kubernetes quantity', hint: 'write quantities like 512Mi, 1Gi, 500m or 2' });
          return undefined;
        }
        return { op, value, quantity: { text, value } };
      }
      if (type !== 'integer' && type !== 'number' && type !== 'any') return mismatch(`\`${t.op}\` compares numbers, but ${field} is ${describeType(type)}`, 'use = or != for non-numeric fields');
      if (t.value.kind !== 'number') return mismatch(`${field} is ${describeType(type)}; compare it with a number`, `write ${field} ${t.op} 1000`);
      if (type === 'integer' && !/^-?\d+$/.test(t.value.text)) return mismatch(`${field} is an integer`, 'compare it with a whole number');
      return { op, value: Number(t.value.text) };
    }
    case 'list': {
      if (t.op === 'in' || t.op === 'not in') {
        if (isList) return mismatch(`${field} is ${describeType(type)}; \`${t.op}\` tests single values`, 'use `contains only [...]`, `contains any of [...]` or `contains none of [...]`');
        if (t.values.length === 0) return mismatch(`\`${t.op} []\` ${t.op === 'in' ? 'is never true' : 'is always true'}`, 'list at least one value');
        const values = checkScalars(r, t.values, type, field);
        return values && { op: t.op === 'in' ? 'in' : 'not-in', values };
      }
      if (type !== 'string-list' && type !== 'any') return mismatch(`\`${t.op}\` needs a list of strings, but ${field} is ${describeType(type)}`, type === 'object-list' ? 'quantify over the list with `any item in …`' : 'use `in [...]` for a single value');
      const values = checkScalars(r, t.values, type === 'any' ? 'any' : 'string', field);
      const op = ({ 'contains only': 'contains-only', 'contains none of': 'contains-none', 'contains any of': 'contains-any' } as const)[t.op];
      return values && { op, values };
    }
    case 'contains': {
      if (type !== 'string-list' && type !== 'any') {
        return mismatch(`\`contains\` tests membership in a list of strings, but ${field} is ${describeType(type)}`, type === 'string' ? `for a substring write ${field} matches "*${t.value.kind === 'string' ? t.value.value : ''}*"` : 'quantify over lists of objects with `any item in …`');
      }
      const value = checkScalar(r, t.value, type === 'any' ? 'any' : 'string', field);
      return value === undefined ? undefined : { op: 'contains', value };
    }
    case 'match': {
      // On a quantity field: the text admission sees, the quantity as the API server serialises it (semantics §3, quantity fields).
      if (type !== 'string' && type !== 'any' && type !== 'quantity') return mismatch(`\`matches\` tests strings and quantities, but ${field} is ${describeType(type)}`, 'use =, in or a numeric comparison');
      const pattern = t.pattern.value;
      if (t.regex) {
        if (unsafeRegex.test(pattern)) {
          r.report('SP1004', t.pattern.span, { what: 'regex', value: JSON.stringify(pattern), reason: 'lookaround, backreferences and named groups are outside the RE2 subset every engine shares', hint: 'rewrite without (?=, (?!, (?<, \\1 or named groups' });
          return undefined;
        }
        const re2 = translateRe2Flags(pattern);
        if (!re2.ok) {
          r.report('SP1004', t.pattern.span, { what: 'regex', value: JSON.stringify(pattern), reason: `${re2.construct}: ${re2.reason}`, hint: re2.hint });
          return undefined;
        }
        try {
          new RegExp(re2.source, `${re2.flags}u`);
        } catch (e) {
          r.report('SP1004', t.pattern.span, { what: 'regex', value: JSON.stringify(pattern), reason: (e as Error).message.replace(/^Invalid regular expression: /, ''), hint: 'regexes use RE2 syntax and match anywhere in the value; anchor with ^ and $' });
          return undefined;
        }
        return { op: t.negated ? 'not-regex' : 'regex', pattern };
      }
      return { op: t.negated ? 'not-glob' : 'glob', pattern };
    }
  }
}

function valueText(v: ValueAst): string {
  return v.kind === 'string' ? JSON.stringify(v.value) : v.kind === 'boolean' ? String(v.value) : v.text;
}

function checkScalars(r: Reporter, values: readonly ValueAst[], type: FieldType, field: string): Scalar[] | undefined {
  const out = values.map((v) => checkScalar(r, v, type, field));
  return out.every((v): v is Scalar => v !== undefined) ? out : undefined;
}

/** A literal must have the field's type; untyped fields accept strings, numbers and booleans. */
function checkScalar(r: Reporter, v: ValueAst, type: FieldType, field: string): Scalar | undefined {
  const expected: Partial<Record<FieldType, ValueAst['kind'][]>> = {
    string: ['string'],
    integer: ['number'],
    number: ['number'],
    boolean: ['boolean'],
    'string-list': ['string'],
    any: ['string', 'number', 'boolean'],
  };
  const ok = expected[type];
  if (!ok) {
    r.report('SP1003', v.span, { detail: `${field} is ${describeType(type)} and cannot be compared with a value`, hint: 'test one of its fields, or use `exists` / `is empty`' });
    return undefined;
  }
  if (!ok.includes(v.kind)) {
    const hint = type === 'string' ? `quote it: "${valueText(v).replace(/^"|"$/g, '')}"` : type === 'boolean' ? 'write true or false' : 'write a number';
    r.report('SP1003', v.span, { detail: `${field} is ${describeType(type)}, but ${valueText(v)} is ${v.kind === 'string' ? 'a string' : v.kind === 'boolean' ? 'a boolean' : v.kind === 'quantity' ? 'a quantity' : 'a number'}`, hint });
    return undefined;
  }
  if (type === 'integer' && v.kind === 'number' && !/^-?\d+$/.test(v.text)) {
    r.report('SP1003', v.span, { detail: `${field} is an integer, but ${v.text} is not whole`, hint: 'write a whole number' });
    return undefined;
  }
  return scalarOf(v);
}
