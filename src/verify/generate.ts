import fc from 'fast-check';
import { controllerUsernames, expiryEndMs, ownedLevels, podControllers, type LabelSelector, type Operation, type Policy, type Subject, type Unique, type UniqueKind } from '../ir/index.js';
import { ConstantPool, policyConstants, scaleTargetNames, storageClassNames, uniqueCandidates, type Site } from './constants.js';
import { jsonCopy } from './json-copy.js';
import { admittedOnly, admittedValues, listElementAt, mend, placeOf, podSites, resourceSites, type Domain, type SiteSchemas } from './domain.js';

/** A generated admission request: the object, its namespace and that namespace's labels. */
export interface GeneratedRequest {
  readonly object: Record<string, unknown>;
  readonly operation: Operation;
  readonly namespace: string | undefined;
  readonly namespaceLabels: Readonly<Record<string, string>>;
  /** `ephemeralcontainers` for a `kubectl debug` request (an UPDATE of the Pod's subresource); absent for the resource. */
  readonly subResource?: string;
  /** The requesting user; absent when none is known (what an audit of existing objects sees). */
  readonly userInfo?: { readonly username: string };
  /**
   * The instant of the request (ms since the epoch) when the policy has expiring exceptions: one of
   * `expiryInstants`, given to the semantics and to every engine that reads a clock. Absent otherwise.
   */
  readonly now?: number;
  /**
   * Cluster objects that exist beside the request, when the policy reads references (`role referenced by roleRef`):
   * Roles and ClusterRoles that do and do not satisfy the reference's body, under the names the request may name,
   * some missing. Given to the semantics (AdmissionRequest.inventory), Gatekeeper (data.inventory) and Kyverno (the
   * cluster its API calls read).
   */
  readonly inventory?: readonly Record<string, unknown>[];
  /** On an UPDATE of a policy with `is unchanged` tests: the stored object it replaces (those values kept, changed or unset). */
  readonly oldObject?: Record<string, unknown>;
  /**
   * Offline image signature facts (a suite's `signatures:` file, src/suite/signatures.ts), as plain data: engines
   * that verify images (Kyverno) build their own oracle from them. Absent: no oracle, `verify images` rules skip.
   */
  readonly signatures?: readonly unknown[];
}

/**
 * The instants verify judges a policy's expiring exceptions at (issue 15 item 7): for each distinct expiry, noon of
 * the day before, the last second of the expiry date (UTC) and the next second, when the exception has ended.
 */
export function expiryInstants(policy: Policy): number[] {
  const ends = [...new Set(policy.exceptions.flatMap((e) => (e.expires === undefined ? [] : [expiryEndMs(e.expires)])))].sort((a, b) => a - b);
  return ends.flatMap((end) => [end - 36 * 3_600_000, end - 1_000, end]);
}

const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'CustomResourceDefinition', 'PriorityClass', 'RuntimeClass']);

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cur = target;
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      cur[key] = value;
      return;
    }
    const next = cur[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  });
}

/** b over a, recursively for plain objects (lists and scalars from b replace a's). */
function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = clone(a);
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
    out[k] = isObj(prev) && isObj(v) ? deepMerge(prev, v) : clone(v);
  }
  return out;
}

function clone<T>(v: T): T {
  return v === undefined ? v : (jsonCopy(v) as T);
}

type Pair = [readonly string[], unknown];

/**
 * One pooled path: left out, set to the policy's own literal (the first candidate, weighted up), to a
 * neighbour, or to an explicit null. Discriminator fields named `type` are never null: the API server
 * requires them, so such objects never reach admission.
 */
function pooledEntry(e: PoolEntry): fc.Arbitrary<Pair | undefined> {
  const [literal, ...others] = e.values;
  // A known field's null is stored as unset (admitted.ts): its weight goes to leaving the field out.
  const nullable = e.path[e.path.length - 1] !== 'type';
  const choices: fc.WeightedArbitrary<unknown>[] = [{ weight: e.known && nullable ? 4 : 3, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: fc.constant(literal).map(clone) }];
  if (others.length) choices.push({ weight: 3, arbitrary: fc.constantFrom(...others).map(clone) });
  if (nullable && !e.known) choices.push({ weight: 1, arbitrary: fc.constant(null) });
  return fc.oneof(...choices).map((v): Pair | undefined => (v === undefined ? undefined : [e.path, v]));
}

/** A pooled path and its candidates; `known`: a field of a built-in kind, whose null is only an unset field. */
interface PoolEntry {
  readonly path: readonly string[];
  readonly values: readonly unknown[];
  readonly known?: boolean;
}

/**
 * A site's pooled paths. In the admitted domain (`schemas` given), a path into a known field keeps only the values
 * its type admits (no `"true"` for a boolean, no string for an integer, no null) and a path through a list or a
 * scalar is dropped; fields the table does not know, and kinds that are not built in, keep every candidate.
 */
