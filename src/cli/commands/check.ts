import { frontEnd } from '../../compile.js';
import { oneOf, UsageError, type Command } from '../args.js';
import { expandPolicyPaths, readPolicyFile, rootOption } from '../io.js';
import { exitCodeFor, printDiagnostics, type Io } from '../output.js';
import { rootHelp, todayOption } from './shared.js';

export function checkCommand(io: Io): Command {
  return {
    name: 'check',
    summary: 'Parse and check policy files (and the files they import); report every problem with file:line:column.',
    usage: 'secpol check FILE|DIR... [--format text|json] [--today YYYY-MM-DD] [--root DIR]',
    options: { format: { type: 'string' }, today: { type: 'string' }, root: { type: 'string' } },
    help: ['--format text|json  diagnostics as text on stderr (default) or JSON on stdout', '--today DATE        the date exceptions expire against (default: today, UTC)', rootHelp],
    async run(values, positionals) {
      if (positionals.length === 0) throw new UsageError('give at least one policy file or directory');
      const format = oneOf(values['format'], ['text', 'json'] as const, '--format', 'text');
      const result = frontEnd(expandPolicyPaths(positionals, rootOption(values['root'])), readPolicyFile, { today: todayOption(values['today']) });
      printDiagnostics(io, result.diagnostics, format);
      const code = exitCodeFor(result.diagnostics);
      if (format === 'text' && code === 0) io.stderr(`ok: ${result.value?.files.length ?? 0} file(s), ${result.value?.set.policies.length ?? 0} policies, ${result.value?.set.networks.length ?? 0} network blocks\n`);
      return code;
    },
  };
}
