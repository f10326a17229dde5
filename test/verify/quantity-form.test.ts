import { describe, expect, it } from 'vitest';
import { quantity } from '../../src/check/fields/meta.js';
import { asStored } from '../../src/verify/admitted.js';
import { admittedValues, mend, writtenQuantities } from '../../src/verify/domain.js';

/** Verify's admitted objects carry quantities as the API server shows them to admission (docs/engines/quantities.md). */
describe('admitted objects show quantities serialised', () => {
  const resources = { limits: { cpu: 0.5, memory: '1.5Gi' }, requests: { cpu: '2000', memory: '1024Ki', 'example.com/gpu': '+1' } };
  const spec = { containers: [{ name: 'app', image: 'nginx:1.25', resources }], initContainers: [{ name: 'init', image: 'busybox', resources: { limits: { cpu: '100e-3', memory: '0.0001' } } }], overhead: { cpu: '1E3', memory: 1e9 }, volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '1024Mi' } }] };

  it('in a Pod: resources.limits/requests, pod overhead and emptyDir.sizeLimit', () => {
    const stored = asStored({ object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec } }).object as { spec: Record<string, unknown> };
    expect(stored.spec).toEqual({
      containers: [{ name: 'app', image: 'nginx:1.25', resources: { limits: { cpu: '500m', memory: '1536Mi' }, requests: { cpu: '2k', memory: '1Mi', 'example.com/gpu': '+1' } } }],
      // A Pod's limits without requests are copied as its requests (SetDefaults_Pod).
      initContainers: [{ name: 'init', image: 'busybox', resources: { limits: { cpu: '100e-3', memory: '100u' }, requests: { cpu: '100e-3', memory: '100u' } } }],
      overhead: { cpu: '1E3', memory: '1G' },
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '1Gi' } }],
    });
  });

  it('a Pod\'s requests default to its limits, a pod template\'s do not (SetDefaults_Pod)', () => {
    const pod = (resources: unknown) => asStored({ object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i', resources }] } } }).object as { spec: { containers: { resources: unknown }[] } };
    expect(pod({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } }).spec.containers[0]!.resources).toEqual({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } });
    expect(pod({ requests: { cpu: '500m' } }).spec.containers[0]!.resources).toEqual({ requests: { cpu: '500m' } });
    expect(pod({ limits: {} }).spec.containers[0]!.resources).toEqual({ limits: {} });
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: '1' } } }] } } } };
    expect((asStored({ object: deployment }).object as { spec: { template: { spec: { containers: { resources: unknown }[] } } } }).spec.template.spec.containers[0]!.resources).toEqual({ limits: { cpu: '1' } });
  });

  it('in a pod template', () => {
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { metadata: { labels: { app: 'd' } }, spec } } };
    const stored = asStored({ object: deployment }).object as { spec: { template: { spec: { containers: { resources: unknown }[] } } } };
    expect(stored.spec.template.spec.containers[0]!.resources).toEqual({ limits: { cpu: '500m', memory: '1536Mi' }, requests: { cpu: '2k', memory: '1Mi', 'example.com/gpu': '+1' } });
  });

  it('not in a kind the API server does not decode (a CRD keeps what was written)', () => {
    const crd = { apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't' }, spec: { resources } };
    expect(asStored({ object: crd }).object).toEqual(crd);
  });

  it("an UPDATE's old object is stored too: its quantities serialised like the object's", () => {
    const pvc = (storage: unknown) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'apps' }, spec: { resources: { requests: { storage } } } });
    const mended = mend({ object: pvc('1.5Gi'), operation: 'UPDATE' as const, oldObject: pvc(0.5) });
    expect(mended.object.spec.resources.requests.storage).toBe('1536Mi');
    expect((mended.oldObject as ReturnType<typeof pvc>).spec.resources.requests.storage).toBe('500m');
  });

  it('verify draws written forms at quantity fields, and none outside the modelled domain', () => {
    const drawn = admittedValues(quantity, ['resources', 'limits', 'cpu'], ['2', '9Ei', '12E', 'lots']);
    expect(drawn).toEqual(['2', ...writtenQuantities]);
  });
});