function entriesAt(pool: ConstantPool, site: Site, schemas: SiteSchemas | undefined): PoolEntry[] {
  const entries = pool.at(site);
  const schema = schemas?.[site];
  if (!schema) return entries;
  return entries.flatMap((e): PoolEntry[] => {
    const place = placeOf(schema, e.path);
    if (place.kind === 'free') return [e];
    if (place.kind === 'blocked') return [];
    const values = admittedValues(place.schema, e.path, e.values);
    return values.length ? [{ path: e.path, values, known: true }] : [];
  });
}

/**
 * The pooled paths of a site. Small pools draw every path; large ones (pod security) perturb only a few,
 * so that an object can still satisfy every check at once.
 */
function pooled(pool: ConstantPool, site: Site, schemas?: SiteSchemas): fc.Arbitrary<Pair[]> {
  const entries = entriesAt(pool, site, schemas);
  if (entries.length === 0) return fc.constant([]);
  const draw = (es: readonly typeof entries[number][]) => (es.length ? fc.tuple(...es.map(pooledEntry)).map((ps) => ps.filter((p): p is Pair => p !== undefined)) : fc.constant([] as Pair[]));
  if (entries.length <= 6) return draw(entries);
  return fc.subarray(entries, { maxLength: 3 }).chain(draw);
}

function build(base: Record<string, unknown>, pairs: readonly (readonly [readonly string[], unknown])[]): Record<string, unknown> {
  const out = clone(base);
  // Shorter paths first, so a specific field is written after (inside) a generic parent value.
  for (const [path, value] of [...pairs].sort((a, b) => a[0].length - b[0].length)) setPath(out, path, clone(value));
  return out;
}

function labelCandidates(selectors: readonly (LabelSelector | undefined)[]): fc.Arbitrary<Record<string, string>> {
  const keys = new Map<string, Set<string>>();
  for (const s of selectors) {
    if (!s) continue;
    for (const [k, v] of Object.entries(s.matchLabels)) (keys.get(k) ?? keys.set(k, new Set()).get(k)!).add(v);
    for (const e of s.matchExpressions) {
      const set = keys.get(e.key) ?? keys.set(e.key, new Set()).get(e.key)!;
      e.values.forEach((v) => set.add(v));
    }
  }
  const entries = [...keys.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) return fc.constant({});
  return fc
    .tuple(...entries.map(([k, vs]) => fc.option(fc.constantFrom(...vs, 'other'), { nil: undefined }).map((v) => [k, v] as const)))
    .map((pairs) => Object.fromEntries(pairs.filter((p): p is readonly [string, string] => p[1] !== undefined)));
}

function imageCandidates(policy: Policy, pool: ConstantPool): string[] {
  const fromPool = pool.at('container').filter((e) => e.path.length === 1 && e.path[0] === 'image').flatMap((e) => e.values.filter((v): v is string => typeof v === 'string'));
  const fromExceptions = policy.exceptions.flatMap((e) => e.images.map((g) => g.replace(/\*/g, 'x').replace(/\?/g, 'y')));
  return [...new Set(['nginx:1.25', ...fromPool, ...fromExceptions])];
}

function element(pool: ConstantPool, site: Site, base: fc.Arbitrary<Record<string, unknown>>, schemas?: SiteSchemas): fc.Arbitrary<Record<string, unknown>> {
  return fc.tuple(base, pooled(pool, site, schemas)).map(([b, pairs]) => {
    if (site !== 'volume') return build(b, pairs);
    // A volume has exactly one source (the API server rejects more): a pooled source replaces the base one.
    const source = pairs.find(([path]) => path[0] !== 'name')?.[0][0];
    const kept = source ? { name: b['name'] } : b;
    return build(kept, source ? pairs.filter(([path]) => path[0] === source || path[0] === 'name') : pairs);
  });
}

/**
 * Containers carry their ports and env (the port/env domains are read through containers). A container
 * usually repeats the pod's shared draw, so `every container has …` is satisfied as often as violated.
 */
function containerArb(policy: Policy, pool: ConstantPool, index: number, shared: Record<string, unknown>, schemas?: SiteSchemas): fc.Arbitrary<Record<string, unknown>> {
  const own = element(pool, 'container', fc.constantFrom(...imageCandidates(policy, pool)).map((image) => ({ image })), schemas);
  const body = fc.oneof({ weight: 3, arbitrary: fc.constant(shared) }, { weight: 2, arbitrary: own });
  const ports = fc.option(fc.array(element(pool, 'port', fc.constantFrom({ containerPort: 8080 }, { containerPort: 80, name: 'http' }), schemas), { maxLength: 2 }), { nil: undefined });
  const env = fc.option(fc.array(element(pool, 'env', fc.constantFrom({ name: 'MODE', value: 'prod' }, { name: 'TOKEN' }), schemas), { maxLength: 2 }), { nil: undefined });
  const items = itemLists(pool, 'container', schemas);
  return fc.tuple(body, ports, env, items).map(([c, p, e, lists]) => {
    const out: Record<string, unknown> = { name: `c${index}`, ...clone(c), ...(p ? { ports: p } : {}), ...(e ? { env: e } : {}) };
    for (const [path, list] of lists) setPath(out, path, list);
    return out;
  });
}

