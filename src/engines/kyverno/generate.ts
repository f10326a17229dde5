/**
 * Kyverno's background side, offline: `generate` rules with a `data` source and `mutate` rules (on the admitted
 * object, and on `targets` for mutate-existing), run over a small in-memory cluster. It reads ClusterPolicy/Policy
 * documents as YAML gives them, never the secpol IR. Checked against (docs/engines/kyverno.md, Generate and mutate):
 * the Generate Rules page (data source, synchronize table, rule-level generateExisting), pkg/background/generate
 * (generator.go: preconditions, then variables substituted in the whole generate pattern, then data/clone; data.go
 * at 6587cc1: create when missing, update only with synchronize, no re-create of a deleted non-synchronized
 * downstream), pkg/background/common/labels.go (managed-by and generated-by labels) and api/kyverno/v1 Mutation
 * (rule-level mutateExistingOnPolicyUpdate, targets).
 *
 * Supported subset, anything else is an `error` result naming it: match/exclude (any/all/legacy), preconditions,
 * variables in `{{ }}`; generate with `data` (not clone, cloneList, foreach); mutate with patchStrategicMerge over
 * maps and scalars (lists replaced) whose only anchor is `+(key)` (add if absent), no patchesJson6902 or foreach;
 * no `context` entries.
 */
import { ConditionError, evaluateConditions } from './conditions.js';
import { excludeBlockApplies, matchBlockMismatch, type RequestFacts } from './match.js';
import { asArray, asString, isObject, type JsonObject, stringMap } from './types.js';
import { substituteDocument, VariableError, type VarContext } from './variables.js';

export interface BackgroundResult {
  readonly policy: string;
  readonly rule: string;
  readonly status: 'pass' | 'skip' | 'error';
  readonly message: string;
}

/** Where a generated object came from: what `synchronize` will do to it. */
export interface Provenance {
  readonly policy: string;
  readonly rule: string;
  readonly triggerKey: string;
  readonly synchronize: boolean;
}

interface LoadedRule {
  readonly policy: string;
  readonly policyNamespace: string | undefined;
  readonly raw: JsonObject;
  readonly name: string;
  readonly generateExisting: boolean;
  readonly mutateExisting: boolean;
}

