import { diagnostic, type Diagnostic, type Staged } from '../../diagnostics/index.js';
import { refuseImageVerification } from '../common/image-verification.js';
import { refuseReferences } from '../common/references.js';
import { refuseLargeFactors } from '../common/relations.js';
import type { Mode, Policy, PolicySet, Rule } from '../../ir/index.js';
import { formatLine } from '../../source/index.js';
import type { Backend, EmittedFile } from '../backend.js';
import { omittedPolicyFile } from '../common/omission.js';
import { commentText, loadTemplate } from '../common/render.js';
import * as templates from './templates.generated.js';
import { schemaValidator, validateObject } from '../common/schema.js';
import { buildCelPolicies, type CelPolicyPlan } from '../vap/index.js';
import { asPolicyException, policyExceptionOf } from './exceptions.js';
import * as validators from './validators.generated.js';

interface FileView {
  readonly header: readonly string[];
  readonly objects: readonly object[];
}

const renderFile = loadTemplate<FileView>(templates.file);
const validatePolicy = schemaValidator(validators.validateValidatingPolicy);
const validateException = schemaValidator(validators.validatePolicyException);

const dnsSubdomain = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

function sp2001(span: Policy['span'], what: string, hint: string): Diagnostic {
  return diagnostic('SP2001', span, { backend: 'kyverno-cel', what, hint });
}

function omittedFrom(node: Policy | Rule): string | undefined {
  return node.omissions.find((o) => o.backends.includes('kyverno-cel'))?.reason;
}

const modes: readonly Mode[] = ['enforce', 'audit', 'warn'];

/**
 * An exception's `expires` is not enforced: the CEL is the VAP backend's, which has no clock, and a PolicyException's
 * matchConditions see the same Kubernetes CEL environment (Kyverno's pkg/cel/compiler/policy_exception.go). As in the
 * VAP output, the exception is emitted as it is, the file says so and the compile warns (SP2003) at the date.
 */
function expiryNotEnforced(policy: Policy, rules: readonly Rule[], plans: readonly CelPolicyPlan[]): { notes: string[]; diagnostics: Diagnostic[] } {
  const pss = plans.some((p) => p.podSecurity.length > 0);
  const reaching = policy.exceptions.filter((e) => e.expires !== undefined && (e.rules.length === 0 || e.rules.some((r) => rules.some((x) => x.name === r)) || (pss && (e.controls.length > 0 || e.rules.some((r) => r.startsWith('pod-security-'))))));
  const why = 'the emitted CEL has no clock';
  return {
    notes: reaching.map((e) => `exception "${e.name}" expires ${e.expires} but is NOT enforced as expiring here (${why}): it keeps applying after that date until this file is recompiled without it`),
    diagnostics: reaching.map((e) => diagnostic('SP2003', e.expiresSpan ?? e.span, { backend: 'kyverno-cel', name: e.name, date: e.expires ?? '', why })),
  };
}

/** One ValidatingPolicy per mode that has something to check, as the VAP backend plans its policies. */
function plansOf(policy: Policy, rules: readonly Rule[]): CelPolicyPlan[] {
  const podSecurity = policy.podSecurity.filter((p) => p.level !== 'privileged');
  return [policy.mode, ...modes.filter((m) => m !== policy.mode)]
    .map((mode) => ({ policy, mode, name: mode === policy.mode ? policy.name : `${policy.name}.${mode}`, rules: mode === policy.mode ? rules : [], podSecurity: podSecurity.filter((p) => p.mode === mode) }))
    .filter((p) => p.rules.length > 0 || p.podSecurity.length > 0);
}

/**
 * A ValidatingAdmissionPolicy and its binding (the VAP backend's objects) as one Kyverno ValidatingPolicy: the same
 * match, variables and validations, the binding's validationActions on the policy itself (Kyverno binds its
 * policies automatically), and background scans off, since the CEL reads the admission request (operation,
 * userInfo) that a background scan does not have. Kyverno's autogen does not apply: the match lists the pod
 * controllers itself (and pods/ephemeralcontainers), and the CEL reads their pod templates through
 * `variables.podView` (docs/backends/kyverno-cel.md).
 */
function validatingPolicyOf(vap: object, binding: object): object {
  const v = vap as { metadata: object; spec: { failurePolicy: string } & Record<string, unknown> };
  const b = binding as { spec: { validationActions: readonly string[] } };
  const { failurePolicy, ...rest } = v.spec;
  return {
    apiVersion: 'policies.kyverno.io/v1',
    kind: 'ValidatingPolicy',
    metadata: v.metadata,
    spec: { failurePolicy, validationActions: [...b.spec.validationActions], evaluation: { admission: { enabled: true }, background: { enabled: false } }, ...rest },
  };
}

