/**
 * What the Kubernetes CEL environment rejects when a ValidatingAdmissionPolicy is written and cel-js's own checker
 * lets through: aggregate literals whose entries differ in type.
 *
 * Written from reading, not copying, cel-go (v0.22): `cel/validator.go` (the homogeneous aggregate literal
 * validator that `cel.HomogeneousAggregateLiterals()` installs, and its exemption of literals under `format`
 * calls), `checker/checker.go` (`checkCreateList`, `checkCreateMap`, `joinTypes`; `_?_:_` resolved as `resolveOverload` does),
 * `checker/types.go` (`internalIsAssignable`, `isValidTypeSubstitution`, `isEqualOrLessSpecific`, `substitute`) and
 * `common/types/types.go` (`IsEquivalentType`); and k8s.io/apiserver `pkg/cel/environment/base.go`, which enables
 * the validator for every Kubernetes CEL expression. docs/engines/vap.md says what is and is not checked.
 *
 * The differences that matter: cel-js gives every type value the one type `type`, cel-go gives `int` the type
 * `type(int)` and `bool` the type `type(bool)`, so `[int, bool]` and `type(x) in [null_type, bool]` are literals of
 * mixed type (the checker itself accepts them, and `int == bool`: any type value is assignable to any other; only the
 * validator compares parameters). cel-js also lets an empty literal join any element (`[object.a, []]`), where
 * cel-go's validator compares the checked types: `dyn` against `list(dyn)`.
 */

/** A cel-go type, as far as these checks need one; `unknown` is what this module cannot tell (never a reason to reject). */
export type CelType =
  | { readonly kind: 'dyn' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'primitive'; readonly name: string }
  | { readonly kind: 'list'; readonly elem: CelType }
  | { readonly kind: 'map'; readonly key: CelType; readonly value: CelType }
  /** `type(param)`; the `type` identifier itself is `type(type)`, whose parameter is the parameterless `type`. */
  | { readonly kind: 'type'; readonly param?: CelType }
  | { readonly kind: 'object'; readonly name: string }
  /** A free type variable (an empty literal's element type), bound by unification. */
  | { readonly kind: 'param'; readonly id: number };

const DYN: CelType = { kind: 'dyn' };
const UNKNOWN: CelType = { kind: 'unknown' };
const prim = (name: string): CelType => ({ kind: 'primitive', name });

/** The identifiers cel-go declares for types (`TypeVariable` in its standard library) and the types they denote. */
const typeIdentifiers: Readonly<Record<string, () => CelType>> = {
  bool: () => prim('bool'),
  bytes: () => prim('bytes'),
  double: () => prim('double'),
  int: () => prim('int'),
  uint: () => prim('uint'),
  string: () => prim('string'),
  null_type: () => prim('null'),
  list: () => ({ kind: 'list', elem: DYN }),
  map: () => ({ kind: 'map', key: DYN, value: DYN }),
  type: () => ({ kind: 'type' }),
  'google.protobuf.Duration': () => prim('google.protobuf.Duration'),
  'google.protobuf.Timestamp': () => prim('google.protobuf.Timestamp'),
};

/** cel-go's FormatCELType, for messages. */
export function formatType(t: CelType): string {
  switch (t.kind) {
    case 'dyn':
      return 'dyn';
    case 'unknown':
      return '?';
    case 'primitive':
      return t.name;
    case 'list':
      return `list(${formatType(t.elem)})`;
    case 'map':
      return `map(${formatType(t.key)}, ${formatType(t.value)})`;
    case 'type':
      return t.param ? `type(${formatType(t.param)})` : 'type';
    case 'object':
      return t.name;
    case 'param':
      return `_var${t.id}`;
  }
}

/** The parts of a cel-js type object read here. */
interface CelJsType {
  readonly kind: string;
  readonly name: string;
  readonly keyType?: CelJsType;
  readonly valueType?: CelJsType;
}

/** The parts of a cel-js AST node read here. */
export interface CelJsNode {
  readonly op: string;
  readonly args: unknown;
  readonly start?: number;
  readonly checkedType?: CelJsType;
}

const isNode = (x: unknown): x is CelJsNode => typeof x === 'object' && x !== null && !Array.isArray(x) && typeof (x as { op?: unknown }).op === 'string';

