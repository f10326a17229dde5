import { evaluatePodSecurityRules, evaluateRule, type RuleVerdict } from '../eval/index.js';
import { walkPredicate, type Mode, type Policy, type PolicySet, type Rule, type Severity } from '../ir/index.js';
import { formatLine } from '../source/index.js';
import { adapterLabel, adaptersFor, quantitiesShown, type EngineAdapter, type EngineVerdict } from '../verify/index.js';
import type { LoadedManifests, Manifest } from './load-manifests.js';
import { locateFinding } from './locate.js';

/** Who judges the manifests: the reference semantics (`ir`) or a backend's engine on its compiled artifacts. */
export type AuditTarget = 'ir' | 'kyverno' | 'gatekeeper' | 'psa' | 'kyverno-cel';
export const auditTargets: readonly AuditTarget[] = ['ir', 'kyverno', 'gatekeeper', 'psa', 'kyverno-cel'];

export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  /** The object's namespace as audited (metadata.namespace, else `default`); null for cluster-scoped or invalid objects. */
  readonly namespace: string | null;
  readonly name: string;
  readonly file: string;
  readonly line: number;
}

/** One violated rule on one object (or one manifest that is not an object: rule `invalid-manifest`). */
export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly object: ObjectRef;
  readonly policy: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly mode: Mode;
  readonly message: string;
  /** `file:line` of the rule in the policy source; null for `invalid-manifest`. */
  readonly source: string | null;
}

/** A rule that can produce findings, for SARIF's rule table. */
export interface RuleInfo {
  /** `policy/rule`. */
  readonly id: string;
  readonly policy: string;
  readonly rule: string;
  readonly title: string;
  readonly description: string;
  readonly severity: Severity;
  readonly mode: Mode;
  readonly source: string | null;
}

/** One rule judged on one object (rules that do not apply to the object are not listed). */
export interface Evaluation {
  readonly policy: string;
  readonly rule: string;
  readonly object: ObjectRef;
  readonly finding?: Finding;
}

export interface AuditReport {
  readonly target: AuditTarget;
  readonly files: number;
  readonly objects: number;
  readonly rules: readonly RuleInfo[];
  readonly findings: readonly Finding[];
  readonly evaluations: readonly Evaluation[];
  /** Policies (or rules) the target backend could not compile or omits, with the reason; not audited. */
  readonly excluded: readonly { readonly policy: string; readonly reason: string }[];
}

export interface AuditOptions {
  readonly target: AuditTarget;
  /**
   * The instant the objects are judged at (ms since the epoch; `--now`): exceptions apply only before the end of
   * their `expires` date, in the semantics and in the engines whose output reads a clock. Absent: before every expiry.
   */
  readonly now?: number;
  /** Called every `progressEvery` objects with the count done so far. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly progressEvery?: number;
}

export const invalidManifestRule: RuleInfo = {
  id: 'secpol/invalid-manifest',
  policy: 'secpol',
  rule: 'invalid-manifest',
  title: 'Manifest is not a Kubernetes object',
  description: 'A manifest document could not be parsed, is not a mapping, or lacks apiVersion or kind; it was not audited.',
  severity: 'high',
  mode: 'enforce',
  source: null,
};

/** Kinds that have no namespace (they never get the `default` namespace). */
const clusterScoped = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding', 'PriorityClass', 'RuntimeClass',
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'APIService',
  'IngressClass', 'CSIDriver', 'ClusterPolicy', 'ConstraintTemplate',
]);

interface RuleSlot {
  readonly info: RuleInfo;
  readonly rule?: Rule;
}

