import { compileTo } from '../compile.js';
import { hasErrors } from '../diagnostics/index.js';
import type { PolicySet } from '../ir/index.js';
import { targetIds, type TargetId } from '../backends/registry.js';
import { firstError } from '../verify/index.js';

/** One emitted file's change, as a unified diff. */
export interface ArtifactFileDiff {
  readonly path: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly diff: string;
}

/** One backend's artifacts in both versions; `error` when a side does not compile for it (e.g. SP2001). */
export interface ArtifactDiff {
  readonly backend: TargetId;
  readonly oldError?: string;
  readonly newError?: string;
  readonly files: readonly ArtifactFileDiff[];
}

const context = 3;

/** A unified line diff (LCS), `---`/`+++` headers and `@@` hunks with 3 lines of context; '' when equal. */
export function unifiedDiff(a: string, b: string, oldName: string, newName: string): string {
  if (a === b) return '';
  const x = a === '' ? [] : a.replace(/\n$/, '').split('\n');
  const y = b === '' ? [] : b.replace(/\n$/, '').split('\n');
  const n = x.length;
  const m = y.length;
  const ops: { op: ' ' | '-' | '+'; line: string; i: number; j: number }[] = [];
  if (n * m > 4_000_000) {
    x.forEach((line, i) => ops.push({ op: '-', line, i, j: 0 }));
    y.forEach((line, j) => ops.push({ op: '+', line, i: n, j }));
  } else {
    // lcs[i][j]: the LCS length of x[i..] and y[j..].
    const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && x[i] === y[j]) ops.push({ op: ' ', line: x[i++]!, i: i - 1, j: j++ });
      else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ op: '-', line: x[i++]!, i: i - 1, j });
      else ops.push({ op: '+', line: y[j++]!, i, j: j - 1 });
    }
  }
  const out = [`--- ${oldName}`, `+++ ${newName}`];
  let k = 0;
  while (k < ops.length) {
    while (k < ops.length && ops[k]!.op === ' ') k++;
    if (k >= ops.length) break;
    const start = Math.max(0, k - context);
    let end = k;
    // Extend the hunk while the next change is within 2*context unchanged lines.
    for (;;) {
      while (end < ops.length && ops[end]!.op !== ' ') end++;
      let gap = end;
      while (gap < ops.length && ops[gap]!.op === ' ') gap++;
      if (gap < ops.length && gap - end <= 2 * context) end = gap;
      else {
        end = Math.min(ops.length, end + context);
        break;
      }
    }
    const hunk = ops.slice(start, end);
    const oldLines = hunk.filter((o) => o.op !== '+').length;
    const newLines = hunk.filter((o) => o.op !== '-').length;
    const first = hunk[0]!;
    out.push(`@@ -${oldLines ? first.i + 1 : first.i},${oldLines} +${newLines ? first.j + 1 : first.j},${newLines} @@`, ...hunk.map((o) => `${o.op}${o.line}`));
    k = end;
  }
  return `${out.join('\n')}\n`;
}

/**
 * The rendered artifacts of both versions per backend. `rename` maps the old policy file's path to the new one
 * in the old artifacts, so source annotations (`file:line`) only differ where the line moved.
 */
export async function artifactDiffs(before: PolicySet, after: PolicySet, rename: (text: string) => string, targets: readonly TargetId[] = targetIds): Promise<ArtifactDiff[]> {
  const out: ArtifactDiff[] = [];
  for (const backend of targets) {
    const a = await compileTo(before, [backend]);
    const b = await compileTo(after, [backend]);
    const newFiles = new Map((b.value ?? []).map((f) => [f.path, f.content]));
    // Renaming only where the file is on both sides: a removed file keeps its true source path.
    const oldFiles = new Map((a.value ?? []).map((f) => [f.path, newFiles.has(f.path) ? rename(f.content) : f.content]));
    const oldError = !a.value || hasErrors(a.diagnostics) ? firstError(a.diagnostics) : undefined;
    const newError = !b.value || hasErrors(b.diagnostics) ? firstError(b.diagnostics) : undefined;
    const files: ArtifactFileDiff[] = [];
    for (const path of [...new Set([...oldFiles.keys(), ...newFiles.keys()])].sort()) {
      const o = oldFiles.get(path);
      const n = newFiles.get(path);
      const diff = unifiedDiff(o ?? '', n ?? '', o === undefined ? '/dev/null' : `a/${path}`, n === undefined ? '/dev/null' : `b/${path}`);
      if (diff) files.push({ path, change: o === undefined ? 'added' : n === undefined ? 'removed' : 'changed', diff });
    }
    if (files.length || oldError !== newError) out.push({ backend, ...(oldError ? { oldError } : {}), ...(newError ? { newError } : {}), files });
  }
  return out;
}