function containers(policy: Policy, pool: ConstantPool, min: number, max: number, offset: number, shared: Record<string, unknown>, schemas?: SiteSchemas) {
  return fc.integer({ min, max }).chain((n): fc.Arbitrary<Record<string, unknown>[]> => (n === 0 ? fc.constant([]) : fc.tuple(...Array.from({ length: n }, (_, i) => containerArb(policy, pool, offset + i, shared, schemas)))));
}

/**
 * Lists for the `item in path` domains read at a site, each element drawn from the item pool (in the admitted
 * domain, typed as the list's element where the path is a known list of objects, and none where it is no such list).
 */
function itemLists(pool: ConstantPool, site: Site, schemas?: SiteSchemas): fc.Arbitrary<[readonly string[], unknown[]][]> {
  const paths = pool.itemPaths.filter((x) => x.site === site).flatMap((x): { path: readonly string[]; schemas: SiteSchemas | undefined }[] => {
    if (!schemas) return [{ path: x.path, schemas }];
    const place = listElementAt(schemas[site], x.path);
    return place.kind === 'blocked' ? [] : [{ path: x.path, schemas: place.kind === 'known' ? { ...schemas, item: place.schema } : {} }];
  });
  if (paths.length === 0) return fc.constant([]);
  return fc
    .tuple(...paths.map((x) => fc.option(fc.array(element(pool, 'item', fc.constant({}), x.schemas), { maxLength: 3 }), { nil: undefined }).map((list) => [x.path, list] as const)))
    .map((pairs) => pairs.filter((p): p is readonly [readonly string[], Record<string, unknown>[]] => p[1] !== undefined).map(([path, list]): [readonly string[], unknown[]] => [path, list]));
}

/** A pod that passes the restricted Pod Security Standard: the base that pod-security policies perturb. */
const compliantPodSecurity = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
const compliantContainerSecurity = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };

function podSpecArb(policy: Policy, pool: ConstantPool, schemas?: SiteSchemas): fc.Arbitrary<{ spec: Record<string, unknown>; objectPairs: Pair[] }> {
  const volumes = fc.option(fc.array(element(pool, 'volume', fc.constantFrom({ name: 'data', emptyDir: {} }, { name: 'host', hostPath: { path: '/var' } }, { name: 'cfg', configMap: { name: 'cfg' } }), schemas), { maxLength: 2 }), { nil: undefined });
  const compliant = policy.podSecurity.length > 0 ? fc.boolean() : fc.constant(false);
  return fc
    .record({ compliant, shared: element(pool, 'container', fc.constantFrom(...imageCandidates(policy, pool)).map((image) => ({ image })), schemas) })
    .chain(({ compliant: base, shared }) => {
      const sharedBody = base ? deepMerge({ securityContext: compliantContainerSecurity }, shared) : shared;
      return fc
        .record({
          containers: containers(policy, pool, 1, 3, 0, sharedBody, schemas),
          initContainers: fc.option(containers(policy, pool, 0, 2, 10, sharedBody, schemas), { nil: undefined }),
          ephemeralContainers: fc.option(containers(policy, pool, 0, 1, 20, sharedBody, schemas), { nil: undefined }),
          volumes,
          objectPairs: pooled(pool, 'object', schemas),
        })
        .map(({ containers: cs, initContainers, ephemeralContainers, volumes: vs, objectPairs }) => ({
          spec: { ...(base ? { securityContext: clone(compliantPodSecurity) } : {}), containers: cs, ...(initContainers ? { initContainers } : {}), ...(ephemeralContainers ? { ephemeralContainers } : {}), ...(vs ? { volumes: vs } : {}) },
          objectPairs,
        }));
    });
}

function nameCandidates(policy: Policy): string[] {
  const names = policy.exceptions.flatMap((e) => e.workloads.flatMap((w) => [w.name, `${w.name}-7f9c-abcde`, `${w.name}-7f9c5d`]));
  return [...new Set(['app', ...names])];
}

type OwnerReference = Record<string, unknown>;

/**
 * Controller ownerReferences an object may carry (issue 22 item 2): for every exempted workload, the genuine
 * reference of each object its controllers create (the workload, or the ReplicaSet/Job named `<name>-<suffix>`),
 * and what an attacker would write instead: a look-alike name (`<name>-evil-7f9c5d`, `<name>x`), another kind or
 * apiVersion, `controller: false` or no `controller` at all. A user can write any of these; only the request's
 * user tells the controller's objects apart.
 */
function ownerCandidates(policy: Policy): OwnerReference[] {
  const refs: OwnerReference[] = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'app-7f9c5d', controller: true }];
  for (const w of policy.exceptions.flatMap((e) => e.workloads)) {
    for (const level of ownedLevels(w.kind)) {
      const { apiVersion, kind } = level.owner;
      const name = level.owner.name === 'generated' ? `${w.name}-7f9c5d` : w.name;
      refs.push(
        { apiVersion, kind, name, controller: true },
        { apiVersion, kind, name: level.owner.name === 'generated' ? `${w.name}-evil-7f9c5d` : `${w.name}x`, controller: true },
        { apiVersion, kind, name, controller: false },
        { apiVersion, kind, name },
        { apiVersion: 'extensions/v1beta1', kind, name, controller: true },
        { apiVersion: 'apps/v1', kind: kind === 'Deployment' ? 'StatefulSet' : 'Deployment', name: w.name, controller: true },
      );
    }
  }
  const seen = new Set<string>();
  return refs.filter((r) => !seen.has(JSON.stringify(r)) && !!seen.add(JSON.stringify(r)));
}

