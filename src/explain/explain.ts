import { evaluatePolicy, type AdmissionRequest, type RuleVerdict } from '../eval/index.js';
import { exceptionMatchesObject } from '../eval/admission.js';
import { identityOf, subresourceInScope, viewFor, type ObjectIdentity } from '../eval/request.js';
import { referencedObject } from '../eval/references.js';
import { clusterObjects, otherObjects } from '../eval/unique.js';
import { selectorMatches } from '../eval/selector.js';
import { globMatch, valueAt } from '../eval/values.js';
import { podControllers, type Policy, type PolicySet, type Rule } from '../ir/index.js';
import { formatLine, type Span } from '../source/index.js';
import { adapterLabel, adaptersFor, covers, quantitiesShown, type EngineAdapter, type GeneratedRequest } from '../verify/index.js';
import { semanticsOracle, type ImageFact } from '../suite/signatures.js';
import { tracePredicate, type Trace, type TraceScope } from './trace.js';

export type Verdict = 'pass' | 'fail' | 'skip';

/** One backend engine's verdict on a rule; `no-opinion` when it does not judge this rule or object. */
export interface EngineExplanation {
  readonly backend: string;
  readonly verdict: 'pass' | 'fail' | 'no-opinion';
  readonly message?: string;
  /** False when the engine's violated/not-violated differs from the reference semantics. */
  readonly agrees: boolean;
}

export interface RuleExplanation {
  readonly policy: string;
  readonly rule: string;
  /** `file:line` of the rule, and that line's text. */
  readonly at: string;
  readonly source: string;
  /** The rule's predicate as written (its first line), with its `file:line`. */
  readonly predicate?: { readonly at: string; readonly source: string };
  readonly verdict: Verdict;
  readonly message?: string;
  readonly skipped?: { readonly reason: 'not-in-scope' | 'exempt' | 'when-false' | 'no-oracle'; readonly detail: string };
  /** The trace of `when` (when it decided a skip) or of the rule's predicate. */
  readonly why?: Trace & { readonly of: 'when' | 'predicate'; readonly effect: Rule['effect'] };
  /** Pod-security lines: the failed controls. */
  readonly controls?: readonly string[];
  readonly engines: readonly EngineExplanation[];
  readonly agree: boolean;
}

export interface ResourceExplanation {
  readonly resource: { readonly kind: string; readonly name: string; readonly namespace: string | null };
  /** True when the object is evaluated through its pod template (paths then start at the template). */
  readonly podView: boolean;
  readonly rules: readonly RuleExplanation[];
  readonly excluded: readonly { readonly policy: string; readonly backend: string; readonly reason: string }[];
  readonly agree: boolean;
}

/** The JSON path prefix of the pod view in an object (a Pod: none; a Deployment: spec.template). */
function podViewPrefix(id: ObjectIdentity): string[] {
  const c = podControllers.find((x) => `${x.group}/${x.version}` === id.apiVersion && x.kind === id.kind);
  return c ? [...c.template] : [];
}

function scopeReason(policy: Policy, rule: Rule | undefined, id: ObjectIdentity, req: AdmissionRequest): string {
  const s = policy.scope;
  const subjects = rule?.subjects ?? s.subjects;
  if ((req.subResource ?? '') !== '' && !subresourceInScope(req, id)) return `the ${req.subResource} subresource is not in any rule's scope (only a Pod's ephemeralcontainers is)`;
  if (!viewFor(subjects, id, req.object)) {
    const names = subjects.map((x) => (x.kind === 'pods' ? 'pods (Pods and pod controllers)' : `${x.group ? `${x.group}/` : ''}${x.version} ${x.resourceKind}`));
    return `${id.apiVersion} ${id.kind} is not among the subjects: ${names.join(', ')}`;
  }
  if (s.namespaces.length && (id.namespace === undefined || !s.namespaces.includes(id.namespace))) return `namespace ${id.namespace ?? '(none)'} is not one of ${s.namespaces.join(', ')}`;
  if (id.namespace !== undefined && s.excludedNamespaces.includes(id.namespace)) return `namespace ${id.namespace} is excluded by the policy (except namespaces)`;
  if (s.objectSelector && !selectorMatches(s.objectSelector, id.labels)) return 'the object labels do not match the object selector';
  if (s.namespaceSelector && (id.namespace === undefined || !selectorMatches(s.namespaceSelector, req.namespaceLabels ?? {}))) return 'the namespace labels do not match the namespace selector (see --namespace-labels)';
  const op = req.operation ?? 'CREATE';
  if (!s.operations.includes(op)) return `operation ${op} is not one of ${s.operations.join(', ')}`;
  return 'not in scope';
}

function lineOf(span: Span): { at: string; source: string } {
  return { at: formatLine(span), source: span.file.lineText(span.file.lineColumn(span.start).line).trim() };
}

