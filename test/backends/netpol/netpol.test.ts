import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { netpolBackend } from '../../../src/backends/netpol/index.js';
import { projectRoot } from '../../helpers/corpora.js';
import { compact, dsl, irOf } from '../../helpers/dsl.js';
import { documentsOf } from './cluster.js';
import { threeTier } from './fixtures.js';

const schema = JSON.parse(readFileSync(join(projectRoot, 'targets', 'netpol', 'networkpolicy.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

interface Np {
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: Record<string, unknown>;
}

function emit(text: string) {
  const out = netpolBackend.emit(irOf(text));
  const files = out.value ?? [];
  return { files, diagnostics: out.diagnostics.map(compact), messages: out.diagnostics.map((d) => d.message), objects: documentsOf(files) as Np[] };
}

function byName(objects: readonly Np[]): Record<string, Np> {
  return Object.fromEntries(objects.map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o]));
}


const dnsRule = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
};
const inNamespace = (ns: string, name: string) => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } },
  podSelector: { matchLabels: { 'app.kubernetes.io/name': name } },
});
const pods = (name: string) => ({ matchLabels: { 'app.kubernetes.io/name': name } });

describe('netpol backend: the three-tier example', () => {
  const { files, diagnostics, objects } = emit(threeTier);
  const o = byName(objects);

  it('emits one file with a minimal, readable set of objects', () => {
    expect(diagnostics).toEqual([]);
    expect(files.map((f) => f.path)).toEqual(['netpol/three-tier.yaml']);
    expect(files[0]?.objects.map((x) => x.name)).toEqual([
      'db/three-tier-db-default-deny',
      'db/three-tier-db-allow-dns',
      'db/three-tier-db-allow-postgres-ingress',
      'shop/three-tier-shop-default-deny',
      'shop/three-tier-shop-allow-dns',
      'shop/three-tier-shop-allow-api-egress',
      'shop/three-tier-shop-allow-api-ingress',
      'shop/three-tier-shop-allow-frontend-egress',
      'shop/three-tier-shop-allow-frontend-ingress',
    ]);
  });

  it('denies by default, per namespace, with an empty pod selector', () => {
    expect(o['shop/three-tier-shop-default-deny']?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(o['db/three-tier-db-default-deny']?.metadata.annotations).toEqual({ 'secpol.dev/source': 'test.secpol:7' });
  });

  it('allows DNS to kube-dns with one peer selecting namespace AND pods, on UDP and TCP 53', () => {
    expect(o['shop/three-tier-shop-allow-dns']?.spec).toEqual({ podSelector: {}, policyTypes: ['Egress'], egress: [dnsRule] });
  });

  it('puts egress in the source namespace and ingress in the destination namespace', () => {
    expect(o['shop/three-tier-shop-allow-frontend-egress']?.spec).toEqual({
      podSelector: pods('frontend'),
      policyTypes: ['Egress'],
      egress: [{ to: [inNamespace('shop', 'api')], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
    expect(o['db/three-tier-db-allow-postgres-ingress']?.spec).toEqual({
      podSelector: pods('postgres'),
      policyTypes: ['Ingress'],
      ingress: [{ from: [inNamespace('shop', 'api')], ports: [{ protocol: 'TCP', port: 5432 }] }],
    });
  });

  it('merges the rules of one pod selector into one object, ipBlock with except included', () => {
    const api = o['shop/three-tier-shop-allow-api-egress'];
    expect(api?.spec).toEqual({
      podSelector: pods('api'),
      policyTypes: ['Egress'],
      egress: [
        { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 443 }] },
        { to: [inNamespace('db', 'postgres')], ports: [{ protocol: 'TCP', port: 5432 }] },
      ],
    });
    expect(api?.metadata.annotations).toEqual({ 'secpol.dev/source': 'test.secpol:11,12' });
    expect(api?.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'secpol', 'secpol.dev/network': 'three-tier' });
  });

  it('gives no egress rule to ingress-nginx, whose namespace has no default deny (an egress policy would isolate it)', () => {
    expect(objects.filter((x) => x.metadata.namespace === 'ingress-nginx')).toEqual([]);
    expect(o['shop/three-tier-shop-allow-frontend-ingress']?.spec).toEqual({
      podSelector: pods('frontend'),
      policyTypes: ['Ingress'],
      ingress: [{ from: [inNamespace('ingress-nginx', 'ingress-nginx')], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
  });

  it('comments every object with the intents it implements', () => {
    const text = files[0]?.content ?? '';
    expect(text).toContain('# egress from workload api in namespace "shop":\n#   allow from workload api to cidr "0.0.0.0/0" except "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16" on tcp 443 (line 12)\n');
    expect(text).toContain('# default deny ingress and egress in namespace "db"');
  });

  it('satisfies the NetworkPolicy schema', () => {
    for (const x of objects) expect(validate(x), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe('netpol backend: the default-deny baseline', () => {
  it('emits a default deny and DNS per namespace, nothing else', () => {
    const { objects, diagnostics } = emit(readFileSync(join(projectRoot, 'policies', 'network', 'default-deny', 'policy.secpol'), 'utf8'));
    expect(diagnostics).toEqual([]);
    expect(objects.map((x) => `${x.metadata.namespace}/${x.metadata.name}`)).toEqual([
      'apps/default-deny-apps-default-deny',
      'apps/default-deny-apps-allow-dns',
      'payments/default-deny-payments-default-deny',
      'payments/default-deny-payments-allow-dns',
    ]);
    expect(objects[1]?.spec).toEqual({ podSelector: {}, policyTypes: ['Egress'], egress: [dnsRule] });
  });

  it('emits only the denied directions', () => {
    const { objects } = emit(dsl`
      network n {
        default deny ingress in namespaces "a"
        default deny egress in namespaces "b"
      }`);
    expect(objects.map((x) => [x.metadata.namespace, x.spec['policyTypes']])).toEqual([
      ['a', ['Ingress']],
      ['b', ['Egress']],
    ]);
  });
});

describe('netpol backend: sides that are not isolated get no rule', () => {
  it('emits nothing for DNS or a flow in a namespace without default deny, and says why', () => {
    const { objects, files } = emit(dsl`
      network n {
        namespace "apps"
        default deny ingress in namespaces "apps"
        allow dns in namespaces "apps"
        allow from pods where app = "a" to pods where app = "b" in namespace "free" on tcp 80
      }`);
    expect(objects.map((x) => x.metadata.name)).toEqual(['n-apps-default-deny']);
    expect(files[0]?.content).toContain('# line 4: allow dns in "apps" needs no NetworkPolicy: the namespace has no default deny egress');
    expect(files[0]?.content).toContain('# line 5: no NetworkPolicy needed: neither side of this flow is in a namespace with a default deny');
  });

  it('reads default denies across network blocks', () => {
    const { objects } = emit(dsl`
      network base {
        default deny ingress and egress in namespaces "apps"
      }
      network flows {
        namespace "apps"
        allow from pods where app = "a" to pods where app = "b" on tcp 80
      }`);
    expect(objects.map((x) => x.metadata.name)).toEqual(['base-apps-default-deny', 'flows-apps-allow-a-egress', 'flows-apps-allow-b-ingress']);
  });
});

describe('netpol backend: peers and ports', () => {
  const { objects, diagnostics } = emit(dsl`
    network n {
      namespace "apps"
      default deny ingress and egress in namespaces "apps"
      allow from pods where tier in ["web", "edge"] and canary is absent to pods where app = "api" on tcp 8000-9000, udp "dns", sctp 7000
      allow from namespaces where team = "ops" to pods where app = "api"
      allow from pods where app = "web" in namespaces where env = "prod" to namespace "apps" on tcp 80
      allow from pods where app = "api" to cidr "2001:db8::/32" except "2001:db8:1::/48" on tcp 443
    }`);
  const o = byName(objects);

  it('writes expressions, ranges, named ports, protocols, IPv6 blocks and selector peers', () => {
    expect(diagnostics).toEqual([]);
    const ingress = o['apps/n-apps-allow-api-ingress']?.spec['ingress'];
    expect(ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'apps' } },
            podSelector: { matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }, { key: 'tier', operator: 'In', values: ['edge', 'web'] }] },
          },
        ],
        ports: [{ protocol: 'TCP', port: 8000, endPort: 9000 }, { protocol: 'UDP', port: 'dns' }, { protocol: 'SCTP', port: 7000 }],
      },
      { from: [{ namespaceSelector: { matchLabels: { team: 'ops' } } }] },
    ]);
    expect(o['apps/n-apps-allow-all-pods-ingress']?.spec['ingress']).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { env: 'prod' } }, podSelector: { matchLabels: { app: 'web' } } }], ports: [{ protocol: 'TCP', port: 80 }] },
    ]);
    expect(o['apps/n-apps-allow-api-egress']?.spec['egress']).toEqual([
      { to: [{ ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    for (const x of objects) expect(validate(x), JSON.stringify(validate.errors)).toBe(true);
  });

  it('names a selector without a workload after a hash of it', () => {
    expect(Object.keys(o).filter((k) => /^apps\/n-apps-allow-pods-[0-9a-f]{6}-egress$/.test(k))).toHaveLength(1);
  });
});

describe('netpol backend: namespace selectors on an isolated side', () => {
  it('decides a selector on the namespace name label', () => {
    const { objects, diagnostics } = emit(dsl`
      network n {
        default deny egress in namespaces "a", "b", "c"
        allow from namespaces where "kubernetes.io/metadata.name" in ["a", "b", "z"] to cidr "192.0.2.0/24"
        allow from namespaces where "kubernetes.io/metadata.name" != "a" to cidr "198.51.100.0/24"
      }`);
    expect(diagnostics).toEqual([]);
    expect(objects.filter((x) => x.metadata.name.includes('allow')).map((x) => `${x.metadata.namespace}/${x.metadata.name}`)).toEqual([
      'a/n-a-allow-all-pods-egress',
      'b/n-b-allow-all-pods-egress',
      'c/n-c-allow-all-pods-egress',
    ]);
    // Same ports (all): one rule, the two blocks ORed.
    expect(byName(objects)['b/n-b-allow-all-pods-egress']?.spec['egress']).toEqual([{ to: [{ ipBlock: { cidr: '192.0.2.0/24' } }, { ipBlock: { cidr: '198.51.100.0/24' } }] }]);
    expect(byName(objects)['a/n-a-allow-all-pods-egress']?.spec['egress']).toEqual([{ to: [{ ipBlock: { cidr: '192.0.2.0/24' } }] }]);
  });

  it('assumes an isolated namespace lacks labels it is not known to carry, and notes it', () => {
    const { objects, files, diagnostics } = emit(dsl`
      network n {
        default deny egress in namespaces "apps"
        allow from namespaces where team = "ops" to cidr "192.0.2.0/24"
      }`);
    expect(diagnostics).toEqual([]);
    expect(objects.map((x) => x.metadata.name)).toEqual(['n-apps-default-deny']);
    expect(files[0]?.content).toContain('# line 3: namespace "apps" is isolated for egress; secpol cannot see its labels and assumes it is not one of the selected namespaces');
  });

  it('reports SP2001 when the selector would match an isolated namespace that lacks the label', () => {
    const out = netpolBackend.emit(irOf(dsl`
      network n {
        default deny ingress in namespaces "apps"
        allow from cidr "192.0.2.0/24" to pods where app = "x" in namespaces where env != "prod"
      }`));
    expect(out.diagnostics.map(compact)).toEqual([{ code: 'SP2001', at: '3:58' }]);
    expect(out.diagnostics[0]?.message).toMatch(/^netpol cannot express ingress to the namespaces this selector picks: whether namespace "apps"/);
  });
});

describe('netpol backend: names', () => {
  it('keeps names valid DNS labels of at most 63 characters, stable and distinct', () => {
    const long = 'a-very-long-network-name-that-goes-on-and-on-and-on';
    const text = dsl`
      network ${long} {
        namespace "a-rather-long-namespace-name"
        default deny ingress in namespaces "a-rather-long-namespace-name"
        allow from cidr "192.0.2.0/24" to pods where app = "api"
        allow from cidr "192.0.2.0/24" to pods where name = "api"
      }`;
    const { objects } = emit(text);
    const names = objects.map((x) => x.metadata.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    expect(emit(text).objects.map((x) => x.metadata.name)).toEqual(names);
    expect(names.filter((n) => n.length === 63)).toHaveLength(3);
  });

  it('tells apart two selectors that read the same', () => {
    const { objects } = emit(dsl`
      network n {
        namespace "apps"
        default deny ingress in namespaces "apps"
        allow from cidr "192.0.2.0/24" to pods where app = "api"
        allow from cidr "192.0.2.0/24" to pods where name = "api"
      }`);
    const names = objects.map((x) => x.metadata.name).filter((n) => n.includes('allow'));
    expect(names).toHaveLength(2);
    for (const n of names) expect(n).toMatch(/^n-apps-allow-api-[0-9a-f]{6}-ingress$/);
  });
});

describe('netpol backend: determinism', () => {
  it('emits byte-identical output twice, and the same objects whatever the declaration order', () => {
    const shuffled = dsl`
      network three-tier {
        allow from workload api to cidr "0.0.0.0/0" except "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16" on tcp 443
        allow from workload api to workload postgres on tcp 5432
        workload postgres in namespace "db" with labels "app.kubernetes.io/name" = "postgres"
        allow from workload frontend to workload api on tcp 8080
        allow dns in namespaces "db", "shop"
        workload api in namespace "shop" with labels "app.kubernetes.io/name" = "api"
        default deny ingress and egress in namespaces "db", "shop"
        allow from workload ingress-controller to workload frontend on tcp 8080
        workload frontend in namespace "shop" with labels "app.kubernetes.io/name" = "frontend"
        workload ingress-controller in namespace "ingress-nginx" with labels "app.kubernetes.io/name" = "ingress-nginx"
        namespace "shop"
      }`;
    const first = emit(threeTier);
    expect(emit(threeTier).files).toEqual(first.files);
    const strip = (objects: readonly Np[]) => objects.map((x) => ({ ...x, metadata: { ...x.metadata, annotations: {} } }));
    expect(strip(emit(shuffled).objects)).toEqual(strip(first.objects));
  });

  it('ignores admission policies', () => {
    expect(emit(dsl`
      policy p {
        in namespaces "apps"
        enforce pod-security baseline
      }`).files).toEqual([]);
  });
});
