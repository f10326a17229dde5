import { assertNever, referenceTargets, type Domain, type Reference, type DomainKind, type FieldTest, type Predicate, type Relation, type Scalar, type Unique, type UniqueKind, type ValueRef } from '../../ir/index.js';
import { commentText } from '../common/render.js';
import type { RegoModule } from './library.js';
import { indent, regoLiteral, regoPath, regoTerm, ruleText } from './rego-text.js';

/**
 * IR predicate → Rego, exactly per docs/language/semantics.md §3. A predicate compiles to a list of body
 * literals that all hold iff it holds; a single literal that binds nothing is "pure" and may be negated
 * with `not`. Disjunctions, negated multi-literal bodies and `no` quantifiers become named helpers.
 *
 * Missing values are `null` (`value_at`), and every test is a literal over that value that is false (never
 * undefined-then-negated) on a missing or mistyped value, so `require` cannot pass by accident.
 */

/** Where a predicate is evaluated: a Rego term for the current element, and the pod view's name for `effective`. */
export interface RegoScope {
  /** `pod_view`, a global subject view, or a local variable bound by a quantifier. */
  readonly term: string;
  /** True for the subject view itself (a global rule); helpers at this scope take no argument. */
  readonly isRoot: boolean;
}

/** A compiled predicate: body literals, and whether it is a single literal that binds no variable. */
export interface Compiled {
  readonly literals: readonly string[];
  readonly pure: boolean;
}

const elementNames: Record<DomainKind, string> = { container: 'c', volume: 'vol', port: 'port', env: 'env', 'rbac-rule': 'rbac_rule', subject: 'subject', item: 'item' };

/** The standard container domain at pod scope: containers, initContainers, ephemeralContainers. */
const containerChains = [['spec', 'containers'], ['spec', 'initContainers'], ['spec', 'ephemeralContainers']];

/** Compiles the predicates of one secpol rule; helpers are named after the rule. */
export class RuleCompiler {
  private readonly counters = new Map<string, number>();

  constructor(
    private readonly module: RegoModule,
    /** The rule's name, for helper names. */
    private readonly ruleName: string,
    /** The global rule holding the object the rule sees (`pod_view` for pods). */
    readonly root: string,
    /** Wraps a container domain (image exceptions); identity when none apply. */
    private readonly keepContainers: (domain: string) => string = (d) => d,
  ) {}

  get rootScope(): RegoScope {
    return { term: this.root, isRoot: true };
  }

  /** A fresh local variable name within this rule (`c`, `c2`, …). */
  fresh(base: string): string {
    const n = (this.counters.get(base) ?? 0) + 1;
    this.counters.set(base, n);
    return n === 1 ? base : `${base}${n}`;
  }

  compile(p: Predicate, scope: RegoScope): Compiled {
    switch (p.kind) {
      case 'and': {
        const parts = p.operands.map((o) => this.compile(o, scope));
        const literals = parts.flatMap((x) => x.literals);
        return { literals, pure: literals.length === 1 && parts.every((x) => x.pure) };
      }
      case 'or':
        return { literals: [this.helper(scope, p.operands.map((o) => this.compile(o, scope).literals))], pure: true };
      case 'not': {
        const inner = this.single(p.operand, scope);
        // `not not L` is not Rego; for a pure literal it is L itself.
        return { literals: [inner.startsWith('not ') ? inner.slice(4) : `not ${inner}`], pure: true };
      }
      case 'quantified': {
        const element = this.fresh(elementNames[p.domain.kind]);
        const domain = this.domain(p.domain, scope);
        const body = this.compile(p.body, { term: element, isRoot: false });
        return this.quantify(p.quantifier, element, domain, body, scope);
      }
      case 'referenced': {
        // A domain of zero or one element: the referenced object when data.inventory holds it (semantics §3.1).
        const element = this.fresh(p.reference.kind.replace(/-/g, '_'));
        const domain = `${this.referenced(p.reference)}(${scope.term})`;
        const body = this.compile(p.body, { term: element, isRoot: false });
        return this.quantify(p.quantifier, element, domain, body, scope);
      }
      case 'in-cluster': {
        // Every synced object of the kinds (semantics §3.3), as a set the quantifier ranges over.
        const element = this.fresh('obj');
        const body = this.compile(p.body, { term: element, isRoot: false });
        return this.quantify(p.quantifier, element, this.clusterObjects(p.among), body, scope);
      }
      case 'unique':
        return { literals: [`not ${this.taken(p)}(${scope.term})`], pure: true };
      case 'unchanged':
        return { literals: [this.unchanged(p.path)], pure: true };
      case 'relation':
        return { literals: [`${this.relation(p)}(${this.value(p.subject, scope)}, ${this.value(p.other, scope)})`], pure: true };
      case 'test':
        return { literals: [this.test(p, scope)], pure: true };
      default:
        return assertNever(p, 'predicate');
    }
  }

