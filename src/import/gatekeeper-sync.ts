/**
 * The kinds a ConstraintTemplate asks Gatekeeper to replicate into data.inventory: its
 * `metadata.gatekeeper.sh/requires-sync-data` annotation, read as Gatekeeper reads it (pkg/cachemanager/parser,
 * ReadSyncRequirements: the value trimmed of newlines and `"` at both ends, then JSON: a list of requirements, each a
 * list of clauses whose groups × versions × kinds are equivalent GVKs). import --verify runs the original against a
 * Gatekeeper that syncs these kinds, as the template's documentation asks: a template that looks up other kinds in
 * data.inventory finds nothing there.
 */
type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

const annotation = 'metadata.gatekeeper.sh/requires-sync-data';

/** `apiVersion/Kind` of every GVK the annotation names, or undefined when the template has none (or it does not parse). */
export function requiredSyncKinds(template: unknown): ReadonlySet<string> | undefined {
  const meta = isMap(template) ? template['metadata'] : undefined;
  const annotations = isMap(meta) ? meta['annotations'] : undefined;
  const value = isMap(annotations) ? annotations[annotation] : undefined;
  if (typeof value !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.replace(/^[\n"]+|[\n"]+$/g, ''));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const out = new Set<string>();
  for (const requirement of parsed) {
    for (const clause of Array.isArray(requirement) ? requirement : []) {
      if (!isMap(clause)) continue;
      for (const g of strings(clause['groups'])) for (const v of strings(clause['versions'])) for (const k of strings(clause['kinds'])) out.add(`${g ? `${g}/${v}` : v}/${k}`);
    }
  }
  return out;
}

/**
 * The inventory a Gatekeeper that syncs `kinds` holds: the objects of those kinds. Namespaces stay, as the engine
 * reads the request's Namespace from them for match.namespaceSelector.
 */
export function syncedInventory(inventory: readonly unknown[], kinds: ReadonlySet<string> | undefined): readonly unknown[] {
  if (!kinds) return inventory;
  return inventory.filter((o) => isMap(o) && ((o['apiVersion'] === 'v1' && o['kind'] === 'Namespace') || kinds.has(`${String(o['apiVersion'])}/${String(o['kind'])}`)));
}
