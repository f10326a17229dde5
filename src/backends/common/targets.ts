import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Templates and JSON Schemas live in targets/<backend>/ at the project root (the design card's layout).
 * They are read once at module load, next to the compiled code or the sources alike.
 */
const here = dirname(fileURLToPath(import.meta.url));
const root = [resolve(here, '../../..'), resolve(here, '../../../..')].find((dir) => {
  try {
    readFileSync(join(dir, 'package.json'));
    return true;
  } catch {
    return false;
  }
});

export function targetFile(backend: string, name: string): string {
  if (!root) throw new Error('invariant: cannot locate the secpol installation (package.json)');
  return readFileSync(join(root, 'targets', backend, name), 'utf8');
}

export function targetJson<T>(backend: string, name: string): T {
  return JSON.parse(targetFile(backend, name)) as T;
}
