import { it } from 'vitest';
import { estimateExpressionCost } from '../../../src/engines/vap/cost.js';
it('probe', () => {
  for (const e of [
    'object.metadata.name == "x"', 'has(object.spec.hostNetwork)', 'request.userInfo.username == "admin"',
    '[1, 2, 3].all(x, x > 0)', 'object.metadata.name.matches("^[a-z]+$")', '"a" in ["a", "b"]',
    'object.spec.containers.all(c, c.name != "")', 'object.spec.containers.all(c, c.ports.all(p, p.containerPort > 0))',
    '-1', 'isQuantity(object.spec.x) && quantity(object.spec.x).compareTo(quantity("1Gi")) < 0',
    'variables.foo.exists(x, x == "a")', '[1,2] + [3]', '[1,2,3].map(x, x * 2)', '[1,2,3].filter(x, x > 1)', '[1,2,3].exists_one(x, x > 1)',
    'object.a == object.b', 'object.a.all(k, v, v > 1)',
  ]) {
    const r = estimateExpressionCost(e, { variables: { foo: { cost: { min: 3, max: 50 }, type: { kind: 'list', elem: { kind: 'string' } }, size: { min: 0, max: 4 } } } });
    console.log(e.padEnd(90), r.min, r.max, JSON.stringify(r.withVariables), r.variablesReferenced);
  }
});
