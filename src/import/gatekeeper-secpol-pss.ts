/**
 * The pod-security `violation` rules of secpol's Gatekeeper output: `failures := <set>; count(failures) > 0`, where
 * <set> is a partial set of Pod Security check helpers (`pss_<level>_v1_<minor> contains "<check id>" if { … }`).
 * Several checks read map keys (`some key, value in pod_annotations`, a volume's source keys), which no secpol test
 * says one by one, so the set is not lifted check by check: it is recognised. The level and version it claims are
 * compiled by secpol's own Gatekeeper backend, with the controls exceptions lifted from `pss_pod_exempt` and
 * `pss_container_exempt`, and every `pss_…` and `exception_…` rule of that candidate must equal the original's
 * (syntax trees without locations: comments and layout do not count). `--verify` then proves the pod-security line
 * against the original template like any rule. What does not match is SP3001 with the first differing rule.
 */
import YAML from 'yaml';
import { gatekeeperBackend } from '../backends/gatekeeper/index.js';
import { checkFiles } from '../check/index.js';
import { parseModule, type Literal, type Rule } from '../engines/rego/index.js';
import { SourceFile } from '../source/index.js';
import { parseSource } from '../syntax/index.js';
import { Unliftable, constant, literalText, termText } from './gatekeeper-secpol-lift.js';
import { literal } from './text.js';

const fail = (what: string): never => {
  throw new Unliftable(what);
};

/** A controls exception as the pod-security helpers read it. */
export interface ControlsException {
  /** The exception rule (`exception_<name>`). */
  readonly rule: string;
  readonly controls: readonly string[];
  readonly images: readonly string[];
}

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);

/**
 * `pss_pod_exempt(control) if { exception_x; control in [...] }` and `pss_container_exempt(control, c) if {
 * exception_x; control in [...]; matches_any_glob(value_at(c, ["image"]), [...]) }` (or `pss_pod_exempt(control)`
 * forwarding the pod-wide ones): the controls, and images, each exception exempts.
 */
export function controlsExceptions(rules: ReadonlyMap<string, readonly Rule[]>): ControlsException[] {
  const out = new Map<string, { controls: string[]; images: string[] }>();
  const add = (rule: string, controls: string[], images: string[]) => {
    const x = out.get(rule) ?? { controls: [], images: [] };
    for (const c of controls) if (!x.controls.includes(c)) x.controls.push(c);
    for (const i of images) if (!x.images.includes(i)) x.images.push(i);
    out.set(rule, x);
  };
  const read = (d: Rule, withImage: boolean) => {
    const [guard, ...rest] = d.body;
    const exception = guard && !guard.negated && guard.expr.kind === 'term' && guard.expr.term.kind === 'var' && /^exception_/.test(guard.expr.term.name) ? guard.expr.term.name : undefined;
    if (!exception) return fail(`the Pod Security exemption ${d.path.join('.')} (a body that does not start with an exception rule)`);
    let controls: string[] | undefined;
    let images: string[] = [];
    for (const l of rest) {
      const t = !l.negated && l.expr.kind === 'term' && l.expr.term.kind === 'call' ? l.expr.term : undefined;
      if (t && t.fn.join('.') === 'internal.member_2' && termText(t.args[0]!) === 'control' && strings(constant(t.args[1]!))) controls = strings(constant(t.args[1]!));
      else if (t && withImage && t.fn.join('.') === 'matches_any_glob' && termText(t.args[0]!) === 'value_at(c, ["image"])' && strings(constant(t.args[1]!))) images = strings(constant(t.args[1]!))!;
      else return fail(`the Pod Security exemption literal ${literalText(l)}`);
    }
    if (!controls) return fail(`the Pod Security exemption ${d.path.join('.')} for every control (an exception without controls)`);
    if (withImage && images.length === 0) return fail(`the Pod Security exemption ${d.path.join('.')} without images`);
    add(exception, controls, images);
  };
  for (const d of rules.get('pss_pod_exempt') ?? []) read(d, false);
  for (const d of rules.get('pss_container_exempt') ?? []) {
    const forward = d.body.length === 1 && d.body[0]!.expr.kind === 'term' && termText(d.body[0]!.expr.term) === 'pss_pod_exempt(control)';
    if (!forward) read(d, true);
  }
  return [...out.entries()].map(([rule, x]) => ({ rule, ...x }));
}

