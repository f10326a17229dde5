import { evaluateConstraint, isGatekeeperError, loadTemplate, type Template } from '../../engines/gatekeeper/index.js';
import { evaluateResource, loadKyvernoDocuments } from '../../engines/kyverno/index.js';
import { connectivityMatrix, loadCluster, renderMatrix, type Probe } from '../../engines/netpol/index.js';
import { admit, policyFromNamespaceLabels } from '../../engines/psa/index.js';
import { diagnostic, pathDiagnostic, type Diagnostic } from '../../diagnostics/index.js';
import { SourceFile } from '../../source/index.js';
import { listItems, parseYamlFile, spanAt, type YamlDocument } from '../../suite/index.js';
import { oneOf, UsageError, type Command } from '../args.js';
import { describeFsError, readText } from '../io.js';
import { exitCodeFor, printDiagnostics, type Io } from '../output.js';

/** One verdict of `secpol eval` (the documented JSON schema: docs/cli.md). */
export interface EvalVerdict {
  resource: { kind: string; name: string; namespace: string | null; file: string; line: number };
  policy: string;
  rule: string;
  verdict: 'pass' | 'fail' | 'skip' | 'error';
  message: string;
}

function loadDocuments(paths: readonly string[], diagnostics: Diagnostic[]): YamlDocument[] {
  const docs: YamlDocument[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = readText(path);
    } catch (e) {
      diagnostics.push(pathDiagnostic('SP0004', path, { path, reason: describeFsError(e) }));
      continue;
    }
    const parsed = parseYamlFile(new SourceFile(path, text));
    diagnostics.push(...parsed.diagnostics);
    // Lists (kind: List / *List) hold their objects in items; a typed list's items are of its item kind.
    for (const d of parsed.documents) for (const item of listItems(d.value)) docs.push({ ...d, value: item.value });
  }
  return docs;
}

function identity(d: YamlDocument): EvalVerdict['resource'] {
  const o = d.value as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  const line = d.file.lineColumn((d.doc.contents as { range?: [number] } | null)?.range?.[0] ?? 0).line;
  return { kind: String(o.kind ?? ''), name: String(o.metadata?.name ?? ''), namespace: typeof o.metadata?.namespace === 'string' ? o.metadata.namespace : null, file: d.file.path, line };
}

function many(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
}

/**
 * The ConstraintTemplates and Constraints of `--policy`. Gatekeeper refuses a template whose Rego does not
 * compile and a Constraint whose kind no template defines; evaluating without either would print nothing and
 * pass, so each is an error (SP0030) pointing at its document.
 */
function loadGatekeeper(policies: readonly YamlDocument[]): { templates: Map<string, Template>; constraints: { doc: YamlDocument; kind: string; name: string }[]; diagnostics: Diagnostic[] } {
  const templates = new Map<string, Template>();
  const constraints: { doc: YamlDocument; kind: string; name: string }[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const d of policies) {
    const o = d.value as { kind?: unknown; apiVersion?: unknown; metadata?: { name?: unknown } };
    if (o.kind === 'ConstraintTemplate') {
      const t = loadTemplate(d.value);
      if (isGatekeeperError(t)) {
        const where = t.line !== undefined ? ` (${t.file ?? 'rego'}:${t.line}:${t.column ?? 1})` : '';
        diagnostics.push(diagnostic('SP0030', spanAt(d, []), { detail: `this ConstraintTemplate does not load${where}: ${t.message}`, hint: 'fix the template; Gatekeeper refuses it too' }));
      } else templates.set(t.constraintKind, t);
    } else if (typeof o.apiVersion === 'string' && o.apiVersion.startsWith('constraints.gatekeeper.sh/')) {
      constraints.push({ doc: d, kind: String(o.kind ?? ''), name: String(o.metadata?.name ?? '') });
    } else {
      diagnostics.push(diagnostic('SP0030', spanAt(d, ['kind']), { detail: `a ${String(o.kind ?? 'document without kind')} is not a Gatekeeper artifact`, hint: 'give ConstraintTemplates and Constraints (constraints.gatekeeper.sh/*) with --policy, and the objects to check with --resource' }));
    }
  }
  for (const c of constraints) {
    if (templates.has(c.kind)) continue;
    diagnostics.push(diagnostic('SP0030', spanAt(c.doc, ['kind']), { detail: `no ConstraintTemplate given defines the Constraint kind ${c.kind}`, hint: 'add the template file to --policy' }));
  }
  if (constraints.length === 0 && policies[0]) {
    diagnostics.push(diagnostic('SP0030', spanAt(policies[0], []), { detail: 'no Constraint given: a ConstraintTemplate alone checks nothing', hint: 'add the Constraint file to --policy' }));
  }
  return { templates, constraints, diagnostics };
}

