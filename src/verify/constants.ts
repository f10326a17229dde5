import { regexExamples } from './regex-example.js';
import { assertNever, parseQuantity, type Domain, type Policy, type Predicate, type Relation, type Scalar, type ReferenceKind, type Test, type Unique, type UniqueKind } from '../ir/index.js';

/**
 * Where generated values go: the pod (or object) root, or an element of a domain (container, volume…).
 * `effective` tests seed both the container and the pod-level securityContext.
 */
export type Site = 'object' | 'container' | 'volume' | 'port' | 'env' | 'rbac-rule' | 'subject' | 'item' | 'referenced' | 'cluster';

/** Candidate values per (site, path): the policy's own constants, their neighbours and type-confusing twins. */
export class ConstantPool {
  private readonly entries = new Map<string, { site: Site; path: readonly string[]; values: unknown[] }>();

  add(site: Site, path: readonly string[], values: readonly unknown[]): void {
    const key = `${site}\u0000${path.join('\u0000')}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { site, path, values: [] };
      this.entries.set(key, entry);
    }
    for (const v of values) if (!entry.values.some((x) => JSON.stringify(x) === JSON.stringify(v))) entry.values.push(v);
  }

  at(site: Site): { path: readonly string[]; values: readonly unknown[] }[] {
    return [...this.entries.values()].filter((e) => e.site === site).sort((a, b) => (a.path.join('.') < b.path.join('.') ? -1 : 1));
  }

  /** Paths of item domains (`item in path`) and the site they are read at, to generate lists there. */
  readonly itemPaths: { readonly site: Site; readonly path: readonly string[] }[] = [];

  /** References the policy reads (`role referenced by roleRef`): verify generates an inventory for them. */
  readonly references = new Set<ReferenceKind>();

  /** Uniqueness tests (`is unique among … in the cluster`): verify generates other objects of their kinds. */
  readonly uniques: Unique[] = [];

  /** Paths of `is unchanged` tests: verify gives UPDATE requests an old object that keeps, unsets or changes them. */
  readonly unchanged: (readonly string[])[] = [];

  /** Kinds of `KINDS in the cluster` quantifiers: verify generates objects of them, their fields from the `cluster` site. */
  readonly clusterKinds: UniqueKind[] = [];
}

/** The StorageClass names verify uses: two of its own and the `metadata.name` literals of reference bodies. */
export function storageClassNames(pool: ConstantPool): string[] {
  const literals = pool.at('referenced').filter((e) => e.path.join('.') === 'metadata.name').flatMap((e) => e.values.filter((v): v is string => typeof v === 'string' && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(v)));
  return [...new Set(['standard', 'fast', ...literals])];
}

/** The names a scaleTargetRef names and the inventory's scale targets carry: two of verify's own and the `spec.scaleTargetRef.name` literals. */
export function scaleTargetNames(pool: ConstantPool): string[] {
  const literals = pool.at('object').filter((e) => e.path.join('.') === 'spec.scaleTargetRef.name').flatMap((e) => e.values.filter((v): v is string => typeof v === 'string' && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(v)));
  return [...new Set(['web', 'db', ...literals])];
}

/**
 * The values uniqueness tests draw, for the object and the other objects alike, so that they collide: two strings,
 * and maps of strings (the empty one equals an absent map, semantics §3.2).
 */
export const uniqueCandidates = {
  string: ['a.example.com', 'b.example.com'],
  map: [{}, { app: 'a' }, { app: 'b' }, { app: 'a', tier: 'web' }],
} as const;

/**
 * Strings that sit near a glob: a literal fill, an empty fill, a one-character miss, and the look-alikes an
 * attacker would register against an image allow-list (issue 22 item 4): the prefix before the first `*` with a
 * suffix (`ghcr.io/org-evil/x` against `ghcr.io/org/*`), the registry as a subdomain of another
 * (`ghcr.io.evil.io/org/x`) and the whole image under another registry (`evil.io/ghcr.io/org/x`).
 */
function nearGlob(pattern: string): string[] {
  const fill = (s: string) => pattern.replace(/\*/g, s).replace(/\?/g, 'x');
  const out = [fill(''), fill('abc'), fill('a/b:c')];
  if (pattern.length) out.push(`${fill('')}z`, fill('').slice(1));
  const star = pattern.search(/[*?]/);
  if (star > 0) out.push(`${pattern.slice(0, star).replace(/[/:@]$/, '')}-evil/x`);
  const slash = pattern.indexOf('/');
  if (slash > 0) out.push(`${fill('x').slice(0, slash)}.evil.io${fill('x').slice(slash)}`, `evil.io/${fill('x')}`);
  return out;
}

/**
 * Strings that match the regex, and near misses (a character changed or dropped at each end, the other letter
 * case: a match under (?i), a miss without it).
 */
function nearRegex(pattern: string): string[] {
  const hits = regexExamples(pattern);
  const misses = hits.flatMap((h) => [h.slice(1), h.slice(0, -1), `nginx:1.25${h}`, `${h}x`, h.toUpperCase(), h.toLowerCase()]);
  return [...hits, ...misses, ''];
}

function neighbours(test: Test): unknown[] {
  switch (test.op) {
    case 'eq':
    case 'ne':
      return [test.value, ...confusions(test.value)];
    case 'in':
    case 'not-in':
    case 'contains':
      return 'values' in test ? [...test.values, 'other'] : [test.value, 'other'];
    case 'contains-only':
    case 'contains-none':
    case 'contains-any':
      return [];
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge': {
      const v = test.value;
      if (test.quantity) {
        const text = test.quantity.text;
        return [text, v, `${Math.max(0, Math.floor(v) - 1)}`, `${Math.ceil(v) + 1}`, scaleQuantity(text, 2), scaleQuantity(text, 0.5), 'not-a-quantity'];
      }
      return [v, v - 1, v + 1, 0, -1, String(v)];
    }
    case 'glob':
    case 'not-glob':
      return nearGlob(test.pattern);
    case 'regex':
    case 'not-regex':
      return nearRegex(test.pattern);
    case 'exists':
    case 'absent':
    case 'empty':
    case 'not-empty':
      return ['', 'x', [], {}, 0, false];
    default:
      return assertNever(test, 'test');
  }
}

/**
 * Values around the boundary of `x OP p/q × y + o` (semantics §3.5): y a few multiples of q (so p/q × y is whole), x
 * exactly on the bound and one unit either side (1 on integers, 1m on quantities), and mistyped twins. Independent
 * draws of x and y then often land on, just above and just below the boundary.
 */
function relationCandidates(p: Relation): { subject: unknown[]; other: unknown[] } {
  const { numerator: num, denominator: den } = p.factor;
  if (p.type === 'integer') {
    const ys = [den, 3 * den];
    const xs = ys.flatMap((y) => {
      const bound = (num * y) / den + p.offset;
      return [bound - 1, bound, bound + 1];
    });
    return { subject: [...xs, '3'], other: [...ys, '2'] };
  }
  // Quantities in milli-units: y = k × q milli, bound p × k milli.
  const ys = [250, 1000, 3000].map((k) => k * den);
  const milli = (m: number): string | number => (m % 1000 === 0 ? m / 1000 : `${m}m`);
  const xs = ys.flatMap((y) => {
    const bound = (num * y) / den;
    return [bound - 1, bound, bound + 1].filter((m) => m >= 0).map(milli);
  });
  const gi = 2 ** 30;
  return { subject: [...xs, `${2 * num}Gi`, `${num * gi * 2 + 1}`, 'lots'], other: [...ys.map(milli), `${2 * den}Gi`, '1Ki', 'some'] };
}

/**
 * For a test of a quantity's serialised text: one value in each form the API server shows (every decimal and binary
 * suffix, the exponent form, none), each kept as written by the serialisation (docs/engines/quantities.md), so a
 * text test that forgets a suffix meets it.
 */
const everySuffix: readonly string[] = ['n', 'u', 'm', '', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'e3', 'e-3'].map((s) => `3${s}`);

function scaleQuantity(text: string, factor: number): string {
  const m = /^(\d+(?:\.\d+)?)(.*)$/.exec(text);
  if (!m) return text;
  const scaled = Number(m[1]) * factor;
  return `${Number.isInteger(scaled) ? scaled : scaled.toFixed(1)}${m[2] ?? ''}`;
}

/** The same value with another JSON type, so backends that coerce types are caught. */
function confusions(v: Scalar): unknown[] {
  if (typeof v === 'boolean') return [!v, String(v)];
  if (typeof v === 'number') return [String(v), v + 1];
  const n = Number(v);
  return Number.isFinite(n) && v.trim() !== '' ? [n] : [`${v}x`, v.toUpperCase() === v ? v.toLowerCase() : v.toUpperCase()];
}

/** For list tests: lists built from the values (subset, superset with a stranger, empty). */
function listCandidates(test: Test): unknown[] {
  if (test.op === 'contains') return [[test.value], [], ['OTHER'], [test.value, 'OTHER']];
  if (test.op !== 'contains-only' && test.op !== 'contains-none' && test.op !== 'contains-any') return [];
  const vs = test.values;
  return [[], vs.slice(0, 1), [...vs], [...vs.slice(0, 1), 'OTHER'], ['OTHER'], vs.map((v) => (typeof v === 'string' ? v.toLowerCase() : v))];
}

function siteOf(domain: Domain): Site {
  return domain.kind;
}

/** Walks a predicate, adding each test's neighbourhood at the site where its path is read. */
export function collectConstants(p: Predicate, site: Site, pool: ConstantPool): void {
  switch (p.kind) {
    case 'and':
    case 'or':
      p.operands.forEach((o) => collectConstants(o, site, pool));
      return;
    case 'not':
      collectConstants(p.operand, site, pool);
      return;
    case 'quantified':
      if (p.domain.kind === 'item') for (const chain of p.domain.chains) pool.itemPaths.push({ site, path: chain[0] ?? [] });
      collectConstants(p.body, siteOf(p.domain), pool);
      return;
    case 'referenced':
      // The body reads the referenced object: its root is the `referenced` site of the generated inventory.
      pool.references.add(p.reference.kind);
      collectConstants(p.body, 'referenced', pool);
      // A reference by name: the referring field takes the names the inventory's objects are given.
      if (p.reference.kind === 'storage-class') pool.add(site, p.reference.path, storageClassNames(pool));
      return;
    case 'in-cluster':
      for (const k of p.among) if (!pool.clusterKinds.some((x) => x.apiVersion === k.apiVersion && x.kind === k.kind)) pool.clusterKinds.push(k);
      collectConstants(p.body, 'cluster', pool);
      return;
    case 'unchanged':
      if (!pool.unchanged.some((x) => x.join('.') === p.path.join('.'))) pool.unchanged.push(p.path);
      // Values for the object, so that it has one to keep or change.
      pool.add(site, p.path, ['sa-a', 'sa-b']);
      return;
    case 'unique':
      pool.uniques.push(p);
      pool.add(site, p.path, [...uniqueCandidates[p.compare]]);
      return;
    case 'relation': {
      const { subject, other } = relationCandidates(p);
      pool.add(site, p.subject.path, subject);
      pool.add(site, p.other.path, other);
      return;
    }
    case 'test': {
      const text = p.test.op === 'regex' || p.test.op === 'not-regex' || p.test.op === 'glob' || p.test.op === 'not-glob';
      const values = [...neighbours(p.test), ...listCandidates(p.test), ...(text && p.subject.type === 'quantity' ? everySuffix : [])];
      if (p.subject.kind === 'effective') {
        pool.add('container', p.subject.containerPath, values);
        pool.add('object', p.subject.podPath, values);
      } else pool.add(site, p.subject.path, values);
      return;
    }
    default:
      assertNever(p, 'predicate');
  }
}

/**
 * The fields the Pod Security Standards read, with allowed and forbidden values at their boundaries
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/), for `pod-security` policies.
 */
function seedPodSecurity(pool: ConstantPool): void {
  const sc = (f: string[], values: unknown[]) => {
    pool.add('container', ['securityContext', ...f], values);
    pool.add('object', ['spec', 'securityContext', ...f], values);
  };
  pool.add('container', ['securityContext', 'privileged'], [true, false]);
  pool.add('container', ['securityContext', 'allowPrivilegeEscalation'], [true, false]);
  pool.add('container', ['securityContext', 'capabilities', 'drop'], [['ALL'], ['NET_RAW'], []]);
  pool.add('container', ['securityContext', 'capabilities', 'add'], [['NET_BIND_SERVICE'], ['SYS_ADMIN'], ['CHOWN'], []]);
  pool.add('container', ['securityContext', 'procMount'], ['Default', 'Unmasked']);
  pool.add('container', ['ports'], [[{ containerPort: 80, hostPort: 8080 }], [{ containerPort: 80, hostPort: 0 }]]);
  sc(['runAsNonRoot'], [true, false]);
  sc(['runAsUser'], [0, 1000]);
  sc(['seccompProfile', 'type'], ['RuntimeDefault', 'Localhost', 'Unconfined']);
  sc(['appArmorProfile', 'type'], ['RuntimeDefault', 'Unconfined']);
  sc(['seLinuxOptions', 'type'], ['container_t', 'spc_t']);
  sc(['windowsOptions', 'hostProcess'], [true, false]);
  pool.add('object', ['spec', 'hostNetwork'], [true, false]);
  pool.add('object', ['spec', 'hostPID'], [true]);
  pool.add('object', ['spec', 'hostIPC'], [true]);
  pool.add('object', ['spec', 'hostUsers'], [false, true]);
  pool.add('object', ['spec', 'os', 'name'], ['windows', 'linux']);
  pool.add('object', ['spec', 'securityContext', 'sysctls'], [[{ name: 'kernel.shm_rmid_forced', value: '0' }], [{ name: 'kernel.msgmax', value: '1' }]]);
  pool.add('volume', ['hostPath'], [{ path: '/var/run' }]);
  pool.add('volume', ['nfs'], [{ server: 'nfs', path: '/' }]);
}

/** The candidate values for a policy: its rules' constants and neighbours, plus the PSS fields for pod-security. */
export function policyConstants(policy: Policy): ConstantPool {
  const pool = new ConstantPool();
  if (policy.podSecurity.length) seedPodSecurity(pool);
  for (const rule of policy.rules) {
    collectConstants(rule.predicate, 'object', pool);
    if (rule.when) collectConstants(rule.when, 'object', pool);
  }
  return pool;
}

export { parseQuantity };
