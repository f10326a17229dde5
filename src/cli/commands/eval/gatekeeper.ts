/**
 * `secpol eval --engine gatekeeper`: ConstraintTemplates and Constraints from `--policy`, the objects to review from
 * `--resource`, cluster state from `--inventory`.
 *
 * data.inventory is built as Gatekeeper syncs objects (docs "Replicating Data"; gator's test.go adds each object with
 * AddData): `cluster[groupVersion][kind][name]` for cluster-scoped objects, `namespace[ns][groupVersion][kind][name]`
 * for namespaced ones. Like a `gator verify` case, only the given inventory is synced (plus the Namespace objects
 * given among the resources); `gator test` syncs every object it reads, so give the resources to `--inventory`
 * too for that. A Namespace object among the resources or the inventory serves `namespaceSelector`.
 */
import { diagnostic, type Diagnostic } from '../../../diagnostics/index.js';
import { evaluateConstraint, isGatekeeperError, loadTemplate, type Template } from '../../../engines/gatekeeper/index.js';

import type { EngineRun, EvalContext, EvalVerdict } from './context.js';
import { identity, namespacesAmong, spanIn, type LoadedDoc } from './inputs.js';

interface LoadedGatekeeper {
  templates: Map<string, Template>;
  constraints: { doc: LoadedDoc; kind: string; name: string }[];
  diagnostics: Diagnostic[];
}

/**
 * The ConstraintTemplates and Constraints of `--policy`. Gatekeeper refuses a template whose Rego does not
 * compile and a Constraint whose kind no template defines; evaluating without either would print nothing and
 * pass, so each is an error (SP0030) pointing at its document.
 */
function loadGatekeeper(policies: readonly LoadedDoc[]): LoadedGatekeeper {
  const templates = new Map<string, Template>();
  const constraints: LoadedGatekeeper['constraints'] = [];
  const diagnostics: Diagnostic[] = [];
  for (const d of policies) {
    const o = d.value as { kind?: unknown; apiVersion?: unknown; metadata?: { name?: unknown } };
    if (o.kind === 'ConstraintTemplate') {
      const t = loadTemplate(d.value);
      if (isGatekeeperError(t)) {
        const where = t.line !== undefined ? ` (${t.file ?? 'rego'}:${t.line}:${t.column ?? 1})` : '';
        diagnostics.push(diagnostic('SP0030', spanIn(d, []), { detail: `this ConstraintTemplate does not load${where}: ${t.message}`, hint: 'fix the template; Gatekeeper refuses it too' }));
      } else templates.set(t.constraintKind, t);
    } else if (typeof o.apiVersion === 'string' && o.apiVersion.startsWith('constraints.gatekeeper.sh/')) {
      constraints.push({ doc: d, kind: String(o.kind ?? ''), name: String(o.metadata?.name ?? '') });
    } else if (typeof o.apiVersion === 'string' && o.apiVersion.startsWith('syncset.gatekeeper.sh/') && o.kind === 'SyncSet') {
      // What Gatekeeper replicates into data.inventory (secpol writes one beside a template that reads references):
      // it judges nothing itself; the replicated objects are what --inventory gives.
      continue;
    } else {
      diagnostics.push(diagnostic('SP0030', spanIn(d, ['kind']), { detail: `a ${String(o.kind ?? 'document without kind')} is not a Gatekeeper artifact`, hint: 'give ConstraintTemplates and Constraints (constraints.gatekeeper.sh/*) with --policy, the objects to check with --resource and synced objects with --inventory' }));
    }
  }
  for (const c of constraints) {
    if (templates.has(c.kind)) continue;
    diagnostics.push(diagnostic('SP0030', spanIn(c.doc, ['kind']), { detail: `no ConstraintTemplate given defines the Constraint kind ${c.kind}`, hint: 'add the template file to --policy' }));
  }
  if (constraints.length === 0 && policies[0]) {
    diagnostics.push(diagnostic('SP0030', spanIn(policies[0], []), { detail: 'no Constraint given: a ConstraintTemplate alone checks nothing', hint: 'add the Constraint file to --policy' }));
  }
  return { templates, constraints, diagnostics };
}

export function runGatekeeper(ctx: EvalContext): EngineRun {
  const loaded = loadGatekeeper(ctx.policies);
  if (loaded.diagnostics.length) return { verdicts: [], diagnostics: loaded.diagnostics, warnings: [] };
  const resourceNamespaces = namespacesAmong(ctx.resources.map((r) => r.object));
  const inventoryValues = ctx.inventory.map((d) => d.value);
  const inventoryNamespaces = namespacesAmong(inventoryValues);
  const inventory = [...inventoryValues, ...[...resourceNamespaces].filter(([name]) => !inventoryNamespaces.has(name)).map(([, ns]) => ns)];
  const namespaces = namespacesAmong(inventory);
  // admission/v1 UserInfo: username and groups (uid and extra are omitted when empty).
  const userInfo = ctx.requester ? { username: ctx.requester.username, ...(ctx.requester.groups.length ? { groups: [...ctx.requester.groups] } : {}) } : undefined;
  const verdicts: EvalVerdict[] = [];
  for (const r of ctx.resources) {
    const id = identity(r);
    // Without a Namespace object, the namespace of --namespace-labels (with the label the API server sets).
    const namespace = id.namespace ? (namespaces.get(id.namespace) ?? { apiVersion: 'v1', kind: 'Namespace', metadata: { name: id.namespace, labels: { ...ctx.namespaceLabels, 'kubernetes.io/metadata.name': id.namespace } } }) : undefined;
    // An AdmissionReview is reviewed as its request says (operation, oldObject, userInfo; --user only fills a
    // request without userInfo). A bare object without --operation is reviewed as audit and gator review it.
    const review = r.admission ? { object: r.doc.value } : { object: r.object, ...(ctx.operation ? { operation: ctx.operation } : {}) };
    for (const c of loaded.constraints) {
      const template = loaded.templates.get(c.kind)!;
      const result = evaluateConstraint({ template, constraint: c.doc.value, ...review, inventory, ...(userInfo ? { userInfo } : {}), ...(namespace ? { namespace } : {}) });
      const verdict = result.error ? 'error' : !result.matched ? 'skip' : result.violations.length ? 'fail' : 'pass';
      const messages = result.violations.map((v) => v.msg);
      verdicts.push({ resource: id, policy: `${c.kind}/${c.name}`, rule: result.enforcementAction, verdict, message: result.error?.message ?? messages.join('; '), messages });
    }
  }
  return { verdicts, diagnostics: [], warnings: [] };
}
