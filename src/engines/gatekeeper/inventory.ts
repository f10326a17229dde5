/**
 * `data.inventory`, the cluster state Gatekeeper syncs (docs "Replicating Data"):
 * `cluster[groupVersion][kind][name]` for cluster-scoped objects and
 * `namespace[ns][groupVersion][kind][name]` for namespaced ones.
 */
import { field, isObject } from './errors.js';

type Tree = Record<string, unknown>;

function at(tree: Tree, ...path: string[]): Tree {
  let cur = tree;
  for (const p of path) {
    let next = cur[p];
    if (!isObject(next)) {
      next = {};
      cur[p] = next;
    }
    cur = next as Tree;
  }
  return cur;
}

const cache = new WeakMap<readonly unknown[], Tree>();

/** Builds the inventory document from objects (cached per array). Objects without apiVersion, kind or name are skipped. */
export function buildInventory(objects: readonly unknown[]): Tree {
  const hit = cache.get(objects);
  if (hit) return hit;
  const inv: Tree = {};
  for (const obj of objects) {
    const apiVersion = field(obj, 'apiVersion');
    const kind = field(obj, 'kind');
    const name = field(obj, 'metadata', 'name');
    const ns = field(obj, 'metadata', 'namespace');
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof name !== 'string') continue;
    const leaf = typeof ns === 'string' && ns !== '' ? at(inv, 'namespace', ns, apiVersion, kind) : at(inv, 'cluster', apiVersion, kind);
    leaf[name] = obj;
  }
  cache.set(objects, inv);
  return inv;
}

/** The Namespace object named `name` among inventory objects. */
export function findNamespace(objects: readonly unknown[], name: string): unknown | undefined {
  return objects.find((o) => field(o, 'kind') === 'Namespace' && field(o, 'apiVersion') === 'v1' && field(o, 'metadata', 'name') === name);
}
