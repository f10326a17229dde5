import { it } from 'vitest';
import { readdirSync } from 'node:fs';
import { readDocs, policiesOf } from './corpus-harness.js';
import { evaluateResource } from '../../../src/engines/kyverno/index.js';
import { corpusPath } from '../../helpers/corpora.js';
it('perf', () => {
  const base = 'kyverno/pod-security/baseline';
  const policies = readdirSync(corpusPath(base)).filter(d=>!d.endsWith('.yaml')).flatMap((d) => policiesOf(`${base}/${d}/${d}.yaml`));
  const pods = readDocs(`${base}/disallow-capabilities/.kyverno-test/resource.yaml`).filter((d: any) => d && d.kind);
  console.log(policies.length, pods.length);
  for (let i = 0; i < 200; i++) for (const p of pods) evaluateResource(policies, p);
  const n = 5000; const t0 = performance.now();
  for (let i = 0; i < n; i++) evaluateResource(policies, pods[i % pods.length]);
  const dt = performance.now() - t0;
  console.log(`${(n / dt * 1000).toFixed(0)} evals/s with ${policies.length} policies`);
});