  /**
   * `<kind>_referenced_by(obj)`: the referenced object as an array of zero or one element, read from Gatekeeper's
   * synced inventory (docs "Replicating Data": data.inventory.cluster[apiVersion][kind][name] for cluster-scoped
   * objects, data.inventory.namespace[ns][apiVersion][kind][name] for namespaced ones). Each target is chosen by
   * `<path>.kind`; a namespaced one lives in the referring object's namespace. Always defined (`else := []`).
   */
  /** `any`, `every` or `no` element of a domain (a list, or the zero-or-one referenced object) satisfies the body. */
  private quantify(quantifier: 'any' | 'every' | 'no', element: string, domain: string, body: Compiled, scope: RegoScope): Compiled {
    switch (quantifier) {
      case 'any':
        return { literals: [`some ${element} in ${domain}`, ...body.literals], pure: false };
      case 'every':
        return { literals: [`every ${element} in ${domain} {\n${body.literals.map((l) => indent(l)).join('\n')}\n}`], pure: false };
      case 'no':
        return { literals: [`not ${this.helper(scope, [[`some ${element} in ${domain}`, ...body.literals]])}`], pure: true };
      default:
        return assertNever(quantifier, 'quantifier');
    }
  }

  private referenced(ref: Reference): string {
    const spec = referenceTargets[ref.kind];
    return this.module.once(`reference:${ref.kind}:${ref.path.join('.')}`, () => {
      const name = this.module.names.allocate(ref.kind, 'referenced', 'by', ...ref.path.map((s) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()));
      const valueAt = this.module.use('value_at');
      const branches = spec.targets.map((t) => {
        const lookup = t.scope === 'cluster' ? `data.inventory.cluster[${regoLiteral(t.apiVersion)}][${regoLiteral(t.kind)}][name]` : `data.inventory.namespace[ns][${regoLiteral(t.apiVersion)}][${regoLiteral(t.kind)}][name]`;
        // `name`: the field itself names the only target (storageClassName); else `<path>.kind` chooses it, with
        // `<path>.apiVersion` for a scaleTargetRef (both compared with the table's fixed strings, never spliced).
        const lines = [
          ...(spec.by === 'api-version-kind-and-name' ? [`${valueAt}(obj, ${regoPath([...ref.path, 'apiVersion'])}) == ${regoLiteral(t.apiVersion)}`] : []),
          ...(spec.by === 'name' ? [`name := ${valueAt}(obj, ${regoPath(ref.path)})`] : [`${valueAt}(obj, ${regoPath([...ref.path, 'kind'])}) == ${regoLiteral(t.kind)}`, `name := ${valueAt}(obj, ${regoPath([...ref.path, 'name'])})`]),
          'is_string(name)',
          ...(t.scope === 'cluster' ? [] : [`ns := ${this.module.use('object_namespace')}`, 'is_string(ns)']),
          `target := ${lookup}`,
        ];
        return `[target] if {\n${lines.map((l) => `\t${l}`).join('\n')}\n}`;
      });
      const what = spec.targets.map((t) => `${t.kind} (${t.scope === 'cluster' ? 'cluster-scoped' : "in the object's namespace"})`).join(' or ');
      const text = `# The ${what} named by ${ref.path.join('.')}, from the synced data.inventory: [object], or [] when it is not there.\n${name}(obj) := ${branches.join(' else := ')} else := []`;
      return { name, text };
    });
  }

