import YAML from 'yaml';
import { refuseImageVerification } from '../common/image-verification.js';
import { diagnostic, type Diagnostic, type Staged } from '../../diagnostics/index.js';
import type { PolicySet } from '../../ir/index.js';
import type { Backend, EmittedFile } from '../backend.js';
import { loadTemplate } from '../common/render.js';
import * as templates from './templates.generated.js';
import { schemaValidator, validateObject } from '../common/schema.js';
import * as validators from './validators.generated.js';
import { omittedPolicyFile } from '../common/omission.js';
import { omittedFromPsa, planPolicy, type PsaPlan } from './plan.js';
import { buildView, type PsaFileView } from './view.js';

const render = loadTemplate<PsaFileView>(templates.namespace);
const validateNamespace = schemaValidator(validators.validateNamespace);

/**
 * A namespace has one level per PSA mode, and two files applying the same Namespace would overwrite each
 * other's labels: each namespace may be labelled by one policy only.
 */
function conflicts(plans: readonly PsaPlan[]): Diagnostic[] {
  const owner = new Map<string, PsaPlan>();
  const out: Diagnostic[] = [];
  for (const plan of plans) {
    for (const ns of plan.namespaces) {
      const first = owner.get(ns);
      if (!first) {
        owner.set(ns, plan);
        continue;
      }
      const span = plan.policy.podSecurity[0]?.span ?? plan.policy.span;
      const firstSpan = first.policy.podSecurity[0]?.span ?? first.policy.span;
      out.push(
        diagnostic(
          'SP2001',
          span,
          {
            backend: 'psa',
            what: `namespace "${ns}" labelled by two policies, "${first.policy.name}" and "${plan.policy.name}" (a namespace has one Pod Security level per mode)`,
            hint: 'put the pod-security lines for this namespace in one policy',
          },
          [{ span: firstSpan, note: `policy "${first.policy.name}" labels it too` }],
        ),
      );
    }
  }
  return out;
}

function emitPlan(plan: PsaPlan): { file: EmittedFile; diagnostics: Diagnostic[] } {
  const view = buildView(plan);
  const content = render(view);
  const docs = YAML.parseAllDocuments(content, { version: '1.1' })
    .map((d) => d.toJSON() as unknown)
    .filter((d) => d !== null && d !== undefined);
  if (docs.length !== view.namespaces.length) throw new Error(`invariant: psa template produced ${docs.length} objects for ${view.namespaces.length}`);
  const diagnostics = view.namespaces.flatMap((ns, i) => validateObject(validateNamespace, docs[i], 'Namespace', ns.name, ns.span));
  return {
    file: {
      path: `psa/${plan.policy.name}.yaml`,
      content,
      objects: view.namespaces.map((ns) => ({ apiVersion: 'v1', kind: 'Namespace', name: ns.name })),
    },
    diagnostics,
  };
}

/**
 * IR -> one `psa/<policy>.yaml` per policy with pod-security lines: a Namespace object per namespace in the
 * policy's scope, carrying the `pod-security.kubernetes.io/<mode>[-version]` labels. Policies omitted from
 * psa are skipped; network blocks are the netpol backend's.
 */
export const psaBackend: Backend = {
  id: 'psa',
  emit(set: PolicySet): Staged<readonly EmittedFile[]> {
    const diagnostics: Diagnostic[] = [];
    const plans: PsaPlan[] = [];
    const omittedFiles: EmittedFile[] = [];
    for (const policy of [...set.policies].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (omittedFromPsa(policy.omissions) === undefined && refuseImageVerification(policy, 'psa', diagnostics)) continue;
      const omission = omittedFromPsa(policy.omissions);
      if (omission) {
        omittedFiles.push(omittedPolicyFile('psa', policy, omission.reason));
        continue;
      }
      const planned = planPolicy(policy);
      diagnostics.push(...planned.diagnostics);
      if (planned.plan) plans.push(planned.plan);
      else if (!planned.diagnostics.length) {
        const reasons = policy.rules.map((r) => `rule ${r.name}: ${omittedFromPsa(r.omissions)?.reason ?? ''}`).join('; ');
        omittedFiles.push(omittedPolicyFile('psa', policy, `every rule is omitted (${reasons})`));
      }
    }
    diagnostics.push(...conflicts(plans));
    const files: EmittedFile[] = [...omittedFiles];
    for (const plan of plans) {
      const out = emitPlan(plan);
      files.push(out.file);
      diagnostics.push(...out.diagnostics);
    }
    return { value: files, diagnostics };
  },
};
