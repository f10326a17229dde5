/** Did-you-mean suggestions, shared by the checks (field and rule names), the parser (keywords) and the CLI (commands, flags). */

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
