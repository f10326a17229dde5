import { assertNever, referenceTargets, type Domain, type Predicate, type Test, type ValueRef } from '../ir/index.js';
import { applyTest, evalPredicate, resolveValue, type EvalScope } from '../eval/predicate.js';
import { valueAt, type Json } from '../eval/values.js';
import { isUnique } from '../eval/unique.js';
import { canonicalQuantity } from '../ir/quantity.js';

/** One field test that decided a predicate: where it looked, what it found, what it asked, what it got. */
export interface TracedTest {
  /** The full JSON path in the object as written (e.g. `spec.template.spec.containers[1].securityContext.privileged`). */
  readonly path: string;
  readonly value: Json | '<missing>';
  /** The test in DSL form, e.g. `= true`, `>= 1000`, `in ["a", "b"]`. */
  readonly test: string;
  readonly result: boolean;
}

/** The quantifier element that decided a quantified predicate (the first holding or failing one). */
export interface DecidingElement {
  readonly quantifier: 'any' | 'every' | 'no';
  readonly domain: Domain['kind'];
  readonly path: string;
  /** The element's `name`, when it has one (containers, volumes, ports, env). */
  readonly name?: string;
}

/** Why a predicate came out as it did: the deciding tests and elements, outermost first. */
export interface Trace {
  readonly result: boolean;
  readonly tests: readonly TracedTest[];
  readonly elements: readonly DecidingElement[];
  /** Quantifiers decided by an empty domain (e.g. `every container` over no containers). */
  readonly notes: readonly string[];
}

/**
 * The evaluation scope plus where it sits in the object: `path` is the JSON path of `value`, `podPath` of the
 * pod view (for `effective` fields). Mirrors EvalScope in src/eval/predicate.ts.
 */
export interface TraceScope extends EvalScope {
  readonly path: readonly (string | number)[];
  readonly podPath: readonly (string | number)[];
}

/** `a.b[0]["x.y"]` from path segments. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out || '.';
}

function lit(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** A test as the DSL writes it. */
export function formatTest(t: Test): string {
  switch (t.op) {
    case 'eq':
      return `= ${lit(t.value)}`;
    case 'ne':
      return `!= ${lit(t.value)}`;
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge':
      return `${{ lt: '<', le: '<=', gt: '>', ge: '>=' }[t.op]} ${t.quantity?.text ?? t.value}`;
    case 'in':
    case 'not-in':
      return `${t.op === 'in' ? 'in' : 'not in'} [${t.values.map(lit).join(', ')}]`;
    case 'exists':
    case 'absent':
    case 'empty':
    case 'not-empty':
      return t.op === 'not-empty' ? 'not empty' : t.op;
    case 'glob':
    case 'not-glob':
      return `${t.op === 'glob' ? 'matches' : 'not matches'} ${lit(t.pattern)}`;
    case 'regex':
    case 'not-regex':
      return `${t.op === 'regex' ? 'matches regex' : 'not matches regex'} ${lit(t.pattern)}`;
    case 'contains':
      return `contains ${lit(t.value)}`;
    case 'contains-only':
    case 'contains-none':
    case 'contains-any':
      return `${t.op.replace('-', ' ')} [${t.values.map(lit).join(', ')}]`;
    default:
      return assertNever(t, 'test');
  }
}

function refPath(ref: ValueRef, scope: TraceScope): (string | number)[] {
  switch (ref.kind) {
    case 'field':
      return [...scope.path, ...ref.path];
    case 'effective':
      return valueAt(scope.value, ref.containerPath) !== undefined ? [...scope.path, ...ref.containerPath] : [...scope.podPath, ...ref.podPath];
    default:
      return assertNever(ref, 'value reference');
  }
}

/** domainElements of src/eval/predicate.ts, keeping each element's path. */
function elementsWithPaths(d: Domain, scope: TraceScope): { value: unknown; path: (string | number)[] }[] {
  const out: { value: unknown; path: (string | number)[] }[] = [];
  for (const chain of d.chains) {
    let current: { value: unknown; path: (string | number)[] }[] = [{ value: scope.value, path: [...scope.path] }];
    for (const hop of chain) {
      const next: typeof current = [];
      for (const c of current) {
        const list = valueAt(c.value, hop);
        if (Array.isArray(list)) list.forEach((x, i) => next.push({ value: x, path: [...c.path, ...hop, i] }));
      }
      current = next;
    }
    out.push(...current);
  }
  if (d.kind === 'container' && scope.keepContainer) return out.filter((e) => scope.keepContainer?.(e.value));
  return out;
}

const empty = (result: boolean): Trace => ({ result, tests: [], elements: [], notes: [] });

function merge(result: boolean, traces: readonly Trace[], extra: Partial<Trace> = {}): Trace {
  return {
    result,
    elements: [...(extra.elements ?? []), ...traces.flatMap((t) => t.elements)],
    tests: traces.flatMap((t) => t.tests),
    notes: [...(extra.notes ?? []), ...traces.flatMap((t) => t.notes)],
  };
}

/**
 * evalPredicate with a record of what decided it. Results are identical to evalPredicate by construction
 * (the same tests on the same values); the trace keeps only deciding operands: for a true `and` all of them,
 * for a false one the first false; for `any` the first holding element, or every element when none holds.
 */