export function evalCommand(io: Io): Command {
  return {
    name: 'eval',
    summary: 'Run one offline engine on any artifacts (secpol output or hand-written) and print per-rule verdicts.',
    usage: 'secpol eval --engine kyverno|gatekeeper|psa|netpol --policy FILE... --resource FILE... [--operation OP] [--namespace-labels k=v,...] [--format text|json]',
    options: { engine: { type: 'string' }, policy: { type: 'string', multiple: true }, resource: { type: 'string', multiple: true }, format: { type: 'string' }, operation: { type: 'string' }, 'namespace-labels': { type: 'string' } },
    help: [
      '--engine E          kyverno (ClusterPolicy/Policy/PolicyException), gatekeeper (ConstraintTemplates + Constraints), psa (labelled Namespaces), netpol (NetworkPolicies)',
      '--policy FILE...    artifacts to evaluate (several files, or the flag repeated)',
      '--resource FILE...  resources (several files, or the flag repeated; files after the other flags are resources too);',
      '                    for netpol: Namespaces and Pods, and the output is the connectivity matrix',
      '--operation OP      CREATE, UPDATE or DELETE: an admission request. Default: kyverno, psa CREATE; gatekeeper',
      '                    reviews each resource as its audit and gator do (operation "")',
      '--namespace-labels  labels of the resources\' namespace, k=v,k2=v2 (for namespace selectors)',
      '--format text|json  report format',
    ],
    async run(values, positionals, after = {}) {
      const engine = oneOf(values['engine'], ['kyverno', 'gatekeeper', 'psa', 'netpol'] as const, '--engine', 'kyverno');
      if (values['engine'] === undefined) throw new UsageError('--engine is required');
      const format = oneOf(values['format'], ['text', 'json'] as const, '--format', 'text');
      const operation = oneOf(values['operation'], ['CREATE', 'UPDATE', 'DELETE'] as const, '--operation', 'CREATE');
      const diagnostics: Diagnostic[] = [];
      // `--policy a.yaml b.yaml` (a shell glob) names several policy files; other positionals are resources.
      const policyFiles = [...many(values['policy']), ...(after['policy'] ?? [])];
      const resourceFiles = [...many(values['resource']), ...positionals.filter((p) => !(after['policy'] ?? []).includes(p))];
      if (policyFiles.length === 0) throw new UsageError('--policy is required: the artifacts to evaluate');
      if (resourceFiles.length === 0) throw new UsageError('--resource is required: the objects to evaluate the artifacts on');
      const policies = loadDocuments(policyFiles, diagnostics);
      const resources = loadDocuments(resourceFiles, diagnostics);
      const namespaceLabels = Object.fromEntries(
        String(values['namespace-labels'] ?? '')
          .split(',')
          .filter(Boolean)
          .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      );
      if (diagnostics.length) printDiagnostics(io, diagnostics, 'text');
      if (exitCodeFor(diagnostics)) return exitCodeFor(diagnostics);
      if (engine === 'netpol') {
        const loaded = loadCluster([...resources, ...policies].map((d) => d.value));
        for (const e of loaded.errors) io.stderr(`warning: ${e}\n`);
        const probes: Probe[] = [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 443 }, { protocol: 'UDP', port: 53 }];
        const matrix = connectivityMatrix(loaded.cluster, probes);
        io.stdout(format === 'json' ? `${JSON.stringify(matrix, null, 2)}\n` : renderMatrix(matrix));
        return 0;
      }
      const verdicts: EvalVerdict[] = [];
      if (engine === 'kyverno') {
        const loaded = loadKyvernoDocuments(policies.map((d) => d.value));
        for (const e of loaded.errors) io.stderr(`warning: ${e}\n`);
        if (loaded.policies.length === 0) {
          const none = diagnostic('SP0030', spanAt(policies[0]!, []), { detail: 'no Kyverno ClusterPolicy or Policy loads from --policy: nothing would be checked', hint: 'give the ClusterPolicy/Policy files with --policy (the warnings above say why a document did not load)' });
          printDiagnostics(io, [none], 'text');
          return exitCodeFor([none]);
        }
        for (const r of resources) {
          for (const x of evaluateResource(loaded.policies, r.value, { operation, namespaceLabels, exceptions: loaded.exceptions })) {
            verdicts.push({ resource: identity(r), policy: x.policy, rule: x.rule, verdict: x.status, message: x.message });
          }
        }
      } else if (engine === 'gatekeeper') {
        const loaded = loadGatekeeper(policies);
        if (exitCodeFor(loaded.diagnostics)) {
          printDiagnostics(io, loaded.diagnostics, 'text');
          return exitCodeFor(loaded.diagnostics);
        }
        // Without --operation, each resource is reviewed as Gatekeeper's audit and gator review existing objects.
        const review = values['operation'] === undefined ? {} : { operation };
        for (const r of resources) {
          const id = identity(r);
          const namespace = id.namespace ? { apiVersion: 'v1', kind: 'Namespace', metadata: { name: id.namespace, labels: { ...namespaceLabels, 'kubernetes.io/metadata.name': id.namespace } } } : undefined;
          for (const c of loaded.constraints) {
            const template = loaded.templates.get(c.kind)!;
            const result = evaluateConstraint({ template, constraint: c.doc.value, object: r.value, ...review, ...(namespace ? { namespace } : {}) });
            const verdict = result.error ? 'error' : !result.matched ? 'skip' : result.violations.length ? 'fail' : 'pass';
            const message = result.error?.message ?? result.violations.map((v) => v.msg).join('; ');
            verdicts.push({ resource: id, policy: `${c.kind}/${c.name}`, rule: result.enforcementAction, verdict, message });
          }
        }
      } else {
        const namespaces = new Map<string, Record<string, string>>();
        for (const d of policies) {
          const o = d.value as { kind?: unknown; metadata?: { name?: unknown; labels?: Record<string, string> } };
          if (o.kind === 'Namespace' && typeof o.metadata?.name === 'string') namespaces.set(o.metadata.name, o.metadata.labels ?? {});
        }
        for (const r of resources) {
          const id = identity(r);
          const ns = id.namespace ?? 'default';
          const labels = namespaces.get(ns) ?? namespaceLabels;
          const result = admit({ namespace: { name: ns, labels }, object: r.value, operation: operation === 'UPDATE' ? 'UPDATE' : 'CREATE' });
          const policy = policyFromNamespaceLabels(labels);
          for (const mode of ['enforce', 'audit', 'warn'] as const) {
            const v = result[mode];
            const lv = policy[mode];
            const verdict = typeof v === 'string' ? 'skip' : v.allowed ? 'pass' : 'fail';
            const message = typeof v === 'string' ? v : v.failures.map((f) => `${f.reason ?? f.check}${f.detail ? ` (${f.detail})` : ''}`).join(', ');
            verdicts.push({ resource: id, policy: `namespace/${ns}`, rule: `${mode} ${lv.level}:${typeof lv.version === 'string' ? lv.version : `v1.${lv.version.minor}`}`, verdict, message });
          }
        }
      }
      if (format === 'json') io.stdout(`${JSON.stringify({ engine, verdicts }, null, 2)}\n`);
      else {
        for (const v of verdicts) io.stdout(`${v.verdict.toUpperCase().padEnd(5)} ${v.resource.kind}/${v.resource.namespace ? `${v.resource.namespace}/` : ''}${v.resource.name} (${v.resource.file}:${v.resource.line}) ${v.policy}/${v.rule}${v.message ? `: ${v.message}` : ''}\n`);
      }
      return verdicts.some((v) => v.verdict === 'fail' || v.verdict === 'error') ? 1 : 0;
    },
  };
}