/** The Rego rules of a module by name, each definition as its syntax tree without locations. */
function definitions(rego: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of parseModule(rego, 'template.rego').rules) {
    const name = r.path.join('.');
    const text = JSON.stringify(r, (k, v: unknown) => (k === 'loc' ? undefined : typeof v === 'string' && /^\$_\d+$/.test(v) ? '$_' : v));
    out.set(name, [...(out.get(name) ?? []), text].sort());
  }
  return out;
}

/**
 * The pod-security line whose compiled checks equal the original's set `set`, given the exceptions lifted for it
 * (their secpol lines, with `controls`); the candidate is compiled under the name `candidate`.
 */
export function recognisePodSecurity(set: string, original: string, mode: string, exceptionBlocks: readonly string[]): string {
  const m = /^pss_(baseline|restricted)_(?:v1_(\d+)|latest)$/.exec(set);
  if (!m) return fail(`the pod-security check set ${set} (not named for a level and version)`);
  const line = `${mode} pod-security ${m[1]} version ${m[2] ? `v1.${m[2]}` : 'latest'}`;
  const text = `policy candidate {\n  applies to pods\n  ${line}\n${exceptionBlocks.map((l) => `  ${l}`).join('\n')}\n}\n`;
  const parsed = parseSource(new SourceFile('candidate.secpol', text));
  const checked = parsed.value ? checkFiles([parsed.value], { today: '2000-01-01' }) : undefined;
  const errors = [...parsed.diagnostics, ...(checked?.diagnostics ?? [])].filter((d) => d.severity === 'error');
  if (!checked?.value || errors.length) return fail(`the pod-security check set ${set} (the candidate line ${line} does not check: ${errors[0]?.message ?? 'no policy'})`);
  const emitted = gatekeeperBackend.emit(checked.value);
  const file = emitted.value?.find((f) => f.path === 'gatekeeper/candidate.yaml');
  const template = file ? (YAML.parseAllDocuments(file.content).map((d) => d.toJSON() as { kind?: string; spec?: { targets?: { rego?: string }[] } })[0]) : undefined;
  const rego = template?.spec?.targets?.[0]?.rego;
  if (!rego) return fail(`the pod-security check set ${set} (the candidate line ${line} does not compile to Gatekeeper)`);
  const mine = definitions(original);
  const theirs = definitions(rego);
  for (const [name, defs] of theirs) {
    if (!/^(pss_|exception_)/.test(name)) continue;
    if (JSON.stringify(mine.get(name) ?? []) !== JSON.stringify(defs)) return fail(`the pod-security check set ${set} (its rule ${name} differs from the one secpol writes for ${line}${exceptionBlocks.length ? ' with the exceptions read from the Rego' : ''})`);
  }
  if (!theirs.has(set)) return fail(`the pod-security check set ${set} (secpol names the checks of ${line} otherwise)`);
  return line;
}

/** `failures := <set>` followed by `count(failures) > 0`: the set's name. */
export function failureSet(literals: readonly Literal[], i: number): string | undefined {
  const a = literals[i];
  const b = literals[i + 1];
  if (!a || !b || a.negated || b.negated || a.expr.kind !== 'assign' || a.expr.lhs.kind !== 'var' || a.expr.lhs.name !== 'failures' || a.expr.rhs.kind !== 'var') return undefined;
  return b.expr.kind === 'term' && termText(b.expr.term) === 'count(failures) > 0' ? a.expr.rhs.name : undefined;
}

export const controlsLine = (controls: readonly string[]) => `controls ${controls.join(', ')}`;
export const imagesLine = (images: readonly string[]) => `images ${images.map((i) => literal(i)).join(', ')}`;
