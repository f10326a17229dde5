/** `PATH is unchanged` (docs/language/changes.md): at the object only, in rules that do not apply to pods. */
import { describe, expect, it } from 'vitest';
import { diagnosticsOf, dsl, irOf } from '../helpers/dsl.js';

const rule = (applies: string, body: string) => dsl`
  policy p {
    applies to ${applies}
    on update
    rule r {
      require ${body}
    }
  }
`;

describe('`is unchanged`', () => {
  it('lowers at the object of a controller or any other kind', () => {
    const p = irOf(rule('"apps/v1" Deployment', 'spec.template.spec.serviceAccountName is unchanged')).policies[0]!.rules[0]!.predicate;
    expect(p).toMatchObject({ kind: 'unchanged', path: ['spec', 'template', 'spec', 'serviceAccountName'] });
    expect(diagnosticsOf(rule('"v1" ReplicationController', 'spec.template.spec.serviceAccountName is unchanged and spec.replicas is unchanged'))).toEqual([]);
  });

  it('is SP1009 inside a quantifier, in rules over pods, and with effective', () => {
    expect(diagnosticsOf(rule('"apps/v1" Deployment', 'every item in spec.template.spec.containers has image is unchanged'))[0]?.code).toBe('SP1009');
    expect(diagnosticsOf(rule('pods', 'spec.serviceAccountName is unchanged'))).toEqual([{ code: 'SP1009', at: '5:37' }]);
    expect(diagnosticsOf(rule('pods', 'every container has effective runAsUser is unchanged'))[0]?.code).toBe('SP1009');
  });

  it('a path the kind does not have is SP1002 as for any test', () => {
    expect(diagnosticsOf(rule('"apps/v1" Deployment', 'spec.serviceAccountName is unchanged'))[0]?.code).toBe('SP1002');
  });
});
