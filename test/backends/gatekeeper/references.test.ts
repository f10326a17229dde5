import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { gatekeeperBackend } from '../../../src/backends/gatekeeper/index.js';
import { compileTo } from '../../../src/compile.js';
import { evaluateResource, loadKyvernoDocuments } from '../../../src/engines/kyverno/index.js';
import { evaluateConstraint, isGatekeeperError, loadTemplate, parseConstraint } from '../../../src/engines/gatekeeper/index.js';
import { evaluatePolicy } from '../../../src/eval/index.js';
import { dsl, irOf } from '../../helpers/dsl.js';

const policy = dsl`
  policy no-secret-roles {
    applies to "rbac.authorization.k8s.io/v1" RoleBinding, ClusterRoleBinding

    rule no-secrets {
      forbid any role referenced by roleRef has any rbac rule has resources contains any of ["secrets", "*"]
    }
  }
`;

const rbac = 'rbac.authorization.k8s.io/v1';
const binding = (kind: string, roleKind: string, roleName: string, namespace?: string) => ({
  apiVersion: rbac,
  kind,
  metadata: { name: 'b', ...(namespace ? { namespace } : {}) },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: roleName },
  subjects: [{ kind: 'User', name: 'alice' }],
});
const role = (kind: string, name: string, resources: string[], namespace?: string) => ({ apiVersion: rbac, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, rules: [{ apiGroups: [''], resources, verbs: ['get'] }] });
const inventory = [role('ClusterRole', 'reader', ['secrets']), role('ClusterRole', 'viewer', ['pods']), role('Role', 'reader', ['pods'], 'apps'), role('Role', 'secret-reader', ['secrets'], 'apps'), role('Role', 'secret-reader2', ['secrets'], 'other')];

/** [object, expected denial] for the semantics and the engine alike. */
const cases: [string, unknown, boolean][] = [
  ['ClusterRoleBinding to a ClusterRole with secrets', binding('ClusterRoleBinding', 'ClusterRole', 'reader'), true],
  ['ClusterRoleBinding to a ClusterRole without', binding('ClusterRoleBinding', 'ClusterRole', 'viewer'), false],
  ['ClusterRoleBinding to a missing ClusterRole', binding('ClusterRoleBinding', 'ClusterRole', 'missing'), false],
  ['RoleBinding to a ClusterRole with secrets', binding('RoleBinding', 'ClusterRole', 'reader', 'apps'), true],
  ['RoleBinding to its namespace Role without secrets (a ClusterRole of that name has them)', binding('RoleBinding', 'Role', 'reader', 'apps'), false],
  ['RoleBinding to its namespace Role with secrets', binding('RoleBinding', 'Role', 'secret-reader', 'apps'), true],
  ['RoleBinding to a Role of another namespace', binding('RoleBinding', 'Role', 'secret-reader2', 'apps'), false],
  ['ClusterRoleBinding naming a Role (no namespace)', binding('ClusterRoleBinding', 'Role', 'secret-reader'), false],
  ['roleRef of another kind', binding('RoleBinding', 'Secret', 'reader', 'apps'), false],
];

function gatekeeperDenies(object: unknown, inv: readonly unknown[]): boolean {
  const set = irOf(policy);
  const out = gatekeeperBackend.emit(set);
  const docs = out.value!.filter((f) => !f.path.endsWith('.sync.yaml')).flatMap((f) => YAML.parseAllDocuments(f.content).map((d) => d.toJSON() as unknown));
  const template = loadTemplate(docs[0]);
  const constraint = parseConstraint(docs[1]);
  if (isGatekeeperError(template) || isGatekeeperError(constraint)) throw new Error('does not load');
  const r = evaluateConstraint({ template, constraint, object, inventory: inv, operation: 'CREATE' });
  if (r.error) throw new Error(r.error.message);
  return r.violations.length > 0;
}

async function kyvernoDenies(object: unknown, inv: readonly unknown[]): Promise<boolean> {
  const out = await compileTo(irOf(policy), ['kyverno']);
  const docs = out.value!.flatMap((f) => YAML.parseAllDocuments(f.content).map((d) => d.toJSON() as unknown));
  const loaded = loadKyvernoDocuments(docs);
  const results = evaluateResource(loaded.policies, object, { operation: 'CREATE', cluster: inv });
  if (results.some((r) => r.status === 'error')) throw new Error(results.map((r) => r.message).join('; '));
  return results.some((r) => r.status === 'fail');
}

describe('role referenced by roleRef', () => {
  const set = irOf(policy);
  it.each(cases)('%s: the semantics, Gatekeeper (data.inventory) and Kyverno (apiCall context) agree', async (_name, object, denied) => {
    expect(evaluatePolicy(set.policies[0]!, { object, inventory }).denied).toBe(denied);
    expect(gatekeeperDenies(object, inventory)).toBe(denied);
    expect(await kyvernoDenies(object, inventory)).toBe(denied);
  });

  it('a missing role makes `any` false and `every` true in both', () => {
    const every = irOf(dsl`
      policy p {
        applies to "rbac.authorization.k8s.io/v1" ClusterRoleBinding
        rule r {
          require every role referenced by roleRef has no rbac rule has verbs contains "escalate"
        }
      }
    `);
    const object = binding('ClusterRoleBinding', 'ClusterRole', 'missing');
    expect(evaluatePolicy(every.policies[0]!, { object, inventory: [] }).denied).toBe(false);
  });

  it('the template asks Gatekeeper to sync the roles it reads', () => {
    const out = gatekeeperBackend.emit(irOf(policy));
    expect(out.diagnostics).toEqual([]);
    const text = out.value!.map((f) => `# ${f.path}\n${f.content}`).join('\n');
    expect(text).toContain('metadata.gatekeeper.sh/requires-sync-data');
    expect(text).toContain('data.inventory.cluster["rbac.authorization.k8s.io/v1"]["ClusterRole"][name]');
  });
});
