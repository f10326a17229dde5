/**
 * Kubernetes list documents. `kind: List` (what `kubectl get -o yaml` writes) holds complete objects; a typed
 * list such as `PodList` or `NamespaceList` (what the API returns, `kubectl get --raw`) holds items without
 * `kind` and `apiVersion`: each item is of the list's item kind, in the list's API version.
 */
export interface ListItem {
  readonly value: unknown;
  /** Where the item sits in the document (`["items", i]`; `[]` for a document that is not a list). */
  readonly path: readonly (string | number)[];
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The objects a document holds: its list items (kind filled in for typed lists), or the document itself. */
export function listItems(doc: unknown): ListItem[] {
  if (!isRecord(doc) || typeof doc['kind'] !== 'string' || !doc['kind'].endsWith('List') || !Array.isArray(doc['items'])) return [{ value: doc, path: [] }];
  const itemKind = doc['kind'] === 'List' ? undefined : doc['kind'].slice(0, -'List'.length);
  const apiVersion = doc['apiVersion'];
  return doc['items'].map((item: unknown, i: number) => {
    const typed =
      itemKind !== undefined && isRecord(item) && item['kind'] === undefined
        ? { ...(typeof apiVersion === 'string' && item['apiVersion'] === undefined ? { apiVersion } : {}), kind: itemKind, ...item }
        : item;
    return { value: typed, path: ['items', i] };
  });
}
