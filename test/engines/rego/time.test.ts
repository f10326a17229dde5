/**
 * `time.now_ns()` as the Gatekeeper backend uses it for exception expiry (issue 15 item 7). OPA source
 * topdown/time.go `builtinTimeNowNanos`: the value is cached in the query's builtin cache, so every call in one
 * query evaluation returns the same instant; the engine takes that instant as `nowNs`.
 */
import { describe, expect, it } from 'vitest';
import { holds, query, rego } from './harness.js';

describe('time.now_ns with an injected clock', () => {
  const end = '1909094400000000000'; // 2030-07-01T00:00:00Z in ns
  const ns = (text: string) => Date.parse(text) * 1e6;

  it('compares exactly with a 19-digit nanosecond constant on both sides of the instant', () => {
    expect(holds(`time.now_ns() < ${end}`, { nowNs: ns('2030-06-30T23:59:59Z') })).toBe(true);
    expect(holds(`time.now_ns() < ${end}`, { nowNs: ns('2030-07-01T00:00:00Z') })).toBe(false);
    expect(holds(`time.now_ns() < ${end}`, { nowNs: ns('2030-07-01T00:00:01Z') })).toBe(false);
  });

  it('is one value for the whole query, in every rule it reaches', () => {
    const mod = rego`
      package p
      a := time.now_ns()
      b := time.now_ns()
      same if a == b
      in_force if time.now_ns() < ${end}
    `;
    expect(query(mod, 'data.p.same', { nowNs: 42 })).toBe(true);
    expect(query(mod, 'data.p.in_force', { nowNs: ns('2030-06-29T12:00:00Z') })).toBe(true);
    expect(query(mod, 'data.p.in_force', { nowNs: ns('2030-07-01T00:00:00Z') })).toBeUndefined();
  });
});
