import { expiryEndRfc3339 } from '../../ir/index.js';
import { literal } from './jmespath.js';
import { holds, type Json } from './scope.js';

/**
 * An exception's `expires` in Kyverno terms (semantics §1.5: valid through that date, UTC): a JMESPath test that
 * Kyverno evaluates at admission and in background scans alike, `time_before(time_now_utc(), '<next day>T00:00:00Z')`.
 * `time_now_utc()` is the current time in RFC 3339 (whole seconds) and `time_before(a, b)` compares two RFC 3339
 * times (Kyverno 1.9+, pkg/engine/jmespath/time.go). https://kyverno.io/docs/policy-types/cluster-policy/jmespath/
 */
export function inForceExpression(expires: string): string {
  return `time_before(time_now_utc(), ${literal(expiryEndRfc3339(expires))})`;
}

/** The same test as a condition, for a PolicyException's `conditions.all`. */
export function inForceCondition(expires: string): Json {
  return holds(inForceExpression(expires));
}

/** A rule-level exception filter (a JMESPath boolean, undefined: always) narrowed to the exception's validity. */
export function withinExpiry(filter: string | undefined, expires: string | undefined): string | undefined {
  if (expires === undefined) return filter;
  const inForce = inForceExpression(expires);
  return filter === undefined ? inForce : `(${inForce} && ${filter})`;
}
