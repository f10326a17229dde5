import { evaluateConstraint, isGatekeeperError, loadTemplate, type Template } from '../../engines/gatekeeper/index.js';
import { evaluateResource, loadKyvernoDocuments } from '../../engines/kyverno/index.js';
import { connectivityMatrix, loadCluster, renderMatrix, type Probe } from '../../engines/netpol/index.js';
import { admit, policyFromNamespaceLabels } from '../../engines/psa/index.js';
import { pathDiagnostic, type Diagnostic } from '../../diagnostics/index.js';
import { SourceFile } from '../../source/index.js';
import { parseYamlFile, type YamlDocument } from '../../suite/index.js';
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
    // Lists (kind: List / *List) hold their objects in items.
    for (const d of parsed.documents) {
      const v = d.value as { kind?: unknown; items?: unknown };
      if (typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items)) docs.push(...v.items.map((value) => ({ ...d, value })));
      else docs.push(d);
    }
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

export function evalCommand(io: Io): Command {
  return {
    name: 'eval',
    summary: 'Run one offline engine on any artifacts (secpol output or hand-written) and print per-rule verdicts.',
    usage: 'secpol eval --engine kyverno|gatekeeper|psa|netpol --policy FILE... --resource FILE... [--namespace-labels k=v,...] [--format text|json]',
    options: { engine: { type: 'string' }, policy: { type: 'string', multiple: true }, resource: { type: 'string', multiple: true }, format: { type: 'string' }, operation: { type: 'string' }, 'namespace-labels': { type: 'string' } },
    help: [
      '--engine E          kyverno (ClusterPolicy/Policy/PolicyException), gatekeeper (ConstraintTemplates + Constraints), psa (labelled Namespaces), netpol (NetworkPolicies)',
      '--policy FILE       artifacts to evaluate (repeatable)',
      '--resource FILE     resources (repeatable); for netpol: Namespaces and Pods, and the output is the connectivity matrix',
      '--operation OP      CREATE (default), UPDATE, DELETE',
      '--namespace-labels  labels of the resources\' namespace, k=v,k2=v2 (for namespace selectors)',
      '--format text|json  report format',
    ],
    async run(values, positionals) {
      const engine = oneOf(values['engine'], ['kyverno', 'gatekeeper', 'psa', 'netpol'] as const, '--engine', 'kyverno');
      if (values['engine'] === undefined) throw new UsageError('--engine is required');
      const format = oneOf(values['format'], ['text', 'json'] as const, '--format', 'text');
      const operation = oneOf(values['operation'], ['CREATE', 'UPDATE', 'DELETE'] as const, '--operation', 'CREATE');
      const diagnostics: Diagnostic[] = [];
      const policies = loadDocuments(many(values['policy']), diagnostics);
      // Extra positional files are resources too, so `--resource samples/*.yaml` works with a shell glob.
      const resources = loadDocuments([...many(values['resource']), ...positionals], diagnostics);
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
        for (const r of resources) {
          for (const x of evaluateResource(loaded.policies, r.value, { operation, namespaceLabels, exceptions: loaded.exceptions })) {
            verdicts.push({ resource: identity(r), policy: x.policy, rule: x.rule, verdict: x.status, message: x.message });
          }
        }
      } else if (engine === 'gatekeeper') {
        const templates = new Map<string, Template>();
        const constraints: { doc: YamlDocument; kind: string; name: string }[] = [];
        for (const d of policies) {
          const o = d.value as { kind?: unknown; metadata?: { name?: unknown } };
          if (o.kind === 'ConstraintTemplate') {
            const t = loadTemplate(d.value);
            if (isGatekeeperError(t)) io.stderr(`warning: ${d.file.path}: ${t.message}\n`);
            else templates.set(t.constraintKind, t);
          } else constraints.push({ doc: d, kind: String(o.kind ?? ''), name: String(o.metadata?.name ?? '') });
        }
        for (const r of resources) {
          const id = identity(r);
          const namespace = id.namespace ? { apiVersion: 'v1', kind: 'Namespace', metadata: { name: id.namespace, labels: { ...namespaceLabels, 'kubernetes.io/metadata.name': id.namespace } } } : undefined;
          for (const c of constraints) {
            const template = templates.get(c.kind);
            if (!template) continue;
            const result = evaluateConstraint({ template, constraint: c.doc.value, object: r.value, operation, ...(namespace ? { namespace } : {}) });
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
