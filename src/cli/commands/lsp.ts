import { readFileSync, statSync } from 'node:fs';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startLanguageServer } from '../../lsp/index.js';
import type { Command } from '../args.js';
import { readPolicyFile } from '../io.js';
import type { Io } from '../output.js';
import { todayOption } from './shared.js';

/** A project config file (secpol.json), read only when it is a regular file. */
function readConfig(path: string): string | undefined {
  try {
    return statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `secpol lsp`: the language server on stdin/stdout. The protocol's `exit` notification ends the process (0 after
 * `shutdown`, 1 otherwise, as the Language Server Protocol specifies), as does the editor closing stdin.
 */
export function lspCommand(_io: Io): Command {
  return {
    name: 'lsp',
    summary: 'Run the language server on stdin/stdout, for editors (VS Code, Neovim): diagnostics, completion, hover, navigation, formatting.',
    usage: 'secpol lsp [--stdio] [--today YYYY-MM-DD]',
    options: { stdio: { type: 'boolean' }, today: { type: 'string' }, clientProcessId: { type: 'string' } },
    help: [
      '--stdio             talk the Language Server Protocol on stdin/stdout (the default and only transport)',
      '--today DATE        the date exceptions expire against (default: today, UTC)',
      '--clientProcessId N the editor\'s process id: the server exits when it is gone (editors pass it)',
    ],
    async run(values) {
      const today = values['today'] === undefined ? undefined : todayOption(values['today']);
      const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
      startLanguageServer(connection, { read: readPolicyFile, readText: readConfig, ...(today ? { today } : {}) });
      // The connection ends the process itself (exit notification, stdin closed); until then the command runs.
      return new Promise<number>(() => undefined);
    },
  };
}
