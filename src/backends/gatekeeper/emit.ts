import YAML from 'yaml';
import { refuseImageVerification } from '../common/image-verification.js';
import { diagnostic, type Diagnostic, type Staged } from '../../diagnostics/index.js';
import type { Policy, PolicySet, Rule } from '../../ir/index.js';
import type { Backend, EmittedFile } from '../backend.js';
import { omittedPolicyFile } from '../common/omission.js';
import { loadTemplate } from '../common/render.js';
import * as templates from './templates.generated.js';
import { schemaValidator, validateObject } from '../common/schema.js';
import * as validators from './validators.generated.js';
import { templateNamesOf, type TemplateNames } from './names.js';
import { syncedKinds, syncSetFile } from './sync.js';
import { buildView, type ConstraintTemplateView, type ConstraintView, type GatekeeperFileView, type PolicyPlan } from './view.js';

const renderHeader = loadTemplate<{ readonly header: readonly string[] }>(templates.file);
const renderTemplate = loadTemplate<ConstraintTemplateView>(templates.constraintTemplate);
const renderConstraint = loadTemplate<ConstraintView>(templates.constraint);
const validateTemplate = schemaValidator(validators.validateConstraintTemplate);
const validateConstraint = schemaValidator(validators.validateConstraint);

function sp2001(span: Policy['span'], what: string, hint: string, related: Diagnostic['related'] = []): Diagnostic {
  return diagnostic('SP2001', span, { backend: 'gatekeeper', what, hint }, related);
}

function omittedFromGatekeeper(node: Policy | Rule): string | undefined {
  return node.omissions.find((o) => o.backends.includes('gatekeeper'))?.reason;
}

/** The file's text: header comments, then the ConstraintTemplate and each Constraint as YAML documents. */
function render(view: GatekeeperFileView): string {
  return [renderHeader(view), renderTemplate(view.template), ...view.constraints.map((c) => `---\n${renderConstraint(c)}`)].join('');
}

/** Parses the emitted text back and checks every object against its schema (SP2002) and the template's invariants. */
function check(view: GatekeeperFileView, content: string): Diagnostic[] {
  const parsed = YAML.parseAllDocuments(content, { version: '1.1' });
  if (!Array.isArray(parsed) || parsed.some((d) => d.errors.length)) throw new Error('invariant: the gatekeeper templates produced malformed YAML');
  const docs = parsed.map((d) => d.toJSON() as unknown);
  if (docs.length !== 1 + view.constraints.length) throw new Error(`invariant: expected ${1 + view.constraints.length} documents, got ${docs.length}`);
  const t = view.template;
  const diagnostics = validateObject(validateTemplate, docs[0], 'ConstraintTemplate', t.name, t.span);
  const template = docs[0] as { metadata?: { name?: unknown }; spec?: { crd?: { spec?: { names?: { kind?: unknown } } }; targets?: { rego?: unknown }[] } };
  const kind = template.spec?.crd?.spec?.names?.kind;
  if (typeof kind !== 'string' || template.metadata?.name !== kind.toLowerCase()) {
    diagnostics.push(diagnostic('SP2002', t.span, { kind: 'ConstraintTemplate', name: t.name, detail: 'metadata.name is not the lower-cased spec.crd.spec.names.kind' }));
  }
  if (template.spec?.targets?.[0]?.rego !== t.rego) throw new Error('invariant: the Rego module did not survive its YAML block scalar');
  view.constraints.forEach((c, i) => {
    diagnostics.push(...validateObject(validateConstraint, docs[i + 1], c.kind, c.name, c.span));
    if ((docs[i + 1] as { kind?: unknown }).kind !== kind) diagnostics.push(diagnostic('SP2002', c.span, { kind: c.kind, name: c.name, detail: 'the Constraint kind is not its template kind' }));
  });
  return diagnostics;
}

/** `gatekeeper/<policy>.yaml`; a name that is not a plain file name falls back to the template name. */
function pathOf(policy: Policy, names: TemplateNames): string {
  return `gatekeeper/${/^[A-Za-z0-9_-]+$/.test(policy.name) ? policy.name : names.templateName}.yaml`;
}

/**
 * IR → one `gatekeeper/<policy>.yaml` per policy: a ConstraintTemplate whose Rego implements every rule and
 * pod-security line, and its Constraint (one per mode when the policy mixes modes). Policies omitted from
 * gatekeeper, and policies left with nothing to check, produce no file; network blocks are netpol's.
 */
export const gatekeeperBackend: Backend = {
  id: 'gatekeeper',
  emit(set: PolicySet): Staged<readonly EmittedFile[]> {
    const diagnostics: Diagnostic[] = [];
    const files: EmittedFile[] = [];
    const owners = new Map<string, Policy>();
    for (const policy of [...set.policies].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (omittedFromGatekeeper(policy) === undefined && refuseImageVerification(policy, 'gatekeeper', diagnostics)) continue;
      const omission = omittedFromGatekeeper(policy);
      if (omission !== undefined) {
        files.push(omittedPolicyFile('gatekeeper', policy, omission));
        continue;
      }
      const names = templateNamesOf(policy.name);
      if ('problem' in names) {
        diagnostics.push(sp2001(policy.span, names.problem, 'rename the policy (letters and digits, at most 57 of them), or `omit from gatekeeper because "…"`'));
        continue;
      }
      const owner = owners.get(names.templateName);
      if (owner) {
        diagnostics.push(
          sp2001(policy.span, `policies "${owner.name}" and "${policy.name}" as Constraint kinds (both become ${names.kind})`, 'rename one of them: Constraint kinds ignore case, "-" and "_"', [
            { span: owner.span, note: `policy "${owner.name}" becomes ${names.kind} too` },
          ]),
        );
        continue;
      }
      owners.set(names.templateName, policy);
      const omitted = policy.rules.flatMap((rule) => {
        const reason = omittedFromGatekeeper(rule);
        return reason === undefined ? [] : [{ rule, reason }];
      });
      const plan: PolicyPlan = { policy, names, rules: policy.rules.filter((r) => !omitted.some((o) => o.rule === r)), omitted };
      if (plan.rules.length === 0 && policy.podSecurity.every((p) => p.level === 'privileged')) continue;
      const view = buildView(plan);
      const content = render(view);
      diagnostics.push(...check(view, content));
      files.push({
        path: pathOf(policy, names),
        content,
        objects: [
          { apiVersion: 'templates.gatekeeper.sh/v1', kind: 'ConstraintTemplate', name: view.template.name },
          ...view.constraints.map((c) => ({ apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind: c.kind, name: c.name })),
        ],
      });
      const synced = syncedKinds(policy, plan.rules);
      if (synced.length) files.push(syncSetFile(policy, pathOf(policy, names).replace(/\.yaml$/, '.sync.yaml'), names.templateName, synced));
    }
    return { value: files, diagnostics };
  },
};