  /**
   * `<field>_taken(x)` for `PATH is unique among KINDS in the cluster` (semantics §3.2): true when another object of
   * those kinds in the synced data.inventory (docs "Replicating Data": data.inventory.namespace[ns][apiVersion][kind]
   * and data.inventory.cluster[apiVersion][kind], keyed by name) holds x's value at the same place. Undefined, so
   * `not` holds, for a string value that is missing or not a string; a map value missing or mistyped is {}.
   */
  private taken(u: Unique): string {
    return this.module.once(`unique:${JSON.stringify([u.place, u.among, u.compare])}`, () => {
      const valueAt = this.module.use('value_at');
      const others = this.uniqueOthers(u.among);
      const last = u.place[u.place.length - 1]!;
      const name = this.module.names.allocate(...last.map((s) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()), 'taken');
      const lines: string[] = [];
      if (u.compare === 'string') lines.push(`v := ${valueAt}(x, ${regoPath(u.path)})`, 'is_string(v)');
      else lines.push(`v := ${this.module.use('object_or_empty')}(${valueAt}(x, ${regoPath(u.path)}))`);
      lines.push(`some other in ${others}`);
      let holder = 'other';
      for (const [i, hop] of u.place.slice(0, -1).entries()) {
        const next = `e${i + 1}`;
        lines.push(`some ${next} in ${this.module.use('list_at')}(${holder}, ${regoPath(hop)})`);
        holder = next;
      }
      lines.push(u.compare === 'string' ? `${valueAt}(${holder}, ${regoPath(last)}) == v` : `${this.module.use('object_or_empty')}(${valueAt}(${holder}, ${regoPath(last)})) == v`);
      const where = u.place.map((h) => h.join('.')).join('[].');
      const text = `# Another object (${commentText(u.among.map((k) => `${k.apiVersion} ${k.kind}`).join(', '))}) holds x's ${commentText(u.path.join('.'))} at ${commentText(where)}${u.compare === 'map' ? ' (an absent map is {})' : ''}.\n${name}(x) if {\n${lines.map((l) => `\t${l}`).join('\n')}\n}`;
      return { name, text };
    });
  }

  /**
   * `<path>_unchanged` (semantics §3.4): not an UPDATE (an audit review counts as a CREATE), or the old object's value at
   * the path equals the object's (`value_at`: null when missing, on both sides; no old object reads as null).
   */
  private unchanged(path: readonly string[]): string {
    return this.module.once(`unchanged:${JSON.stringify(path)}`, () => {
      const name = this.module.names.allocate(...path.map((s) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()), 'unchanged');
      const valueAt = this.module.use('value_at');
      const operation = this.module.use('review_operation');
      const text = `# ${commentText(path.join('.'))} is the old object's on an UPDATE (any other request changes nothing).
${name} if {
\t${operation} != "UPDATE"
}

${name} if {
\t${valueAt}(object.get(input.review, "oldObject", null), ${regoPath(path)}) == ${valueAt}(input.review.object, ${regoPath(path)})
}`;
      return { name, text };
    });
  }

  /** Every synced inventory object of the kinds (data.inventory.namespace and data.inventory.cluster). */
  private clusterObjects(among: readonly UniqueKind[]): string {
    return this.module.once(`cluster-objects:${JSON.stringify(among)}`, () => {
      const name = this.module.names.allocate('cluster', 'objects');
      const branches = among.flatMap((k) => [
        `${name} contains o if {\n\to := data.inventory.namespace[_][${regoLiteral(k.apiVersion)}][${regoLiteral(k.kind)}][_]\n}`,
        `${name} contains o if {\n\to := data.inventory.cluster[${regoLiteral(k.apiVersion)}][${regoLiteral(k.kind)}][_]\n}`,
      ]);
      return { name, text: `# Every object of the synced data.inventory of kinds ${commentText(among.map((k) => `${k.apiVersion} ${k.kind}`).join(', '))}.\n${branches.join('\n\n')}` };
    });
  }

