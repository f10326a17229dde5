import fc from 'fast-check';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { yamlBlockText, yamlString } from '../../../src/backends/common/yaml-emit.js';

/**
 * The YAML writer of every backend must give back exactly the JSON value it was handed, under YAML 1.2 and under
 * YAML 1.1, which is how Kubernetes (sigs.k8s.io/yaml) reads manifests.
 */
const hostile = fc.constantFrom(
  'yes', 'No', 'ON', 'off', 'y', 'N', 'true', 'False', 'null', 'Null', '~', '', ' ', '-', '- x', ':', 'a: b', 'a #b', '#', '&a', '*a', '!tag', '|', '>', '%', '@x', '`x',
  'E0', 'e+5', '1_000', '0x1F', '0o17', '012', '1e3', '1:30', '.inf', '-.Inf', '.NaN', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '<<', '=', '---', '...', '? x',
  '"', "'", '\\', '\n', 'a\nb', '\r', '\t', '\u2028', '\u0085', '\ufeff', '\u0000', '\u{1F600}', 'é', '{a}', '[a]', 'a,b', 'v1', 'kubernetes.io/metadata.name', 'rule r1 is violated', 'trailing ',
);
const text = fc.oneof(hostile, fc.string(), fc.string({ unit: 'grapheme' }));
const scalar = fc.oneof(text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)), fc.boolean(), fc.constant(null));
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(text, tie('value'), { maxKeys: 4 })),
}));
const block = fc.oneof(fc.array(value, { maxLength: 4 }), fc.dictionary(text, value, { maxKeys: 5 }));

/** YAML 1.1 reads `1e3`-like JSON numbers without a dot as strings; the writer only meets numbers Kubernetes objects hold. */
const oneOneNumber = (n: unknown) => typeof n !== 'number' || Number.isInteger(n) && Math.abs(n) < 2 ** 53;
const numbersFine = (v: unknown): boolean => (Array.isArray(v) ? v.every(numbersFine) : v && typeof v === 'object' ? Object.values(v).every(numbersFine) : oneOneNumber(v));

describe('yaml-emit', () => {
  it('round-trips any JSON value under YAML 1.2', () => {
    fc.assert(
      fc.property(block, fc.nat(8), (v, indent) => {
        const text = yamlBlockText(v, indent);
        expect(YAML.parse(text, { version: '1.2', uniqueKeys: false })).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { seed: 20261123, numRuns: 2000 },
    );
  });

  it('round-trips under YAML 1.1, as Kubernetes reads manifests', () => {
    fc.assert(
      fc.property(block.filter(numbersFine), (v) => {
        expect(YAML.parse(yamlBlockText(v, 0), { version: '1.1', uniqueKeys: false, merge: false })).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { seed: 20261123, numRuns: 2000 },
    );
  });

  it('quotes the strings YAML 1.1 would read as booleans, numbers, nulls or dates', () => {
    for (const s of ['yes', 'No', 'on', 'y', '1_000', '2001-12-14', '<<', '=', '.inf', 'null', '~']) expect(yamlString(s)).toBe(JSON.stringify(s));
    for (const s of ['v1', 'Enforce', 'kubernetes.io/metadata.name', 'rule r1 is violated']) expect(yamlString(s)).toBe(s);
  });

  it('folds long strings over lines of at most the width where spaces allow, and reads them back exactly', () => {
    const word = fc.oneof(hostile, fc.string({ maxLength: 30 }), fc.constantFrom('  ', ' ', '\\', '\\ ', '{{ x }}', '`"\\u007b"`'));
    const long = fc.array(word, { minLength: 20, maxLength: 120 }).map((ws) => ws.join(' '));
    fc.assert(
      fc.property(long, fc.nat(8), fc.constantFrom('key', 'a-much-longer-key-name'), (text, indent, key) => {
        const out = yamlBlockText({ [key]: text, list: [text] }, indent);
        for (const version of ['1.1', '1.2'] as const) expect(YAML.parse(out, { version, uniqueKeys: false })).toEqual({ [key]: text, list: [text] });
      }),
      { seed: 20261205, numRuns: 1000 },
    );
    const expression = Array.from({ length: 40 }, (_, i) => `[request.object.spec.f${i}][0] == \`true\``).join(' && ');
    const folded = yamlBlockText({ key: `{{ ${expression} }}` }, 6).split('\n');
    expect(folded.length).toBeGreaterThan(10);
    for (const line of folded) expect(line.length).toBeLessThanOrEqual(120);
    expect(folded.slice(0, -1).every((l) => l.endsWith(' \\'))).toBe(true);
  });

  it('writes nested blocks the way the goldens show them', () => {
    expect(yamlBlockText({ a: [{ b: 1, c: [] }, ['x', 'z']], d: {} }, 2)).toBe('  a:\n    - b: 1\n      c: []\n    - - x\n      - z\n  d: {}');
  });
});