export function objectKey(o: JsonObject): string {
  const meta = isObject(o['metadata']) ? o['metadata'] : {};
  return `${asString(o['apiVersion']) ?? ''}/${asString(o['kind']) ?? ''}/${asString(meta['namespace']) ?? ''}/${asString(meta['name']) ?? ''}`;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

function factsOf(o: JsonObject, operation: 'CREATE' | 'UPDATE'): RequestFacts {
  const apiVersion = asString(o['apiVersion']) ?? '';
  const slash = apiVersion.indexOf('/');
  const meta = isObject(o['metadata']) ? o['metadata'] : {};
  return {
    group: slash === -1 ? '' : apiVersion.slice(0, slash),
    version: slash === -1 ? apiVersion : apiVersion.slice(slash + 1),
    kind: asString(o['kind']) ?? '',
    name: asString(meta['name']) ?? '',
    namespace: asString(meta['namespace']) ?? '',
    labels: stringMap(meta['labels']),
    annotations: stringMap(meta['annotations']),
    operation,
    subresource: '',
    namespaceLabels: {},
    userInfo: undefined,
  };
}

function varsOf(o: JsonObject, facts: RequestFacts): VarContext {
  const namespace = facts.kind === 'Namespace' ? '' : facts.namespace;
  return {
    deleteRequest: false,
    data: { request: { operation: facts.operation, object: o, namespace, name: facts.name, kind: { group: facts.group, version: facts.version, kind: facts.kind } } },
  };
}

/** Strategic merge of maps; `+(key)` adds only when absent; null deletes; any other value (lists included) replaces. */
function mergePatch(target: JsonObject, patch: JsonObject, at: string): void {
  for (const [rawKey, value] of Object.entries(patch)) {
    const add = /^\+\((.*)\)$/.exec(rawKey);
    if (!add && /^[(<=^X]\(|^\(/.test(rawKey)) throw new VariableError(`anchor ${rawKey} at ${at} is outside the engine's subset (only +(key))`);
    const key = add ? (add[1] ?? '') : rawKey;
    if (add) {
      if (!(key in target)) target[key] = clone(value);
      continue;
    }
    if (value === null) delete target[key];
    else if (isObject(value)) {
      const current = target[key];
      const next = isObject(current) ? current : {};
      mergePatch(next, value, `${at}.${key}`);
      target[key] = next;
    } else target[key] = clone(value);
  }
}

/** Loads the rules of Kyverno policy documents that generate or mutate; other documents and rules are ignored. */
function loadRules(docs: readonly unknown[]): LoadedRule[] {
  const rules: LoadedRule[] = [];
  for (const doc of docs) {
    if (!isObject(doc) || !(asString(doc['apiVersion']) ?? '').startsWith('kyverno.io/')) continue;
    if (doc['kind'] !== 'ClusterPolicy' && doc['kind'] !== 'Policy') continue;
    const meta = isObject(doc['metadata']) ? doc['metadata'] : {};
    const spec = isObject(doc['spec']) ? doc['spec'] : {};
    for (const raw of asArray(spec['rules'])) {
      if (!isObject(raw)) continue;
      const gen = isObject(raw['generate']) ? raw['generate'] : undefined;
      const mut = isObject(raw['mutate']) ? raw['mutate'] : undefined;
      if (!gen && !mut) continue;
      rules.push({
        policy: asString(meta['name']) ?? '',
        policyNamespace: doc['kind'] === 'Policy' ? (asString(meta['namespace']) ?? 'default') : undefined,
        raw,
        name: asString(raw['name']) ?? '',
        // The rule-level field, and the deprecated spec-level ones (api/kyverno/v1 Spec: GenerateExisting, GenerateExistingOnPolicyUpdate).
        generateExisting: gen?.['generateExisting'] === true || spec['generateExisting'] === true || spec['generateExistingOnPolicyUpdate'] === true,
        mutateExisting: mut?.['mutateExistingOnPolicyUpdate'] === true || spec['mutateExistingOnPolicyUpdate'] === true,
      });
    }
  }
  return rules;
}

/**
 * An in-memory cluster with Kyverno's generate and mutate rules installed. `install` is the policy's creation with
 * the triggers that already exist; `admit` is an admission request followed by the background work it queues.
 */
export class KyvernoBackground {
  private readonly rules: readonly LoadedRule[];
  private readonly store = new Map<string, JsonObject>();
  private readonly origin = new Map<string, Provenance>();
  /** Downstream objects a non-synchronized rule created once: Kyverno does not re-create them (data.go). */
  private readonly createdOnce = new Set<string>();
  readonly results: BackgroundResult[] = [];

  constructor(docs: readonly unknown[]) {
    this.rules = loadRules(docs);
  }

  get(key: string): JsonObject | undefined {
    const o = this.store.get(key);
    return o ? clone(o) : undefined;
  }

  provenance(key: string): Provenance | undefined {
    return this.origin.get(key);
  }

  /** Every object in the cluster, sorted by key. */
  objects(): JsonObject[] {
    return [...this.store.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => clone(o));
  }

  /** Objects that exist before the policy, then the policy's install: generateExisting and mutateExistingOnPolicyUpdate rules run for each. */
  install(existing: readonly JsonObject[]): void {
    for (const o of existing) this.store.set(objectKey(o), clone(o));
    for (const o of existing) {
      const trigger = this.store.get(objectKey(o));
      if (!trigger) continue;
      for (const rule of this.rules) {
        if (isObject(rule.raw['generate']) && rule.generateExisting) this.runGenerate(rule, trigger, 'CREATE');
        if (isObject(rule.raw['mutate']) && rule.mutateExisting && isObject(rule.raw['mutate']) && asArray(rule.raw['mutate']['targets']).length > 0) this.runMutateTargets(rule, trigger, 'CREATE');
      }
    }
  }

  /**
   * An admission request (CREATE or UPDATE): mutate rules patch the object, it is stored, then generate and
   * mutate-existing run as background work. Returns the object as admitted (before the background work; `get` has
   * the state after it).
   */
  admit(resource: JsonObject, operation: 'CREATE' | 'UPDATE'): JsonObject {
    let object = clone(resource);
    for (const rule of this.rules) {
      const mut = rule.raw['mutate'];
      if (!isObject(mut) || asArray(mut['targets']).length > 0) continue;
      object = this.runMutateSelf(rule, object, operation);
    }
    const key = objectKey(object);
    this.store.set(key, object);
    for (const rule of this.rules) {
      if (isObject(rule.raw['generate'])) this.runGenerate(rule, object, operation);
      const mut = rule.raw['mutate'];
      if (isObject(mut) && asArray(mut['targets']).length > 0) this.runMutateTargets(rule, object, operation);
    }
    return clone(object);
  }

  /** A downstream object removed by hand: a synchronized rule re-creates it on its next run for the trigger. */
  delete(key: string): void {
    this.store.delete(key);
  }

  private record(rule: LoadedRule, status: BackgroundResult['status'], message: string): void {
    this.results.push({ policy: rule.policy, rule: rule.name, status, message });
  }

  /** match, exclude, then preconditions; undefined when the rule applies, else why not (or an error). */
  private applies(rule: LoadedRule, o: JsonObject, operation: 'CREATE' | 'UPDATE'): { facts: RequestFacts; vars: VarContext } | 'no' | 'error' {
    const facts = factsOf(o, operation);
    if (rule.policyNamespace !== undefined && facts.namespace !== rule.policyNamespace) return 'no';
    if (matchBlockMismatch(rule.raw['match'], facts) !== undefined) return 'no';
    if (rule.raw['exclude'] !== undefined && excludeBlockApplies(rule.raw['exclude'], facts)) return 'no';
    if (asArray(rule.raw['context']).length > 0) {
      this.record(rule, 'error', 'context entries are outside the engine subset');
      return 'error';
    }
    const vars = varsOf(o, facts);
    try {
      if (rule.raw['preconditions'] !== undefined && !evaluateConditions(rule.raw['preconditions'], vars).result) return 'no';
    } catch (e) {
      if (!(e instanceof ConditionError || e instanceof VariableError)) throw e;
      this.record(rule, 'error', `failed to evaluate preconditions: ${e.message}`);
      return 'error';
    }
    return { facts, vars };
  }

  private runGenerate(rule: LoadedRule, trigger: JsonObject, operation: 'CREATE' | 'UPDATE'): void {
    const triggerKey = objectKey(trigger);
    const gen = rule.raw['generate'] as JsonObject;
    const applies = this.applies(rule, trigger, operation);
    if (applies === 'error') return;
    if (applies === 'no') {
      // Synchronized downstream follows its trigger: one that no longer matches loses it (Generate Rules, "Linking trigger with downstream").
      for (const [key, p] of [...this.origin.entries()]) {
        if (p.policy === rule.policy && p.rule === rule.name && p.triggerKey === triggerKey && p.synchronize) {
          this.store.delete(key);
          this.origin.delete(key);
        }
      }
      return;
    }
    for (const unsupported of ['clone', 'cloneList', 'foreach']) {
      const v = gen[unsupported];
      if (v !== undefined && v !== null && !(isObject(v) && Object.keys(v).length === 0) && !(Array.isArray(v) && v.length === 0)) {
        this.record(rule, 'error', `generate.${unsupported} is outside the engine subset`);
        return;
      }
    }
    let pattern: JsonObject;
    try {
      pattern = substituteDocument(gen, applies.vars) as JsonObject;
    } catch (e) {
      if (!(e instanceof VariableError)) throw e;
      this.record(rule, 'error', `variable substitution failed: ${e.message}`);
      return;
    }
    const data = pattern['data'];
    if (!isObject(data)) {
      this.record(rule, 'skip', 'data is nil');
      return;
    }
    const synchronize = pattern['synchronize'] === true;
    const apiVersion = asString(pattern['apiVersion']) ?? '';
    const kind = asString(pattern['kind']) ?? '';
    const name = asString(pattern['name']) ?? '';
    const namespace = asString(pattern['namespace']) ?? '';
    const { apiVersion: _a, kind: dataKind, metadata: dataMeta, ...rest } = clone(data);
    const meta: JsonObject = isObject(dataMeta) ? dataMeta : {};
    const object: JsonObject = { apiVersion, kind: typeof dataKind === 'string' && dataKind !== '' ? dataKind : kind, metadata: meta, ...rest };
    meta['name'] = name;
    if (namespace !== '') meta['namespace'] = namespace;
    else delete meta['namespace'];
    const labels = stringMap(meta['labels']);
    const tfacts = applies.facts;
    labels['app.kubernetes.io/managed-by'] ??= 'kyverno';
    labels['kyverno.io/generated-by-kind'] ??= tfacts.kind.slice(0, 63);
    labels['kyverno.io/generated-by-namespace'] ??= tfacts.namespace.slice(0, 63);
    labels['kyverno.io/generated-by-name'] ??= tfacts.name.slice(0, 63);
    meta['labels'] = labels;
    const key = objectKey(object);
    const exists = this.store.has(key);
    if (!exists && !synchronize && this.createdOnce.has(key)) {
      this.record(rule, 'skip', 'synchronize is disabled: a deleted downstream is not re-created');
      return;
    }
    if (exists && !synchronize) {
      this.record(rule, 'skip', 'synchronize is disabled: the existing downstream is not updated');
      return;
    }
    this.store.set(key, object);
    this.origin.set(key, { policy: rule.policy, rule: rule.name, triggerKey, synchronize });
    this.createdOnce.add(key);
    this.record(rule, 'pass', `${exists ? 'updated' : 'created'} ${key}`);
  }

  private patchOf(rule: LoadedRule, vars: VarContext): JsonObject | undefined {
    const mut = rule.raw['mutate'] as JsonObject;
    for (const unsupported of ['patchesJson6902', 'foreach']) {
      if (mut[unsupported] !== undefined) {
        this.record(rule, 'error', `mutate.${unsupported} is outside the engine subset`);
        return undefined;
      }
    }
    try {
      const patch = substituteDocument(mut['patchStrategicMerge'] ?? {}, vars);
      if (!isObject(patch)) throw new VariableError('patchStrategicMerge is not a map');
      return patch;
    } catch (e) {
      if (!(e instanceof VariableError)) throw e;
      this.record(rule, 'error', `variable substitution failed: ${e.message}`);
      return undefined;
    }
  }

  private apply(rule: LoadedRule, object: JsonObject, patch: JsonObject): JsonObject | undefined {
    const out = clone(object);
    try {
      mergePatch(out, patch, '');
    } catch (e) {
      if (!(e instanceof VariableError)) throw e;
      this.record(rule, 'error', e.message);
      return undefined;
    }
    return out;
  }

  private runMutateSelf(rule: LoadedRule, object: JsonObject, operation: 'CREATE' | 'UPDATE'): JsonObject {
    const applies = this.applies(rule, object, operation);
    if (applies === 'no' || applies === 'error') return object;
    const patch = this.patchOf(rule, applies.vars);
    const patched = patch ? this.apply(rule, object, patch) : undefined;
    if (!patched) return object;
    this.record(rule, 'pass', `mutated ${objectKey(object)}`);
    return patched;
  }

  private runMutateTargets(rule: LoadedRule, trigger: JsonObject, operation: 'CREATE' | 'UPDATE'): void {
    const applies = this.applies(rule, trigger, operation);
    if (applies === 'no' || applies === 'error') return;
    const mut = rule.raw['mutate'] as JsonObject;
    let targets: unknown;
    try {
      targets = substituteDocument(mut['targets'], applies.vars);
    } catch (e) {
      if (!(e instanceof VariableError)) throw e;
      this.record(rule, 'error', `variable substitution failed: ${e.message}`);
      return;
    }
    const patch = this.patchOf(rule, applies.vars);
    if (!patch) return;
    for (const t of asArray(targets)) {
      if (!isObject(t)) continue;
      const prefix = `${asString(t['apiVersion']) ?? ''}/${asString(t['kind']) ?? ''}/${asString(t['namespace']) ?? ''}/`;
      const name = asString(t['name']) ?? '';
      const keys = [...this.store.keys()].filter((k) => k.startsWith(prefix) && (name === '' || k === prefix + name));
      for (const key of keys) {
        const patched = this.apply(rule, this.store.get(key)!, patch);
        if (!patched) return;
        this.store.set(key, patched);
        this.record(rule, 'pass', `mutated existing ${key}`);
      }
    }
  }
}