/**
 * Who sends the request: nobody known (an audit of existing objects), an ordinary user or a pod's service
 * account (the attacker), or one of the kube-controller-manager controllers that create objects for workloads
 * (more often when the policy exempts workloads, so that their pods are seen from both sides).
 */
function userArbitrary(policy: Policy, namespaces: readonly string[]): fc.Arbitrary<{ username: string } | undefined> {
  const controllers = [...new Set(podControllers.flatMap((c) => ownedLevels(c.kind)).flatMap(controllerUsernames))].sort();
  const attackers = ['alice', ...namespaces.map((ns) => `system:serviceaccount:${ns}:default`)];
  const exempting = policy.exceptions.some((e) => e.workloads.length > 0);
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constantFrom(...attackers).map((username) => ({ username })) },
    { weight: exempting ? 3 : 1, arbitrary: fc.constantFrom(...controllers).map((username) => ({ username })) },
  );
}

function namespaceCandidates(policy: Policy): string[] {
  const s = policy.scope;
  const fromExceptions = policy.exceptions.flatMap((e) => [...e.namespaces, ...e.workloads.map((w) => w.namespace)]);
  // 'tenant-a': a namespace no policy names, so that rules reading the namespace see one other than default.
  return [...new Set(['default', 'tenant-a', ...s.namespaces, ...s.excludedNamespaces, ...fromExceptions])].sort();
}

/** A generated object; `owned`: it is one an exempted workload's controller would create, if sent by one of `users` in `namespace`. */
interface GeneratedObject {
  readonly object: Record<string, unknown>;
  readonly namespaced: boolean;
  readonly owned?: { readonly namespace: string; readonly users: readonly string[] };
}

/**
 * Objects the exempted workloads' controllers create: the object's kind and its genuine controller ownerReference
 * (the request is then sent by the controller in the workload's namespace, three times in four), so that the
 * exemption is exercised and not only its look-alikes.
 */
function ownedCases(policy: Policy): { kind: string; ref: OwnerReference; namespace: string; users: readonly string[] }[] {
  return policy.exceptions.flatMap((e) =>
    e.workloads.flatMap((w) =>
      ownedLevels(w.kind).map((level) => ({
        kind: level.kind,
        ref: { apiVersion: level.owner.apiVersion, kind: level.owner.kind, name: level.owner.name === 'generated' ? `${w.name}-7f9c5d` : w.name, controller: true },
        namespace: w.namespace,
        users: controllerUsernames(level),
      })),
    ),
  );
}

/** Pods and pod controllers (`applies to pods`), or only the `kinds` given (`applies to "v1" Pod`: Pods alone). */
function podsRequest(policy: Policy, pool: ConstantPool, schemas: SiteSchemas | undefined, kinds: readonly string[] = ['Pod', ...podControllers.map((c) => c.kind)]): fc.Arbitrary<GeneratedObject> {
  const owners = ownerCandidates(policy);
  const owned = ownedCases(policy);
  return fc
    .record({
      kind: fc.constantFrom(...kinds),
      name: fc.constantFrom(...nameCandidates(policy)),
      labels: labelCandidates([policy.scope.objectSelector]),
      pod: podSpecArb(policy, pool, schemas),
      items: itemLists(pool, 'object', schemas),
      // A template may carry its own name and namespace, which the API server ignores (issue 22 item 3).
      templateIdentity: fc.option(fc.record({ name: fc.constantFrom(...nameCandidates(policy)), namespace: fc.constantFrom(...namespaceCandidates(policy)) }), { nil: undefined }),
      owners: fc.option(fc.subarray(owners, { minLength: 1, maxLength: Math.min(2, owners.length) }), { nil: undefined, freq: 2 }),
      ownedCase: owned.length ? fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...owned) }) : fc.constant(undefined),
    })
    .map(({ kind: drawnKind, name, labels, pod, items, templateIdentity, owners: drawnOwners, ownedCase }): GeneratedObject => {
      const kind = ownedCase?.kind ?? drawnKind;
      const owners = ownedCase ? [ownedCase.ref] : drawnOwners;
      const hint = ownedCase ? { owned: { namespace: ownedCase.namespace, users: ownedCase.users } } : {};
      const podObject = build({ metadata: { labels: { ...labels } }, spec: pod.spec }, pod.objectPairs);
      for (const [path, list] of items) setPath(podObject, path, list);
      const ownerReferences = owners ? { ownerReferences: clone(owners) } : {};
      if (kind === 'Pod') {
        const metadata = { ...(podObject['metadata'] as Record<string, unknown>), name, ...ownerReferences };
        return { object: { apiVersion: 'v1', kind: 'Pod', ...podObject, metadata }, namespaced: true, ...hint };
      }
      if (templateIdentity) podObject['metadata'] = { ...(podObject['metadata'] as Record<string, unknown>), ...templateIdentity };
      const c = podControllers.find((x) => x.kind === kind)!;
      const object: Record<string, unknown> = { apiVersion: `${c.group}/${c.version}`, kind, metadata: { name, labels: { ...labels }, ...ownerReferences }, spec: {} };
      setPath(object, c.template, podObject);
      return { object, namespaced: true, ...hint };
    });
}

