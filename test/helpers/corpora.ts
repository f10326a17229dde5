import { existsSync, readFileSync } from 'node:fs';
import YAML from 'yaml';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (the folder holding package.json). */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Upstream engines' test data lives beside the project in `../shared/corpora`, never inside it.
 * Tests that read it use `describe.skipIf(!hasCorpus('psa'))` so a clone without it skips cleanly.
 */
export const corporaRoot = resolve(projectRoot, '..', 'shared', 'corpora');

export function hasCorpus(name: 'psa' | 'kyverno' | 'gatekeeper' | 'real-gatekeeper' | 'rego-probes'): boolean {
  return existsSync(join(corporaRoot, name));
}

export function corpusPath(...parts: string[]): string {
  return join(corporaRoot, ...parts);
}

/** One upstream Pod Security Admission fixture, as shared/corpora/psa/manifest.jsonl lists it. */
export interface PsaFixture {
  readonly path: string;
  readonly level: 'baseline' | 'restricted';
  readonly version: string;
  readonly minor: number;
  readonly expect: 'allow' | 'deny';
  readonly fixture: string;
  readonly expectErrorSubstring: string | null;
}

/** Every PSA fixture of the corpus (call only when hasCorpus('psa')). */
export function psaFixtures(): PsaFixture[] {
  return readFileSync(corpusPath('psa', 'manifest.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as PsaFixture);
}

/** The fixture's Pod, named and placed in `namespace` unless it says otherwise (engines need an identity). */
export function psaFixturePod(f: PsaFixture, namespace = 'default'): Record<string, unknown> {
  const pod = YAML.parse(readFileSync(corpusPath(f.path), 'utf8')) as Record<string, unknown>;
  return { ...pod, metadata: { name: 'fixture', namespace, ...((pod['metadata'] as object | undefined) ?? {}) } };
}
