import { UsageError } from '../args.js';

/** `--today` makes expiry checks reproducible; otherwise the current UTC date. */
export function todayOption(value: unknown): string {
  if (value === undefined) return new Date().toISOString().slice(0, 10);
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new UsageError('--today takes a date YYYY-MM-DD');
  return value;
}

/** `--root DIR` in every command that reads policies (imports and suite samples stay inside it). */
export const rootHelp = "--root DIR          the project root imports and samples must stay inside (default: the directory given, or the file's)";
