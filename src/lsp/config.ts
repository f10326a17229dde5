import { posix } from 'node:path';
import { isTargetId, type TargetId } from '../backends/registry.js';

/** The project config file the server looks for, from a document's directory up to the workspace root. */
export const projectConfigName = 'secpol.json';

export interface Targets {
  readonly targets: readonly TargetId[];
  /** Entries that are not targets, to report once. */
  readonly unknown: readonly string[];
}

/** `{"targets": ["kyverno", "vap"]}` (project config), or the `secpol.targets` setting / initialization option. */
export function targetsOf(value: unknown): Targets {
  const list = value && typeof value === 'object' && 'targets' in value ? (value as { targets: unknown }).targets : undefined;
  if (!Array.isArray(list)) return { targets: [], unknown: [] };
  const targets: TargetId[] = [];
  const unknown: string[] = [];
  for (const t of list) {
    if (typeof t === 'string' && isTargetId(t)) {
      if (!targets.includes(t)) targets.push(t);
    } else unknown.push(String(t));
  }
  return { targets, unknown };
}

/**
 * The targets for a document: the nearest project config between its directory and the root wins over the
 * editor's settings, so everyone on a project sees the same SP2001 diagnostics.
 */
export function targetsFor(path: string, root: string, settings: Targets, readText: (path: string) => string | undefined): Targets & { readonly from?: string } {
  let dir = posix.dirname(path);
  for (;;) {
    const candidate = posix.join(dir, projectConfigName);
    const text = readText(candidate);
    if (text !== undefined) {
      try {
        return { ...targetsOf(JSON.parse(text)), from: candidate };
      } catch {
        return { targets: [], unknown: [`${candidate} is not valid JSON`], from: candidate };
      }
    }
    if (dir === root || !dir.startsWith(`${root === '/' ? '' : root}/`)) break;
    dir = posix.dirname(dir);
  }
  return settings;
}
