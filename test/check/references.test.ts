import { describe, expect, it } from 'vitest';
import { renderDiagnostic } from '../../src/diagnostics/index.js';
import { diagnosticsOf, dsl, irOf, rawDiagnosticsOf } from '../helpers/dsl.js';

const bindings = '"rbac.authorization.k8s.io/v1" RoleBinding, ClusterRoleBinding';

describe('`KIND referenced by PATH` (docs/language/references.md)', () => {
  it('lowers to a reference predicate whose body is checked against Role and ClusterRole', () => {
    const set = irOf(dsl`
      policy p {
        applies to ${bindings}
        rule r {
          forbid any role referenced by roleRef has any rbac rule has verbs contains any of ["escalate", "bind", "impersonate"]
        }
      }
    `);
    const p = set.policies[0]!.rules[0]!.predicate;
    expect(p.kind).toBe('referenced');
    if (p.kind !== 'referenced') return;
    expect(p.quantifier).toBe('any');
    expect(p.reference).toMatchObject({ kind: 'role', path: ['roleRef'] });
    expect(p.body.kind).toBe('quantified');
  });

  it('an unknown reference kind is SP1010 at the kind, with a suggestion', () => {
    const text = dsl`
      policy p {
        applies to ${bindings}
        rule r {
          forbid any rol referenced by roleRef has metadata.name = "x"
        }
      }
    `;
    expect(diagnosticsOf(text)).toEqual([{ code: 'SP1010', at: '4:16' }]);
    expect(rawDiagnosticsOf(text)[0]!.message).toContain('unknown reference kind "rol"');
    expect(rawDiagnosticsOf(text)[0]!.hint).toContain('did you mean "role"?');
  });

  it('a reference from another field is SP1010 at the path', () => {
    expect(
      diagnosticsOf(dsl`
        policy p {
          applies to ${bindings}
          rule r {
            forbid any role referenced by subjects has metadata.name = "x"
          }
        }
      `),
    ).toEqual([{ code: 'SP1010', at: '4:35' }]);
  });

  it('a reference from a kind that has no roleRef is SP1009, naming the kind', () => {
    const text = dsl`
      policy p {
        applies to pods
        rule r {
          forbid any role referenced by roleRef has metadata.name = "x"
        }
      }
    `;
    expect(diagnosticsOf(text)).toEqual([{ code: 'SP1009', at: '4:16' }]);
    expect(rawDiagnosticsOf(text)[0]!.message).toContain('Pod has no roleRef');
  });

  it('inside a quantifier of the binding it is SP1009 too', () => {
    expect(
      diagnosticsOf(dsl`
        policy p {
          applies to ${bindings}
          rule r {
            forbid any subject has any role referenced by roleRef has metadata.name = "x"
          }
        }
      `),
    ).toEqual([{ code: 'SP1009', at: '4:32' }]);
  });

  it('fields of the body are the role\'s: an unknown one is SP1002', () => {
    expect(
      diagnosticsOf(dsl`
        policy p {
          applies to ${bindings}
          rule r {
            forbid any role referenced by roleRef has roleRef.name = "x"
          }
        }
      `),
    ).toEqual([{ code: 'SP1002', at: '4:47' }]);
  });

  it('renders with file:line:column, a caret and the hint', () => {
    const d = rawDiagnosticsOf(dsl`
      policy p {
        applies to "rbac.authorization.k8s.io/v1" Role
        rule r {
          forbid any role referenced by roleRef has metadata.name = "x"
        }
      }
    `);
    const text = renderDiagnostic(d[0]!);
    expect(text).toContain('test.secpol:4:16');
    expect(text).toContain('^');
    expect(text).toContain('RoleBinding');
  });
});
