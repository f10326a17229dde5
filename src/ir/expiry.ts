/**
 * When an exception stops applying (docs/language/exceptions.md, semantics §1.5). `expires YYYY-MM-DD` means valid
 * THROUGH that date in UTC, as `secpol check` reads it (SP1006 once today's UTC date is later): the exception
 * applies at every instant before the next day's 00:00:00Z and at none from then on. Every backend that can read a
 * clock emits this one instant; the reference semantics compares the evaluation instant with it.
 */

const DAY_MS = 86_400_000;

/** Milliseconds since the epoch of the first instant the exception no longer applies: the day after `expires`, 00:00:00Z. */
export function expiryEndMs(expires: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(expires);
  if (!m) throw new Error(`invariant: an exception's expiry is a checked YYYY-MM-DD date, got ${JSON.stringify(expires)}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + DAY_MS;
}

/** That instant in RFC 3339, UTC, whole seconds (`2031-01-01T00:00:00Z`): what Kyverno's time functions parse. */
export function expiryEndRfc3339(expires: string): string {
  return new Date(expiryEndMs(expires)).toISOString().replace(/\.000Z$/, 'Z');
}

/** That instant in nanoseconds since the epoch, as decimal digits (exact: Rego's `time.now_ns()` compares with it). */
export function expiryEndNs(expires: string): string {
  return (BigInt(expiryEndMs(expires)) * 1_000_000n).toString();
}

/**
 * Whether an exception with this expiry applies at `nowMs`. `nowMs` undefined: no instant is given, and the answer is
 * the one for every instant before the expiry (what a passing `secpol check` guarantees on the day it runs).
 */
export function exceptionInForce(expires: string | undefined, nowMs: number | undefined): boolean {
  return expires === undefined || nowMs === undefined || nowMs < expiryEndMs(expires);
}
