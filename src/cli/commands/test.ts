import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { frontEnd } from '../../compile.js';
import { hasErrors, type Diagnostic } from '../../diagnostics/index.js';
import { loadSuite, runSuite, type SuiteResult } from '../../suite/index.js';
import { oneOf, UsageError, type Command } from '../args.js';
import { expandPolicyPaths, readPolicyFile, rootOption } from '../io.js';
import { exitCodeFor, printDiagnostics, type Io } from '../output.js';
import { nowOption, rootHelp, todayOption } from './shared.js';

function render(io: Io, r: SuiteResult): void {
  io.stdout(`${r.ok ? 'ok  ' : 'FAIL'} ${r.suite}\n`);
  for (const c of r.cases) {
    const judges = c.judges.map((j) => `${j.judge} ${j.ok ? 'ok' : `got ${j.got}`}`).join(', ');
    io.stdout(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name} (expect ${c.expect}): ${judges}\n`);
  }
  for (const n of r.notes) io.stdout(`  note: ${n}\n`);
}

/** Runs the suite.yaml beside each policy file through the IR semantics and every backend engine. */
export function testCommand(io: Io): Command {
  return {
    name: 'test',
    summary: 'Run the sample suites beside policies through the policy semantics and every backend engine.',
    usage: 'secpol test FILE|DIR... [--format text|json] [--today YYYY-MM-DD] [--now TIME] [--root DIR]',
    options: { format: { type: 'string' }, today: { type: 'string' }, now: { type: 'string' }, root: { type: 'string' } },
    help: [
      '--format text|json  report format',
      '--today DATE        the date exceptions expire against',
      '--now TIME          judge the samples at this instant (YYYY-MM-DD or RFC 3339; default: --today, else now)',
      rootHelp,
    ],
    async run(values, positionals) {
      if (positionals.length === 0) throw new UsageError('give at least one policy file or directory');
      const format = oneOf(values['format'], ['text', 'json'] as const, '--format', 'text');
      const today = todayOption(values['today']);
      const now = nowOption(values['now'], values['today']);
      const results: SuiteResult[] = [];
      const diagnostics: Diagnostic[] = [];
      let missing = 0;
      for (const arg of expandPolicyPaths(positionals, rootOption(values['root']))) {
        // A directory without policy files, or a file without a policy, is SP0010 (exit 2), never "0 of 0 cases".
        if (arg.files.length === 0) diagnostics.push(...frontEnd([arg], readPolicyFile, { today }).diagnostics);
        for (const policyPath of arg.files) {
          const front = frontEnd([{ path: policyPath, files: [policyPath], root: arg.root }], readPolicyFile, { today });
          if (!front.value || hasErrors(front.diagnostics)) {
            diagnostics.push(...front.diagnostics);
            continue;
          }
          const suitePath = join(dirname(policyPath), 'suite.yaml');
          if (!existsSync(suitePath)) {
            missing++;
            io.stderr(`${policyPath}: no suite.yaml beside it (every policy needs samples and a suite)\n`);
            continue;
          }
          const suite = loadSuite(suitePath, readPolicyFile, arg.root);
          diagnostics.push(...front.diagnostics, ...suite.diagnostics);
          if (!suite.value || hasErrors(suite.diagnostics)) continue;
          results.push(await runSuite(front.value.set, suite.value, { now }));
        }
      }
      if (diagnostics.length) printDiagnostics(io, diagnostics, 'text');
      if (format === 'json') io.stdout(`${JSON.stringify({ suites: results }, null, 2)}\n`);
      else results.forEach((r) => render(io, r));
      const cases = results.flatMap((r) => r.cases);
      const failed = cases.filter((c) => !c.ok).length;
      if (format === 'text' && (results.length || missing)) io.stdout(`${cases.length - failed} of ${cases.length} cases agree with their expectation in every engine${missing ? `; ${missing} policy file(s) without a suite` : ''}\n`);
      const code = exitCodeFor(diagnostics);
      if (code) return code;
      return failed || missing ? 1 : 0;
    },
  };
}