function explainRule(policy: Policy, rule: Rule, verdict: RuleVerdict, req: AdmissionRequest, id: ObjectIdentity): Omit<RuleExplanation, 'engines' | 'agree'> {
  const base = { policy: policy.name, rule: rule.name, ...lineOf(rule.span), predicate: lineOf(rule.predicateSpan), verdict: verdict.outcome, ...(verdict.message ? { message: verdict.message } : {}) };
  if (verdict.skipped === 'not-in-scope') return { ...base, skipped: { reason: 'not-in-scope', detail: scopeReason(policy, rule, id, req) } };
  const applicable = policy.exceptions.filter((e) => (e.rules.length === 0 || e.rules.includes(rule.name)) && exceptionMatchesObject(e, id, req));
  if (verdict.skipped === 'exempt') {
    const by = applicable.filter((e) => e.images.length === 0 && e.controls.length === 0);
    return { ...base, skipped: { reason: 'exempt', detail: by.map((e) => `exempt by exception ${e.name} (${formatLine(e.span)}): ${e.reason}`).join('; ') } };
  }
  const target = viewFor(rule.subjects ?? policy.scope.subjects, id, req.object);
  const prefix = target?.isPodView ? podViewPrefix(id) : [];
  const globs = applicable.flatMap((e) => e.images);
  const scope: TraceScope = {
    value: target?.view,
    pod: target?.view,
    path: prefix,
    podPath: prefix,
    // References read the inventory given beside the request (semantics §3.1), as evaluateRule does.
    resolve: (ref, referrer) => referencedObject(ref, referrer, id.namespace, req.inventory ?? []),
    others: (among) => otherObjects(among, id, req.inventory ?? []),
    ...(req.operation === 'UPDATE' ? { old: { object: req.oldObject ?? null } } : {}),
    cluster: (among) => clusterObjects(among, req.inventory ?? []),
    ...(globs.length ? { keepContainer: (c: unknown) => { const image = valueAt(c, ['image']); return !(typeof image === 'string' && globs.some((g) => globMatch(g, image))); } } : {}),
  };
  if (verdict.skipped === 'when-false' && rule.when) {
    return { ...base, skipped: { reason: 'when-false', detail: 'the rule\'s `when` condition is false' }, why: { ...tracePredicate(rule.when, scope), of: 'when', effect: rule.effect } };
  }
  const trace = tracePredicate(rule.predicate, scope);
  const exemptImages = globs.length ? [`containers with images matching ${globs.join(', ')} are left out (exception)`] : [];
  return { ...base, why: { ...trace, notes: [...exemptImages, ...trace.notes], of: 'predicate', effect: rule.effect } };
}

function engineVerdicts(policy: Policy, adapters: readonly EngineAdapter[], request: GeneratedRequest, rule: string, irFailed: boolean): EngineExplanation[] {
  const out: EngineExplanation[] = [];
  for (const adapter of adapters) {
    if (!covers(adapter, policy, rule)) continue;
    const verdicts = adapter.evaluate(request);
    if (!verdicts) continue;
    const v = verdicts.get(`${policy.name}/${rule}`) ?? verdicts.get(`${policy.name}/*`);
    if (adapter.backend === 'psa' && v === undefined) {
      out.push({ backend: 'psa', verdict: 'no-opinion', message: 'PSA does not judge this object (namespace not labelled, or a controller under enforce)', agrees: true });
      continue;
    }
    const violated = v?.violated ?? false;
    out.push({ backend: adapterLabel(adapter), verdict: violated ? 'fail' : 'pass', ...(v?.message ? { message: v.message } : {}), agrees: violated === irFailed });
  }
  return out;
}

/**
 * Explains one admission request against every policy: each rule's verdict, why, and each backend engine's verdict.
 * `signatures`: offline signature facts (docs/policies.md#signatures) for `verify images` blocks, given to the
 * semantics as its oracle and to the engines as facts; without them the blocks are skipped, and not judged by engines.
 */
