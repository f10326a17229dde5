import { readFileSync } from 'node:fs';
import { commandHelp, parseCommandArgs, UsageError, type Command } from './cli/args.js';
import { exitCodes, processIo, type Io } from './cli/output.js';
import { closestName } from './diagnostics/suggest.js';

interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  /** Commands load on demand: `secpol --version` or `check` never load the backends, engines or fast-check. */
  readonly load: (io: Io) => Promise<Command>;
}

const commandTable: readonly CommandEntry[] = [
  { name: 'check', summary: 'Parse and check policy files; report every problem with file:line:column.', load: async (io) => (await import('./cli/commands/check.js')).checkCommand(io) },
  { name: 'fmt', summary: 'Print policy files in the canonical layout (--check, --write).', load: async (io) => (await import('./cli/commands/fmt.js')).fmtCommand(io) },
  { name: 'compile', summary: 'Compile to Kyverno, Gatekeeper, ValidatingAdmissionPolicy, Kyverno ValidatingPolicy (kyverno-cel), Pod Security Admission labels or NetworkPolicies.', load: async (io) => (await import('./cli/commands/compile.js')).compileCommand(io) },
  { name: 'test', summary: 'Run the sample suites beside policies through the semantics and every backend engine.', load: async (io) => (await import('./cli/commands/test.js')).testCommand(io) },
  { name: 'eval', summary: 'Run one offline engine (kyverno, gatekeeper, vap, kyverno-cel, psa, netpol) on any artifacts: per-rule verdicts, or allowed connections.', load: async (io) => (await import('./cli/commands/eval.js')).evalCommand(io) },
  { name: 'audit', summary: 'Evaluate Kubernetes manifests against policies; findings as text, JSON, SARIF, JUnit, markdown or GitHub annotations.', load: async (io) => (await import('./cli/commands/audit.js')).auditCommand(io) },
  { name: 'explain', summary: 'For one resource: each rule\'s verdict in every engine, the deciding field and value, the DSL line.', load: async (io) => (await import('./cli/commands/explain.js')).explainCommand(io) },
  { name: 'diff', summary: 'Semantic diff of two policy versions: rule changes, resources whose verdict changes, artifact diffs.', load: async (io) => (await import('./cli/commands/diff.js')).diffCommand(io) },
  { name: 'lsp', summary: 'Run the language server for editors (stdio): diagnostics, completion, hover, go to definition, rename, formatting.', load: async (io) => (await import('./cli/commands/lsp.js')).lspCommand(io) },
  { name: 'import', summary: 'Translate Kyverno, Gatekeeper library, PSA label and NetworkPolicy policies into secpol; --verify proves each rule against the original.', load: async (io) => (await import('./cli/commands/import.js')).importCommand(io) },
  { name: 'verify', summary: 'Prove on generated cases that every backend engine agrees with the policy semantics (--real: the real engines).', load: async (io) => (await import('./cli/commands/verify.js')).verifyCommand(io) },
];

/** package.json sits one level above src/ when run from source, two above dist/src/ when built. */
function version(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'secpol' && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return 'unknown';
}

function mainHelp(all: readonly CommandEntry[]): string {
  const width = Math.max(...all.map((c) => c.name.length));
  return [
    'secpol: one policy file, compiled to every Kubernetes admission and network engine, verified equivalent.',
    '',
    'Usage: secpol <command> [options]',
    '',
    'Commands:',
    ...all.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `secpol <command> --help` for a command\'s options. `secpol --version` prints the version.',
    'Exit codes: 0 ok, 1 problems found (policy errors, violations, verification failures), 2 usage or unreadable input.',
    '',
  ].join('\n');
}

/** The CLI: parses argv, runs one command, returns the exit code. Never throws for user mistakes. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const all = commandTable;
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const entry = name === 'help' ? all.find((c) => c.name === rest[0]) : undefined;
    io.stdout(entry ? commandHelp(await entry.load(io)) : mainHelp(all));
    return name === undefined ? exitCodes.usage : exitCodes.ok;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout(`secpol ${version()}\n`);
    return exitCodes.ok;
  }
  const entry = all.find((c) => c.name === name);
  if (!entry) {
    const near = closestName(name, all.map((c) => c.name));
    const suggestion = near.length ? `; did you mean ${near.map((n) => JSON.stringify(n)).join(' or ')}?` : '';
    io.stderr(`secpol: unknown command ${JSON.stringify(name)}${suggestion}\n\n${mainHelp(all)}`);
    return exitCodes.usage;
  }
  const command = await entry.load(io);
  try {
    const { values, positionals, after } = parseCommandArgs(command, rest);
    if (values['help']) {
      io.stdout(commandHelp(command));
      return exitCodes.ok;
    }
    return await command.run(values, positionals, after);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`secpol ${command.name}: ${e.message}\n\n${commandHelp(command)}`);
      return exitCodes.usage;
    }
    // A bug, not a user mistake: say so plainly, without a stack trace unless asked for.
    io.stderr(`secpol ${command.name}: internal error: ${(e as Error).message}\nThis is a bug in secpol; rerun with SECPOL_DEBUG=1 for details.\n`);
    if (process.env['SECPOL_DEBUG']) io.stderr(`${(e as Error).stack ?? ''}\n`);
    return 3;
  }
}
