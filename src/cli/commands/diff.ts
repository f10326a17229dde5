import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { frontEnd } from '../../compile.js';
import { hasErrors, pathDiagnostic, type Diagnostic } from '../../diagnostics/index.js';
import { diffPolicySets, renderDiff } from '../../diff/index.js';
import { SourceFile } from '../../source/index.js';
import { parseYamlFile } from '../../suite/index.js';
import { oneOf, UsageError, type Command } from '../args.js';
import { describeFsError, expandPolicyPaths, readPolicyFile, readText } from '../io.js';
import { exitCodeFor, printDiagnostics, type Io } from '../output.js';
import { todayOption } from './shared.js';

function wholeNumber(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${option} takes a whole number`);
  return n;
}

/** The YAML files under the given paths (directories recursively, sorted); files pass through. */
function manifestFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name)) out.push(p);
    }
  };
  for (const p of paths) {
    let dir = false;
    try {
      dir = statSync(p).isDirectory();
    } catch {
      dir = false;
    }
    if (dir) walk(p);
    else out.push(p);
  }
  return out;
}

function loadManifests(paths: readonly string[], diagnostics: Diagnostic[]): { value: unknown; file: string; line: number }[] {
  const docs: { value: unknown; file: string; line: number }[] = [];
  for (const path of manifestFiles(paths)) {
    let text: string;
    try {
      text = readText(path);
    } catch (e) {
      diagnostics.push(pathDiagnostic('SP0004', path, { path, reason: describeFsError(e) }));
      continue;
    }
    const parsed = parseYamlFile(new SourceFile(path, text));
    diagnostics.push(...parsed.diagnostics);
    for (const d of parsed.documents) {
      const line = d.file.lineColumn((d.doc.contents as { range?: [number] } | null)?.range?.[0] ?? 0).line;
      const v = d.value as { kind?: unknown; items?: unknown };
      // Lists (kind: List / *List) hold their objects in items.
      if (typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items)) docs.push(...v.items.map((value: unknown) => ({ value, file: path, line })));
      else if (typeof v.kind === 'string') docs.push({ value: d.value, file: path, line });
    }
  }
  return docs;
}

/** A semantic diff of two versions of a policy file, for review (docs/diff.md). Informational: exit 0 unless an input is invalid. */
export function diffCommand(io: Io): Command {
  return {
    name: 'diff',
    summary: 'Compare two versions of a policy file: changed rules, verdicts that change (with examples), connections, and rendered artifacts.',
    usage: 'secpol diff OLD NEW [--manifests PATH...] [--format text|markdown|json] [--runs N] [--seed S] [--today YYYY-MM-DD]',
    options: { manifests: { type: 'string', multiple: true }, format: { type: 'string' }, runs: { type: 'string' }, seed: { type: 'string' }, today: { type: 'string' } },
    help: [
      '--manifests PATH    YAML files or directories of existing objects to re-judge with both versions (repeatable)',
      '--format F          text (default), markdown (for a pull request comment) or json',
      '--runs N            generated requests per policy (default 500)',
      '--seed S            the random seed (default 42): the same seed gives the same examples',
      '--today DATE        the date exceptions expire against',
    ],
    async run(values, positionals) {
      if (positionals.length !== 2) throw new UsageError('give exactly two policy files (or directories): OLD NEW');
      const [oldPath, newPath] = positionals as [string, string];
      const format = oneOf(values['format'], ['text', 'markdown', 'json'] as const, '--format', 'text');
      const runs = wholeNumber(values['runs'], '--runs', 500);
      const seed = wholeNumber(values['seed'], '--seed', 42);
      const today = todayOption(values['today']);
      const before = frontEnd(expandPolicyPaths([oldPath]), readPolicyFile, { today });
      const after = frontEnd(expandPolicyPaths([newPath]), readPolicyFile, { today });
      const diagnostics: Diagnostic[] = [...before.diagnostics, ...after.diagnostics];
      const manifestPaths = values['manifests'];
      const manifests = Array.isArray(manifestPaths) ? loadManifests(manifestPaths, diagnostics) : undefined;
      if (!before.value || !after.value || hasErrors(diagnostics)) {
        printDiagnostics(io, diagnostics, 'text');
        return exitCodeFor(diagnostics) || 1;
      }
      if (diagnostics.length) printDiagnostics(io, diagnostics, 'text');
      const rename = (text: string) => (oldPath === newPath ? text : text.split(oldPath).join(newPath));
      const diff = await diffPolicySets(before.value.set, after.value.set, { old: oldPath, new: newPath }, { runs, seed, rename, ...(manifests ? { manifests } : {}) });
      io.stdout(renderDiff(diff, format));
      return 0;
    },
  };
}
