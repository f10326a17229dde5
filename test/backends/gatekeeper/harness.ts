import YAML from 'yaml';
import type { EmittedFile } from '../../../src/backends/backend.js';
import { gatekeeperBackend } from '../../../src/backends/gatekeeper/index.js';
import type { Diagnostic } from '../../../src/diagnostics/index.js';
import { evaluateConstraint, isGatekeeperError, loadTemplate, type Template } from '../../../src/engines/gatekeeper/index.js';
import type { PolicySet } from '../../../src/ir/index.js';
import { irOf } from '../../helpers/dsl.js';

/** The harness of the gatekeeper backend tests: emit through the front door, read the files back, run them. */

export interface Emitted {
  readonly files: readonly EmittedFile[];
  readonly diagnostics: readonly Diagnostic[];
}

export function emit(source: string | PolicySet): Emitted {
  const out = gatekeeperBackend.emit(typeof source === 'string' ? irOf(source) : source);
  // A policy that reads other objects also gets `<policy>.sync.yaml` (a SyncSet, test/backends/gatekeeper/references.test.ts):
  // the files judged here are the template-and-constraints ones.
  return { files: (out.value ?? []).filter((f) => !f.path.endsWith('.sync.yaml')), diagnostics: out.diagnostics };
}

export interface GatekeeperDocs {
  readonly template: Record<string, any>;
  readonly constraints: readonly Record<string, any>[];
  readonly rego: string;
}

/** The one file's documents: the ConstraintTemplate, then its Constraints. */
export function docsOf(file: EmittedFile): GatekeeperDocs {
  const docs = YAML.parseAllDocuments(file.content).map((d) => {
    if (d.errors.length) throw new Error(d.errors.map((e) => e.message).join('; '));
    return d.toJSON() as Record<string, any>;
  });
  const [template, ...constraints] = docs;
  if (!template) throw new Error(`no documents in ${file.path}`);
  return { template, constraints, rego: template.spec.targets[0].rego as string };
}

/** Emits a policy file that must compile cleanly to exactly one gatekeeper file. */
export function compile(source: string | PolicySet): GatekeeperDocs & { file: EmittedFile } {
  const out = emit(source);
  if (out.diagnostics.length) throw new Error(out.diagnostics.map((d) => `${d.code} ${d.message}`).join('; '));
  if (out.files.length !== 1) throw new Error(`expected one file, got ${out.files.length}`);
  const file = out.files[0]!;
  return { file, ...docsOf(file) };
}

export interface Request {
  readonly object: unknown;
  readonly operation?: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  readonly oldObject?: unknown;
  /** The namespace's labels, for namespace selectors (the object's namespace is looked up as a Namespace). */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  /** The request's namespace when the object leaves it out. */
  readonly namespace?: string;
  /** The subresource of the admission request (`ephemeralcontainers`). */
  readonly subResource?: string;
  /** The requesting user (`input.review.userInfo`); `{}` when absent. */
  readonly userInfo?: { readonly username: string };
  /** What `time.now_ns()` returns (the Rego engine's fixed default otherwise). */
  readonly nowNs?: number;
  /** Objects synced into data.inventory (the roles a reference reads). */
  readonly inventory?: readonly unknown[];
}

export interface RuleOutcome {
  readonly violated: boolean;
  readonly messages: readonly string[];
  readonly actions: readonly string[];
}

const templates = new WeakMap<object, Template>();

function templateOf(docs: GatekeeperDocs): Template {
  const known = templates.get(docs.template);
  if (known) return known;
  const t = loadTemplate(docs.template);
  if (isGatekeeperError(t)) throw new Error(`the emitted template does not load: ${t.message}`);
  templates.set(docs.template, t);
  return t;
}

/** Every rule's outcome on a request, by the offline Gatekeeper engine: key `details.rule`, over all Constraints. */
export function run(docs: GatekeeperDocs, req: Request): Map<string, RuleOutcome> {
  const template = templateOf(docs);
  const ns = req.namespace ?? ((req.object as { metadata?: { namespace?: unknown } }).metadata?.namespace as string | undefined);
  const namespace = ns === undefined ? undefined : req.namespaceLabels ? { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: req.namespaceLabels } } : ns;
  const out = new Map<string, { violated: boolean; messages: string[]; actions: string[] }>();
  for (const constraint of docs.constraints) {
    const result = evaluateConstraint({
      template,
      constraint,
      object: req.object,
      operation: req.operation ?? 'CREATE',
      ...(req.oldObject !== undefined ? { oldObject: req.oldObject } : {}),
      ...(namespace !== undefined ? { namespace } : {}),
      ...(req.subResource !== undefined ? { subResource: req.subResource } : {}),
      ...(req.userInfo !== undefined ? { userInfo: req.userInfo } : {}),
      ...(req.nowNs !== undefined ? { nowNs: req.nowNs } : {}),
      ...(req.inventory !== undefined ? { inventory: req.inventory } : {}),
    });
    if (result.error) throw new Error(`gatekeeper error: ${result.error.message}`);
    for (const v of result.violations) {
      const rule = String((v.details as { rule?: unknown }).rule);
      const entry = out.get(rule) ?? out.set(rule, { violated: true, messages: [], actions: [] }).get(rule)!;
      entry.messages.push(v.msg);
      if (!entry.actions.includes(result.enforcementAction)) entry.actions.push(result.enforcementAction);
    }
  }
  return out;
}

/** The rules (by name) that report a violation on the request. */
export function violated(docs: GatekeeperDocs, req: Request): string[] {
  return [...run(docs, req).keys()].sort();
}

export function pod(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'apps', ...metadata }, spec };
}

export function deployment(podSpec: Record<string, unknown>, metadata: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'apps', ...metadata },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: podSpec } },
  };
}