function resourceRequest(policy: Policy, pool: ConstantPool, subject: Extract<Subject, { kind: 'resource' }>, schemas: SiteSchemas | undefined): fc.Arbitrary<GeneratedObject> {
  const apiVersion = subject.group ? `${subject.group}/${subject.version}` : subject.version;
  const list = (site: Site, base: Record<string, unknown>) => fc.option(fc.array(element(pool, site, fc.constant(base), schemas), { maxLength: 3 }), { nil: undefined });
  return fc
    .record({
      name: fc.constantFrom(...nameCandidates(policy)),
      labels: labelCandidates([policy.scope.objectSelector]),
      pairs: pooled(pool, 'object', schemas),
      rules: list('rbac-rule', { apiGroups: [''], resources: ['pods'], verbs: ['get'] }),
      subjects: list('subject', { kind: 'User', name: 'alice' }),
      items: itemLists(pool, 'object', schemas),
      // A binding read through `role referenced by roleRef` names a ClusterRole or a Role of a candidate name.
      roleRef: pool.references.has('role') ? fc.record({ kind: fc.constantFrom('ClusterRole', 'Role'), name: fc.constantFrom(...roleNameCandidates(pool)) }) : fc.constant(undefined),
      // An HPA read through `scale target referenced by spec.scaleTargetRef`: a target of a candidate name, under
      // every target's apiVersion and kind, another apiVersion of them, a kind without scale, or no apiVersion. Any
      // other HPA gets one too: the API server requires it, so an HPA without one is never admitted.
      scale: subject.resourceKind === 'HorizontalPodAutoscaler' ? scaleTargetRefArbitrary(pool) : fc.constant(undefined),
    })
    .map(({ name, labels, pairs, rules, subjects, items, roleRef, scale }) => {
      const base: Record<string, unknown> = { apiVersion, kind: subject.resourceKind, metadata: { name, labels } };
      if (roleRef) base['roleRef'] = { apiGroup: 'rbac.authorization.k8s.io', ...roleRef };
      if (scale) base['spec'] = scale;
      const object = build(base, pairs);
      // The API server sets apiVersion and kind from the request's endpoint: an admitted object keeps its subject's.
      if (schemas) Object.assign(object, { apiVersion, kind: subject.resourceKind });
      if (rules) object['rules'] = rules;
      if (subjects) object['subjects'] = subjects;
      for (const [path, v] of items) setPath(object, path, v);
      return { object, namespaced: !clusterScoped.has(subject.resourceKind) };
    });
}

const RBAC = 'rbac.authorization.k8s.io/v1';

/** One role the inventory may hold: its kind, name, whether it lives in the request's namespace (else `other-ns`). */
interface DrawnRole {
  readonly kind: 'ClusterRole' | 'Role';
  readonly name: string;
  readonly sameNamespace: boolean;
  readonly body: Record<string, unknown>;
}

/** Role names a binding may name: two of secpol's own and the policy's roleRef.name literals. */
function roleNameCandidates(pool: ConstantPool): string[] {
  const literals = pool.at('object').filter((e) => e.path.join('.') === 'roleRef.name').flatMap((e) => e.values.filter((v): v is string => typeof v === 'string' && v !== ''));
  return [...new Set(['role-a', 'role-b', ...literals])];
}

/**
 * The inventory beside a binding (`role referenced by roleRef`, semantics §3.1): for every candidate name, a
 * ClusterRole and a Role, each present or missing, a Role in the request's namespace or in another; each with RBAC
 * rules and fields drawn from the constants of the reference's body, so that roles that do and do not satisfy it
 * both exist, and so does a binding to a role that is not there.
 */
function inventoryArbitrary(pool: ConstantPool, schemas: SiteSchemas | undefined): fc.Arbitrary<DrawnRole[]> {
  const rules = fc.option(fc.array(element(pool, 'rbac-rule', fc.constant({ apiGroups: [''], resources: ['pods'], verbs: ['get'] }), schemas), { maxLength: 3 }), { nil: undefined });
  const role = (kind: DrawnRole['kind'], name: string) =>
    fc.option(
      fc.record({ sameNamespace: kind === 'Role' ? fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }) : fc.constant(true), rules, pairs: pooled(pool, 'referenced') }).map(
        ({ sameNamespace, rules: rs, pairs }): DrawnRole => {
          const body = build({}, pairs);
          if (rs) body['rules'] = rs;
          return { kind, name, sameNamespace, body };
        },
      ),
      { nil: undefined, freq: 3 },
    );
  const names = roleNameCandidates(pool);
  return fc.tuple(...names.flatMap((n) => [role('ClusterRole', n), role('Role', n)])).map((rs) => rs.filter((r): r is DrawnRole => r !== undefined));
}

