import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { admit } from '../../../src/engines/psa/index.js';
import { corpusPath, hasCorpus } from '../../helpers/corpora.js';

/**
 * Every upstream PSA fixture, admitted as a Pod into a namespace labelled
 * enforce=<level>, enforce-version=v1.<minor>: the verdict must match, and a denial must contain
 * the fixture's expected error substring.
 */
interface Fixture {
  readonly path: string;
  readonly level: 'baseline' | 'restricted';
  readonly version: string;
  readonly expect: 'allow' | 'deny';
  readonly fixture: string;
  readonly expectErrorSubstring: string | null;
}

function readManifest(): Fixture[] {
  return readFileSync(corpusPath('psa', 'manifest.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Fixture);
}

function disagreement(fixture: Fixture): string | undefined {
  const pod: unknown = parse(readFileSync(corpusPath(fixture.path), 'utf8'));
  const result = admit({
    namespace: {
      name: 'fixtures',
      labels: { 'pod-security.kubernetes.io/enforce': fixture.level, 'pod-security.kubernetes.io/enforce-version': fixture.version },
    },
    object: pod,
  });
  const got = result.allowed ? 'allow' : 'deny';
  if (got !== fixture.expect) return `${fixture.fixture}: expected ${fixture.expect}, got ${got}${result.message ? ` (${result.message})` : ''}`;
  const expected = fixture.expectErrorSubstring;
  if (expected !== null && fixture.expect === 'deny' && !(result.message ?? '').includes(expected)) {
    return `${fixture.fixture}: message lacks "${expected}": ${result.message ?? ''}`;
  }
  return undefined;
}

describe.skipIf(!hasCorpus('psa'))('PSA upstream fixtures', () => {
  const fixtures = hasCorpus('psa') ? readManifest() : [];
  const groups = new Map<string, Fixture[]>();
  for (const fixture of fixtures) {
    const key = `${fixture.level} ${fixture.version}`;
    groups.set(key, [...(groups.get(key) ?? []), fixture]);
  }
  let agreed = 0;

  it('indexes the expected number of fixtures', () => {
    expect(fixtures.length).toBe(4537);
  });

  for (const [key, group] of groups) {
    it(`agrees on every ${key} fixture`, () => {
      const mismatches = group.map(disagreement).filter((line): line is string => line !== undefined);
      agreed += group.length - mismatches.length;
      expect(mismatches).toEqual([]);
    });
  }

  it('reports the agreement figure', () => {
    console.log(`PSA fixtures: ${agreed}/${fixtures.length} agree`);
    expect(agreed).toBe(fixtures.length);
  });
});
