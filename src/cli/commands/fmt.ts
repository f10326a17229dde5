import { hasErrors } from '../../diagnostics/index.js';
import { loadPolicyFiles } from '../../load.js';
import { printFile } from '../../syntax/index.js';
import { UsageError, type Command } from '../args.js';
import { expandPolicyPaths, policyFiles, readPolicyFile, writeFileAtomic } from '../io.js';
import { exitCodeFor, printDiagnostics, type Io } from '../output.js';

/** Formats each file on its own (imports are not followed: each file is printed as written). */
export function fmtCommand(io: Io): Command {
  return {
    name: 'fmt',
    summary: 'Print policy files in the canonical layout. Without flags, print to stdout.',
    usage: 'secpol fmt FILE|DIR... [--check | --write]',
    options: { check: { type: 'boolean' }, write: { type: 'boolean' } },
    help: ['--check             list files that are not formatted; exit 1 if any', '--write             rewrite files in place'],
    async run(values, positionals) {
      if (positionals.length === 0) throw new UsageError('give at least one policy file or directory');
      if (values['check'] && values['write']) throw new UsageError('--check and --write exclude each other');
      const paths = policyFiles(expandPolicyPaths(positionals));
      let worst = 0;
      let unformatted = 0;
      for (const path of paths) {
        const read = loadPolicyFiles([path], (p) => (p === path ? readPolicyFile(p) : { bytes: new Uint8Array() }));
        // fmt lays out one file: what its imports name (SP0011) and whether it holds a policy (SP0010) are check's job.
        const loaded = { ...read, diagnostics: read.diagnostics.filter((d) => !(d.code === 'SP0010' || (d.code === 'SP0011' && d.span))) };
        const file = loaded.value?.find((f) => f.span.file.path === path);
        if (!file || hasErrors(loaded.diagnostics)) {
          printDiagnostics(io, loaded.diagnostics.filter((d) => (d.span?.file.path ?? d.path) === path), 'text');
          worst = Math.max(worst, exitCodeFor(loaded.diagnostics));
          continue;
        }
        const original = file.span.file.text;
        const formatted = printFile(file);
        if (values['check']) {
          if (formatted !== original) {
            unformatted++;
            io.stdout(`${path}\n`);
          }
        } else if (values['write']) {
          if (formatted !== original) writeFileAtomic(path, formatted);
        } else io.stdout(formatted);
      }
      if (values['check'] && unformatted) {
        io.stderr(`${unformatted} file(s) need formatting: run secpol fmt --write\n`);
        worst = Math.max(worst, 1);
      }
      return worst;
    },
  };
}
