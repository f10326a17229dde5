import type { Coverage, CoverageRow, TargetId } from '../compile.js';

const cell: Record<Coverage['status'], string> = { compiled: 'compiled', 'not-expressible': 'cannot', omitted: 'omitted', 'not-applicable': '-' };

/**
 * More rows than this and identical rows are grouped, so the table stays on one screen (with the header, a blank
 * line, the two summary lines and a note: about 40 lines). The library's 32 rows are listed one per policy.
 */
const maxRows = 36;
const width = 100;

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * The table `compile --target all` prints on stderr: one row per policy and network block (or, past a screen,
 * per group of identical rows), one column per backend, then how many pairs were skipped and where the reasons are.
 */
export function coverageTable(rows: readonly CoverageRow[], targets: readonly TargetId[]): string {
  const pattern = (r: CoverageRow) => targets.map((t) => cell[r.backends[t]?.status ?? 'not-applicable']).join('\t');
  let lines: { label: string; cells: string[] }[];
  if (rows.length <= maxRows) {
    lines = rows.map((r) => ({ label: r.kind === 'policy' ? r.name : `${r.name} (${r.kind})`, cells: pattern(r).split('\t') }));
  } else {
    const groups = new Map<string, CoverageRow[]>();
    for (const r of rows) groups.set(pattern(r), [...(groups.get(pattern(r)) ?? []), r]);
    lines = [...groups.entries()].map(([p, members]) => ({ label: `${members.length} × ${members.map((m) => m.name).join(', ')}`, cells: p.split('\t') }));
  }
  const columns = targets.map((t, i) => Math.max(t.length, ...lines.map((l) => l.cells[i]!.length)));
  const cellsWidth = columns.reduce((n, c) => n + c + 2, 0);
  const labelWidth = Math.min(Math.max('policy'.length, ...lines.map((l) => l.label.length)), Math.max(20, width - cellsWidth));
  const row = (label: string, cells: readonly string[]) => `${truncate(label, labelWidth).padEnd(labelWidth)}  ${cells.map((c, i) => c.padEnd(columns[i]!)).join('  ')}`.trimEnd();
  const counts = { compiled: 0, 'not-expressible': 0, omitted: 0, 'not-applicable': 0 };
  for (const r of rows) for (const t of targets) counts[r.backends[t]?.status ?? 'not-applicable']++;
  const nowhere = rows.filter((r) => targets.every((t) => r.backends[t]?.status !== 'compiled'));
  return [
    row('policy', targets),
    ...lines.map((l) => row(l.label, l.cells)),
    '',
    `${counts.compiled} compiled; ${counts['not-expressible']} cannot (not expressible: a comment in <target>/<policy>.yaml says why);`,
    `${counts.omitted} omitted (\`omit from\` in the policy); ${counts['not-applicable']} not applicable (-: network blocks are netpol's only)`,
    ...nowhere.map((r) => `warning: ${r.kind} ${r.name} is compiled for no backend`),
    '',
  ].join('\n');
}
