/**
 * secpol eval --engine netpol (issue 21 item 4): allowed connections per pair of workloads, as np-guard's connlist
 * writes them (`from => to : TCP 80,8000-8010,UDP 53` or `All Connections`), workloads read through their pod
 * templates, Pods grouped by their controller, --probe, --from/--to, and a bad port entry as a located warning.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const deployment = (name: string, app: string, ports: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
spec:
  selector:
    matchLabels: {app: ${app}}
  template:
    metadata:
      labels: {app: ${app}}
    spec:
      containers:
        - name: main
          image: nginx
          ports:
${ports}`;

const resources = [
  deployment('frontend', 'fe', '            - containerPort: 8080\n'),
  deployment('backend', 'be', '            - containerPort: 9090\n              name: api\n            - containerPort: 70000\n              name: bad\n            - containerPort: 8005\n'),
  `apiVersion: batch/v1
kind: Job
metadata:
  name: loadgen
  namespace: tools
spec:
  template:
    metadata:
      labels: {app: lg}
    spec:
      containers:
        - name: main
          image: busybox
`,
  `apiVersion: v1
kind: Pod
metadata:
  name: cache-7d9f-abcde
  namespace: shop
  labels: {app: cache}
  ownerReferences:
    - {apiVersion: apps/v1, kind: ReplicaSet, name: cache-7d9f, controller: true, uid: "1"}
spec:
  containers:
    - name: main
      image: redis
`,
].join('---\n');

const policies = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: backend
  namespace: shop
spec:
  podSelector:
    matchLabels: {app: be}
  ingress:
    - from:
        - podSelector:
            matchLabels: {app: fe}
      ports:
        - port: api
        - port: 8000
          endPort: 8010
    - from:
        - namespaceSelector: {}
      ports:
        - protocol: UDP
          port: 53
`;

function files(): { policy: string; resource: string } {
  const dir = mkdtempSync(join(tmpdir(), 'secpol-netpol-'));
  writeFileSync(join(dir, 'netpol.yaml'), policies);
  writeFileSync(join(dir, 'workloads.yaml'), resources);
  return { policy: join(dir, 'netpol.yaml'), resource: join(dir, 'workloads.yaml') };
}

const run = async (...more: string[]) => {
  const f = files();
  return runCli('eval', '--engine', 'netpol', '--policy', f.policy, '--resource', f.resource, ...more);
};

describe('eval --engine netpol: connections per pair of workloads', () => {
  it('lists every pair with an allowed connection, its ports per protocol, peers named by workload', async () => {
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      [
        'shop/backend[Deployment] => tools/loadgen[Job] : All Connections',
        'shop/cache-7d9f[ReplicaSet] => shop/backend[Deployment] : UDP 53',
        'shop/cache-7d9f[ReplicaSet] => tools/loadgen[Job] : All Connections',
        'shop/frontend[Deployment] => shop/backend[Deployment] : TCP 8000-8010,9090,UDP 53',
        'shop/frontend[Deployment] => tools/loadgen[Job] : All Connections',
        'tools/loadgen[Job] => shop/backend[Deployment] : UDP 53',
        '',
      ].join('\n'),
    );
  });

  it('a malformed port entry is a warning at the entry; the workload keeps its other ports', async () => {
    const r = await run();
    expect(r.stderr).toMatch(/workloads\.yaml:\d+:\d+: warning SP0032: port entry 2 of container main: containerPort 70000 is not an integer between 1 and 65535/);
    // The warning points at the entry's line (the second port of backend).
    const line = Number(/workloads\.yaml:(\d+):/.exec(r.stderr)?.[1]);
    expect(resources.split('\n')[line - 1]).toContain('containerPort: 70000');
    expect(r.stdout).toContain('shop/frontend[Deployment] => shop/backend[Deployment]');
  });

  it('--probe decides only the connections asked', async () => {
    const r = await run('--probe', 'TCP/9090', 'udp/53', 'TCP/8080', '--format', 'json');
    const out = JSON.parse(r.stdout) as { probes: unknown[]; connections: { from: string; to: string; text: string }[] };
    expect(out.probes).toEqual([{ protocol: 'TCP', port: 9090 }, { protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 8080 }]);
    expect(out.connections.find((c) => c.from === 'shop/frontend[Deployment]' && c.to === 'shop/backend[Deployment]')?.text).toBe('TCP 9090,UDP 53');
    expect(out.connections.find((c) => c.to === 'tools/loadgen[Job]')?.text).toBe('TCP 8080,9090,UDP 53');
  });

  it('--from and --to take a namespace, a workload or an address', async () => {
    expect((await run('--from', 'tools', '--to', 'shop/backend')).stdout).toBe('tools/loadgen[Job] => shop/backend[Deployment] : UDP 53\n');
    expect((await run('--from', '10.1.2.3', '--to', 'shop/backend[Deployment]', 'tools')).stdout).toBe('10.1.2.3 => tools/loadgen[Job] : All Connections\n');
    expect((await run('--from', 'shop/cache-7d9f-abcde', '--to', 'shop/frontend')).stdout).toBe('no connection is allowed between the endpoints asked about\n');
    const unknown = await run('--from', 'shop/nothing');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--from shop/nothing names no pod or workload');
  });

  it('rejects a malformed --probe', async () => {
    const r = await run('--probe', 'ICMP/1');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--probe ICMP/1');
  });

  it('an object the engine leaves out is a warning at that object, not a bare document number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secpol-netpol-'));
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ok\n  namespace: a\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\n  namespace: a\n  labels:\n    tier: {x: 1}\n';
    writeFileSync(join(dir, 'pods.yaml'), text);
    writeFileSync(join(dir, 'np.yaml'), 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: n\n  namespace: a\nspec:\n  podSelector: {}\n');
    const r = await runCli('eval', '--engine', 'netpol', '--policy', join(dir, 'np.yaml'), '--resource', join(dir, 'pods.yaml'));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/pods\.yaml:7:1: warning SP0032: Pod a\/bad: label tier must have a string value/);
    expect(r.stderr).not.toMatch(/^warning: document/m);
  });
});
