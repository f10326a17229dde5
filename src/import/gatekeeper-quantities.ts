/**
 * gatekeeper-library templates that read container resource quantities with a parser of their own
 * (library/general/{containerlimits,containerrequests,ephemeralstoragelimit,containerresourceratios}/template.yaml):
 * K8sContainerLimits, K8sContainerRequests, K8sContainerEphemeralStorageLimit and K8sContainerRatios.
 *
 * Their Rego (`canonify_cpu`, `canonify_mem`, `canonify_storage`) reports a quantity it cannot parse, and many forms
 * Kubernetes admits are such: a CPU with a suffix other than `m` (`2k`), the exponent form (`1e9`), `u` and `n`.
 * What the Rego reads is the quantity as the API server serialises it (admission and audit never see what the user
 * wrote: `cpu: 0.5` is shown as `500m`), so each parser becomes a `matches regex` test on the quantity field, which
 * secpol defines on that same serialised form (docs/language/predicates.md, "Quantities as admission sees them").
 * The regexes below accept exactly the strings each parser accepts among the quantity strings the API server shows:
 *
 * - CPU: digits with an optional fraction and no suffix (`^[0-9]+(\.[0-9]+)?$`), or a number `to_number` reads
 *   followed by `m` (the Rego removes every `m` and calls `to_number`, which takes a sign and `5.`).
 * - memory and ephemeral storage: digits with an optional fraction, then nothing or one of the suffixes the Rego's
 *   table lists (k M G T P E m Ki Mi Gi Ti Pi Ei); `n`, `u`, an exponent or a sign is unparseable.
 *
 * The bounds in `parameters` are read by the same parsers but as written (a Constraint is not a Kubernetes quantity):
 * a bound the Rego cannot parse makes it skip the comparison (the translation has none), and a bound in a form whose
 * reading was not checked (`+5m`, `1e3m`) is not imported.
 */
import { literal } from './text.js';
import { no, ok, type Translation, type YamlPathStep } from './model.js';

type Json = Record<string, unknown>;

const CPU_PARSED = '^([0-9]+([.][0-9]+)?|[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)m)$';
const SIZE_PARSED = '^[0-9]+([.][0-9]+)?(k|M|G|T|P|E|m|Ki|Mi|Gi|Ti|Pi|Ei)?$';

/** How the Rego reads a bound parameter: a secpol quantity literal, `skip` (unparseable: no comparison), or not imported. */
type Bound = { readonly kind: 'bound'; readonly text: string } | { readonly kind: 'skip' } | { readonly kind: 'unchecked'; readonly why: string };

const plainDecimal = /^[0-9]+([.][0-9]+)?$/;

/** A number parameter as a secpol literal: a non-negative number JavaScript prints without an exponent. */
function numberBound(v: number, what: string): Bound {
  return Number.isFinite(v) && v >= 0 && plainDecimal.test(String(v)) ? { kind: 'bound', text: String(v) } : { kind: 'unchecked', why: `the ${what} bound ${String(v)}` };
}

/** canonify_cpu on a parameter: a number is cores; `…m` is to_number of the text without its m's; else plain decimals. */
function cpuBound(v: unknown): Bound {
  if (typeof v === 'number') return numberBound(v, 'CPU');
  if (typeof v !== 'string') return { kind: 'skip' };
  if (!v.endsWith('m')) return plainDecimal.test(v) ? { kind: 'bound', text: v } : { kind: 'skip' };
  const rest = v.replaceAll('m', '');
  if (plainDecimal.test(rest)) return { kind: 'bound', text: `${rest}m` };
  // Other texts to_number reads (a sign, `5.`, `.5`, an exponent) are not translated; the rest is undefined for it.
  return /^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$/.test(rest) ? { kind: 'unchecked', why: `the CPU bound ${JSON.stringify(v)}, which the template reads with to_number` } : { kind: 'skip' };
}

