/**
 * A "__proto__" key is valid data (a ConfigMap's data key, a Dapr metadata name) and reaches the engines as an own
 * property (the YAML reader and JSON.parse keep it). Copying it by assignment would set the copy's prototype and lose
 * the key, so the CEL and Rego engines would see a different object than the API server sends.
 */
import { describe, expect, it } from 'vitest';
import { toCel } from '../../src/engines/vap/cel-env.js';
import { fromJS, toJSON, toRegoValue, type RegoValue } from '../../src/engines/rego/values.js';

const object = JSON.parse('{"data": {"__proto__": {"polluted": "yes"}, "plain": "v"}}') as Record<string, unknown>;

describe('a "__proto__" key survives the engines\' value conversions', () => {
  it('CEL values', () => {
    const data = (toCel(object) as { data: Record<string, unknown> }).data;
    expect(Object.keys(data)).toEqual(['__proto__', 'plain']);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect((data as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('Rego values and their JSON', () => {
    const regoValue = toRegoValue(fromJS(object));
    const back = regoValue as { data: Record<string, unknown> };
    expect(Object.keys(back.data)).toEqual(['__proto__', 'plain']);
    expect(Object.getPrototypeOf(back.data)).toBe(Object.prototype);
    const json = toJSON(regoValue satisfies RegoValue) as { data: Record<string, unknown> };
    expect(Object.keys(json.data)).toEqual(['__proto__', 'plain']);
    expect(JSON.stringify(json)).toBe(JSON.stringify(object));
  });
});