/**
 * IR → one `kyverno-cel/<policy>.yaml` per policy: a Kyverno ValidatingPolicy (policies.kyverno.io/v1, Kyverno >=
 * 1.17) per mode, holding the VAP backend's CEL, and `kyverno-cel/<policy>-exceptions.yaml` with a PolicyException (CEL
 * form) per exception that exempts whole objects by namespace. Policies omitted from kyverno-cel get a comment-only file; policies left with no rule none.
 */
export const kyvernoCelBackend: Backend = {
  id: 'kyverno-cel',
  emit(set: PolicySet): Staged<readonly EmittedFile[]> {
    const diagnostics: Diagnostic[] = [];
    const files: EmittedFile[] = [];
    for (const policy of [...set.policies].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (omittedFrom(policy) === undefined && refuseImageVerification(policy, 'kyverno-cel', diagnostics)) continue;
      if (refuseReferences(policy, 'kyverno-cel', diagnostics)) continue;
      if (refuseLargeFactors(policy, 'kyverno-cel', diagnostics)) continue;
      const omission = omittedFrom(policy);
      if (omission !== undefined) {
        files.push(omittedPolicyFile('kyverno-cel', policy, omission));
        continue;
      }
      if (!dnsSubdomain.test(policy.name)) {
        diagnostics.push(sp2001(policy.span, `policy name "${policy.name}" as an object name (a lower-case DNS subdomain)`, 'rename the policy, or `omit from kyverno-cel because "…"`'));
        continue;
      }
      const omitted = policy.rules.flatMap((rule) => {
        const reason = omittedFrom(rule);
        return reason === undefined ? [] : [{ rule, reason }];
      });
      const rules = policy.rules.filter((r) => !omitted.some((o) => o.rule === r));
      const separate = policy.exceptions.filter((e) => asPolicyException(e) && dnsSubdomain.test(`${policy.name}-${e.name}`));
      const inCel: Policy = { ...policy, exceptions: policy.exceptions.filter((e) => !separate.includes(e)) };
      const plans = plansOf(inCel, rules);
      if (plans.length === 0) continue;
      const view = buildCelPolicies(inCel, plans, omitted);
      const policies = plans.map((_, i) => validatingPolicyOf(view.objects[2 * i]!, view.objects[2 * i + 1]!));
      const exceptions = separate.map((e) => policyExceptionOf(policy, e, plans.map((p) => p.name)));
      const source = formatLine(policy.span);
      const expiry = expiryNotEnforced(policy, rules, plans);
      diagnostics.push(...expiry.diagnostics);
      const header = [
        `Generated by secpol from policy "${policy.name}" (${source}); do not edit.`,
        ...(policy.title ? [policy.title] : []),
        plans.length === 1
          ? 'A Kyverno ValidatingPolicy (policies.kyverno.io/v1, Kyverno >= 1.17), with the CEL of the ValidatingAdmissionPolicy output.'
          : `Kyverno ValidatingPolicies (policies.kyverno.io/v1, Kyverno >= 1.17), one per mode: ${plans.map((p) => `${p.name} (${p.mode})`).join(', ')}.`,
        ...omitted.map((o) => `rule "${o.rule.name}" is omitted from kyverno-cel: ${o.reason}`),
        ...policy.podSecurity.filter((p) => p.level === 'privileged').map((p) => `${p.mode} pod-security privileged allows every pod: nothing to check.`),
        ...separate.map((e) => `exception ${e.name} (${formatLine(e.span)}) is the PolicyException ${policy.name}-${e.name} in namespace kyverno: Kyverno must run with enablePolicyException and that exceptionNamespace.`),
        ...expiry.notes,
      ];
      diagnostics.push(...policies.flatMap((doc, i) => validateObject(validatePolicy, doc, 'ValidatingPolicy', plans[i]!.name, policy.span)));
      diagnostics.push(...exceptions.flatMap((doc, i) => validateObject(validateException, doc, 'PolicyException', `${policy.name}-${separate[i]!.name}`, separate[i]!.span)));
      files.push({
        path: `kyverno-cel/${policy.name}.yaml`,
        content: renderFile({ header: header.map(commentText), objects: policies }),
        objects: plans.map((p) => ({ apiVersion: 'policies.kyverno.io/v1', kind: 'ValidatingPolicy', name: p.name })),
      });
      // Exceptions in a file of their own: `kyverno test` takes them apart from the policies (its `exceptions:`).
      if (exceptions.length) {
        files.push({
          path: `kyverno-cel/${policy.name}-exceptions.yaml`,
          content: renderFile({ header: [`Generated by secpol from the exceptions of policy "${policy.name}" (${source}); do not edit.`, `PolicyExceptions (policies.kyverno.io/v1) for the ValidatingPolicies of kyverno-cel/${policy.name}.yaml.`].map(commentText), objects: exceptions }),
          objects: separate.map((e) => ({ apiVersion: 'policies.kyverno.io/v1', kind: 'PolicyException', name: `${policy.name}-${e.name}` })),
        });
      }
    }
    return { value: files, diagnostics };
  },
};
