import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Templates and JSON Schemas live in targets/<backend>/ at the project root (the design card's layout).
 * They are read once at module load, next to the sources, the tsc output (dist/src/) or the bundle (dist/cli/chunks/)
 * alike: the root is the nearest directory above with secpol's own package.json.
 */
function findRoot(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name === 'secpol') return dir;
    } catch {
      // no package.json here, or not secpol's: look further up
    }
    if (dirname(dir) === dir) return undefined;
  }
}

const root = findRoot(dirname(fileURLToPath(import.meta.url)));

export function targetFile(backend: string, name: string): string {
  if (!root) throw new Error('invariant: cannot locate the secpol installation (package.json)');
  return readFileSync(join(root, 'targets', backend, name), 'utf8');
}

export function targetJson<T>(backend: string, name: string): T {
  return JSON.parse(targetFile(backend, name)) as T;
}
