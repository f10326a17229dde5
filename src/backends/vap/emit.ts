import { diagnostic, type Diagnostic, type Staged } from '../../diagnostics/index.js';
import { refuseImageVerification } from '../common/image-verification.js';
import { refuseReferences } from '../common/references.js';
import { refuseLargeFactors } from '../common/relations.js';
import type { Mode, Policy, PolicySet, Rule } from '../../ir/index.js';
import type { Backend, EmittedFile } from '../backend.js';
import { omittedPolicyFile } from '../common/omission.js';
import { commentText, loadTemplate } from '../common/render.js';
import * as templates from './templates.generated.js';
import { schemaValidator, validateObject } from '../common/schema.js';
import * as validators from './validators.generated.js';
import { buildView, type VapFileView, type VapPlan } from './view.js';
import { DESIGN_BOUNDS, limitFindings, type LimitFinding } from './limits.js';

const renderFile = loadTemplate<VapFileView>(templates.file);
const validatePolicy = schemaValidator(validators.validateValidatingAdmissionPolicy);
const validateBinding = schemaValidator(validators.validateValidatingAdmissionPolicyBinding);

function sp2001(span: Policy['span'], what: string, hint: string): Diagnostic {
  return diagnostic('SP2001', span, { backend: 'vap', what, hint });
}

function omittedFromVap(node: Policy | Rule): string | undefined {
  return node.omissions.find((o) => o.backends.includes('vap'))?.reason;
}

/** A DNS-1123 subdomain (the names of both objects). */
const dnsSubdomain = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/**
 * Validates every object of the file against its schema. The text is not parsed back: it is only header comments
 * and `yamlBlock` renderings of these very objects, and the YAML writer round-trips any JSON value under YAML 1.1
 * and 1.2 (test/backends/common/yaml-emit.prop.test.ts); reading 10,000 rules back cost 2.5 s. Tests that use
 * VAP output (engine, verify, injection, goldens) all parse the emitted text.
 */
function check(view: VapFileView, policy: Policy): Diagnostic[] {
  return view.objects.flatMap((doc, i) => {
    const name = (doc as { metadata: { name: string } }).metadata.name;
    return i % 2 === 0 ? validateObject(validatePolicy, doc, 'ValidatingAdmissionPolicy', name, policy.span) : validateObject(validateBinding, doc, 'ValidatingAdmissionPolicyBinding', name, policy.span);
  });
}

const bounds = `objects with at most ${DESIGN_BOUNDS.list} items in a list, ${DESIGN_BOUNDS.map} entries in a map and ${DESIGN_BOUNDS.string} characters in a string`;

/**
 * SP2001 for each API server CEL limit a plan's policy may exceed (limits.ts), at the rule or pod-security line it
 * concerns, else at the policy.
 */
function checkLimits(plan: VapPlan, vap: object): Diagnostic[] {
  const spec = (vap as { spec: Parameters<typeof limitFindings>[0] }).spec;
  // A rule's offending-element list (view.ts, `offending_<rule>`) is its condition: its findings are the rule's.
  const readBy = (name: string) => spec.validations.findIndex((v) => new RegExp(`\\bvariables\\.${name}\\b`).test(v.expression));
  return limitFindings(spec).map((f: LimitFinding) => {
    const i = 'validation' in f.at ? f.at.validation : 'variable' in f.at && f.at.variable.startsWith('offending_') ? readBy(f.at.variable) : -1;
    const rule = plan.rules[i];
    const line = i >= plan.rules.length ? plan.podSecurity[i - plan.rules.length] : undefined;
    const subject = rule ? `rule "${rule.name}"` : line ? `pod-security ${line.level} (${line.mode})` : `policy "${plan.name}"`;
    const what = `${subject} within the API server's limit on ${f.what} (${f.limit.toLocaleString('en-US')}): up to ${f.estimate.toLocaleString('en-US')} on ${bounds}`;
    return sp2001(rule?.span ?? line?.span ?? plan.policy.span, what, 'split the rule, test fewer nested lists or patterns, or `omit from vap because "…"`');
  });
}

