/**
 * `secpol import --verify`: the ORIGINAL artifact, run in its offline engine, and the imported policy, compiled
 * back to the same backend and run in that engine, are both compared with the imported policy's semantics on
 * generated requests (verify's generator, in the form the API server stores and admits). A rule on which any of
 * them disagrees, or that the run never both violated and satisfied, is not imported.
 */
import fc from 'fast-check';
import { asStored, apiProblems } from '../verify/admitted.js';
import { evaluateConstraint, isGatekeeperError, loadTemplate, parseConstraint } from '../engines/gatekeeper/index.js';
import { requiredSyncKinds, syncedInventory } from './gatekeeper-sync.js';
import { evaluateResource, loadKyvernoDocuments } from '../engines/kyverno/index.js';
import { DEFAULT_NOW_NS } from '../engines/rego/index.js';
import { admit } from '../engines/psa/index.js';
import type { Policy } from '../ir/index.js';
import { adapterLabel, adaptersFor, compareRequest, renderDisagreement, requestArbitrary, verifyNetworks, type EngineAdapter, type EngineVerdict, type GeneratedRequest } from '../verify/index.js';
import YAML from 'yaml';
import { findKnownKind, type FieldSchema } from '../check/fields/index.js';
import { compileTo } from '../compile.js';
import type { NetworkSet } from '../ir/index.js';
import { buildChecked } from './import.js';
import type { ImportedPolicy } from './model.js';
import { probeRules } from './probes.js';

export interface RuleProof {
  /** The imported rule key. */
  readonly key: string;
  readonly proven: boolean;
  /** Why not: the rendered counterexample, or what was never exercised. */
  readonly reason?: string;
}

export interface ProofOptions {
  readonly runs: number;
  readonly seed: number;
}

const targetOf = { kyverno: 'kyverno', gatekeeper: 'gatekeeper', psa: 'psa', netpol: 'netpol' } as const;

/** Compares until every remaining rule agrees; returns the first rule that does not (or undefined when all do). */
export async function proveOnce(imported: ImportedPolicy, policy: Policy, options: ProofOptions): Promise<{ failed?: RuleProof; cases: number; engines: string[] }> {
  const originals = originalAdapters(imported, policy);
  const built = await adaptersFor(policy, [targetOf[imported.original.engine]]);
  if (built.excluded.length) {
    // The backend cannot express the translation: every rule is unproven for that reason.
    return { failed: { key: imported.rules[0]?.key ?? '', proven: false, reason: `the imported policy does not compile back to ${imported.original.engine}: ${built.excluded[0]!.reason}` }, cases: 0, engines: [] };
  }
  const adapters: EngineAdapter[] = [...originals, ...built.adapters];
  const counts: Record<string, number> = {};
  const outcomes: Record<string, { fail: number; pass: number; skip: number }> = {};
  const reach: Record<string, Record<string, { violated: number; allowed: number }>> = {};
  let cases = 0;
  const requests = requestArbitrary(generationPolicy(imported) ?? policy).map(storedForm);
  const result = fc.check(
    fc.property(requests, (request) => {
      fc.pre(admitted(request));
      cases++;
      return compareRequest(policy, adapters, request, counts, outcomes, reach) === undefined;
    }),
    { seed: options.seed, numRuns: options.runs, maxSkipsPerRun: 50 },
  );
  const example = result.counterexample?.[0] as GeneratedRequest | undefined;
  if (result.failed && example) {
    const d = compareRequest(policy, adapters, example, {});
    if (d) return { failed: { key: d.rule, proven: false, reason: renderDisagreement(d).replace(/^policy \S+, rule \S+: the backends disagree\n/, '') }, cases, engines: adapters.map(adapterLabel) };
  }
  if (result.failed && result.errorInstance) throw result.errorInstance;
  if (result.failed) return { failed: { key: imported.rules[0]?.key ?? '', proven: false, reason: `the generator could not make enough requests the API server accepts (${cases} judged)` }, cases, engines: adapters.map(adapterLabel) };
  for (const r of imported.rules) {
    const o = outcomes[r.key];
    if (!o || o.fail === 0 || o.pass === 0) {
      return { failed: { key: r.key, proven: false, reason: `in scope it was never ${!o || o.fail === 0 ? 'violated' : 'satisfied'} in ${cases} generated requests, so agreement proves nothing` }, cases, engines: adapters.map(adapterLabel) };
    }
    const decided = Object.entries(reach[r.key] ?? {}).filter(([, v]) => v.violated + v.allowed > 0).map(([k]) => k);
    if (!decided.includes(adapterLabel(originals[0]!))) return { failed: { key: r.key, proven: false, reason: 'the original engine never gave a verdict on it in scope' }, cases, engines: adapters.map(adapterLabel) };
  }
  return { cases, engines: adapters.map(adapterLabel) };
}

