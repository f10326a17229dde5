/**
 * Exceptions lifted from secpol's Gatekeeper output (gatekeeper-secpol.ts): `not exception_x` guards of a
 * `violation` rule (the exception exempts the whole object), container lists filtered by `<rule>_containers(…)`
 * (images), and the rules `exception_x` themselves (an expiry `time.now_ns() < <midnight UTC>`, namespaces,
 * workloads), as secpol exception blocks (docs/language/exceptions.md).
 */
import type { Literal, Rule, Term } from '../engines/rego/index.js';
import { Unliftable, constant, literalText, termText } from './gatekeeper-secpol-lift.js';
import type { ImportedException } from './model.js';
import { literal, nameOf } from './text.js';

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);
const fail = (what: string): never => {
  throw new Unliftable(what);
};

export interface ExceptionDraft {
  name: string;
  filter: string[];
  images: string[];
  /** Pod Security controls it exempts (gatekeeper-secpol-pss.ts). */
  readonly controls: string[];
  expires?: string;
  readonly rules: Set<string>;
  kind?: 'whole' | 'images';
}


export function finishException(x: ExceptionDraft): ImportedException {
  const filter = [...x.filter, ...(x.images.length ? [`images ${x.images.join(', ')}`] : [])];
  return { name: x.name, filter, rules: [...x.rules], ...(x.controls.length ? { controls: [...x.controls] } : {}), reason: `lifted from the Rego rule exception_${x.name.replace(/-/g, '_')} of the original template`, ...(x.expires ? { expires: x.expires } : {}) };
}


/** A 0-ary rule whose bodies are exception filters (or each one such rule): the guard `not <it>` is an exception. */
export function isExceptionGuard(name: string, rules: ReadonlyMap<string, readonly Rule[]>): boolean {
  const defs = rules.get(name) ?? [];
  if (defs.length === 0) return false;
  if (defs.every((d) => d.body.length === 1 && d.body[0]!.expr.kind === 'term' && d.body[0]!.expr.term.kind === 'var' && !d.body[0]!.negated)) {
    return defs.every((d) => isExceptionRule((d.body[0]!.expr as { term: { name: string } }).term.name, rules));
  }
  return isExceptionRule(name, rules);
}

/** An exception's rule: one definition whose literals are all filters (time, namespace, workload). */
function isExceptionRule(name: string, rules: ReadonlyMap<string, readonly Rule[]>): boolean {
  const defs = rules.get(name) ?? [];
  if (defs.length !== 1 || !/^exception_[a-z0-9_]+$/.test(name)) return false;
  try {
    exceptionFilters(name, rules);
    return true;
  } catch (e) {
    if (e instanceof Unliftable) return false;
    throw e;
  }
}

/** The filters of `exception_<name>`: its expiry, namespaces and workloads. */
function exceptionFilters(name: string, rules: ReadonlyMap<string, readonly Rule[]>): { filter: string[]; expires?: string } {
  const d = rules.get(name)![0]!;
  if (d.kind !== 'complete' || d.elses.length || (d.value !== undefined && constant(d.value) !== true)) return fail(`the exception rule ${name}`);
  const filter: string[] = [];
  let expires: string | undefined;
  const workloads: string[] = [];
  const workload = (t: Term): boolean => {
    if (t.kind !== 'call' || t.fn.join('.') !== 'is_workload' || t.args.length !== 3) return false;
    const [k, ns, n] = t.args.map(constant);
    if (typeof k !== 'string' || typeof ns !== 'string' || typeof n !== 'string' || !/^[A-Za-z]+$/.test(k)) return false;
    workloads.push(`${k} ${literal(`${ns}/${n}`)}`);
    return true;
  };
  for (const l of d.body) {
    const t = l.expr.kind === 'term' && !l.negated ? l.expr.term : fail(`the exception literal ${literalText(l)}`);
    if (t.kind === 'call' && t.fn.join('.') === 'lt' && termText(t.args[0]!) === 'time.now_ns()' && typeof constant(t.args[1]!) === 'number') {
      const ns = constant(t.args[1]!) as number;
      const day = 86_400_000;
      const ms = ns / 1e6;
      if (!Number.isInteger(ms / day)) return fail(`the exception literal ${literalText(l)} (not a midnight UTC)`);
      expires = new Date(ms - day).toISOString().slice(0, 10);
    } else if (t.kind === 'call' && t.fn.join('.') === 'internal.member_2' && t.args[0]?.kind === 'var' && t.args[0].name === 'object_namespace' && strings(constant(t.args[1]!))) {
      filter.push(`namespaces ${strings(constant(t.args[1]!))!.map((n) => literal(n)).join(', ')}`);
    } else if (workload(t)) {
      // collected
    } else if (t.kind === 'var' && (rules.get(t.name) ?? []).length > 0 && rules.get(t.name)!.every((w) => w.body.length === 1 && w.body[0]!.expr.kind === 'term' && !w.body[0]!.negated && workload(w.body[0]!.expr.term))) {
      // several workloads: one definition each
    } else return fail(`the exception literal ${literalText(l)}`);
  }
  if (workloads.length) filter.push(`workloads ${workloads.join(', ')}`);
  return { filter, ...(expires ? { expires } : {}) };
}