/** One other object a uniqueness test may meet: its kind, name, whether it shares the request's namespace, and body. */
interface DrawnOther {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly sameNamespace: boolean;
  readonly body: Record<string, unknown>;
}

/**
 * The other objects beside a request whose policy tests uniqueness (semantics §3.2): up to three of each kind a test
 * compares with, named like the request (its stored version, when in its namespace) or not, holding at the test's
 * place values drawn from the same candidates as the request's (uniqueCandidates), or none.
 */
function othersArbitrary(pool: ConstantPool): fc.Arbitrary<DrawnOther[]> {
  const one = (u: Unique, k: UniqueKind): fc.Arbitrary<DrawnOther> => {
    const value = fc.option(fc.constantFrom(...uniqueCandidates[u.compare]), { nil: undefined, freq: 4 });
    const hops = u.place.slice(0, -1);
    const last = u.place[u.place.length - 1]!;
    const holder = fc.array(value, { maxLength: 2 }).map((vs) => vs.map((v) => (v === undefined ? {} : setAt({}, last, clone(v)))));
    const body = hops.length === 0 ? value.map((v) => (v === undefined ? {} : setAt({}, last, clone(v)))) : holder.map((elements) => setAt({}, hops[0]!, elements));
    return fc.record({ name: fc.constantFrom('app', 'other-app'), sameNamespace: fc.boolean(), body }).map(({ name, sameNamespace, body: b }) => ({ apiVersion: k.apiVersion, kind: k.kind, name, sameNamespace, body: b }));
  };
  const all = pool.uniques.flatMap((u) => u.among.map((k) => fc.array(one(u, k), { maxLength: 3 })));
  return fc.tuple(...all).map((lists) => lists.flat());
}

/**
 * Objects of the kinds `KINDS in the cluster` quantifiers range over (semantics §3.3): none to three of each, named
 * from two names and the policy's metadata.name literals, with fields drawn from the quantifier bodies' constants.
 */
function clusterArbitrary(pool: ConstantPool): fc.Arbitrary<DrawnOther[]> {
  const literals = pool.at('cluster').filter((e) => e.path.join('.') === 'metadata.name').flatMap((e) => e.values.filter((v): v is string => typeof v === 'string' && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(v)));
  const names = [...new Set(['obj-a', 'obj-b', ...literals])];
  const one = (k: UniqueKind) => fc.record({ name: fc.constantFrom(...names), sameNamespace: fc.boolean(), pairs: pooled(pool, 'cluster') }).map(({ name, sameNamespace, pairs }): DrawnOther => ({ apiVersion: k.apiVersion, kind: k.kind, name, sameNamespace, body: build({}, pairs.filter(([path]) => path.join('.') !== 'metadata.name' && path[0] !== 'apiVersion' && path[0] !== 'kind')) }));
  return fc.tuple(...pool.clusterKinds.map((k) => fc.array(one(k), { maxLength: 3 }))).map((lists) => lists.flat());
}

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  setPath(target, path, value);
  return target;
}

/**
 * The other objects for a request in `namespace`; one not in it goes to `other-ns`. A cluster holds one object per
 * apiVersion, kind, namespace and name: later draws of the same identity are left out.
 */
function otherObjects(others: readonly DrawnOther[], namespace: string | undefined): Record<string, unknown>[] {
  const seen = new Set<string>();
  return others.flatMap((o) => {
    const ns = clusterScoped.has(o.kind) ? undefined : o.sameNamespace && namespace ? namespace : 'other-ns';
    const key = JSON.stringify([o.apiVersion, o.kind, ns ?? '', o.name]);
    if (seen.has(key)) return [];
    seen.add(key);
    const body = clone(o.body);
    const metadata = { ...(isRecord(body['metadata']) ? body['metadata'] : {}), name: o.name, ...(ns ? { namespace: ns } : {}) };
    return [{ ...body, apiVersion: o.apiVersion, kind: o.kind, metadata }];
  });
}