export async function explainRequest(set: PolicySet, req: AdmissionRequest, options: { readonly signatures?: readonly ImageFact[] } = {}): Promise<ResourceExplanation> {
  const id = identityOf(req);
  const request: GeneratedRequest = {
    // Engines see the object as admission shows it: quantities serialised by the API server.
    object: quantitiesShown(req.object) as Record<string, unknown>,
    operation: req.operation ?? 'CREATE',
    namespace: id.namespace,
    namespaceLabels: { ...(id.namespace ? { 'kubernetes.io/metadata.name': id.namespace } : {}), ...(req.namespaceLabels ?? {}) },
    ...(req.subResource ? { subResource: req.subResource } : {}),
    ...(req.userInfo ? { userInfo: req.userInfo } : {}),
    ...(req.inventory ? { inventory: req.inventory as Record<string, unknown>[] } : {}),
    ...(options.signatures ? { signatures: options.signatures } : {}),
  };
  const imageOptions = options.signatures ? { imageOracle: semanticsOracle(options.signatures) } : {};
  const full: AdmissionRequest = { ...req, namespaceLabels: request.namespaceLabels };
  const rules: RuleExplanation[] = [];
  const excluded: ResourceExplanation['excluded'][number][] = [];
  let podView = false;
  for (const policy of set.policies) {
    const built = await adaptersFor(policy);
    excluded.push(...built.excluded);
    const verdict = evaluatePolicy(policy, full, imageOptions);
    for (const v of verdict.rules) {
      const block = policy.images?.find((b) => b.name === v.rule);
      // Without facts no engine can verify an image: an engine's answer would be a skip read as a pass.
      const engines = block && !options.signatures ? [] : engineVerdicts(policy, built.adapters, request, v.rule, v.outcome === 'fail');
      const rule = policy.rules.find((r) => r.name === v.rule);
      let body: Omit<RuleExplanation, 'engines' | 'agree'>;
      if (rule) {
        body = explainRule(policy, rule, v, full, id);
        if (body.why && viewFor(rule.subjects ?? policy.scope.subjects, id, req.object)?.isPodView && podViewPrefix(id).length) podView = true;
      } else if (block) {
        body = {
          policy: policy.name,
          rule: v.rule,
          ...lineOf(block.span),
          verdict: v.outcome,
          ...(v.message ? { message: v.message } : {}),
          ...(v.skipped === 'no-oracle' ? { skipped: { reason: 'no-oracle' as const, detail: 'signatures cannot be checked offline without facts: give --signatures FILE (docs/policies.md#signatures)' } } : {}),
          ...(v.skipped === 'not-in-scope' ? { skipped: { reason: 'not-in-scope' as const, detail: `the object is outside the policy's scope, or none of its container images matches ${block.images.join(', ')}` } } : {}),
        };
      } else {
        const ps = policy.podSecurity.find((p) => `pod-security-${p.mode}` === v.rule);
        body = {
          policy: policy.name,
          rule: v.rule,
          ...(ps ? lineOf(ps.span) : { at: formatLine(policy.span), source: '' }),
          verdict: v.outcome,
          ...(v.message ? { message: v.message } : {}),
          ...(v.skipped === 'not-in-scope' ? { skipped: { reason: 'not-in-scope' as const, detail: scopeReason(policy, undefined, id, full) } } : {}),
          ...(v.skipped === 'exempt' ? { skipped: { reason: 'exempt' as const, detail: 'exempt by an exception without images or controls' } } : {}),
          ...(v.controls ? { controls: v.controls } : {}),
        };
      }
      rules.push({ ...body, engines, agree: engines.every((e) => e.agrees) });
    }
  }
  return {
    resource: { kind: id.kind, name: id.name, namespace: id.namespace ?? null },
    podView,
    rules,
    excluded,
    agree: rules.every((r) => r.agree),
  };
}

function showValue(v: unknown): string {
  return v === '<missing>' ? '<missing>' : JSON.stringify(v);
}

/** The human-readable form of an explanation. */
export function renderExplanation(e: ResourceExplanation, location: string): string {
  const r = e.resource;
  const lines = [`${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name} (${location})${e.podView ? ': rules over pods read the pod template' : ''}`];
  for (const x of e.rules) {
    const mark = x.verdict === 'fail' ? 'FAIL' : x.verdict === 'pass' ? 'pass' : 'skip';
    lines.push('', `  ${mark} ${x.policy}/${x.rule}   ${x.at}`);
    if (x.source) lines.push(`       | ${x.source}`);
    if (x.predicate && x.predicate.at !== x.at) lines.push(`       | ${x.predicate.source}   (${x.predicate.at})`);
    if (x.message) lines.push(`    message: ${x.message}`);
    if (x.skipped) lines.push(`    skipped: ${x.skipped.reason}: ${x.skipped.detail}`);
    if (x.controls?.length) lines.push(`    failed controls: ${x.controls.join(', ')}`);
    if (x.why) {
      const w = x.why;
      const head = w.of === 'when' ? `when is ${w.result}` : `${w.effect} predicate is ${w.result}`;
      lines.push(`    why: ${head}${w.elements.length ? `, decided by ${w.elements.map((el) => `${el.domain} ${el.name ? `"${el.name}" ` : ''}(${el.path})`).join(' > ')}` : ''}`);
      for (const t of w.tests.slice(0, 12)) lines.push(`      ${t.result ? 'true ' : 'false'}  ${t.path} = ${showValue(t.value)}  (test: ${t.test})`);
      if (w.tests.length > 12) lines.push(`      … ${w.tests.length - 12} more tests`);
      for (const n of w.notes) lines.push(`      note: ${n}`);
    }
    const engines = x.engines.map((en) => `${en.backend} ${en.verdict}${en.agrees ? '' : ' (DISAGREES)'}`).join(', ');
    lines.push(`    engines: ${engines || 'none judge this rule'}${x.engines.length ? (x.agree ? ' (all agree)' : '') : ''}`);
  }
  for (const x of e.excluded) lines.push(`  note: ${x.policy} not checked on ${x.backend}: ${x.reason}`);
  lines.push('', e.agree ? `${r.kind} ${r.name}: every engine agrees with the policy semantics` : `${r.kind} ${r.name}: ENGINES DISAGREE with the policy semantics: see above`);
  return `${lines.join('\n')}\n`;
}
