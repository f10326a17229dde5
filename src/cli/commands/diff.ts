import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { frontEnd } from '../../compile.js';
import { hasErrors, pathDiagnostic, type Diagnostic } from '../../diagnostics/index.js';
import { loadManifests, type ManifestInput } from '../../audit/index.js';
import { diffPolicySets, renderDiff, type DiffOptions } from '../../diff/index.js';
import { oneOf, UsageError, type Command } from '../args.js';
import { describeFsError, expandPolicyPaths, readPolicyFile, readText, rootOption } from '../io.js';
import { exitCodeFor, printDiagnostics, type Io } from '../output.js';
import { rootHelp, todayOption } from './shared.js';

function wholeNumber(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${option} takes a whole number`);
  return n;
}

/** The manifest files under the given paths (directories recursively, `*.yaml|*.yml|*.json`, sorted); files pass through. */
function manifestFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/.test(e.name)) out.push(p);
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

/**
 * Reads and parses the manifests as `secpol audit` does (src/audit/load-manifests.ts): a document that is not a
 * Kubernetes object (malformed YAML, a scalar, no apiVersion or kind) is reported with file:line:col and the
 * others are still judged. Only an unreadable file is an input error (SP0004, exit 2).
 */
function readManifests(paths: readonly string[], diagnostics: Diagnostic[]): NonNullable<DiffOptions['manifests']> {
  const inputs: ManifestInput[] = [];
  for (const path of manifestFiles(paths)) {
    try {
      inputs.push({ path, text: readText(path) });
    } catch (e) {
      diagnostics.push(pathDiagnostic('SP0004', path, { path, reason: describeFsError(e) }));
    }
  }
  const loaded = loadManifests(inputs);
  return {
    objects: loaded.manifests.map((m) => ({ value: m.object, file: m.file, line: m.line })),
    invalid: loaded.invalid
      .map(({ file, line, column, reason }) => ({ file, line, column, reason }))
      .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column)),
  };
}

/**
 * A semantic diff of two versions of a policy file, for review (docs/diff.md). Informational: exit 0 whatever
 * changed; 1 when a version has errors or a manifest is not a Kubernetes object (the diff is still printed).
 */
export function diffCommand(io: Io): Command {
  return {
    name: 'diff',
    summary: 'Compare two versions of a policy file: changed rules, verdicts that change (with examples), connections, and rendered artifacts.',
    usage: 'secpol diff OLD NEW [--manifests PATH...] [--format text|markdown|json] [--runs N] [--seed S] [--today YYYY-MM-DD] [--root DIR]',
    options: { manifests: { type: 'string', multiple: true }, format: { type: 'string' }, runs: { type: 'string' }, seed: { type: 'string' }, today: { type: 'string' }, root: { type: 'string' } },
    help: [
      '--manifests PATH    YAML/JSON files or directories of existing objects to re-judge with both versions (repeatable)',
      '--format F          text (default), markdown (for a pull request comment) or json',
      '--runs N            requests judged per policy (default 500; requests the API server would reject are not counted)',
      '--seed S            the random seed (default 42): the same seed gives the same examples',
      '--today DATE        the date exceptions expire against',
      `${rootHelp}; with --root, both versions lie inside it`,
    ],
    async run(values, positionals) {
      if (positionals.length !== 2) throw new UsageError('give exactly two policy files (or directories): OLD NEW');
      const [oldPath, newPath] = positionals as [string, string];
      const format = oneOf(values['format'], ['text', 'markdown', 'json'] as const, '--format', 'text');
      const runs = wholeNumber(values['runs'], '--runs', 500);
      const seed = wholeNumber(values['seed'], '--seed', 42);
      const today = todayOption(values['today']);
      const root = rootOption(values['root']);
      const before = frontEnd(expandPolicyPaths([oldPath], root), readPolicyFile, { today });
      const after = frontEnd(expandPolicyPaths([newPath], root), readPolicyFile, { today });
      const diagnostics: Diagnostic[] = [...before.diagnostics, ...after.diagnostics];
      const manifestPaths = values['manifests'];
      const manifests = Array.isArray(manifestPaths) ? readManifests(manifestPaths, diagnostics) : undefined;
      if (!before.value || !after.value || hasErrors(diagnostics)) {
        printDiagnostics(io, diagnostics, 'text');
        return exitCodeFor(diagnostics) || 1;
      }
      if (diagnostics.length) printDiagnostics(io, diagnostics, 'text');
      const rename = (text: string) => (oldPath === newPath ? text : text.split(oldPath).join(newPath));
      const diff = await diffPolicySets(before.value.set, after.value.set, { old: oldPath, new: newPath }, { runs, seed, rename, ...(manifests ? { manifests } : {}) });
      io.stdout(renderDiff(diff, format));
      // A malformed manifest is a problem found, as in `secpol audit`: reported in the diff, and exit 1.
      return diff.manifests?.invalid.length ? 1 : 0;
    },
  };
}