/**
 * The imported rule a Constraint's violation on this object belongs to: the rule that applies to the object's
 * apiVersion and kind (a Constraint translated to one rule per kind, K8sStorageClass), else the first.
 */
function ruleKeyFor(policy: Policy, object: unknown): string {
  const o = isMap(object) ? object : {};
  const rule = policy.rules.find((r) => (r.subjects ?? policy.scope.subjects).some((s) => s.kind === 'resource' && (s.group ? `${s.group}/${s.version}` : s.version) === o['apiVersion'] && s.resourceKind === o['kind'])) ?? policy.rules[0];
  return `${policy.name}/${rule?.name ?? ''}`;
}

function originalAdapters(imported: ImportedPolicy, policy: Policy): EngineAdapter[] {
  const o = imported.original;
  const keyOf = new Map(imported.rules.map((r) => [r.original, r.key]));
  const label = `${o.engine} (original)`;
  if (o.engine === 'kyverno') {
    const loaded = loadKyvernoDocuments(o.documents);
    return [{
      backend: 'kyverno',
      label,
      evaluate(request) {
        const results = evaluateResource(loaded.policies, request.object, {
          operation: request.operation,
          namespaceLabels: request.namespaceLabels,
          // The original PolicyExceptions run with the original policy, at the request's instant (their expiry).
          exceptions: loaded.exceptions,
          now: request.now ?? DEFAULT_NOW_NS / 1e6,
          ...(request.subResource ? { subresource: request.subResource } : {}),
          ...(request.userInfo ? { userInfo: { username: request.userInfo.username } } : {}),
        });
        const out = new Map<string, EngineVerdict>();
        for (const r of results) {
          const key = keyOf.get(r.rule);
          if (r.policy !== o.policy || key === undefined) continue;
          const violated = r.status === 'fail' || r.status === 'error';
          const full = `${imported.name}/${key}`;
          const prev = out.get(full);
          if (!prev || (violated && !prev.violated)) out.set(full, { violated, message: `${r.status}: ${r.message}`, ...(violated ? { blocks: r.status === 'error' || r.failureAction === 'Enforce' } : {}) });
        }
        return out;
      },
    }];
  }
  if (o.engine === 'gatekeeper') {
    const template = loadTemplate(o.template);
    const constraint = parseConstraint(o.constraint);
    if (isGatekeeperError(template)) throw new Error(`the original ConstraintTemplate does not load: ${template.message}`);
    if (isGatekeeperError(constraint)) throw new Error(`the original Constraint does not load: ${constraint.message}`);
    const synced = requiredSyncKinds(o.template);
    const verdicts = (request: GeneratedRequest, operation: string | undefined) => {
      const key = ruleKeyFor(policy, request.object);
      const namespace = request.namespace ? { apiVersion: 'v1', kind: 'Namespace', metadata: { name: request.namespace, labels: request.namespaceLabels } } : undefined;
      const admission = operation ? { operation, ...(request.subResource ? { subResource: request.subResource } : {}), ...(request.userInfo ? { userInfo: { username: request.userInfo.username } } : {}), ...(request.oldObject !== undefined ? { oldObject: request.oldObject } : {}) } : {};
      // The original reads the request's instant (time.now_ns(): exception expiry) and the objects beside it (data.inventory).
      const clock = request.now !== undefined ? { nowNs: request.now * 1e6 } : {};
      const inventory = request.inventory ? { inventory: syncedInventory(request.inventory, synced) } : {};
      const result = evaluateConstraint({ template, constraint, object: request.object, ...admission, ...(namespace ? { namespace } : {}), ...clock, ...inventory });
      const out = new Map<string, EngineVerdict>();
      if (result.error) out.set(key, { violated: true, message: `error: ${result.error.message}`, blocks: true });
      else if (o.byRule) {
        for (const v of result.violations) {
          const rule = (v.details as { rule?: unknown } | null)?.rule;
          const k = typeof rule === 'string' ? keyOf.get(rule) : undefined;
          if (k === undefined) continue;
          const full = `${imported.name}/${k}`;
          const prev = out.get(full);
          out.set(full, { violated: true, message: prev ? `${prev.message}; ${v.msg}` : v.msg, blocks: result.enforcementAction === 'deny' });
        }
      } else if (result.violations.length) out.set(key, { violated: true, message: result.violations.map((v) => v.msg).join('; '), blocks: result.enforcementAction === 'deny' });
      return out;
    };
    return [
      // Gatekeeper's default ValidatingWebhookConfiguration sends CREATE and UPDATE only (docs/backends/gatekeeper.md).
      { backend: 'gatekeeper', label, evaluate: (request) => (request.operation === 'CREATE' || request.operation === 'UPDATE' ? verdicts(request, request.operation) : undefined) },
      // Audit and gator review stored objects with no operation, subresource or user.
      { backend: 'gatekeeper', label: 'gatekeeper-audit (original)', evaluate: (request) => (request.operation === 'CREATE' && !request.subResource && !request.userInfo ? verdicts(request, undefined) : undefined) },
    ];
  }
  if (o.engine === 'netpol') throw new Error('NetworkPolicies are proven by proveNetwork');
  return [{
    backend: 'psa',
    label,
    evaluate(request) {
      const out = new Map<string, EngineVerdict>();
      if (request.namespace !== o.namespace || request.operation === 'DELETE') return out;
      const result = admit({ namespace: { name: o.namespace, labels: { ...request.namespaceLabels, ...o.labels } }, object: request.object, operation: request.operation === 'UPDATE' ? 'UPDATE' : 'CREATE', ...(request.subResource ? { subresource: request.subResource } : {}) });
      const isPod = (request.object as { kind?: string }).kind === 'Pod';
      for (const r of imported.rules) {
        const mode = r.key.replace('pod-security-', '') as 'enforce' | 'audit' | 'warn';
        const v = result[mode];
        if (typeof v === 'string') continue;
        if (mode === 'enforce' && !isPod) continue;
        out.set(`${imported.name}/${r.key}`, { violated: !v.allowed, message: v.failures.map((f) => f.reason ?? f.check).join(', ') });
      }
      return out;
    },
  }];
}

