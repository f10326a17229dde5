import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (the folder holding package.json). */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Upstream engines' test data lives beside the project in `../shared/corpora`, never inside it.
 * Tests that read it use `describe.skipIf(!hasCorpus('psa'))` so a clone without it skips cleanly.
 */
export const corporaRoot = resolve(projectRoot, '..', 'shared', 'corpora');

export function hasCorpus(name: 'psa' | 'kyverno' | 'gatekeeper'): boolean {
  return existsSync(join(corporaRoot, name));
}

export function corpusPath(...parts: string[]): string {
  return join(corporaRoot, ...parts);
}