export function draft(name: string, rules: ReadonlyMap<string, readonly Rule[]>, exceptions: Map<string, ExceptionDraft>, kind: 'whole' | 'images'): ExceptionDraft {
  const known = exceptions.get(name);
  const x = known ?? { name: nameOf(name.replace(/^exception_/, '').replace(/_/g, '-')), ...exceptionFilters(name, rules), images: [], controls: [], rules: new Set<string>() };
  if (x.kind && x.kind !== kind) return fail(`the exception rule ${name} (it exempts whole objects for one rule and images for another)`);
  x.kind = kind;
  exceptions.set(name, x);
  return x;
}

/** `not exception_x`, or `not <rule>_exempt` with one body per exception: each exempts the rule for the whole object. */
export function wholeExceptions(guard: string, rules: ReadonlyMap<string, readonly Rule[]>, exceptions: Map<string, ExceptionDraft>, key: string): void {
  const names = isExceptionRule(guard, rules) ? [guard] : rules.get(guard)!.map((d) => (d.body[0]!.expr as { term: { name: string } }).term.name);
  for (const n of names) {
    const x = draft(n, rules, exceptions, 'whole');
    if (x.filter.length === 0) return fail(`the exception rule ${n} (no namespace or workload filter: it would exempt every object)`);
    x.rules.add(key);
  }
}

/**
 * `<r>_containers(list) := [c | some c in list; not <r>_image_exempt(c)]`, with `<r>_image_exempt(c) if {
 * exception_x; matches_any_glob(value_at(c, ["image"]), [globs]) }` per exception: images exceptions of the rule.
 */
export function imageFilter(helper: string, rules: ReadonlyMap<string, readonly Rule[]>, exceptions: Map<string, ExceptionDraft>, key: string): void {
  const defs = rules.get(helper) ?? [];
  const d = defs[0];
  const param = d?.args?.length === 1 && d.args[0]!.kind === 'var' ? d.args[0].name : undefined;
  const v = d?.value;
  const ok = defs.length === 1 && d && d.kind === 'function' && param && d.body.length === 0 && d.elses.length === 0 && v?.kind === 'arrayCompr' && v.body.length === 2;
  if (!ok || v?.kind !== 'arrayCompr') return fail(`the container filter ${helper}`);
  const [some, exempt] = v.body as [Literal, Literal];
  const el = some.expr.kind === 'someIn' && some.expr.value.kind === 'var' && termText(some.expr.domain) === param ? some.expr.value.name : undefined;
  const call = exempt.negated && exempt.expr.kind === 'term' && exempt.expr.term.kind === 'call' && exempt.expr.term.args.length === 1 && termText(exempt.expr.term.args[0]!) === el ? exempt.expr.term : undefined;
  if (!el || termText(v.head) !== el || !call) return fail(`the container filter ${helper}`);
  for (const b of rules.get(call.fn.join('.')) ?? fail(`the container filter ${helper}`)) {
    const c = b.args?.length === 1 ? termText(b.args[0]!) : undefined;
    const [guard, glob] = b.body;
    const exception = guard && !guard.negated && guard.expr.kind === 'term' && guard.expr.term.kind === 'var' && isExceptionRule(guard.expr.term.name, rules) ? guard.expr.term.name : undefined;
    const g = glob && !glob.negated && glob.expr.kind === 'term' && glob.expr.term.kind === 'call' && glob.expr.term.fn.join('.') === 'matches_any_glob' && termText(glob.expr.term.args[0]!) === `value_at(${c}, ["image"])` ? strings(constant(glob.expr.term.args[1]!)) : undefined;
    if (b.body.length !== 2 || !exception || !g || b.elses.length) return fail(`the image exemption ${call.fn.join('.')}`);
    const x = draft(exception, rules, exceptions, 'images');
    for (const p of g) {
      if (/[[\]{}\\]/.test(p)) return fail(`the image glob ${JSON.stringify(p)} (glob syntax secpol does not have)`);
      const text = literal(p);
      if (!x.images.includes(text)) x.images.push(text);
    }
    x.rules.add(key);
  }
}