/** A node's sub-expressions, in source order. */
function children(node: CelJsNode): CelJsNode[] {
  const out: CelJsNode[] = [];
  const visit = (x: unknown) => {
    if (isNode(x)) out.push(x);
    else if (Array.isArray(x)) x.forEach(visit);
  };
  visit(node.args);
  return out;
}

const macros = new Set(['all', 'exists', 'exists_one', 'existsOne', 'map', 'filter']);

export class TypeCheckError extends Error {}

/** Type-checks a cel-js AST (already accepted by cel-js's checker) with the cel-go rules above; throws TypeCheckError. */
export function checkKubernetesTypes(root: CelJsNode): void {
  new Checker().run(root);
}

class Checker {
  private nextParam = 0;
  /** Bindings of type variables (cel-go's substitution mapping). */
  private readonly bound = new Map<number, CelType>();
  private readonly types = new Map<CelJsNode, CelType>();
  private readonly errors: string[] = [];

  run(root: CelJsNode): void {
    this.typeOf(root, new Map());
    if (this.errors.length === 0) this.validateLiterals(root, false);
    if (this.errors.length) throw new TypeCheckError(this.errors[0]!);
  }

  private fresh(): CelType {
    return { kind: 'param', id: this.nextParam++ };
  }

  /** cel-js's checked type of a node in cel-go terms; an unparameterised `type` stays unknown. */
  private fromCelJs(t: CelJsType | undefined): CelType {
    if (!t) return UNKNOWN;
    switch (t.kind) {
      case 'dyn':
        return DYN;
      case 'list':
        return { kind: 'list', elem: t.valueType?.kind === 'param' ? this.fresh() : this.fromCelJs(t.valueType) };
      case 'map':
        return { kind: 'map', key: t.keyType?.kind === 'param' ? this.fresh() : this.fromCelJs(t.keyType), value: t.valueType?.kind === 'param' ? this.fresh() : this.fromCelJs(t.valueType) };
      case 'param':
        return this.fresh();
      case 'primitive':
        if (t.name === 'type') return { kind: 'type', param: UNKNOWN };
        return prim(t.name === 'null_type' ? 'null' : t.name);
      default:
        return t.name === 'dyn' ? DYN : t.kind === 'message' || /^[A-Z]/.test(t.name) ? { kind: 'object', name: t.name } : UNKNOWN;
    }
  }

  private typeOf(node: CelJsNode, scope: ReadonlyMap<string, CelType>): CelType {
    const t = this.infer(node, scope);
    this.types.set(node, t);
    return t;
  }

  private infer(node: CelJsNode, scope: ReadonlyMap<string, CelType>): CelType {
    const args = node.args;
    const sub = () => children(node).map((c) => this.typeOf(c, scope));
    switch (node.op) {
      case 'id': {
        const name = String(args);
        const local = scope.get(name);
        if (local) return local;
        const denoted = typeIdentifiers[name];
        if (denoted && node.checkedType?.name === 'type') return { kind: 'type', param: denoted() };
        return this.fromCelJs(node.checkedType);
      }
      case 'call': {
        const [name, callArgs] = args as [string, CelJsNode[]];
        const types = callArgs.map((a) => this.typeOf(a, scope));
        if (name === 'type' && types.length === 1) return { kind: 'type', param: types[0]! };
        if (name === 'dyn') return DYN;
        return this.fromCelJs(node.checkedType);
      }
      case 'rcall': {
        const [name, receiver, callArgs] = args as [string, CelJsNode, CelJsNode[]];
        const range = this.resolve(this.typeOf(receiver, scope));
        const first = callArgs[0];
        if (macros.has(name) && first?.op === 'id' && callArgs.length >= 2) {
          const element = range.kind === 'list' ? range.elem : range.kind === 'map' ? range.key : range.kind === 'unknown' ? UNKNOWN : DYN;
          const inner = new Map(scope).set(String(first.args), element);
          const bodies = callArgs.slice(1).map((a) => this.typeOf(a, inner));
          if (name === 'map') return { kind: 'list', elem: bodies[bodies.length - 1]! };
          if (name === 'filter') return { kind: 'list', elem: element };
          return prim('bool');
        }
        callArgs.forEach((a) => this.typeOf(a, scope));
        return this.fromCelJs(node.checkedType);
      }
      case 'list': {
        // checkCreateList: the element type joins the entries' (dyn when two do not agree; the validator reports that).
        let elem: CelType | undefined;
        for (const e of args as CelJsNode[]) elem = this.join(elem, this.typeOf(e, scope));
        return { kind: 'list', elem: elem ?? this.fresh() };
      }
      case 'map': {
        let key: CelType | undefined;
        let value: CelType | undefined;
        for (const [k, v] of args as [CelJsNode, CelJsNode][]) {
          key = this.join(key, this.typeOf(k, scope));
          value = this.join(value, this.typeOf(v, scope));
        }
        return { kind: 'map', key: key ?? this.fresh(), value: value ?? this.fresh() };
      }
      case '?:': {
        // _?_:_(bool, A, A) -> A: A takes the first branch's type, then the more general of it and the second's.
        const [, a, b] = sub();
        const snapshot = new Map(this.bound);
        if (this.assignable(b!, a!)) return this.mostGeneral(b!, a!);
        this.restore(snapshot);
        return this.fromCelJs(node.checkedType);
      }
      case '[]': {
        const [a] = sub();
        const target = this.resolve(a!);
        if (target.kind === 'list') return target.elem;
        if (target.kind === 'map') return target.value;
        return this.fromCelJs(node.checkedType);
      }
      default:
        sub();
        return this.fromCelJs(node.checkedType);
    }
  }