  /** The synced inventory objects of the kinds, except the object under review (same kind, namespace and name). */
  private uniqueOthers(among: readonly UniqueKind[]): string {
    return this.module.once(`unique-others:${JSON.stringify(among)}`, () => {
      const name = this.module.names.allocate('other', 'objects');
      const valueAt = this.module.use('value_at');
      const self = this.module.once('reviewed-object', () => {
        const n = this.module.names.allocate('reviewed', 'object');
        const ns = this.module.names.allocate('stored', 'namespace');
        const text = `# o is the object under review (its stored version on an UPDATE): the same kind, namespace and name.
${n}(o) if {
\t${valueAt}(o, ["kind"]) == ${valueAt}(input.review.object, ["kind"])
\t${ns}(o) == ${this.module.use('object_namespace')}
\tname := ${valueAt}(o, ["metadata", "name"])
\tis_string(name)
\tname == ${valueAt}(input.review.object, ["metadata", "name"])
}

# An inventory object's namespace, null for a cluster-scoped one.
${ns}(o) := v if {
\tv := ${valueAt}(o, ["metadata", "namespace"])
\tis_string(v)
\tv != ""
} else := null`;
        return { name: n, text };
      });
      const branches = among.flatMap((k) => [
        `${name} contains other if {\n\tother := data.inventory.namespace[_][${regoLiteral(k.apiVersion)}][${regoLiteral(k.kind)}][_]\n\tnot ${self}(other)\n}`,
        `${name} contains other if {\n\tother := data.inventory.cluster[${regoLiteral(k.apiVersion)}][${regoLiteral(k.kind)}][_]\n\tnot ${self}(other)\n}`,
      ]);
      const text = `# The objects of the synced data.inventory of kinds ${commentText(among.map((k) => `${k.apiVersion} ${k.kind}`).join(', '))}, other than the object under review.\n${branches.join('\n\n')}`;
      return { name, text };
    });
  }

  /** One literal that holds iff p holds and binds nothing (a helper call when p needs several literals). */
  single(p: Predicate, scope: RegoScope): string {
    const c = this.compile(p, scope);
    return c.pure && c.literals.length === 1 ? c.literals[0]! : this.helper(scope, [c.literals]);
  }

  /** A helper with one body per alternative; returns the call. At the root it is a 0-ary rule. */
  helper(scope: RegoScope, bodies: readonly (readonly string[])[]): string {
    const name = this.module.names.allocate(this.ruleName, String(this.nextHelper()));
    const head = scope.isRoot ? name : `${name}(${scope.term})`;
    this.module.add(bodies.map((b) => ruleText(head, b)).join('\n\n'));
    return head;
  }

  private helpers = 0;
  private nextHelper(): number {
    return ++this.helpers;
  }

  /** The elements of a domain as a Rego array expression (semantics §3: concatenated chains of lists). */
  domain(d: Domain, scope: RegoScope): string {
    const expr = this.chains(d.chains, scope);
    return d.kind === 'container' ? this.keepContainers(expr) : expr;
  }

  private chains(chains: readonly (readonly (readonly string[])[])[], scope: RegoScope): string {
    if (scope.term === 'pod_view' && sameChains(chains, containerChains.map((c) => [c]))) return this.module.use('containers');
    if (chains.length === 1) return this.chain(chains[0]!, scope.term);
    const tails = chains.map((c) => JSON.stringify(c.slice(1)));
    if (chains.every((c) => c.length > 1) && tails.every((t) => t === tails[0])) {
      // Same hops after the first (ports of every container): iterate the heads, then follow the tail.
      const heads = this.chains(chains.map((c) => [c[0]!]), scope);
      return this.follow(heads, chains[0]!.slice(1));
    }
    return chains.map((c) => this.chain(c, scope.term)).reduce((a, b) => `array.concat(${a}, ${b})`);
  }