function slotsOf(policy: Policy, target: AuditTarget): { slots: RuleSlot[]; omitted: string[] } {
  const base = { policy: policy.name, severity: policy.severity };
  const slots: RuleSlot[] = [];
  const omitted: string[] = [];
  if (target === 'psa' && policy.rules.length) {
    // PSA judges Pod Security levels only: say which rules this target leaves unaudited (issue 15 item 12).
    omitted.push(`rule${policy.rules.length > 1 ? 's' : ''} ${policy.rules.map((r) => r.name).join(', ')}: PSA audits only pod-security lines`);
  } else if (target !== 'psa') {
    for (const rule of policy.rules) {
      if (target !== 'ir' && rule.omissions.some((o) => o.backends.includes(target))) {
        omitted.push(`rule ${rule.name} is omitted from ${target}`);
        continue;
      }
      const info = { ...base, id: `${policy.name}/${rule.name}`, rule: rule.name, title: rule.title ?? policy.title ?? rule.name, description: rule.description ?? policy.description ?? '', mode: policy.mode, source: formatLine(rule.span) };
      slots.push({ info, rule });
    }
  }
  for (const ps of policy.podSecurity) {
    const name = `pod-security-${ps.mode}`;
    const version = ps.version === 'latest' ? 'latest' : `v1.${ps.version.minor}`;
    slots.push({ info: { ...base, id: `${policy.name}/${name}`, rule: name, title: `Pod Security Standard ${ps.level}:${version} (${ps.mode})`, description: policy.description ?? '', mode: ps.mode, source: formatLine(ps.span) } });
  }
  return { slots, omitted };
}

/** Engine verdicts keyed by `policy/rule`, with Kyverno's autogen rules folded into the rule they were generated from. */
function normalize(verdicts: ReadonlyMap<string, EngineVerdict>): Map<string, EngineVerdict> {
  const out = new Map<string, EngineVerdict>();
  for (const [key, v] of verdicts) {
    const k = key.replace(/\/autogen-(cronjob-)?/, '/');
    const prev = out.get(k);
    if (!prev || (v.violated && !prev.violated)) out.set(k, v);
  }
  return out;
}

function objectRef(m: Manifest, namespace: string | undefined): ObjectRef {
  return { apiVersion: m.apiVersion, kind: m.kind, namespace: namespace ?? null, name: m.name, file: m.file, line: m.line };
}

function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.policy < b.policy ? -1 : a.policy > b.policy ? 1 : 0) || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}

/**
 * Judges every object against every policy. Each policy is compiled (for an engine target) once; each object is
 * evaluated as a CREATE into its namespace, whose labels come from the Namespace objects among the manifests.
 */