  /** joinTypes with dyn aggregate element types (the checker's default; mixing is the validator's to report). */
  private join(previous: CelType | undefined, current: CelType): CelType {
    if (previous === undefined) return current;
    const snapshot = new Map(this.bound);
    if (this.assignable(previous, current)) return this.mostGeneral(previous, current);
    this.restore(snapshot);
    return DYN;
  }

  /** isAssignable works on a copy of the mapping and keeps it only on success. */
  private restore(snapshot: ReadonlyMap<number, CelType>): void {
    this.bound.clear();
    for (const [k, v] of snapshot) this.bound.set(k, v);
  }

  private resolve(t: CelType): CelType {
    let cur = t;
    while (cur.kind === 'param' && this.bound.has(cur.id)) cur = this.bound.get(cur.id)!;
    return cur;
  }

  /** Replaces bound type variables; with `toDyn`, unbound ones become dyn (as the checker's final pass does). */
  private substitute(t: CelType, toDyn: boolean): CelType {
    const r = this.resolve(t);
    switch (r.kind) {
      case 'param':
        return toDyn ? DYN : r;
      case 'list':
        return { kind: 'list', elem: this.substitute(r.elem, toDyn) };
      case 'map':
        return { kind: 'map', key: this.substitute(r.key, toDyn), value: this.substitute(r.value, toDyn) };
      case 'type':
        return r.param ? { kind: 'type', param: this.substitute(r.param, toDyn) } : r;
      default:
        return r;
    }
  }

  private occurs(id: number, t: CelType): boolean {
    const r = this.resolve(t);
    if (r.kind === 'param') return r.id === id;
    if (r.kind === 'list') return this.occurs(id, r.elem);
    if (r.kind === 'map') return this.occurs(id, r.key) || this.occurs(id, r.value);
    if (r.kind === 'type') return r.param !== undefined && this.occurs(id, r.param);
    return false;
  }

  /** isAssignable: can a value of `from` stand where `to` is expected, binding type variables on the way. */
  private assignable(to: CelType, from: CelType): boolean {
    const a = this.resolve(to);
    const b = this.resolve(from);
    if (a.kind === 'param' && b.kind === 'param' && a.id === b.id) return true;
    if (b.kind === 'param') return this.bind(b.id, a);
    if (a.kind === 'param') return this.bind(a.id, b);
    if (a.kind === 'unknown' || b.kind === 'unknown' || a.kind === 'dyn' || b.kind === 'dyn') return true;
    if (a.kind === 'primitive' && a.name === 'null') return b.kind === 'object' || (b.kind === 'primitive' && b.name === 'null');
    if (b.kind === 'primitive' && b.name === 'null') return a.kind === 'object';
    if (a.kind !== b.kind) return false;
    switch (a.kind) {
      case 'primitive':
      case 'object':
        return a.name === (b as typeof a).name;
      case 'list':
        return this.assignable(a.elem, (b as typeof a).elem);
      case 'map':
        return this.assignable(a.key, (b as typeof a).key) && this.assignable(a.value, (b as typeof a).value);
      case 'type':
        // Any type value is assignable to any other: cel-go compares their parameters only in the validator.
        return true;
      default:
        return true;
    }
  }

