import { knownKinds } from './kinds.js';
import type { FieldSchema, KnownKind } from './schema.js';

export type ResolveResult =
  | { readonly ok: true; readonly schema: FieldSchema }
  /**
   * `failedAt` indexes the unknown segment; `owner` is the dotted path of the object it was looked up in ('' at the
   * root); `expected`, for a map with known keys, says which keys it takes.
   */
  | { readonly ok: false; readonly failedAt: number; readonly owner: string; readonly suggestions: string[]; readonly expected?: string };

const stringValue: FieldSchema = { type: 'string' };

/**
 * Walks `path` down object fields. Maps (`string-map`, or any schema with `values`) accept every key their
 * `keys` allow (every key when absent),
 * `any` accepts every sub-path; lists are not stepped into (quantifiers take their `element`).
 */
export function resolvePath(schema: FieldSchema, path: readonly string[]): ResolveResult {
  let current = schema;
  for (const [i, segment] of path.entries()) {
    if (current.type === 'any') return { ok: true, schema: current };
    const fields = current.fields;
    if (fields && Object.hasOwn(fields, segment)) {
      current = fields[segment] as FieldSchema;
    } else if (current.values || current.type === 'string-map') {
      const keys = current.keys;
      if (keys && !keys.names.includes(segment) && !keys.forms.some((f) => f.test.test(segment))) {
        const expected = [...keys.names, ...keys.forms.map((f) => f.describe)];
        return { ok: false, failedAt: i, owner: path.slice(0, i).join('.'), suggestions: closestName(segment, keys.names), expected: `${expected.slice(0, -1).join(', ')} or ${expected.at(-1) ?? ''}` };
      }
      current = current.values ?? stringValue;
    } else {
      return { ok: false, failedAt: i, owner: path.slice(0, i).join('.'), suggestions: closestName(segment, Object.keys(fields ?? {})) };
    }
  }
  return { ok: true, schema: current };
}

const kindIndex = new Map(knownKinds.map((k) => [kindKey(k.group, k.version, k.kind), k]));

function kindKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

/** The known kind with exactly this group ('' for core), version and kind. */
export function findKnownKind(group: string, version: string, kind: string): KnownKind | undefined {
  return kindIndex.get(kindKey(group, version, kind));
}

/**
 * Candidates that look like a misspelling of `name`, best first, at most three: equal ignoring case,
 * or within Damerau-Levenshtein distance 2 (never a distance as long as `name` itself, so short names
 * do not match unrelated short candidates).
 */
export function closestName(name: string, candidates: readonly string[]): string[] {
  const lower = name.toLowerCase();
  const scored: { candidate: string; folded: number; exact: number }[] = [];
  for (const candidate of new Set(candidates)) {
    if (candidate === name) continue;
    const folded = editDistance(lower, candidate.toLowerCase());
    if (folded === 0 || (folded <= 2 && folded < name.length)) scored.push({ candidate, folded, exact: editDistance(name, candidate) });
  }
  scored.sort((a, b) => a.folded - b.folded || a.exact - b.exact || (a.candidate < b.candidate ? -1 : a.candidate > b.candidate ? 1 : 0));
  return scored.slice(0, 3).map((s) => s.candidate);
}

/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] as number;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}
