/**
 * Policy text is untrusted: whatever JMESPath a Kyverno condition or foreach list holds, the importer translates it
 * or refuses it (SP3001), never throws, and what it writes parses and checks (fast-check, fixed seed).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { importArtifacts } from '../../src/import/import.js';

const field = fc.constantFrom('request.object.spec.hostPID', '[request.object.spec.hostPID][0]', 'element.image', '[element.securityContext.privileged][0]', 'element.name', 'request."object".metadata.name', '[request.object.metadata.labels.app][0]', '@', 'name', '[hostPort][0]', 'request.object.spec.containers', 'x.y[0]', '`null`', "'a*'", '`1`', '`true`', '`[]`', '`["a", 1]`', 'element');
const list = fc.constantFrom('request.object.spec.containers', '[request.object.spec.containers, request.object.spec.initContainers][?type(@) == \'array\'][]', '[request.object.spec.volumes][0]', 'request.object.spec.[containers, initContainers][]', 'element.ports', 'items(request.object.metadata.labels, \'k\', \'v\')', '`[1, 2]`');
/** Atoms the translation reads (of the object; of a foreach element), so that both outcomes are frequent. */
const rootAtoms = ['[request.object.spec.hostPID][0] == `true`', '[request.object.spec.hostNetwork][0] != `false`', "[request.object.metadata.labels.app][0] == 'web'"];
const elementAtoms = ["element.name != 'istio-proxy'", '[element.securityContext.privileged][0] == `true`', 'contains(`["a", "b"]`, [element.image][0])', '[element.securityContext.runAsUser][0] < `1000`'];
const expr = (good: readonly string[]): fc.Arbitrary<string> =>
  fc.letrec((tie) => ({
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { arbitrary: fc.constantFrom(...good), weight: 6 },
      field,
      fc.tuple(field, fc.constantFrom('==', '!=', '<', '>=', '&&', '||'), field).map(([a, op, b]) => `${a} ${op} ${b}`),
      fc.tuple(fc.constantFrom('type', 'length', 'contains', 'pattern_match', 'regex_match', 'starts_with', 'time_before', 'not_null', 'items'), fc.array(field, { maxLength: 3 })).map(([f, args]) => `${f}(${args.join(', ')})`),
      fc.tuple(list, tie('e')).map(([l, b]) => `length(${l} | [?${b}]) > \`0\``),
      { arbitrary: tie('e').map((x) => `!(${x})`), weight: 2 },
      { arbitrary: fc.tuple(tie('e'), tie('e'), fc.constantFrom('&&', '||')).map(([a, b, op]) => `(${a}) ${op} (${b})`), weight: 2 },
    ),
  })).e;
const condition = (good: readonly string[]) => fc.record({ key: expr(good).map((x) => `{{ ${x} }}`), operator: fc.constantFrom('Equals', 'Equals', 'NotEquals', 'AnyIn', 'GreaterThan', 'equals'), value: fc.constantFrom<unknown>(true, true, false, 'a*', 1, ['a'], null) });
const conditions = (good: readonly string[]) => fc.array(condition(good), { minLength: 1, maxLength: 3 });
const validListOr = fc.oneof({ arbitrary: fc.constant('request.object.spec.containers'), weight: 3 }, list);
const rule = fc.oneof(
  fc.record({ foreach: fc.constant(true), conditions: conditions(elementAtoms), list: validListOr, pre: fc.constant<unknown[]>([]) }),
  fc.record({ foreach: fc.constant(false), conditions: conditions(rootAtoms), list, pre: fc.array(condition(rootAtoms), { maxLength: 1 }) }),
);

describe('import: arbitrary JMESPath never crashes the importer', () => {
  it('translates or refuses every condition and foreach list', () => {
    let translated = 0;
    let refused = 0;
    fc.assert(
      fc.property(rule, ({ foreach, conditions: cs, list: listText, pre }) => {
        const validate = foreach ? { foreach: [{ list: listText, deny: { conditions: { any: cs } } }] } : { deny: { conditions: { all: cs } } };
        const policy = { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'p' }, spec: { rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, ...(pre.length ? { preconditions: { all: pre } } : {}), validate }] } };
        const out = importArtifacts([{ path: 'p.yaml', text: YAML.stringify(policy) }], { today: '2026-06-01' });
        const file = out.value!.files[0]!;
        // Either the rule is translated and the policy checks, or it is reported with a reason.
        if (file.policy.rules.length) {
          expect(file.set).toBeDefined();
          translated++;
        } else {
          expect(out.diagnostics.some((d) => d.code === 'SP3001')).toBe(true);
          refused++;
        }
      }),
      { seed: 18, numRuns: 400 },
    );
    // Both outcomes are reached, so the property says something about each.
    expect(translated).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(10);
  });
});