  /** isValidTypeSubstitution: a bound variable keeps the more general of its binding and the new type. */
  private bind(id: number, t: CelType): boolean {
    const current = this.bound.get(id);
    if (current === undefined) {
      if (this.occurs(id, t)) return false;
      this.bound.set(id, t);
      return true;
    }
    if (!this.assignable(t, current)) return false;
    const general = this.mostGeneral(t, current);
    if (!this.occurs(id, general)) this.bound.set(id, general);
    return true;
  }

  /** mostGeneral: the less specific of two agreeing types (dyn and free variables are the least specific). */
  private mostGeneral(a: CelType, b: CelType): CelType {
    return this.lessSpecific(a, b) ? a : b;
  }

  private lessSpecific(a: CelType, b: CelType): boolean {
    const x = this.resolve(a);
    const y = this.resolve(b);
    if (x.kind === 'dyn' || x.kind === 'param' || x.kind === 'unknown') return true;
    if (y.kind === 'dyn' || y.kind === 'param' || y.kind === 'unknown') return false;
    if (x.kind !== y.kind) return false;
    switch (x.kind) {
      case 'list':
        return this.lessSpecific(x.elem, (y as typeof x).elem);
      case 'map':
        return this.lessSpecific(x.key, (y as typeof x).key) && this.lessSpecific(x.value, (y as typeof x).value);
      case 'type':
        return true;
      case 'primitive':
      case 'object':
        return x.name === (y as typeof x).name;
      default:
        return false;
    }
  }

  /** IsEquivalentType on checked (substituted) types; what this module could not type matches anything. */
  private equivalent(a: CelType, b: CelType): boolean {
    if (a.kind === 'unknown' || b.kind === 'unknown') return true;
    if (a.kind !== b.kind) return false;
    switch (a.kind) {
      case 'primitive':
      case 'object':
        return a.name === (b as typeof a).name;
      case 'list':
        return this.equivalent(a.elem, (b as typeof a).elem);
      case 'map':
        return this.equivalent(a.key, (b as typeof a).key) && this.equivalent(a.value, (b as typeof a).value);
      case 'type': {
        const bp = (b as typeof a).param;
        return a.param === undefined || bp === undefined ? a.param === bp : this.equivalent(a.param, bp);
      }
      default:
        return true;
    }
  }

  /**
   * The homogeneous aggregate literal validator: every entry of a list literal has the type of the first, every
   * key and value of a map literal the type of the first key and value. Literals that are arguments of a `format`
   * call (or nested in such literals) are exempt.
   */
  private validateLiterals(node: CelJsNode, exempt: boolean): void {
    const checked = (n: CelJsNode) => this.substitute(this.types.get(n) ?? UNKNOWN, true);
    const mismatch = (expected: CelType, found: CelType) => this.errors.push(`expected type '${formatType(expected)}' but found '${formatType(found)}'`);
    if (node.op === 'list' && !exempt) {
      const elements = node.args as CelJsNode[];
      const first = elements[0] && checked(elements[0]);
      for (const e of elements.slice(1)) {
        const t = checked(e);
        if (!this.equivalent(first!, t)) {
          mismatch(first!, t);
          break;
        }
      }
    }
    if (node.op === 'map' && !exempt) {
      const entries = node.args as [CelJsNode, CelJsNode][];
      const [k0, v0] = entries[0] ?? [];
      for (const [k, v] of entries.slice(1)) {
        if (!this.equivalent(checked(k0!), checked(k))) mismatch(checked(k0!), checked(k));
        if (!this.equivalent(checked(v0!), checked(v))) mismatch(checked(v0!), checked(v));
      }
    }
    const isFormat = (node.op === 'call' || node.op === 'rcall') && (node.args as unknown[])[0] === 'format';
    const aggregate = node.op === 'list' || node.op === 'map';
    for (const c of children(node)) this.validateLiterals(c, isFormat || (aggregate && exempt));
  }
}