/** The imported policy plus probe rules for every field and value the original reads: requests come from both. */
function generationPolicy(imported: ImportedPolicy): Policy | undefined {
  const probes = probeRules(imported).map((lines, i) => ({ key: `probe-${i + 1}`, original: `probe-${i + 1}`, origin: imported.origin, lines }));
  if (probes.length === 0) return undefined;
  const built = buildChecked({ ...imported, head: imported.head.filter((h) => !h.startsWith('mode ')), rules: [...imported.rules, ...probes], missing: [] }, { today: '2000-01-01' });
  return built.set?.policies[0];
}

/**
 * Whether the API server would pass the request on to admission (api-validity.ts). A controller without a pod
 * template is generated for rules over the controller object itself (`applies to "apps/v1" Deployment`); the
 * missing template is the only problem not held against it.
 */
function admitted(request: GeneratedRequest): boolean {
  return apiProblems(request).every((p) => /^spec\.(jobTemplate\.spec\.)?template\.spec: Required value$/.test(p)) && handlersAreObjects(request.object);
}

/** Probe and lifecycle handlers (exec, httpGet, tcpSocket, grpc) are objects in the Kubernetes API (Probe, LifecycleHandler). */
function handlersAreObjects(object: unknown): boolean {
  const spec = (o: unknown): unknown => (isMap(o) && isMap(o['spec']) ? o['spec'] : undefined);
  const pod = isMap(object) && object['kind'] === 'Pod' ? spec(object) : undefined;
  if (!isMap(pod)) return true;
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const c of Array.isArray(pod[list]) ? pod[list] : []) {
      if (!isMap(c)) continue;
      const lifecycle = isMap(c['lifecycle']) ? c['lifecycle'] : {};
      const holders = [c['livenessProbe'], c['readinessProbe'], c['startupProbe'], lifecycle['postStart'], lifecycle['preStop']];
      for (const h of holders) {
        if (h === undefined) continue;
        if (!isMap(h)) return false;
        for (const k of ['exec', 'httpGet', 'tcpSocket', 'grpc']) if (h[k] !== undefined && !isMap(h[k])) return false;
      }
    }
  }
  return true;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The request as admission sees it: api-validity's stored form for Pods and controllers; for every other built-in
 * kind an explicit null is an unset field too (Go's JSON decoding into typed objects). Values the generator writes
 * with a type the API reference rules out, and which api-validity does not check, are made well-typed instead of
 * rejected (probe and lifecycle handlers become objects, resource quantities become "1"), so that enough requests
 * reach admission.
 */
function storedForm(request: GeneratedRequest): GeneratedRequest {
  const stored = asStored(request);
  const object = dropNulls(stored.object) as Record<string, unknown>;
  dropIllTyped(object);
  const spec = object['kind'] === 'Pod' && isMap(object['spec']) ? object['spec'] : undefined;
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const c of spec && Array.isArray(spec[list]) ? spec[list] : []) {
      if (!isMap(c)) continue;
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (c[probe] === undefined) continue;
        if (!isMap(c[probe])) c[probe] = {};
        const h = c[probe] as Record<string, unknown>;
        for (const k of ['exec', 'httpGet', 'tcpSocket', 'grpc']) if (h[k] !== undefined && !isMap(h[k])) h[k] = {};
      }
      const resources = c['resources'];
      if (isMap(resources)) {
        for (const k of ['limits', 'requests']) {
          const m = resources[k];
          if (m !== undefined && !isMap(m)) resources[k] = {};
          else if (isMap(m)) for (const [name, v] of Object.entries(m)) if (!(typeof v === 'number' || (typeof v === 'string' && /^[0-9.]+[A-Za-z]*$/.test(v)))) m[name] = '1';
        }
      }
    }
  }
  return { ...stored, object };
}