export function tracePredicate(p: Predicate, scope: TraceScope): Trace {
  switch (p.kind) {
    case 'and':
    case 'or': {
      const traces = p.operands.map((o) => tracePredicate(o, scope));
      const decisive = p.kind === 'and' ? false : true;
      const hit = traces.find((t) => t.result === decisive);
      return hit ? merge(decisive, [hit]) : merge(!decisive, traces);
    }
    case 'not': {
      const t = tracePredicate(p.operand, scope);
      return { ...t, result: !t.result };
    }
    case 'quantified': {
      const elements = elementsWithPaths(p.domain, scope);
      const traces = elements.map((e) => ({ e, t: tracePredicate(p.body, { ...scope, value: e.value, path: e.path }) }));
      // any: decided by a holding element; every: by a failing one; no: by a holding one.
      const decisive = p.quantifier !== 'every';
      const hit = traces.find((x) => x.t.result === decisive);
      const result = p.quantifier === 'any' ? hit !== undefined : hit === undefined;
      const described = (x: { e: { value: unknown; path: (string | number)[] } }): DecidingElement => {
        const name = valueAt(x.e.value, ['name']);
        return { quantifier: p.quantifier, domain: p.domain.kind, path: formatPath(x.e.path), ...(typeof name === 'string' ? { name } : {}) };
      };
      if (hit) return merge(result, [hit.t], { elements: [described(hit)] });
      if (traces.length === 0) return { ...empty(result), notes: [`no ${p.domain.kind} to check: \`${p.quantifier} ${p.domain.kind}\` is ${result} on an empty list`] };
      return merge(result, traces.map((x) => x.t));
    }
    case 'referenced': {
      const what = `${referenceTargets[p.reference.kind].name} referenced by ${p.reference.path.join('.')}`;
      const target = scope.resolve?.(p.reference, scope.value);
      if (target === undefined) {
        const result = p.quantifier !== 'any';
        return { ...empty(result), notes: [`no ${what} in the inventory: \`${p.quantifier} ${what}\` is ${result} when it does not exist`] };
      }
      const kind = valueAt(target, ['kind']);
      const name = valueAt(target, ['metadata', 'name']);
      const t = tracePredicate(p.body, { ...scope, value: target, pod: target, path: [`<${String(kind)} ${String(name)}>`], podPath: [] });
      return { ...t, result: p.quantifier === 'no' ? !t.result : t.result };
    }
    case 'in-cluster': {
      const objects = scope.cluster?.(p.among) ?? [];
      const what = p.among.map((k) => `${k.apiVersion} ${k.kind}`).join(', ');
      const traces = objects.map((o) => ({ o, t: tracePredicate(p.body, { ...scope, value: o, pod: o, path: [`<${String(valueAt(o, ['kind']))} ${String(valueAt(o, ['metadata', 'name']))}>`], podPath: [] }) }));
      const decisive = p.quantifier !== 'every';
      const hit = traces.find((x) => x.t.result === decisive);
      const result = p.quantifier === 'any' ? hit !== undefined : hit === undefined;
      if (hit) return { ...hit.t, result };
      if (traces.length === 0) return { ...empty(result), notes: [`no ${what} in the inventory: \`${p.quantifier} … in the cluster\` is ${result}`] };
      return merge(result, traces.map((x) => x.t));
    }
    case 'unchanged': {
      const value = valueAt(scope.value, p.path);
      const old = scope.old === undefined ? undefined : valueAt(scope.old.object, p.path);
      const result = evalPredicate(p, scope);
      const note = scope.old === undefined ? 'not an UPDATE: every value is unchanged' : `the old object's value: ${old === undefined ? '<missing>' : JSON.stringify(old)}`;
      return { result, tests: [{ path: formatPath([...scope.path, ...p.path]), value: value === undefined ? '<missing>' : value, test: 'is unchanged', result }], elements: [], notes: [note] };
    }
    case 'unique': {
      const others = scope.others?.(p.among) ?? [];
      const result = isUnique(p, scope.value, others);
      const value = valueAt(scope.value, p.path);
      const among = p.among.map((k) => `${k.apiVersion} ${k.kind}`).join(', ');
      return { result, tests: [{ path: formatPath([...scope.path, ...p.path]), value: value === undefined ? '<missing>' : value, test: `is unique among ${among} in the cluster`, result }], elements: [], notes: [`compared with ${others.length} other object${others.length === 1 ? '' : 's'} of the inventory`] };
    }
    case 'relation': {
      const value = valueAt(scope.value, p.subject.path);
      const other = valueAt(scope.value, p.other.path);
      const result = evalPredicate(p, scope);
      const op = ({ lt: '<', le: '<=', gt: '>', ge: '>=' } as const)[p.op];
      const bound = `${p.factor.text === '1' ? '' : `${p.factor.text} * `}${p.other.path.join('.')}${p.offset > 0 ? ` + ${p.offset}` : p.offset < 0 ? ` - ${-p.offset}` : ''}`;
      const note = `${p.other.path.join('.')} is ${other === undefined ? '<missing>' : JSON.stringify(other)}`;
      return { result, tests: [{ path: formatPath([...scope.path, ...p.subject.path]), value: value === undefined ? '<missing>' : value, test: `${op} ${bound}`, result }], elements: [], notes: [note] };
    }
    case 'test': {
      const value = resolveValue(p.subject, scope);
      const result = applyTest(p.test, value, p.subject.type === 'quantity');
      const path = formatPath(refPath(p.subject, scope));
      // `matches` on a quantity reads the API server's serialised form (semantics §3): say so when it differs.
      const shown = p.subject.type === 'quantity' && ['glob', 'not-glob', 'regex', 'not-regex'].includes(p.test.op) && (typeof value === 'string' || typeof value === 'number') ? canonicalQuantity(value) : undefined;
      const notes = shown !== undefined && shown !== value ? [`${path} is shown to admission as ${JSON.stringify(shown)}, the text matched`] : [];
      return { result, tests: [{ path, value: value === undefined ? '<missing>' : value, test: formatTest(p.test), result }], elements: [], notes };
    }
    default:
      return assertNever(p, 'predicate');
  }
}