/**
 * Kubernetes CEL has no clock (no `now()` in the ValidatingAdmissionPolicy environment), so an exception's
 * `expires` cannot be enforced here: the exception is emitted as it is, the output says so in a comment and the
 * compile warns (SP2003) at the date of each expiring exception that reaches an emitted rule or pod-security line.
 */
function expiryNotEnforced(policy: Policy, rules: readonly Rule[], plans: readonly VapPlan[]): { notes: string[]; diagnostics: Diagnostic[] } {
  const pss = plans.some((p) => p.podSecurity.length > 0);
  const reaching = policy.exceptions.filter((e) => e.expires !== undefined && (e.rules.length === 0 || e.rules.some((r) => rules.some((x) => x.name === r)) || (pss && (e.controls.length > 0 || e.rules.some((r) => r.startsWith('pod-security-'))))));
  const why = 'Kubernetes CEL has no clock';
  return {
    notes: reaching.map((e) => `exception "${e.name}" expires ${e.expires} but is NOT enforced as expiring here (${why}): it keeps applying after that date until this file is recompiled without it`),
    diagnostics: reaching.map((e) => diagnostic('SP2003', e.expiresSpan ?? e.span, { backend: 'vap', name: e.name, date: e.expires ?? '', why })),
  };
}

const modes: readonly Mode[] = ['enforce', 'audit', 'warn'];

/** One plan per mode that has something to check: the policy's own mode first (its rules), then the others. */
function plansOf(policy: Policy, rules: readonly Rule[]): VapPlan[] {
  const podSecurity = policy.podSecurity.filter((p) => p.level !== 'privileged');
  return [policy.mode, ...modes.filter((m) => m !== policy.mode)]
    .map((mode) => ({ policy, mode, name: mode === policy.mode ? policy.name : `${policy.name}.${mode}`, rules: mode === policy.mode ? rules : [], podSecurity: podSecurity.filter((p) => p.mode === mode) }))
    .filter((p) => p.rules.length > 0 || p.podSecurity.length > 0);
}

/**
 * IR → one `vap/<policy>.yaml` per policy: a ValidatingAdmissionPolicy (one CEL validation per rule and per
 * pod-security line) and its binding, and one more pair per further mode of its pod-security lines. Network blocks are netpol's. Policies omitted from vap get a
 * comment-only file; policies left with no rule produce none.
 */
export const vapBackend: Backend = {
  id: 'vap',
  emit(set: PolicySet): Staged<readonly EmittedFile[]> {
    const diagnostics: Diagnostic[] = [];
    const files: EmittedFile[] = [];
    for (const policy of [...set.policies].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (omittedFromVap(policy) === undefined && refuseImageVerification(policy, 'vap', diagnostics)) continue;
      if (refuseReferences(policy, 'vap', diagnostics)) continue;
      if (refuseLargeFactors(policy, 'vap', diagnostics)) continue;
      const omission = omittedFromVap(policy);
      if (omission !== undefined) {
        files.push(omittedPolicyFile('vap', policy, omission));
        continue;
      }
      if (!dnsSubdomain.test(policy.name)) {
        diagnostics.push(sp2001(policy.span, `policy name "${policy.name}" as an object name (a lower-case DNS subdomain)`, 'rename the policy, or `omit from vap because "…"`'));
        continue;
      }
      const omitted = policy.rules.flatMap((rule) => {
        const reason = omittedFromVap(rule);
        return reason === undefined ? [] : [{ rule, reason }];
      });
      const rules = policy.rules.filter((r) => !omitted.some((o) => o.rule === r));
      const plans = plansOf(policy, rules);
      if (plans.length === 0) continue;
      const view = buildView(policy, plans, omitted);
      const expiry = expiryNotEnforced(policy, rules, plans);
      diagnostics.push(...expiry.diagnostics);
      const content = renderFile({ ...view, header: [...view.header, ...expiry.notes].map(commentText) });
      diagnostics.push(...check(view, policy));
      diagnostics.push(...plans.flatMap((plan, i) => checkLimits(plan, view.objects[2 * i]!)));
      files.push({
        path: `vap/${policy.name}.yaml`,
        content,
        objects: plans.flatMap((p) => [
          { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', name: p.name },
          { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', name: p.name },
        ]),
      });
    }
    return { value: files, diagnostics };
  },
};
