import { compileExpression, loadVapDocuments, type LoadedVap } from '../vap/index.js';
import { autogenVariants } from './autogen.js';

type CompiledExpression = ReturnType<typeof compileExpression>;

/** A loaded ValidatingPolicy: its evaluation settings and the VAP-shaped programs it runs as (itself and its autogen variants). */
export interface LoadedValidatingPolicy {
  readonly name: string;
  readonly annotations: Readonly<Record<string, string>>;
  /** spec.validationActions; Kyverno's default is Deny. */
  readonly validationActions: readonly string[];
  /** spec.evaluation.admission.enabled (default true): false leaves the policy to background scans. */
  readonly admission: boolean;
  /** The names of its programs in `programs`: the policy itself, then `<name>/autogen-<replacements>`. */
  readonly programs: readonly string[];
}

export interface LoadedPolicyException {
  readonly name: string;
  readonly namespace: string;
  readonly policyRefs: readonly { readonly name: string; readonly kind: string }[];
  readonly matchConditions: readonly { readonly name: string; readonly expression: CompiledExpression }[];
}

export interface LoadedKyvernoCel {
  readonly policies: readonly LoadedValidatingPolicy[];
  readonly exceptions: readonly LoadedPolicyException[];
  /** Every program as a ValidatingAdmissionPolicy with a binding carrying the policy's validationActions. */
  readonly programs: LoadedVap;
  readonly errors: readonly string[];
}

type Doc = { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown; annotations?: Record<string, string> }; spec?: Record<string, unknown> };

const isPoliciesGroup = (v: unknown) => typeof v === 'string' && /^policies\.kyverno\.io\/v1(alpha1|beta1)?$/.test(v);
/** What this engine evaluates of a ValidatingPolicy spec (docs/engines/kyverno-cel.md); anything else is an error. */
const knownSpecFields = new Set(['failurePolicy', 'validationActions', 'matchConstraints', 'matchConditions', 'variables', 'validations', 'autogen', 'evaluation', 'webhookConfiguration', 'auditAnnotations']);

/**
 * Reads `policies.kyverno.io` ValidatingPolicy and PolicyException documents (v1, and the v1beta1/v1alpha1 versions
 * of the same shape); other kinds are ignored. Within the documented subset: Kubernetes evaluation mode, no
 * compensating-control `validations` or allowlists on exceptions.
 */
export function loadKyvernoCelDocuments(docs: readonly unknown[]): LoadedKyvernoCel {
  const policies: LoadedValidatingPolicy[] = [];
  const exceptions: LoadedPolicyException[] = [];
  const vapDocs: object[] = [];
  const errors: string[] = [];
  for (const raw of docs) {
    const d = raw as Doc;
    if (typeof d !== 'object' || d === null || !isPoliciesGroup(d.apiVersion)) continue;
    const name = typeof d.metadata?.name === 'string' ? d.metadata.name : '';
    const spec = (d.spec ?? {}) as Record<string, any>;
    if (d.kind === 'PolicyException') {
      const unsupported = Object.keys(spec).filter((k) => k !== 'policyRefs' && k !== 'matchConditions');
      if (unsupported.length) errors.push(`exception ${name}: ${unsupported.join(', ')} is outside the engine's subset`);
      const matchConditions = (Array.isArray(spec['matchConditions']) ? spec['matchConditions'] : []).flatMap((c: { name?: unknown; expression?: unknown }, i: number) => {
        try {
          return [{ name: String(c.name), expression: compileExpression(String(c.expression), 'bool') }];
        } catch (e) {
          errors.push(`exception ${name}: matchConditions[${i}] does not compile: ${(e as Error).message.split('\n')[0]}`);
          return [];
        }
      });
      const policyRefs = (Array.isArray(spec['policyRefs']) ? spec['policyRefs'] : []).map((r: { name?: unknown; kind?: unknown }) => ({ name: String(r.name), kind: String(r.kind) }));
      exceptions.push({ name, namespace: typeof d.metadata?.namespace === 'string' ? d.metadata.namespace : '', policyRefs, matchConditions });
      continue;
    }
    if (d.kind !== 'ValidatingPolicy') continue;
    const unknown = Object.keys(spec).filter((k) => !knownSpecFields.has(k));
    if (unknown.length) errors.push(`policy ${name}: ${unknown.join(', ')} is outside the engine's subset`);
    const evaluation = (spec['evaluation'] ?? {}) as { admission?: { enabled?: unknown }; mode?: unknown };
    if (evaluation.mode !== undefined && evaluation.mode !== 'Kubernetes') errors.push(`policy ${name}: evaluation mode ${String(evaluation.mode)} is outside the engine's subset`);
    if (spec['matchConstraints'] === undefined) errors.push(`policy ${name}: spec.matchConstraints is required in Kubernetes mode`);
    const validationActions: string[] = Array.isArray(spec['validationActions']) && spec['validationActions'].length ? spec['validationActions'].map(String) : ['Deny'];
    const vapSpecOf = (s: Record<string, unknown>) => ({
      failurePolicy: s['failurePolicy'] ?? 'Fail',
      matchConstraints: s['matchConstraints'],
      ...(s['matchConditions'] !== undefined ? { matchConditions: s['matchConditions'] } : {}),
      ...(s['variables'] !== undefined ? { variables: s['variables'] } : {}),
      validations: s['validations'],
    });
    const programs = [{ name, spec: vapSpecOf(spec) }, ...autogenVariants(spec).map((v) => ({ name: `${name}/autogen-${v.replacements}`, spec: vapSpecOf(v.spec as Record<string, unknown>) }))];
    for (const p of programs) {
      vapDocs.push({ kind: 'ValidatingAdmissionPolicy', metadata: { name: p.name, annotations: d.metadata?.annotations ?? {} }, spec: p.spec });
      vapDocs.push({ kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: p.name }, spec: { policyName: p.name, validationActions } });
    }
    policies.push({ name, annotations: d.metadata?.annotations ?? {}, validationActions, admission: evaluation.admission?.enabled !== false, programs: programs.map((p) => p.name) });
  }
  const programs = loadVapDocuments(vapDocs);
  return { policies, exceptions, programs, errors: [...errors, ...programs.errors] };
}
