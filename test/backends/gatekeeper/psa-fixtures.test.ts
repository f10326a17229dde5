import { describe, expect, it } from 'vitest';
import { hasCorpus, psaFixturePod, psaFixtures } from '../../helpers/corpora.js';
import { dsl } from '../../helpers/dsl.js';
import { compile, run, type GatekeeperDocs } from './harness.js';

/**
 * `enforce pod-security LEVEL version v1.N` compiled to Gatekeeper, run by the offline engine on every
 * upstream Pod Security Admission fixture (shared/corpora/psa): allow means no violation, deny a violation.
 */
describe.skipIf(!hasCorpus('psa'))('Pod Security Admission fixtures', () => {
  it('agree with the compiled pod-security Rego', () => {
    const fixtures = psaFixtures();
    const templates = new Map<string, GatekeeperDocs>();
    const disagreements: string[] = [];
    for (const f of fixtures) {
      const key = `${f.level}:${f.minor}`;
      let docs = templates.get(key);
      if (!docs) {
        docs = compile(dsl`
          policy pss {
            enforce pod-security ${f.level} version v1.${f.minor}
          }`);
        templates.set(key, docs);
      }
      const object = psaFixturePod(f, 'fixtures');
      const outcome = run(docs, { object, namespace: 'fixtures' }).get('pod-security-enforce');
      const got = outcome ? 'deny' : 'allow';
      if (got !== f.expect) disagreements.push(`${f.path}: expected ${f.expect}, got ${got}${outcome ? ` (${outcome.messages.join('; ')})` : ''}`);
    }
    console.log(`gatekeeper pod-security: ${fixtures.length - disagreements.length}/${fixtures.length} PSA fixtures agree (${templates.size} level/version templates)`);
    expect(disagreements.slice(0, 20)).toEqual([]);
    expect(fixtures.length).toBe(4537);
  });
});
