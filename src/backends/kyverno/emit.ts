import YAML from 'yaml';
import { diagnostic, hasErrors, type Diagnostic, type Staged } from '../../diagnostics/index.js';
import type { Policy, PolicySet } from '../../ir/index.js';
import type { EmitOptions, EmittedFile } from '../backend.js';
import { compileTemplate } from '../common/render.js';
import { schemaValidator, validateObject } from '../common/schema.js';
import * as generated from './validators.generated.js';
import { targetFile } from '../common/targets.js';
import { policyViews, type ExceptionsFileView, type PolicyFileView } from './view.js';

const renderPolicy = compileTemplate<PolicyFileView>(targetFile('kyverno', 'cluster-policy.yaml.hbs'));
const renderExceptions = compileTemplate<ExceptionsFileView>(targetFile('kyverno', 'policy-exceptions.yaml.hbs'));
const validators = {
  ClusterPolicy: schemaValidator(generated.validateClusterPolicy),
  PolicyException: schemaValidator(generated.validatePolicyException),
} as const;

type EmittedObject = EmittedFile['objects'][number];

/** Parses the rendered text back and validates every object against its schema (never trusting the template). */
function checkText(text: string, policy: Policy): { objects: EmittedObject[]; diagnostics: Diagnostic[] } {
  const objects: EmittedObject[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const doc of YAML.parseAllDocuments(text, { version: '1.2' })) {
    if (doc.errors.length) {
      diagnostics.push(diagnostic('SP2002', policy.span, { kind: 'YAML document', name: policy.name, detail: doc.errors.map((e) => e.message).join('; ') }));
      continue;
    }
    const value: unknown = doc.toJSON();
    if (value === null || value === undefined) continue;
    const o = value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
    const kind = typeof o.kind === 'string' ? o.kind : '';
    const name = typeof o.metadata?.name === 'string' ? o.metadata.name : '';
    const validate = kind === 'ClusterPolicy' || kind === 'PolicyException' ? validators[kind] : undefined;
    if (!validate) {
      diagnostics.push(diagnostic('SP2002', policy.span, { kind: kind || 'object', name, detail: 'unexpected kind' }));
      continue;
    }
    diagnostics.push(...validateObject(validate, value, kind, name, policy.span));
    objects.push({ apiVersion: typeof o.apiVersion === 'string' ? o.apiVersion : '', kind, name });
  }
  return { objects, diagnostics };
}

function emitPolicy(policy: Policy, options: EmitOptions): Staged<EmittedFile[]> {
  const views = policyViews(policy, options);
  if (hasErrors(views.diagnostics)) return { diagnostics: views.diagnostics };
  const rendered = [{ path: views.policy.path, content: renderPolicy(views.policy) }];
  if (views.exceptions) rendered.push({ path: views.exceptions.path, content: renderExceptions(views.exceptions) });
  const diagnostics: Diagnostic[] = [...views.diagnostics];
  const files: EmittedFile[] = [];
  for (const r of rendered) {
    const checked = checkText(r.content, policy);
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