  private chain(hops: readonly (readonly string[])[], from: string): string {
    const first = `${this.module.use('list_at')}(${from}, ${regoPath(hops[0] ?? [])})`;
    return this.follow(first, hops.slice(1));
  }

  /** `[x | some a in list; some x in list_at(a, hop)]` for each further hop. */
  private follow(list: string, hops: readonly (readonly string[])[]): string {
    let expr = list;
    for (const hop of hops) {
      const outer = this.fresh('parent');
      const inner = this.fresh('element');
      expr = `[${inner} | some ${outer} in ${expr}; some ${inner} in ${this.module.use('list_at')}(${outer}, ${regoPath(hop)})]`;
    }
    return expr;
  }

  /** The value a reference reads, `null` when missing. */
  value(ref: ValueRef, scope: RegoScope): string {
    switch (ref.kind) {
      case 'field':
        return ref.path.length === 0 ? scope.term : `${this.module.use('value_at')}(${scope.term}, ${regoPath(ref.path)})`;
      case 'effective':
        return `${this.effective(ref)}(${scope.term})`;
      default:
        return assertNever(ref, 'value reference');
    }
  }

  /** `effective X` (semantics §3): the container's setting when present, else the pod's. */
  private effective(ref: Extract<ValueRef, { kind: 'effective' }>): string {
    return this.module.once(`effective:${ref.field}:${this.root}:${JSON.stringify([ref.containerPath, ref.podPath])}`, () => {
      const snake = ref.field.replace(/\./g, '_').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
      const name = this.module.names.allocate('effective', snake, ...(this.root === 'pod_view' ? [] : ['in', this.root]));
      const valueAt = this.module.use('value_at');
      const text = `# effective ${ref.field}: the container's ${ref.containerPath.join('.')} when set, else the pod's ${ref.podPath.join('.')}.
${name}(c) := v if {
	v := ${valueAt}(c, ${regoPath(ref.containerPath)})
	v != null
} else := ${valueAt}(${this.root}, ${regoPath(ref.podPath)})`;
      return { name, text };
    });
  }

  /**
   * `number_ge(x, n)` and its kin: the comparison as one call that is false (undefined as a whole) for a
   * missing or mistyped x. Written \`number(x) >= n\` inline, a \`not\` around it would be undefined instead
   * of true for such an x, because OPA evaluates the nested \`number(x)\` outside the negation.
   */
  private comparison(kind: 'number' | 'quantity', op: 'lt' | 'le' | 'gt' | 'ge'): string {
    return this.module.once(`compare:${kind}:${op}`, () => {
      const name = this.module.names.allocate(kind, op);
      const symbol = { lt: '<', le: '<=', gt: '>', ge: '>=' }[op];
      const what = kind === 'quantity' ? 'a quantity (number or quantity string)' : 'a JSON number';
      const text = `# x ${symbol} n for ${what}; false for anything else.\n${name}(x, n) if ${this.module.use(kind)}(x) ${symbol} n`;
      return { name, text };
    });
  }

