/**
 * NetworkPolicies to one secpol `network` block. Checked against the Kubernetes docs, "Network Policies"
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/): a policy isolates the pods it selects
 * for the directions of its policyTypes (default: Ingress, and Egress when it has egress rules); a connection is
 * allowed when a rule of an isolating policy matches a peer and a port; peers are podSelector (own namespace),
 * namespaceSelector, both (pods in those namespaces), or ipBlock; ports default to every port, protocol TCP.
 * secpol isolates whole namespaces (`default deny`), so a policy that isolates only some pods translates only
 * where a policy of the input isolates its whole namespace in that direction.
 */
import { no, ok, type ImportedPolicy, type ImportedRule, type MissingRule, type Translation, type YamlPathStep } from './model.js';
import { literal } from './text.js';
import { spanAt, type YamlDoc } from './yaml-source.js';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const bare = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function isNetworkPolicy(value: unknown): boolean {
  return isMap(value) && value['kind'] === 'NetworkPolicy' && value['apiVersion'] === 'networking.k8s.io/v1';
}

/** Label selector tests in secpol syntax; undefined for the empty selector (everything). */
function selectorTests(sel: unknown, at: YamlPathStep[]): Translation<string[]> {
  if (sel === undefined || sel === null) return ok([]);
  if (!isMap(sel)) return no('a selector that is not a map', at);
  const extra = Object.keys(sel).filter((k) => k !== 'matchLabels' && k !== 'matchExpressions');
  if (extra.length) return no(`the selector field ${extra[0]}`, [...at, extra[0]!]);
  const key = (k: string) => (bare.test(k) ? k : literal(k));
  const tests: string[] = [];
  const labels = sel['matchLabels'];
  if (labels !== undefined && !isMap(labels)) return no('matchLabels that is not a map', [...at, 'matchLabels']);
  for (const [k, v] of Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) tests.push(`${key(k)} = ${literal(String(v))}`);
  const exprs = sel['matchExpressions'];
  for (const [i, e] of (Array.isArray(exprs) ? exprs : []).entries()) {
    const o = isMap(e) ? e : {};
    const k = typeof o['key'] === 'string' ? o['key'] : undefined;
    const values = Array.isArray(o['values']) ? (o['values'] as unknown[]).map(String) : [];
    if (!k) return no('a matchExpressions entry without a key', [...at, 'matchExpressions', i]);
    const list = `[${values.map((v) => literal(v)).join(', ')}]`;
    if (o['operator'] === 'In' && values.length) tests.push(`${key(k)} in ${list}`);
    else if (o['operator'] === 'NotIn' && values.length) tests.push(`${key(k)} not in ${list}`);
    else if (o['operator'] === 'Exists') tests.push(`${key(k)} exists`);
    else if (o['operator'] === 'DoesNotExist') tests.push(`${key(k)} is absent`);
    else return no(`the selector operator ${JSON.stringify(o['operator'])}`, [...at, 'matchExpressions', i]);
  }
  return ok(tests);
}

function podsIn(tests: readonly string[], namespace: string): string {
  return tests.length ? `pods where ${tests.join(' and ')} in namespace ${literal(namespace)}` : `namespace ${literal(namespace)}`;
}

function peerText(peer: unknown, namespace: string, at: YamlPathStep[]): Translation<string> {
  if (!isMap(peer)) return no('a peer that is not a map', at);
  if (peer['ipBlock'] !== undefined) {
    const b = peer['ipBlock'];
    if (!isMap(b) || typeof b['cidr'] !== 'string') return no('an ipBlock without a cidr', [...at, 'ipBlock']);
    const except = Array.isArray(b['except']) ? (b['except'] as unknown[]).map(String) : [];
    return ok(`cidr ${literal(b['cidr'])}${except.length ? ` except ${except.map((e) => literal(e)).join(', ')}` : ''}`);
  }
  const pods = peer['podSelector'] === undefined ? undefined : selectorTests(peer['podSelector'], [...at, 'podSelector']);
  const nss = peer['namespaceSelector'] === undefined ? undefined : selectorTests(peer['namespaceSelector'], [...at, 'namespaceSelector']);
  if (pods && !pods.ok) return pods;
  if (nss && !nss.ok) return nss;
  if (!nss) return ok(podsIn(pods?.value ?? [], namespace));
  if (nss.value.length === 0) return no('a namespaceSelector {} (every namespace)', [...at, 'namespaceSelector']);
  const where = `namespaces where ${nss.value.join(' and ')}`;
  return ok(pods && pods.value.length ? `pods where ${pods.value.join(' and ')} in ${where}` : where);
}

