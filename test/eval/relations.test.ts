/** Semantics §3.5: a field compared with factor × another field + offset, by exact value. */
import { describe, expect, it } from 'vitest';
import { evalPredicate } from '../../src/eval/predicate.js';
import type { Predicate } from '../../src/ir/index.js';
import { dsl, irOf } from '../helpers/dsl.js';

const predicateOf = (applies: string, body: string): Predicate =>
  irOf(dsl`
    policy p {
      applies to ${applies}
      rule r {
        require ${body}
      }
    }`).policies[0]!.rules[0]!.predicate;

const ratio = predicateOf('pods', 'every container has resources.limits.cpu <= 1.5 * resources.requests.cpu');
const spread = predicateOf('"autoscaling/v2" HorizontalPodAutoscaler', 'spec.maxReplicas >= spec.minReplicas + 1');
const pod = (limit: unknown, request: unknown) => ({ spec: { containers: [{ name: 'c', resources: { limits: { cpu: limit }, requests: { cpu: request } } }] } });
const holds = (p: Predicate, value: unknown) => evalPredicate(p, { value, pod: value });

describe('field-relative comparisons in the semantics', () => {
  it('compare quantities exactly at the boundary, in any spelling', () => {
    expect(holds(ratio, pod('300m', '200m'))).toBe(true);
    expect(holds(ratio, pod('301m', '200m'))).toBe(false);
    expect(holds(ratio, pod('0.3', 0.2))).toBe(true);
    expect(holds(ratio, pod(0.30000000000000004, 0.2))).toBe(false);
    expect(holds(ratio, pod('1536Mi', '1Gi'))).toBe(true);
    expect(holds(ratio, pod('1610612737', '1Gi'))).toBe(false);
    expect(holds(ratio, pod('3e-1', '200m'))).toBe(true);
    expect(holds(ratio, pod('300000u', '200000000n'))).toBe(true);
    // E is exa (10^18), e3 an exponent.
    expect(holds(ratio, pod('3E', '2E'))).toBe(true);
    expect(holds(ratio, pod('3E', '2e3'))).toBe(false);
    expect(holds(ratio, pod('3e3', '2e3'))).toBe(true);
  });

  it('are false when either value is missing, mistyped, or finer than nano-units', () => {
    expect(holds(ratio, pod(undefined, '200m'))).toBe(false);
    expect(holds(ratio, pod('300m', null))).toBe(false);
    expect(holds(ratio, pod('lots', '200m'))).toBe(false);
    expect(holds(ratio, pod(true, '200m'))).toBe(false);
    expect(holds(ratio, pod('0.0000000001', '1'))).toBe(false);
  });

  it('add the offset on integers, and read no strings there', () => {
    const hpa = (max: unknown, min: unknown) => ({ spec: { maxReplicas: max, minReplicas: min } });
    expect(holds(spread, hpa(3, 2))).toBe(true);
    expect(holds(spread, hpa(2, 2))).toBe(false);
    expect(holds(spread, hpa('3', 2))).toBe(false);
    expect(holds(spread, hpa(3, undefined))).toBe(false);
    expect(holds(spread, hpa(2 ** 53 + 2, 2 ** 53))).toBe(true);
  });
});
