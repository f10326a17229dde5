/**
 * `applies to` a version Kubernetes no longer serves (src/check/fields/deprecated.ts, from the Deprecated API
 * Migration Guide): exactly the listed (group/version, kind) pairs of the groups whose kinds the checker knows are
 * accepted; any other version or kind there is still a typo (SP1010).
 */
import { describe, expect, it } from 'vitest';
import { removedVersions } from '../../src/check/fields/index.js';
import { diagnosticsOf, dsl, irOf, rawDiagnosticsOf } from '../helpers/dsl.js';

const policy = (applies: string) => dsl`
  policy p {
    applies to ${applies}
    rule r {
      forbid apiVersion = "apps/v1beta1"
    }
  }
`;

describe('applies to a removed API version', () => {
  it('accepts the removed versions of the built-in groups the migration guide lists, as resource subjects', () => {
    const set = irOf(policy('"apps/v1beta1" Deployment, StatefulSet, ReplicaSet'));
    expect(set.policies[0]!.scope.subjects).toMatchObject([
      { kind: 'resource', group: 'apps', version: 'v1beta1', resourceKind: 'Deployment' },
      { kind: 'resource', group: 'apps', version: 'v1beta1', resourceKind: 'StatefulSet' },
      { kind: 'resource', group: 'apps', version: 'v1beta1', resourceKind: 'ReplicaSet' },
    ]);
    for (const a of ['"apps/v1beta2" DaemonSet', '"batch/v1beta1" CronJob', '"rbac.authorization.k8s.io/v1beta1" ClusterRoleBinding', '"networking.k8s.io/v1beta1" Ingress, IngressClass']) {
      expect(diagnosticsOf(policy(a)), a).toEqual([]);
    }
  });

  it('a kind the removed version never served, or a version the guide does not list, stays SP1010', () => {
    // DaemonSet was served by apps/v1beta2 and extensions/v1beta1, never by apps/v1beta1.
    // (SP1011 follows: the policy's only kind was rejected.)
    expect(diagnosticsOf(policy('"apps/v1beta1" DaemonSet'))).toEqual([{ code: 'SP1011', at: '1:8' }, { code: 'SP1010', at: '2:29' }]);
    expect(rawDiagnosticsOf(policy('"apps/v1beta1" DaemonSet')).find((d) => d.code === 'SP1010')!.hint).toContain('DaemonSet is served as apps/v1');
    expect(diagnosticsOf(policy('"apps/v1beta3" Deployment'))).toContainEqual({ code: 'SP1010', at: '2:29' });
    expect(diagnosticsOf(policy('"batch/v2alpha2" CronJob'))).toContainEqual({ code: 'SP1010', at: '2:31' });
  });

  it('the table is the guide\'s: every entry a beta or alpha version with the release that removed it', () => {
    for (const r of removedVersions) {
      expect(r.version, `${r.group}/${r.version}`).toMatch(/^v\d+(alpha|beta)\d+$/);
      expect(r.removedIn).toMatch(/^1\.(16|22|25|26|27|29)$/);
    }
  });
});