/** The apiVersion and kind pairs a scaleTargetRef is drawn from: the targets (references.ts), then ones that name nothing. */
const scaleTargetKinds: readonly { readonly apiVersion?: string; readonly kind: string }[] = [
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  { apiVersion: 'v1', kind: 'ReplicationController' },
  { apiVersion: 'apps/v1beta2', kind: 'Deployment' },
  { apiVersion: 'extensions/v1beta1', kind: 'ReplicaSet' },
  { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  { kind: 'Deployment' },
];

/** An HPA spec (maxReplicas and minReplicas, which the API server requires and defaults) with a drawn scaleTargetRef. */
function scaleTargetRefArbitrary(pool: ConstantPool): fc.Arbitrary<Record<string, unknown>> {
  return fc.record({ target: fc.constantFrom(...scaleTargetKinds), name: fc.constantFrom(...scaleTargetNames(pool)), min: fc.constantFrom(1, 2, 3), spread: fc.constantFrom(0, 1, 2, 5) }).map(({ target, name, min, spread }) => ({
    scaleTargetRef: { ...(target.apiVersion ? { apiVersion: target.apiVersion } : {}), kind: target.kind, name },
    minReplicas: min,
    maxReplicas: min + spread,
  }));
}

/**
 * The objects a scaleTargetRef may name (`scale target referenced by spec.scaleTargetRef`, semantics §3.1): for every
 * candidate name and drawn apiVersion and kind (targets and the pairs that name nothing alike), one present or
 * missing, in the request's namespace or another, with fields drawn from the constants of the reference's body.
 */
function scaleTargetsArbitrary(pool: ConstantPool): fc.Arbitrary<DrawnOther[]> {
  const one = (t: { readonly apiVersion?: string; readonly kind: string }, name: string) =>
    fc.option(
      fc.record({ sameNamespace: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }), pairs: pooled(pool, 'referenced') }).map(({ sameNamespace, pairs }): DrawnOther => ({
        apiVersion: t.apiVersion!,
        kind: t.kind,
        name,
        sameNamespace,
        body: build({}, pairs.filter(([path]) => path.join('.') !== 'metadata.name' && path.join('.') !== 'metadata.namespace' && path[0] !== 'apiVersion' && path[0] !== 'kind')),
      })),
      { nil: undefined, freq: 3 },
    );
  const kinds = scaleTargetKinds.filter((t) => t.apiVersion !== undefined);
  return fc.tuple(...scaleTargetNames(pool).flatMap((n) => kinds.map((t) => one(t, n)))).map((xs) => xs.filter((x): x is DrawnOther => x !== undefined));
}

/**
 * The StorageClasses beside a request whose policy reads `storage class referenced by …` (semantics §3.1): for every
 * candidate name (storageClassNames, which the referring field draws from too), a StorageClass present or missing,
 * with fields drawn from the constants of the reference's body.
 */
function storageClassArbitrary(pool: ConstantPool): fc.Arbitrary<Record<string, unknown>[]> {
  const one = (name: string) =>
    fc.option(
      pooled(pool, 'referenced').map((pairs) => {
        const body = build({}, pairs.filter(([path]) => path.join('.') !== 'metadata.name' && path[0] !== 'apiVersion' && path[0] !== 'kind'));
        const metadata = { ...(isRecord(body['metadata']) ? body['metadata'] : {}), name };
        const object: Record<string, unknown> = { ...body, apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata };
        return object;
      }),
      { nil: undefined, freq: 3 },
    );
  return fc.tuple(...storageClassNames(pool).map(one)).map((cs) => cs.filter((c): c is Record<string, unknown> => c !== undefined));
}

/**
 * The stored object an UPDATE replaces (semantics §3.4): the object itself, but at each `is unchanged` path the same
 * value, none, or another of the same JSON type (a string with a suffix, a number plus one, the other boolean).
 */
function oldObjectOf(object: Record<string, unknown>, paths: readonly (readonly string[])[], changes: readonly number[]): Record<string, unknown> {
  const old = clone(object);
  paths.forEach((path, i) => {
    const c = changes[i] ?? 0;
    if (c < 3) return;
    const parent = path.slice(0, -1).reduce<unknown>((o, k) => (isRecord(o) ? o[k] : undefined), old);
    const key = path[path.length - 1]!;
    if (c === 3) {
      if (isRecord(parent)) delete parent[key];
      return;
    }
    const v = isRecord(parent) ? parent[key] : undefined;
    const other = typeof v === 'string' ? `${v}-old` : typeof v === 'number' ? v + 1 : typeof v === 'boolean' ? !v : 'old';
    setPath(old, path, other);
  });
  return old;
}

