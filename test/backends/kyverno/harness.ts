import YAML from 'yaml';
import type { EmittedFile } from '../../../src/backends/backend.js';
import { kyvernoBackend } from '../../../src/backends/kyverno/index.js';
import { evaluateResource, loadKyvernoDocuments, type EvaluationContext, type RuleStatus } from '../../../src/engines/kyverno/index.js';
import { irOf } from '../../helpers/dsl.js';

/**
 * Emits a policy source for Kyverno and fails the test on any diagnostic. It accepts the pod-security
 * approximation (`--approximate kyverno-pod-security`) so the podSecurity emission stays tested; that
 * pod-security is SP2001 without it is tested in emit.test.ts.
 */
export function emitKyverno(text: string): readonly EmittedFile[] {
  const out = kyvernoBackend.emit(irOf(text), { approximate: ['kyverno-pod-security'] });
  if (out.diagnostics.length) throw new Error(out.diagnostics.map((d) => `${d.code} ${d.message}`).join('; '));
  return out.value ?? [];
}

export function documents(files: readonly EmittedFile[]): Record<string, unknown>[] {
  return files.flatMap((f) => YAML.parseAllDocuments(f.content).map((d) => d.toJSON() as unknown)).filter((d): d is Record<string, unknown> => d !== null && typeof d === 'object');
}

/** The ClusterPolicy of a single-policy source, as parsed YAML. */
export function clusterPolicy(files: readonly EmittedFile[]): any {
  const found = documents(files).filter((d) => d['kind'] === 'ClusterPolicy');
  if (found.length !== 1) throw new Error(`expected one ClusterPolicy, found ${found.length}`);
  return found[0];
}

/** Runs the emitted files through the offline Kyverno engine: `rule → status` (rules that did not match are absent). */
export function kyvernoVerdicts(files: readonly EmittedFile[], resource: unknown, ctx: EvaluationContext = {}): Record<string, RuleStatus> {
  const loaded = loadKyvernoDocuments(documents(files));
  if (loaded.errors.length) throw new Error(loaded.errors.join('; '));
  const out: Record<string, RuleStatus> = {};
  for (const r of evaluateResource(loaded.policies, resource, { exceptions: loaded.exceptions, ...ctx })) {
    // A pod-security line is one Kyverno rule per check (pod-security-<mode>-<control>): reported under the line.
    const rule = r.rule.replace(/^(pod-security-(?:enforce|audit|warn))-[a-z-]+$/, '$1');
    const prev = out[rule];
    // Autogen runs a Pod rule once per matching variant; any failing variant fails the rule.
    if (prev === undefined || prev === 'skip' || (prev === 'pass' && r.status !== 'skip')) out[rule] = r.status;
  }
  return out;
}

type Obj = Record<string, unknown>;

export function pod(spec: Obj, metadata: Obj = {}): Obj {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', ...metadata }, spec };
}

export function deployment(spec: Obj, metadata: Obj = {}, templateMetadata: Obj = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'default', ...metadata },
    spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: templateMetadata, spec } },
  };
}

export function cronJob(spec: Obj, metadata: Obj = {}): Obj {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'c', namespace: 'default', ...metadata },
    spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { metadata: {}, spec } } } },
  };
}

export function containers(...cs: Obj[]): Obj {
  return { containers: cs.map((c, i) => ({ name: `c${i}`, image: 'nginx:1.25', ...c })) };
}
