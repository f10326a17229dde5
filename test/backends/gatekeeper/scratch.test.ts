import { test } from 'vitest';
import { dsl } from '../../helpers/dsl.js';
import { compile, run, pod } from './harness.js';
test('probe', () => {
  const d = compile(dsl`
    policy p {
      applies to pods
      rule r {
        require spec.securityContext.runAsNonRoot = true
      }
      rule s {
        forbid spec.hostPID = true
      }
    }`);
  console.log([...run(d, { object: pod({ containers: [] }) }).entries()]);
  console.log([...run(d, { object: pod({ hostPID: true, securityContext: { runAsNonRoot: true } }) }).entries()]);
});
