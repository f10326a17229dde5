import { expect } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  connectivityMatrix,
  isAllowed,
  loadCluster,
  renderMatrix,
  type Cluster,
  type Endpoint,
  type Protocol,
} from '../../../src/engines/netpol/index.js';

/** Strips the common indentation of a template literal, so YAML can sit indented in a test. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

export function yamlDocs(text: string): unknown[] {
  return parseAllDocuments(dedent(text)).map((d) => d.toJS() as unknown);
}

/** Loads YAML that must be free of errors. */
export function load(text: string): Cluster {
  const { cluster, errors } = loadCluster(yamlDocs(text));
  expect(errors).toEqual([]);
  return cluster;
}

export function errorsOf(text: string): string[] {
  return loadCluster(yamlDocs(text)).errors;
}

/** `ns/name` is a pod, anything else an IP. */
export function endpoint(text: string): Endpoint {
  return text.includes('/') ? { pod: text } : { ip: text };
}

export function allowed(cluster: Cluster, from: string, to: string, port = 80, protocol: Protocol = 'TCP'): boolean {
  return isAllowed(cluster, { from: endpoint(from), to: endpoint(to), protocol, port }).allowed;
}

export const namespaces = ['x', 'y', 'z'] as const;
export const podNames = ['a', 'b', 'c'] as const;

/**
 * The netpol e2e world: namespaces x, y, z (labelled `ns: <name>`), each with pods a, b, c labelled
 * `pod: <name>`, serving 80 and 81 on TCP, UDP and SCTP under names like `serve-80-tcp`.
 * Pod IPs are 10.0.<namespace 1..3>.<pod 1..3>.
 */
export function worldYaml(): string {
  const docs: string[] = [];
  namespaces.forEach((ns) => {
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n  labels:\n    ns: ${ns}`);
  });
  namespaces.forEach((ns, n) =>
    podNames.forEach((pod, p) => {
      const ports = [80, 81]
        .flatMap((port) =>
          (['TCP', 'UDP', 'SCTP'] as const).map(
            (proto) =>
              `        - name: serve-${port}-${proto.toLowerCase()}\n          containerPort: ${port}\n          protocol: ${proto}`,
          ),
        )
        .join('\n');
      docs.push(
        [
          'apiVersion: v1',
          'kind: Pod',
          'metadata:',
          `  name: ${pod}`,
          `  namespace: ${ns}`,
          '  labels:',
          `    pod: ${pod}`,
          'spec:',
          '  containers:',
          '    - name: main',
          '      image: agnhost',
          '      ports:',
          ports,
          'status:',
          `  podIP: 10.0.${n + 1}.${p + 1}`,
        ].join('\n'),
      );
    }),
  );
  return docs.join('\n---\n');
}

/** The e2e world plus the given NetworkPolicy YAML texts (each may hold `---`-separated documents). */
export function world(...policies: string[]): Cluster {
  return load([worldYaml(), ...policies.map(dedent)].join('\n---\n'));
}

/** Loader errors for the e2e world plus the given YAML texts. */
export function worldErrors(...policies: string[]): string[] {
  return errorsOf([worldYaml(), ...policies.map(dedent)].join('\n---\n'));
}

export const allPods = namespaces.flatMap((ns) => podNames.map((pod) => `${ns}/${pod}`));

type Match = (ref: string) => boolean;

export const any: Match = () => true;
export const inNs =
  (ns: string): Match =>
  (ref) =>
    ref.startsWith(`${ns}/`);
export const is =
  (pod: string): Match =>
  (ref) =>
    ref === pod;

/**
 * An expected truth table, as in the netpol e2e tests: everything reachable unless `deny`-ed, with
 * later `allow`s overriding earlier `deny`s.
 */
export class Reachability {
  private readonly rules: { from: Match; to: Match; ok: boolean }[] = [];
  deny(from: Match, to: Match): this {
    this.rules.push({ from, to, ok: false });
    return this;
  }
  allow(from: Match, to: Match): this {
    this.rules.push({ from, to, ok: true });
    return this;
  }
  expected(from: string, to: string): boolean {
    let ok = true;
    for (const r of this.rules) if (r.from(from) && r.to(to)) ok = r.ok;
    return ok;
  }
}

/** Compares the engine's matrix over the e2e pods with `expected`, showing both tables on mismatch. */
export function expectReachability(
  cluster: Cluster,
  expected: Reachability,
  probe: { protocol: Protocol; port: number } = { protocol: 'TCP', port: 80 },
): void {
  const actual = connectivityMatrix(cluster, [probe], { pods: allPods });
  const want = {
    ...actual,
    allowed: [allPods.map((from) => allPods.map((to) => expected.expected(from, to)))],
  };
  expect(renderMatrix(actual)).toBe(renderMatrix(want));
}
