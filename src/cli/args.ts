import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closestName } from '../diagnostics/suggest.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: OptionSpec;
  /** Lines describing each option, for --help. */
  readonly help: readonly string[];
  /** `after[option]`: the positionals that follow `--option` before the next option (`--policy a.yaml b.yaml`). */
  run(values: Record<string, string | boolean | string[] | undefined>, positionals: string[], after?: Readonly<Record<string, readonly string[]>>): Promise<number>;
}

export class UsageError extends Error {}

export function parseCommandArgs(command: Command, argv: readonly string[]) {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec((e as Error).message)?.[1];
    if (unknown) {
      const flags = Object.entries(command.options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
      const near = closestName(unknown.split('=')[0]!, [...flags, '--help']);
      throw new UsageError(`unknown option ${unknown}${near.length ? `; did you mean ${near.join(' or ')}?` : ''}`);
    }
    throw new UsageError((e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
  const after: Record<string, string[]> = {};
  let last: string | undefined;
  for (const t of parsed.tokens) {
    if (t.kind === 'option') last = t.name;
    else if (t.kind === 'positional' && last !== undefined) (after[last] ??= []).push(t.value);
  }
  return { values: parsed.values, positionals: parsed.positionals, after };
}

export function commandHelp(command: Command): string {
  return [`Usage: ${command.usage}`, '', command.summary, '', 'Options:', ...command.help.map((h) => `  ${h}`), '  -h, --help          show this help', ''].join('\n');
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], option: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${option} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
}
