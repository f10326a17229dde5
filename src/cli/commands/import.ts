import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathDiagnostic, type Diagnostic } from '../../diagnostics/index.js';
import { importPolicies, importSources, type ImportInput, type ImportSource } from '../../import/index.js';
import { UsageError, type Command } from '../args.js';
import { describeFsError, readText, writeOutputFiles } from '../io.js';
import { exitCodeFor, printDiagnostics, type Io } from '../output.js';
import { todayOption } from './shared.js';

const artifactFile = /\.(ya?ml|json)$/;

/** The YAML/JSON files of the arguments: a directory's files below it (sorted), any other path as given. */
function artifactPaths(paths: readonly string[]): string[] {
  const walk = (dir: string, out: string[]): string[] => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p, out);
      else if (artifactFile.test(entry.name)) out.push(p);
    }
    return out;
  };
  return paths.flatMap((p) => {
    try {
      return statSync(p).isDirectory() ? walk(p, []) : [p];
    } catch {
      return [p];
    }
  });
}

function positiveInt(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${option} takes a positive integer`);
  return n;
}

export function importCommand(io: Io): Command {
  return {
    name: 'import',
    summary: 'Translate Kyverno, Gatekeeper library, PSA label and NetworkPolicy policies into secpol, one formatted file per policy (--verify proves each rule).',
    usage: 'secpol import FILE|DIR... [--from kyverno|gatekeeper|psa|netpol] [--out DIR] [--verify [--runs N] [--seed S]]',
    options: { from: { type: 'string' }, out: { type: 'string', short: 'o' }, verify: { type: 'boolean' }, runs: { type: 'string' }, seed: { type: 'string' }, today: { type: 'string' } },
    help: [
      '--from ENGINE       only artifacts of kyverno, gatekeeper, psa or netpol (default: every kind found)',
      '--out DIR           write DIR/<policy>.secpol; default: the files on stdout',
      '--verify            run the original artifact in its engine and the import compiled back to that backend on',
      '                    generated requests; a rule that disagrees, or is never both violated and satisfied, is',
      '                    left out (SP3002, with the counterexample)',
      '--runs N            generated requests per policy for --verify (default 300)',
      '--seed S            the generator seed for --verify (default 1)',
      '--today DATE        the date the checker uses (default: today, UTC)',
    ],
    async run(values, positionals) {
      if (positionals.length === 0) throw new UsageError('give at least one YAML file or directory of Kyverno, Gatekeeper, Namespace or NetworkPolicy objects');
      const from = values['from'];
      if (from !== undefined && !importSources.includes(from as ImportSource)) throw new UsageError(`--from takes one of ${importSources.join(', ')}`);
      const today = todayOption(values['today']);
      const verify = values['verify'] ? { runs: positiveInt(values['runs'], '--runs', 300), seed: positiveInt(values['seed'], '--seed', 1) } : undefined;
      const inputs: ImportInput[] = [];
      const problems: Diagnostic[] = [];
      const paths = artifactPaths(positionals);
      // A directory without YAML must not pass as "nothing to import".
      if (paths.length === 0) throw new UsageError(`no .yaml, .yml or .json file in ${positionals.join(', ')}`);
      for (const path of paths) {
        try {
          inputs.push({ path, text: readText(path) });
        } catch (e) {
          problems.push(pathDiagnostic('SP0004', path, { path, reason: describeFsError(e) }));
        }
      }
      const result = await importPolicies(inputs, { today, ...(from ? { from: from as ImportSource } : {}), ...(verify ? { verify } : {}) });
      const files = (result.value?.files ?? []).filter((f) => f.policy.rules.length > 0);
      const diagnostics = [...problems, ...result.diagnostics];
      if (typeof values['out'] === 'string') diagnostics.push(...writeOutputFiles(values['out'], files.map((f) => ({ path: f.path, content: f.text }))));
      else for (const f of files) io.stdout(`${f.text}\n`);
      printDiagnostics(io, diagnostics, 'text');
      const rules = result.value?.rules ?? [];
      if (rules.length === 0 && !diagnostics.some((d) => d.severity === 'error')) {
        io.stderr(`secpol import: no Kyverno ClusterPolicy/Policy, Gatekeeper Constraint, labelled Namespace or NetworkPolicy found${from ? ` (--from ${String(from)})` : ''}\n`);
        return 1;
      }
      const done = rules.filter((r) => r.status !== 'not-imported').length;
      io.stderr(`${files.length} polic${files.length === 1 ? 'y' : 'ies'} written; ${done} of ${rules.length} rules imported${verify ? ' and proven equivalent' : ' (not verified: add --verify)'}\n`);
      return exitCodeFor(diagnostics);
    },
  };
}
