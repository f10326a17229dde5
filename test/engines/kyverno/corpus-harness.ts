/**
 * Runs the Kyverno CLI test expectations of the corpus (see ../shared/corpora/kyverno/README.md) through the
 * engine: one expectation is one policy rule applied to one resource document, expected `pass | fail | skip`.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { evaluateResource, loadKyvernoDocuments, type KyvernoPolicy, type RuleResult } from '../../../src/engines/kyverno/index.js';
import { corpusPath } from '../../helpers/corpora.js';

export interface Expectation {
  readonly test: string;
  readonly policy: string;
  readonly policyFile: string;
  readonly rule: string;
  readonly kind: string;
  readonly resource: string;
  readonly expect: 'pass' | 'fail' | 'skip';
  readonly resourceFile: string;
  readonly resourceDoc: number;
}

export interface Verdict {
  readonly expectation: Expectation;
  /** The engine's status for the rule, or `none` when the rule produced no result. */
  readonly actual: RuleResult['status'] | 'none';
  readonly message: string;
}

const yamlCache = new Map<string, unknown[]>();

/** All documents of a corpus YAML file, comments-only documents included as null so indices line up. */
export function readDocs(relative: string): unknown[] {
  let docs = yamlCache.get(relative);
  if (docs === undefined) {
    docs = parseAllDocuments(readFileSync(corpusPath(relative), 'utf8')).map((d) => d.toJS() as unknown);
    yamlCache.set(relative, docs);
  }
  return docs;
}

export function readManifest(): Expectation[] {
  return readFileSync(corpusPath('kyverno', 'kyverno-test-manifest.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Expectation);
}

const policyCache = new Map<string, KyvernoPolicy[]>();

export function policiesOf(relative: string): KyvernoPolicy[] {
  let policies = policyCache.get(relative);
  if (policies === undefined) {
    policies = loadKyvernoDocuments(readDocs(relative)).policies;
    policyCache.set(relative, policies);
  }
  return policies;
}

export function judge(expectation: Expectation): Verdict {
  const resource = readDocs(expectation.resourceFile)[expectation.resourceDoc];
  const results = evaluateResource(policiesOf(expectation.policyFile), resource).filter(
    (r) => r.policy === expectation.policy && r.rule === expectation.rule,
  );
  const first = results[0];
  return { expectation, actual: first?.status ?? 'none', message: first?.message ?? '' };
}

/** Mismatches grouped by `policy/rule kind expected→actual`, each listing resource names and one message. */
export function groupMismatches(verdicts: readonly Verdict[]): string {
  const groups = new Map<string, { resources: string[]; message: string }>();
  for (const v of verdicts) {
    const e = v.expectation;
    const key = `${e.policy}/${e.rule} ${e.kind}: expected ${e.expect}, got ${v.actual}`;
    const group = groups.get(key) ?? { resources: [], message: v.message };
    group.resources.push(e.resource);
    groups.set(key, group);
  }
  return [...groups.entries()].map(([key, g]) => `  ${key}\n    resources: ${g.resources.join(', ')}\n    message: ${g.message}`).join('\n');
}
