import { exitCodeFor, printDiagnostics, type Io } from '../output.js';
import { oneOf, UsageError, type Command } from '../args.js';
import type { EngineRun, EvalContext } from './eval/context.js';
import { runGatekeeper } from './eval/gatekeeper.js';
import { loadDocuments, toInputs } from './eval/inputs.js';
import { runKyverno } from './eval/kyverno.js';
import { parseProbe, renderConnections, runNetpol } from './eval/netpol.js';
import { runPsa } from './eval/psa.js';
import { listFlag, namesAfter, requesterFrom } from './eval/requester.js';
import { runVap } from './eval/vap.js';
import { runKyvernoCel } from './eval/kyverno-cel.js';
import type { Diagnostic } from '../../diagnostics/index.js';

export type { EvalVerdict } from './eval/context.js';

/** Options that take several values: the positionals after them are theirs, not resources. */
const FILE_LISTS = ['policy', 'inventory'] as const;
const NAME_LISTS = ['group', 'roles', 'cluster-roles', 'probe', 'from', 'to'] as const;

export function evalCommand(io: Io): Command {
  return {
    name: 'eval',
    summary: 'Run one offline engine on any artifacts (secpol output or hand-written) and print per-rule verdicts.',
    usage: 'secpol eval --engine kyverno|gatekeeper|vap|kyverno-cel|psa|netpol --policy FILE... --resource FILE... [--inventory FILE...] [--operation OP] [--user NAME] [--group G...] [--roles R...] [--cluster-roles R...] [--namespace-labels k=v,...] [--probe PROTO/PORT...] [--from PEER...] [--to PEER...] [--format text|json]',
    options: {
      engine: { type: 'string' },
      policy: { type: 'string', multiple: true },
      resource: { type: 'string', multiple: true },
      inventory: { type: 'string', multiple: true },
      format: { type: 'string' },
      operation: { type: 'string' },
      'namespace-labels': { type: 'string' },
      user: { type: 'string' },
      group: { type: 'string', multiple: true },
      roles: { type: 'string', multiple: true },
      'cluster-roles': { type: 'string', multiple: true },
      probe: { type: 'string', multiple: true },
      from: { type: 'string', multiple: true },
      to: { type: 'string', multiple: true },
    },
    help: [
      '--engine E          kyverno (ClusterPolicy/Policy/PolicyException), gatekeeper (ConstraintTemplates + Constraints),',
      '                    vap (ValidatingAdmissionPolicies + bindings), kyverno-cel (Kyverno ValidatingPolicies +',
      '                    PolicyExceptions), psa (labelled Namespaces), netpol (NetworkPolicies)',
      '--policy FILE...    artifacts to evaluate (several files, or the flag repeated)',
      '--resource FILE...  resources (several files, or the flag repeated; files after the other flags are resources too);',
      '                    AdmissionReviews are reviewed as their request says (operation, oldObject, userInfo);',
      '                    Namespace objects among them serve namespace selectors',
      '--inventory FILE... gatekeeper: objects synced into data.inventory, as gator syncs them; kyverno: the cluster objects rule context API calls (urlPath) read',
      '--operation OP      CREATE, UPDATE or DELETE: an admission request. Default: kyverno, vap, kyverno-cel, psa CREATE; gatekeeper',
      '                    reviews each resource as its audit and gator do (operation "")',
      '--user NAME         the requesting user (kyverno, gatekeeper, vap, kyverno-cel); default an anonymous request, as gator and',
      '                    the kyverno CLI send without user info',
      '--group G...        the user\'s groups (kyverno, gatekeeper, vap, kyverno-cel)',
      '--roles R...        kyverno: the Roles Kyverno would resolve for the user (--cluster-roles R...: ClusterRoles)',
      '--namespace-labels  labels of the resources\' namespace when no Namespace object is given, k=v,k2=v2',
      '--probe PROTO/PORT  netpol: the connections to decide (TCP/443 UDP/53 ...); default every port of TCP, UDP, SCTP',
      '--from PEER...      netpol: sources (a namespace, namespace/name of a pod or workload, namespace/name[Kind], an IP);',
      '                    --to PEER... destinations; default every pod and workload. Output: allowed connections per pair',
      '--format text|json  report format',
    ],
    async run(values, positionals, after = {}) {
      const engine = oneOf(values['engine'], ['kyverno', 'gatekeeper', 'vap', 'kyverno-cel', 'psa', 'netpol'] as const, '--engine', 'kyverno');
      if (values['engine'] === undefined) throw new UsageError('--engine is required');
      const format = oneOf(values['format'], ['text', 'json'] as const, '--format', 'text');
      const operation = values['operation'] === undefined ? undefined : oneOf(values['operation'], ['CREATE', 'UPDATE', 'DELETE'] as const, '--operation', 'CREATE');
      const taken = new Set([...FILE_LISTS.flatMap((g) => after[g] ?? []), ...NAME_LISTS.flatMap((g) => namesAfter(after, g))]);
      // `--policy a.yaml b.yaml` (a shell glob) names several policy files; other positionals are resources.
      const policyFiles = listFlag(values, after, 'policy', true);
      const inventoryFiles = listFlag(values, after, 'inventory', true);
      const resourceFiles = [...(values['resource'] as string[] | undefined ?? []), ...positionals.filter((p) => !taken.has(p))];
      if (inventoryFiles.length && engine !== 'gatekeeper' && engine !== 'kyverno') throw new UsageError('--inventory is for --engine gatekeeper (data.inventory) and kyverno (the cluster rule context API calls read); other engines read no other objects');
      for (const f of ['probe', 'from', 'to'] as const) if (listFlag(values, after, f).length && engine !== 'netpol') throw new UsageError(`--${f} is for --engine netpol`);
      const requester = requesterFrom(values, after, engine);
      if (policyFiles.length === 0) throw new UsageError('--policy is required: the artifacts to evaluate');
      if (resourceFiles.length === 0) throw new UsageError('--resource is required: the objects to evaluate the artifacts on');
      const probes = listFlag(values, after, 'probe').map(parseProbe);
      const diagnostics: Diagnostic[] = [];
      const policies = loadDocuments(policyFiles, diagnostics);
      const resources = loadDocuments(resourceFiles, diagnostics);
      const inventory = loadDocuments(inventoryFiles, diagnostics);
      const namespaceLabels = Object.fromEntries(
        String(values['namespace-labels'] ?? '')
          .split(',')
          .filter(Boolean)
          .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      );
      if (exitCodeFor(diagnostics) || engine !== 'netpol') {
        if (diagnostics.length) printDiagnostics(io, diagnostics, 'text');
        if (exitCodeFor(diagnostics)) return exitCodeFor(diagnostics);
      }
      if (engine === 'netpol') {
        const answer = runNetpol([...resources, ...policies], { probes: probes.length ? probes : undefined, from: listFlag(values, after, 'from'), to: listFlag(values, after, 'to') });
        const all = [...diagnostics, ...answer.diagnostics];
        if (all.length) printDiagnostics(io, all, 'text');
        for (const e of answer.warnings) io.stderr(`warning: ${e}\n`);
        io.stdout(format === 'json' ? `${JSON.stringify({ engine, ...(answer.probes ? { probes: answer.probes } : {}), connections: answer.connections }, null, 2)}\n` : renderConnections(answer));
        return 0;
      }
      const ctx: EvalContext = { policies, resources: toInputs(resources), inventory, operation, namespaceLabels, requester };
      const run: EngineRun = engine === 'kyverno' ? runKyverno(ctx) : engine === 'gatekeeper' ? runGatekeeper(ctx) : engine === 'vap' ? runVap(ctx) : engine === 'kyverno-cel' ? runKyvernoCel(ctx) : runPsa(ctx);
      for (const e of run.warnings) io.stderr(`warning: ${e}\n`);
      if (run.diagnostics.length) printDiagnostics(io, run.diagnostics, 'text');
      if (exitCodeFor(run.diagnostics)) return exitCodeFor(run.diagnostics);
      const { verdicts } = run;
      if (format === 'json') io.stdout(`${JSON.stringify({ engine, verdicts }, null, 2)}\n`);
      else {
        for (const v of verdicts) io.stdout(`${v.verdict.toUpperCase().padEnd(5)} ${v.resource.kind}/${v.resource.namespace ? `${v.resource.namespace}/` : ''}${v.resource.name} (${v.resource.file}:${v.resource.line}) ${v.policy}/${v.rule}${v.message ? `: ${v.message}` : ''}\n`);
      }
      return verdicts.some((v) => v.verdict === 'fail' || v.verdict === 'error') ? 1 : 0;
    },
  };
}