export async function runAudit(set: PolicySet, loaded: LoadedManifests, options: AuditOptions): Promise<AuditReport> {
  const { target } = options;
  const excluded: { policy: string; reason: string }[] = [];
  const judged: { policy: Policy; slots: RuleSlot[]; adapters: EngineAdapter[] }[] = [];
  for (const policy of set.policies) {
    const { slots, omitted } = slotsOf(policy, target);
    for (const reason of omitted) excluded.push({ policy: policy.name, reason });
    if (!slots.length) continue;
    if (target === 'ir') {
      judged.push({ policy, slots, adapters: [] });
      continue;
    }
    if (policy.omissions.some((o) => o.backends.includes(target))) {
      excluded.push({ policy: policy.name, reason: `omitted from ${target}` });
      continue;
    }
    const built = await adaptersFor(policy, [target]);
    for (const e of built.excluded) excluded.push({ policy: e.policy, reason: e.reason });
    // An audit judges existing objects: where a backend's engine has an audit review shape (Gatekeeper's
    // audit reviews objects with operation ""), that is the one that speaks for it.
    const auditing = built.adapters.filter((a) => adapterLabel(a) === `${a.backend}-audit`);
    if (built.adapters.length) judged.push({ policy, slots, adapters: auditing.length ? auditing : built.adapters });
  }

  const namespaceLabels = new Map<string, Record<string, string>>();
  for (const m of loaded.manifests) {
    if (m.kind !== 'Namespace' || m.apiVersion !== 'v1' || !m.name) continue;
    const labels = (m.object['metadata'] as { labels?: unknown } | undefined)?.labels;
    const strings = typeof labels === 'object' && labels !== null ? Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string') : [];
    namespaceLabels.set(m.name, Object.fromEntries(strings));
  }

  // Rules that read other objects (`role referenced by roleRef`) look them up among the audited manifests: the
  // manifests are the cluster (semantics §3.1; Gatekeeper's data.inventory, Kyverno's API calls).
  const readsReferences = set.policies.some((p) => p.rules.some((r) => [r.predicate, ...(r.when ? [r.when] : [])].some((x) => [...walkPredicate(x)].some((n) => n.node.kind === 'referenced'))));
  const inventory = readsReferences ? { inventory: loaded.manifests.map((m) => m.object as Record<string, unknown>) } : {};
  const findings: Finding[] = [];
  const evaluations: Evaluation[] = [];
  const total = loaded.manifests.length;
  const every = options.progressEvery ?? 500;
  loaded.manifests.forEach((m, index) => {
    const namespace = m.namespace ?? (clusterScoped.has(m.kind) ? undefined : 'default');
    const labels = namespace === undefined ? {} : { ...(namespaceLabels.get(namespace) ?? {}), 'kubernetes.io/metadata.name': namespace };
    const request = { object: m.object, operation: 'CREATE' as const, ...(namespace !== undefined ? { namespace } : {}), namespaceLabels: labels, ...(options.now !== undefined ? { now: options.now } : {}), ...inventory };
    const ref = objectRef(m, namespace);
    for (const { policy, slots, adapters } of judged) {
      const reference = new Map<string, RuleVerdict>();
      for (const v of [...policy.rules.map((r) => evaluateRule(policy, r, request)), ...evaluatePodSecurityRules(policy, request)]) reference.set(v.rule, v);
      const verdicts = adapters[0]?.evaluate({ ...request, namespace, object: quantitiesShown(m.object) as Record<string, unknown> });
      const engine = verdicts ? normalize(verdicts) : undefined;
      for (const slot of slots) {
        const ref0 = reference.get(slot.info.rule);
        let outcome: 'pass' | 'fail' | 'skip';
        let message: string | undefined;
        if (engine) {
          const v = engine.get(slot.info.id) ?? engine.get(`${policy.name}/*`);
          outcome = v?.violated ? 'fail' : v || ref0?.outcome !== 'skip' ? 'pass' : 'skip';
          // Kyverno's adapter prefixes the rule status; a finding is a failure by definition.
          message = v?.message?.replace(/^fail: /, '');
        } else {
          outcome = ref0?.outcome ?? 'skip';
          message = ref0?.message;
        }
        if (outcome === 'skip') continue;
        let finding: Finding | undefined;
        if (outcome === 'fail') {
          const at = locateFinding(m, slot.rule?.subjects ?? policy.scope.subjects, slot.rule, ref0?.message);
          finding = { file: m.file, ...at, object: ref, policy: policy.name, rule: slot.info.rule, severity: slot.info.severity, mode: slot.info.mode, message: message ?? `rule ${slot.info.rule} is violated`, source: slot.info.source };
          findings.push(finding);
        }
        evaluations.push({ policy: policy.name, rule: slot.info.rule, object: ref, ...(finding ? { finding } : {}) });
      }
    }
    if (options.onProgress && (index + 1) % every === 0) options.onProgress(index + 1, total);
  });

  for (const bad of [...loaded.invalid].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line))) {
    const object: ObjectRef = { apiVersion: '', kind: '', namespace: null, name: '', file: bad.file, line: bad.line };
    const finding: Finding = { file: bad.file, line: bad.line, column: bad.column, object, policy: 'secpol', rule: 'invalid-manifest', severity: 'high', mode: 'enforce', message: bad.reason, source: null };
    findings.push(finding);
    evaluations.push({ policy: 'secpol', rule: 'invalid-manifest', object, finding });
  }

  const rules = judged.flatMap((j) => j.slots.map((s) => s.info));
  if (loaded.invalid.length) rules.push(invalidManifestRule);
  return { target, files: loaded.files, objects: total, rules, findings: findings.sort(compareFindings), evaluations, excluded };
}

/** Whether the findings fail the run: any finding of an enforce-mode rule, or any finding at all when strict. */
export function isBlocking(findings: readonly Finding[], strict: boolean): boolean {
  return findings.some((f) => strict || f.mode === 'enforce');
}
