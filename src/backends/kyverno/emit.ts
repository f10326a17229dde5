import { diagnostic, hasErrors, type Diagnostic, type Staged } from '../../diagnostics/index.js';
import type { Policy, PolicySet } from '../../ir/index.js';
import type { EmitOptions, EmittedFile } from '../backend.js';
import { loadTemplate } from '../common/render.js';
import * as templates from './templates.generated.js';
import { schemaValidator, validateObject } from '../common/schema.js';
import * as generated from './validators.generated.js';
import { policyViews, type ExceptionsFileView, type PolicyFileView } from './view.js';

const renderPolicy = loadTemplate<PolicyFileView>(templates.clusterPolicy);
const renderExceptions = loadTemplate<ExceptionsFileView>(templates.policyExceptions);
const validators = {
  ClusterPolicy: schemaValidator(generated.validateClusterPolicy),
  PolicyException: schemaValidator(generated.validatePolicyException),
} as const;

type EmittedObject = EmittedFile['objects'][number];

/**
 * The objects a file holds, as the template writes them: the ClusterPolicy is its metadata, settings and rules
 * under the fixed `apiVersion`/`kind`/`spec` lines of cluster-policy.yaml.hbs; each PolicyException is a document.
 */
function objectsOf(view: PolicyFileView | ExceptionsFileView): unknown[] {
  if ('exceptions' in view) return view.exceptions.map((e) => e.document);
  return view.policies.map(({ metadata, settings, rules }) => ({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata, spec: { ...(settings as object), rules: rules.flatMap((r) => r.item) } }));
}

/**
 * Validates every object of a file against its schema. Unlike the other backends, the text is not parsed back
 * here: Kyverno output is large (about 1 KB of JMESPath per rule) and reading it back cost 4 s of a 10,000-rule
 * compile. What the parse-back guarded is proven instead: the YAML writer round-trips any JSON value under YAML 1.1
 * and 1.2 (test/backends/common/yaml-emit.prop.test.ts), the template's own lines are fixed text (goldens), and
 * every test that reads Kyverno output (injection properties, engines, verify, goldens) parses the emitted text.
 */
function checkObjects(objects: readonly unknown[], policy: Policy): { objects: EmittedObject[]; diagnostics: Diagnostic[] } {
  const out: EmittedObject[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const value of objects) {
    const o = value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
    const kind = typeof o.kind === 'string' ? o.kind : '';
    const name = typeof o.metadata?.name === 'string' ? o.metadata.name : '';
    const validate = kind === 'ClusterPolicy' || kind === 'PolicyException' ? validators[kind] : undefined;
    if (!validate) {
      diagnostics.push(diagnostic('SP2002', policy.span, { kind: kind || 'object', name, detail: 'unexpected kind' }));
      continue;
    }
    diagnostics.push(...validateObject(validate, value, kind, name, policy.span));
    out.push({ apiVersion: typeof o.apiVersion === 'string' ? o.apiVersion : '', kind, name });
  }
  return { objects: out, diagnostics };
}

function emitPolicy(policy: Policy, options: EmitOptions): Staged<EmittedFile[]> {
  const views = policyViews(policy, options);
  if (hasErrors(views.diagnostics)) return { diagnostics: views.diagnostics };
  const rendered: { path: string; content: string; objects: unknown[] }[] = [{ path: views.policy.path, content: renderPolicy(views.policy), objects: objectsOf(views.policy) }];
  if (views.exceptions) rendered.push({ path: views.exceptions.path, content: renderExceptions(views.exceptions), objects: objectsOf(views.exceptions) });
  const diagnostics: Diagnostic[] = [...views.diagnostics];
  const files: EmittedFile[] = [];
  for (const r of rendered) {
    const checked = checkObjects(r.objects, policy);
    diagnostics.push(...checked.diagnostics);
    files.push({ path: r.path, content: r.content, objects: checked.objects });
  }
  return hasErrors(diagnostics) ? { diagnostics } : { value: files, diagnostics };
}

/**
 * Every policy as one ClusterPolicy file (plus a PolicyException file when it has exceptions to emit). A policy
 * with an SP2001/SP2002 error contributes diagnostics and no files, so nothing partial is ever emitted.
 */
export function emit(set: PolicySet, options: EmitOptions = {}): Staged<readonly EmittedFile[]> {
  const files: EmittedFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const policy of set.policies) {
    const out = emitPolicy(policy, options);
    diagnostics.push(...out.diagnostics);
    files.push(...(out.value ?? []));
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { value: files, diagnostics };
}
