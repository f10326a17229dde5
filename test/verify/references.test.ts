import { describe, expect, it } from 'vitest';
import { renderDisagreement } from '../../src/verify/index.js';
import { dsl, irOf } from '../helpers/dsl.js';
import { verifyReports, type Mutation } from '../helpers/verify-artifacts.js';

/**
 * `role referenced by roleRef` (docs/language/references.md): verify generates an inventory of Roles and ClusterRoles
 * beside each binding, and every backend that compiles the reference must agree with the semantics; a backend that
 * reads the wrong object is caught.
 */
const set = irOf(dsl`
  policy bindings {
    applies to "rbac.authorization.k8s.io/v1" RoleBinding, ClusterRoleBinding

    rule no-secret-readers {
      forbid any role referenced by roleRef has any rbac rule has resources contains any of ["secrets", "*"]
    }

    rule bound-role-labelled {
      require every role referenced by roleRef has metadata.labels.reviewed = "yes"
    }

    rule role-exists {
      require any role referenced by roleRef has metadata.name exists
    }

    rule no-deleters {
      require no role referenced by roleRef has any rbac rule has verbs contains "delete"
    }

    rule admin-roles-to-users-only {
      when any role referenced by roleRef has metadata.labels.tier = "admin"
      forbid any subject has kind = "Group"
    }
  }`);

type Target = 'kyverno' | 'gatekeeper';

const reportsOf = (target: Target, mutation?: Mutation, runs = 400) => verifyReports(set, target, { seed: 19, runs, ...(mutation ? { mutation } : {}) });

describe('verify on references', () => {
  for (const target of ['kyverno', 'gatekeeper'] as const) {
    it(`${target}: agrees with the semantics, and both verdicts of each rule are reached`, async () => {
      const [report] = await reportsOf(target);
      expect(report?.disagreement && renderDisagreement(report.disagreement)).toBeUndefined();
      for (const rule of ['no-secret-readers', 'bound-role-labelled', 'role-exists', 'no-deleters', 'admin-roles-to-users-only']) {
        expect(report?.outcomes[rule]?.fail, `${rule} violated`).toBeGreaterThan(0);
        expect(report?.outcomes[rule]?.pass, `${rule} satisfied`).toBeGreaterThan(0);
      }
    });
  }

  const mutations: [string, Target, RegExp, string][] = [
    ['gatekeeper reads a Role where the roleRef names a ClusterRole', 'gatekeeper', /\["ClusterRole"\]\[name\]/, '["Role"][name]'],
    ['gatekeeper looks the role up by the binding\'s own name', 'gatekeeper', /name := value_at\(obj, \["roleRef", "name"\]\)/g, 'name := value_at(obj, ["metadata", "name"])'],
    ['gatekeeper ignores the namespace of a Role', 'gatekeeper', /data\.inventory\.namespace\[ns\]/, 'data.inventory.namespace["default"]'],
    ['kyverno lists Roles in place of ClusterRoles', 'kyverno', /"\/apis\/rbac\.authorization\.k8s\.io\/v1\/clusterroles"/g, '"/apis/rbac.authorization.k8s.io/v1/roles"'],
    ['kyverno looks the role up by the binding\'s own name', 'kyverno', /\[request\.object\.roleRef\.name\]\[0\]\)\]/g, '[request.object.metadata.name][0])]'],
  ];
  for (const [name, target, from, to] of mutations) {
    it(`catches: ${name}`, async () => {
      const [report] = await reportsOf(target, [from, to], 1000);
      expect(report?.disagreement, 'a counterexample').toBeDefined();
    });
  }
});