function portsText(ports: unknown, at: YamlPathStep[]): Translation<string> {
  if (ports === undefined) return ok('');
  if (!Array.isArray(ports) || ports.length === 0) return ports === undefined || (Array.isArray(ports) && ports.length === 0) ? ok('') : no('ports that are not a list', at);
  const out: string[] = [];
  for (const [i, p] of ports.entries()) {
    const o = isMap(p) ? p : {};
    const protocol = (typeof o['protocol'] === 'string' ? o['protocol'] : 'TCP').toLowerCase();
    if (!['tcp', 'udp', 'sctp'].includes(protocol)) return no(`the protocol ${JSON.stringify(o['protocol'])}`, [...at, i]);
    const port = o['port'];
    if (port === undefined) return no('a port entry without a port (every port of one protocol)', [...at, i]);
    if (typeof port === 'string') out.push(`${protocol} ${literal(port)}`);
    else if (typeof port === 'number') out.push(typeof o['endPort'] === 'number' ? `${protocol} ${port}-${o['endPort']}` : `${protocol} ${port}`);
    else return no('a port that is neither a number nor a name', [...at, i]);
  }
  return ok(` on ${out.join(', ')}`);
}

/** Every NetworkPolicy of the input in one network block (flows cross namespaces, so they are proven together). */
export function importNetworkPolicies(docs: readonly YamlDoc[]): ImportedPolicy | undefined {
  if (docs.length === 0) return undefined;
  const rules: ImportedRule[] = [];
  const missing: MissingRule[] = [];
  const nsOf = (d: YamlDoc) => String((d.value as { metadata?: { namespace?: unknown } }).metadata?.namespace ?? 'default');
  const typesOf = (v: Json): string[] => {
    const spec = isMap(v['spec']) ? v['spec'] : {};
    return Array.isArray(spec['policyTypes']) ? (spec['policyTypes'] as unknown[]).map(String) : ['Ingress', ...(spec['egress'] !== undefined ? ['Egress'] : [])];
  };
  const isolated = new Set<string>();
  for (const d of docs) {
    const v = d.value as Json;
    const spec = isMap(v['spec']) ? v['spec'] : {};
    const sel = spec['podSelector'];
    if (isMap(sel) && Object.keys(sel).every((k) => (Array.isArray(sel[k]) ? (sel[k] as unknown[]).length === 0 : isMap(sel[k]) ? Object.keys(sel[k] as Json).length === 0 : false))) {
      for (const t of typesOf(v)) isolated.add(`${nsOf(d)}/${t}`);
    }
  }
  for (const d of docs) {
    const v = d.value as Json;
    const name = String((v['metadata'] as Json | undefined)?.['name'] ?? 'unnamed');
    const ns = nsOf(d);
    const spec = isMap(v['spec']) ? v['spec'] : {};
    const lines: string[] = [];
    const fail = (reason: string, at: readonly YamlPathStep[]) => missing.push({ original: `${ns}/${name}`, origin: spanAt(d, at), reason });
    const self = selectorTests(spec['podSelector'], ['spec', 'podSelector']);
    if (!self.ok) {
      fail(self.reason, self.at ?? ['spec']);
      continue;
    }
    let bad = false;
    for (const type of typesOf(v)) {
      if (type !== 'Ingress' && type !== 'Egress') {
        fail(`the policyType ${JSON.stringify(type)}`, ['spec', 'policyTypes']);
        bad = true;
        break;
      }
      const dir = type.toLowerCase();
      if (self.value.length === 0) lines.push(`default deny ${dir} in namespaces ${literal(ns)}`);
      else if (!isolated.has(`${ns}/${type}`)) {
        fail(`it isolates only the pods it selects for ${dir}; secpol isolates whole namespaces (import it with a policy of podSelector {} for ${dir} in ${ns})`, ['spec', 'podSelector']);
        bad = true;
        break;
      }
      const list = spec[dir];
      for (const [i, r] of (Array.isArray(list) ? list : []).entries()) {
        const rule = isMap(r) ? r : {};
        const peers = rule[type === 'Ingress' ? 'from' : 'to'];
        const at: YamlPathStep[] = ['spec', dir, i];
        if (!Array.isArray(peers) || peers.length === 0) {
          fail(`a ${dir} rule without ${type === 'Ingress' ? 'from' : 'to'} (every peer)`, at);
          bad = true;
          break;
        }
        const ports = portsText(rule['ports'], [...at, 'ports']);
        if (!ports.ok) {
          fail(ports.reason, ports.at ?? at);
          bad = true;
          break;
        }
        for (const [j, p] of peers.entries()) {
          const peer = peerText(p, ns, [...at, type === 'Ingress' ? 'from' : 'to', j]);
          if (!peer.ok) {
            fail(peer.reason, peer.at ?? at);
            bad = true;
            break;
          }
          const own = podsIn(self.value, ns);
          lines.push(type === 'Ingress' ? `allow from ${peer.value} to ${own}${ports.value}` : `allow from ${own} to ${peer.value}${ports.value}`);
        }
        if (bad) break;
      }
      if (bad) break;
    }
    if (!bad) rules.push({ key: `${ns}/${name}`, original: `${ns}/${name}`, origin: spanAt(d, ['metadata', 'name']), lines: [...new Set(lines)] });
  }
  const first = docs[0]!;
  return {
    name: 'imported-network-policies',
    source: 'netpol',
    block: 'network',
    origin: spanAt(first, ['metadata', 'name']),
    describe: `${docs.length} NetworkPolic${docs.length === 1 ? 'y' : 'ies'}`,
    head: [],
    rules,
    missing,
    original: { engine: 'netpol', documents: docs.map((d) => d.value) },
    doc: first,
  };
}