  /**
   * `x OP p/q × y + o` (semantics §3.5) as `q·x OP p·y + q·o`, one call that is false for a missing or mistyped value.
   * OPA computes integers exactly (topdown/arithmetic.go: an int fast path, then big.Int; only non-integers go through
   * big.Float), so quantities are compared as whole nano-units (`quantity_nano`) and integers as they are.
   */
  private relation(p: Relation): string {
    const { numerator: num, denominator: den } = p.factor;
    return this.module.once(`relation:${p.type}:${p.op}:${num}/${den}:${p.offset}`, () => {
      const factor = num === den ? [] : ['times', String(num), ...(den === 1 ? [] : ['over', String(den)])];
      const name = this.module.names.allocate(p.type, p.op, ...factor, ...(p.offset === 0 ? [] : [p.offset > 0 ? 'plus' : 'minus', String(Math.abs(p.offset))]));
      const symbol = { lt: '<', le: '<=', gt: '>', ge: '>=' }[p.op];
      const read = this.module.use(p.type === 'quantity' ? 'quantity_nano' : 'number');
      const scaled = (v: string, k: number) => (k === 1 ? `${read}(${v})` : `${read}(${v}) * ${k}`);
      const offset = p.offset === 0 ? '' : p.offset * den > 0 ? ` + ${p.offset * den}` : ` - ${-p.offset * den}`;
      const what = p.type === 'quantity' ? 'quantities (numbers or quantity strings)' : 'JSON numbers';
      const bound = `${num === den ? '' : `${p.factor.text} × `}y${p.offset === 0 ? '' : p.offset > 0 ? ` + ${p.offset}` : ` - ${-p.offset}`}`;
      const text = `# x ${symbol} ${bound} for ${what}, exactly; false for anything else.\n${name}(x, y) if ${scaled('x', den)} ${symbol} ${scaled('y', num)}${offset}`;
      return { name, text };
    });
  }

  /** One field test as a single pure literal (semantics §3's table). */
  test(t: FieldTest, scope: RegoScope): string {
    const x = this.value(t.subject, scope);
    const test = t.test;
    const use = (n: Parameters<RegoModule['use']>[0]) => this.module.use(n);
    switch (test.op) {
      case 'eq':
        return `${x} == ${scalar(test.value)}`;
      case 'ne':
        return `${use('differs')}(${x}, ${scalar(test.value)})`;
      case 'in':
        return `${x} in ${scalars(test.values)}`;
      case 'not-in':
        return `${use('not_in')}(${x}, ${scalars(test.values)})`;
      case 'lt':
      case 'le':
      case 'gt':
      case 'ge': {
        const quantity = t.subject.type === 'quantity' || test.quantity;
        return `${this.comparison(quantity ? 'quantity' : 'number', test.op)}(${x}, ${regoTerm(test.value)})`;
      }
      case 'exists':
        return `${x} != null`;
      case 'absent':
        return `${x} == null`;
      case 'empty':
        return `${use('is_empty')}(${x})`;
      case 'not-empty':
        return `not ${use('is_empty')}(${x})`;
      case 'glob':
        return `${use('matches_glob')}(${x}, ${regoLiteral(globPattern(test.pattern))})`;
      case 'not-glob':
        return `${use('not_matches_glob')}(${x}, ${regoLiteral(globPattern(test.pattern))})`;
      case 'regex':
        return `${use('matches_regex')}(${x}, ${regoLiteral(test.pattern)})`;
      case 'not-regex':
        return `${use('not_matches_regex')}(${x}, ${regoLiteral(test.pattern)})`;
      case 'contains':
        return `${use('list_contains')}(${x}, ${scalar(test.value)})`;
      case 'contains-only':
        return `${use('contains_only')}(${x}, ${scalars(test.values)})`;
      case 'contains-none':
        return `${use('contains_none')}(${x}, ${scalars(test.values)})`;
      case 'contains-any':
        return `${use('contains_any')}(${x}, ${scalars(test.values)})`;
      default:
        return assertNever(test, 'test');
    }
  }
}

function scalar(v: Scalar): string {
  return typeof v === 'string' ? regoLiteral(v) : regoTerm(v);
}

function scalars(vs: readonly Scalar[]): string {
  return `[${vs.map(scalar).join(', ')}]`;
}

function sameChains(a: readonly (readonly (readonly string[])[])[], b: readonly (readonly (readonly string[])[])[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A secpol glob as an OPA glob (gobwas/glob syntax): `*` and `?` stay wildcards, and the characters that
 * syntax gives a meaning secpol does not (`[ ] { } \`) are escaped so they match literally.
 */
export function globPattern(pattern: string): string {
  return pattern.replace(/[[\]{}\\]/g, (c) => `\\${c}`);
}