/** The inventory objects for a request in `namespace` (a Role not in the request's namespace goes to `other-ns`). */
function inventoryObjects(roles: readonly DrawnRole[], namespace: string | undefined): Record<string, unknown>[] {
  return roles.map((r) => {
    const ns = r.kind === 'Role' ? (r.sameNamespace && namespace ? namespace : 'other-ns') : undefined;
    const metadata = { ...(isRecord(r.body['metadata']) ? r.body['metadata'] : {}), name: r.name, ...(ns ? { namespace: ns } : {}) };
    return { ...clone(r.body), apiVersion: RBAC, kind: r.kind, metadata };
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Turns a Pod into what `kubectl debug` sends: an UPDATE of its ephemeralcontainers subresource whose object is
 * the whole Pod with at least one ephemeral container (a copy of its last container when it has none).
 */
function debugRequest(pod: Record<string, unknown>): { subResource: string } {
  const spec = pod['spec'] as Record<string, unknown>;
  const ephemeral = spec['ephemeralContainers'];
  if (!Array.isArray(ephemeral) || ephemeral.length === 0) {
    const containers = Array.isArray(spec['containers']) ? spec['containers'] : [];
    const last = containers[containers.length - 1];
    spec['ephemeralContainers'] = [{ ...clone(typeof last === 'object' && last !== null ? last : {}), name: 'debugger' }];
  }
  return { subResource: 'ephemeralcontainers' };
}

/**
 * Requests biased to the policy's constants, scopes, exceptions and boundaries (issue 5, verify), in a domain
 * (domain.ts): by default the admitted one, what the API server passes on to validating admission.
 */
export function requestArbitrary(policy: Policy, domain: Domain = 'admitted'): fc.Arbitrary<GeneratedRequest> {
  const pool = policyConstants(policy);
  const subjects = [...policy.scope.subjects, ...policy.rules.flatMap((r) => r.subjects ?? [])];
  const isPod = (s: Subject) => s.kind === 'resource' && s.group === '' && s.version === 'v1' && s.resourceKind === 'Pod';
  const admitted = domain === 'admitted';
  const pods = admitted ? podSites : undefined;
  const resource = (s: Extract<Subject, { kind: 'resource' }>) => resourceRequest(policy, pool, s, admitted ? resourceSites(s.group, s.version, s.resourceKind) : undefined);
  const objects = subjects.map((s) => (s.kind === 'pods' ? podsRequest(policy, pool, pods) : isPod(s) ? podsRequest(policy, pool, pods, ['Pod']) : resource(s)));
  const object = objects.length ? fc.oneof(...objects) : podsRequest(policy, pool, pods);
  // Steered into the policy's scope first (three cases in four), so that rules are exercised rather than
  // skipped; the rest crosses the scope's boundaries (other operations, excluded namespaces).
  const s = policy.scope;
  const namespaces = namespaceCandidates(policy);
  const inScopeNamespaces = namespaces.filter((ns) => (s.namespaces.length === 0 || s.namespaces.includes(ns)) && !s.excludedNamespaces.includes(ns));
  const steered = <T>(inScope: readonly T[], all: readonly T[]): fc.Arbitrary<T> =>
    inScope.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...inScope) }, { weight: 1, arbitrary: fc.constantFrom(...all) }) : fc.constantFrom(...all);
  const requests: fc.Arbitrary<GeneratedRequest> = fc
    .record({
      o: object,
      namespace: steered(inScopeNamespaces, namespaces),
      namespaceLabels: labelCandidates([policy.scope.namespaceSelector]),
      operation: steered<Operation>(s.operations, ['CREATE', 'UPDATE', 'DELETE']),
      userInfo: userArbitrary(policy, namespaces),
      // `kubectl debug` (issue 22 item 1): an UPDATE of the Pod's ephemeralcontainers subresource.
      debug: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
      follow: fc.integer({ min: 0, max: 7 }),
      roles: pool.references.size ? inventoryArbitrary(pool, undefined) : fc.constant(undefined),
      others: pool.uniques.length || pool.clusterKinds.length ? fc.tuple(othersArbitrary(pool), clusterArbitrary(pool)).map(([a, b]) => [...a, ...b]) : fc.constant(undefined),
      classes: pool.references.has('storage-class') ? storageClassArbitrary(pool) : fc.constant(undefined),
      scaled: pool.references.has('scale-target') ? scaleTargetsArbitrary(pool) : fc.constant(undefined),
      // Per `is unchanged` path: 0-2 the old value is the object's, 3 unset, 4-5 another.
      changes: pool.unchanged.length ? fc.array(fc.nat(5), { minLength: pool.unchanged.length, maxLength: pool.unchanged.length }) : fc.constant(undefined),
    })
    .map(({ o, namespace: drawnNamespace, namespaceLabels, operation, userInfo: drawnUser, debug, follow, roles, others, classes, scaled, changes }) => {
      // An object a workload's controller would create is sent by that controller, in its namespace, 3 times in 4.
      const owned = o.owned && follow < 6 ? o.owned : undefined;
      const namespace = owned?.namespace ?? drawnNamespace;
      const userInfo = owned ? { username: owned.users[follow % owned.users.length]! } : drawnUser;
      const object = clone(o.object);
      const metadata = object['metadata'] as Record<string, unknown>;
      if (o.namespaced) metadata['namespace'] = namespace;
      const subresource: { subResource?: string } = debug && object['kind'] === 'Pod' && operation !== 'DELETE' ? debugRequest(object) : {};
      const old = changes && (subresource.subResource ? 'UPDATE' : operation) === 'UPDATE' ? oldObjectOf(object, pool.unchanged, changes) : undefined;
      return {
        object,
        operation: subresource.subResource ? 'UPDATE' : operation,
        namespace: o.namespaced ? namespace : undefined,
        namespaceLabels: o.namespaced ? { ...namespaceLabels, 'kubernetes.io/metadata.name': namespace } : {},
        ...subresource,
        ...(userInfo ? { userInfo } : {}),
        ...(old ? { oldObject: old } : {}),
        ...(roles || others || classes || scaled ? { inventory: [...inventoryObjects(roles ?? [], o.namespaced ? namespace : undefined), ...otherObjects([...(others ?? []), ...(scaled ?? [])], o.namespaced ? namespace : undefined), ...(classes ?? [])] } : {}),
      };
    });
  // Drawn apart, so that a policy without expiring exceptions gets the same requests as before.
  const instants = expiryInstants(policy);
  const timed = instants.length ? fc.tuple(requests, fc.constantFrom(...instants)).map(([r, now]) => ({ ...r, now })) : requests;
  return admitted ? timed.map(mend).filter(admittedOnly(policy.name)) : timed;
}
