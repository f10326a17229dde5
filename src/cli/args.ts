import { parseArgs, type ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: OptionSpec;
  /** Lines describing each option, for --help. */
  readonly help: readonly string[];
  run(values: Record<string, string | boolean | string[] | undefined>, positionals: string[]): Promise<number>;
}

export class UsageError extends Error {}

export function parseCommandArgs(command: Command, argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

export function commandHelp(command: Command): string {
  return [`Usage: ${command.usage}`, '', command.summary, '', 'Options:', ...command.help.map((h) => `  ${h}`), '  -h, --help          show this help', ''].join('\n');
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], option: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${option} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
}