function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (!isMap(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, dropNulls(x)]));
}

/**
 * A network block: the ORIGINAL NetworkPolicies, in the NetworkPolicy engine, and the block compiled back, are each
 * compared with the block's semantics on verify's generated cluster and connections. Returns why not, or undefined.
 */
export async function proveNetwork(imported: ImportedPolicy, networks: readonly NetworkSet[], options: ProofOptions): Promise<string | undefined> {
  if (imported.original.engine !== 'netpol') return 'not a network import';
  const original = [{ path: 'netpol/original.yaml', content: imported.original.documents.map((d) => YAML.stringify(d)).join('---\n'), objects: [] }];
  const describe = (d: { connection: { from: unknown; to: unknown; protocol: string; port: number }; ir: boolean; engine: boolean }, who: string) =>
    `${who} ${d.engine ? 'allows' : 'denies'} ${JSON.stringify(d.connection.from)} -> ${JSON.stringify(d.connection.to)} on ${d.connection.protocol}/${d.connection.port}, which the imported block ${d.ir ? 'allows' : 'denies'}`;
  const a = verifyNetworks(networks, original, options);
  if (a.disagreement) return describe(a.disagreement, 'the original');
  const compiled = await compileTo({ policies: [], networks }, ['netpol']);
  if (!compiled.value) return `the block does not compile back to NetworkPolicies: ${compiled.diagnostics[0]?.message ?? ''}`;
  const b = verifyNetworks(networks, compiled.value, options);
  if (b.disagreement) return describe(b.disagreement, 'the block compiled back');
  return undefined;
}

/**
 * For the built-in kinds other than Pods and their controllers (whose fields api-validity checks), a field whose
 * value has a JSON type the Kubernetes API reference rules out (secpol's known-field table) is left out: the API
 * server would reject the request, and the object without it is the nearest one that reaches admission.
 */
function dropIllTyped(object: Record<string, unknown>): void {
  const apiVersion = typeof object['apiVersion'] === 'string' ? object['apiVersion'] : '';
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const kind = typeof object['kind'] === 'string' ? object['kind'] : '';
  if (kind === 'Pod' || ['apps', 'batch'].includes(group ?? '')) return;
  const known = findKnownKind(group ?? '', version ?? '', kind);
  if (known) clean(object, known.schema);
}

function clean(value: Record<string, unknown>, schema: FieldSchema): void {
  for (const [k, v] of Object.entries(value)) {
    const field = schema.fields?.[k] ?? schema.values;
    if (!field) continue;
    if (!typeFits(v, field)) {
      delete value[k];
      continue;
    }
    if (field.type === 'object-list' && field.element && Array.isArray(v)) {
      const kept = v.filter((x) => isMap(x));
      kept.forEach((x) => clean(x as Record<string, unknown>, field.element!));
      value[k] = kept;
    } else if (isMap(v) && (field.fields || field.values)) clean(v, field);
  }
}

function typeFits(v: unknown, schema: FieldSchema): boolean {
  switch (schema.type) {
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    case 'quantity':
      return typeof v === 'number' || typeof v === 'string';
    case 'string-list':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'object-list':
      return Array.isArray(v);
    case 'object':
    case 'string-map':
      return isMap(v);
    default:
      return true;
  }
}