const sizeSuffixes = new Set(['k', 'M', 'G', 'T', 'P', 'E', 'm', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei']);

/**
 * canonify_mem / canonify_storage on a parameter, step by step: the suffix is the last character if the table has
 * it, else the last two, else none; every occurrence of it is removed (Go's strings.Replace, so `1G1G` reads 11G);
 * what is left must be plain decimals.
 */
function sizeBound(v: unknown): Bound {
  if (typeof v === 'number') return numberBound(v, 'size');
  if (typeof v !== 'string') return { kind: 'skip' };
  const suffix = [v.slice(-1), v.length > 1 ? v.slice(-2) : ''].find((s) => sizeSuffixes.has(s)) ?? '';
  const raw = suffix ? v.split(suffix).join('') : v;
  return plainDecimal.test(raw) ? { kind: 'bound', text: `${raw}${suffix}` } : { kind: 'skip' };
}

/** The tests on one quantity field: present, parseable by the template, and within the bound when one is read. */
function quantityTests(field: string, parsed: string, bound: Bound): string[] {
  const tests = [`${field} matches regex ${literal(parsed)}`];
  if (bound.kind === 'bound') tests.push(`${field} <= ${bound.text}`);
  return tests;
}

function containersRule(rule: string, tests: readonly string[]): { rule: string; body: string } {
  const body = tests.length === 1 ? tests[0]! : `(${tests.join(' and ')})`;
  // The Rego reads spec.containers and spec.initContainers (ephemeral containers cannot set resources).
  return { rule, body: `require every app container has ${body} and every init container has ${body}` };
}

/**
 * K8sContainerLimits and K8sContainerRequests: every container has the map (limits or requests) with a parseable
 * memory within `parameters.memory`, and a parseable CPU within `parameters.cpu`. K8sContainerLimits skips CPU
 * altogether when `parameters.cpu` is "-1" or absent (its CPU rules begin `input.parameters.cpu != "-1"`, undefined
 * without one); K8sContainerRequests always requires it, comparing only with a bound it can parse.
 */
export function translateContainerQuantities(p: Json, at: YamlPathStep[], what: 'limits' | 'requests'): Translation<{ rule: string; body: string }> {
  const tests: string[] = [];
  const cpuChecked = what === 'requests' || (p['cpu'] !== undefined && p['cpu'] !== '-1');
  if (cpuChecked) {
    const b = cpuBound(p['cpu']);
    if (b.kind === 'unchecked') return no(b.why, [...at, 'cpu']);
    tests.push(...quantityTests(`resources.${what}.cpu`, CPU_PARSED, b));
  }
  const m = sizeBound(p['memory']);
  if (m.kind === 'unchecked') return no(m.why, [...at, 'memory']);
  tests.push(...quantityTests(`resources.${what}.memory`, SIZE_PARSED, m));
  return ok(containersRule(`container-${what}`, tests));
}

/** K8sContainerEphemeralStorageLimit: as the memory limit, for `ephemeral-storage`, and never on UPDATE (the field is immutable). */
export function translateEphemeralStorageLimit(p: Json, at: YamlPathStep[]): Translation<{ rule: string; body: string }> {
  const b = sizeBound(p['ephemeral-storage']);
  if (b.kind === 'unchecked') return no(b.why, [...at, 'ephemeral-storage']);
  return ok(containersRule('ephemeral-storage-limit', quantityTests('resources.limits["ephemeral-storage"]', SIZE_PARSED, b)));
}

/** A ratio parameter as the Rego's to_number reads it: a non-negative decimal (a number, or a string of digits). */
function ratioOf(v: unknown): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? String(v) : undefined;
  return typeof v === 'string' && /^[0-9]+([.][0-9]+)?$/.test(v) ? v.replace(/^0+(?=[0-9])/, '') : undefined;
}

/**
 * K8sContainerRatios: every container has limits and requests, each CPU and memory of both parseable, and each limit
 * at most its ratio times the request (`to_number(limit) > to_number(ratio) * to_number(request)` reports). The memory
 * ratio is `parameters.ratio`; the CPU ratio `parameters.cpuRatio`, else `ratio` (object.get's default); without
 * `ratio` both comparisons are skipped (the default, an operand of object.get, is undefined).
 */
export function translateContainerRatios(p: Json, at: YamlPathStep[]): Translation<{ rule: string; body: string }> {
  const read = (key: string): Translation<string | undefined> => {
    if (p[key] === undefined) return ok(undefined);
    const r = ratioOf(p[key]);
    return r === undefined ? no(`the ${key} ${JSON.stringify(p[key])} (a ratio other than a non-negative decimal)`, [...at, key]) : ok(r);
  };
  const memRatio = read('ratio');
  if (!memRatio.ok) return memRatio;
  // object.get(input.parameters, "cpuRatio", input.parameters.ratio) is undefined without `ratio`, even with cpuRatio.
  const cpuRatio = p['cpuRatio'] !== undefined && memRatio.value !== undefined ? read('cpuRatio') : memRatio;
  if (!cpuRatio.ok) return cpuRatio;
  const tests: string[] = [];
  for (const what of ['limits', 'requests'] as const) {
    tests.push(`resources.${what}.cpu matches regex ${literal(CPU_PARSED)}`, `resources.${what}.memory matches regex ${literal(SIZE_PARSED)}`);
  }
  const times = (r: string) => (r === '1' ? '' : `${r} * `);
  if (cpuRatio.value !== undefined) tests.push(`resources.limits.cpu <= ${times(cpuRatio.value)}resources.requests.cpu`);
  if (memRatio.value !== undefined) tests.push(`resources.limits.memory <= ${times(memRatio.value)}resources.requests.memory`);
  return ok(containersRule('container-ratios', tests));
}
