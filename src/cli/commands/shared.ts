import { UsageError } from '../args.js';

/** `--today` makes expiry checks reproducible; otherwise the current UTC date. */
export function todayOption(value: unknown): string {
  if (value === undefined) return new Date().toISOString().slice(0, 10);
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new UsageError('--today takes a date YYYY-MM-DD');
  return value;
}

/**
 * `--now` is the instant exceptions are judged at (an exception applies through its `expires` date, UTC): a date
 * (its 00:00:00Z) or an RFC 3339 time. Default: the start of `--today` when given, else the current time; any
 * instant of today's date gives the answers `secpol check` vouches for.
 */
export function nowOption(value: unknown, today: unknown): number {
  if (value === undefined) return typeof today === 'string' ? Date.parse(`${today}T00:00:00Z`) : Date.now();
  const text = typeof value === 'string' ? value : '';
  const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : rfc3339.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) throw new UsageError('--now takes a date YYYY-MM-DD or an RFC 3339 time (2030-06-30T23:59:59Z)');
  return ms;
}

/** `--root DIR` in every command that reads policies (imports and suite samples stay inside it). */
export const rootHelp = "--root DIR          the project root imports and samples must stay inside (default: the directory given, or the file's)";
