import { describe, expect, it } from 'vitest';
import { canonicalQuantity, parseQuantity } from '../../src/ir/quantity.js';
import { diagnosticsOf, dsl, irOf } from '../helpers/dsl.js';

/**
 * Written form → the form the API server shows admission (resource.ParseQuantity then MarshalJSON), each row with
 * the upstream source or test that says so (k8s.io/apimachinery/pkg/api/resource; docs/engines/quantities.md).
 */
const shown: readonly (readonly [written: string | number, shown: string | undefined, why: string])[] = [
  // quantity_test.go TestQuantityParseEmit: parse, then String().
  ['1024Mi', '1Gi', 'TestQuantityParseEmit'],
  ['1000M', '1G', 'TestQuantityParseEmit'],
  ['.001Ki', '1024m', 'TestQuantityParseEmit: BinarySI below 1024 shown as DecimalSI'],
  ['.000001Ki', '1024u', 'TestQuantityParseEmit'],
  ['.000000001Ki', '1024n', 'TestQuantityParseEmit'],
  ['.000000000001Ki', '2n', 'TestQuantityParseEmit: rounded up to nano'],
  // quantity_test.go TestQuantityString: each alternate parses to the canonical string.
  ['307200Ki', '300Mi', 'TestQuantityString alternate'],
  ['1025024Mi', '1001Gi', 'TestQuantityString alternate'],
  ['1024Gi', '1Ti', 'TestQuantityString alternate'],
  ['5000m', '5', 'TestQuantityString alternate'],
  ['0.5', '500m', 'TestQuantityString alternate'],
  ['0.001T', '1G', 'TestQuantityString alternate'],
  ['1000u', '1m', 'TestQuantityString alternate'],
  ['1.08', '1080m', 'TestQuantityString alternate'],
  ['1080000000n', '1080m', 'TestQuantityString alternate'],
  ['.001e12', '1e9', 'TestQuantityString alternate: DecimalExponent keeps the e form'],
  ['0.001e0', '1e-3', 'TestQuantityString alternate'],
  ['1000e-12', '1e-9', 'TestQuantityString alternate'],
  ['00', '0', 'TestQuantityString alternate: zero is "0"'],
  // quantity_test.go TestQuantityString: a canonical string is copied on parse (the fast path keeps it).
  ['6Ki', '6Ki', 'TestQuantityString canonical'],
  ['80m', '80m', 'TestQuantityString canonical'],
  ['1025', '1025', 'TestQuantityString canonical'],
  ['300e6', '300e6', 'TestQuantityString canonical'],
  ['80e-3', '80e-3', 'TestQuantityString canonical'],
  ['1080n', '1080n', 'TestQuantityString canonical'],
  ['80u', '80u', 'TestQuantityString canonical'],
  ['0', '0', 'ParseQuantity: "0" kept'],
  // quantity_test.go TestQuantityParse "things that saturate/round" (value and format) serialised by CanonicalizeBytes.
  ['3.001n', '4n', 'TestQuantityParse: rounds up to 4n'],
  ['1.1E-9', '2e-9', 'TestQuantityParse: 2e-9, DecimalExponent'],
  ['0.0000000001', '1n', 'TestQuantityParse: 1n'],
  ['0.5e-9', '1e-9', 'TestQuantityParse: 1e-9, DecimalExponent'],
  ['0.9n', '1n', 'TestQuantityParse'],
  ['0.00000012345', '124n', 'TestQuantityParse: 124n'],
  ['0.000000000001Ki', '2n', 'TestQuantityParse: rounds up, changes format'],
  ['1.5Gi', '1536Mi', 'quantity.go Quantity doc comment: 1.5Gi serialized as 1536Mi'],
  ['1.5', '1500m', 'quantity.go Quantity doc comment: 1.5 serialized as 1500m'],
  ['100.035Ki', '102435840m', 'TestQuantityParse: 10243584e-2 BinarySI, not whole: DecimalSI'],
  ['0.5Mi', '512Ki', 'TestQuantityParse: 0.5Mi = 524288 BinarySI'],
  ['1.2e3', '1200', 'TestQuantityParse: 12e2 DecimalExponent, exponent lowered to 0'],
  ['1.3E+6', '1300e3', 'TestQuantityParse: 13e5 DecimalExponent'],
  ['12E', undefined, 'beyond int64: upstream keeps "12E" (decimal values are not capped), not modelled'],
  ['9E', '9E', 'TestQuantityParse: 1E DecimalSI; 9e18 still fits int64'],
  ['1.', '1.', 'TestQuantityParse "trolls": 1 DecimalSI; ParseQuantity fast path keeps the text'],
  ['.0001k', '100m', 'TestQuantityParse "trolls": 100e-3'],
  // quantity.go ParseQuantity fast path: kept as written when scale%3 == 0, no "000" suffix, no leading 0 digit
  // (decimal), or when value&7 != 0 (binary), sign and leading zeros included.
  ['+1', '+1', 'fast path keeps the sign'],
  ['1E3', '1E3', 'fast path: scale 3'],
  ['1e9', '1e9', 'fast path: scale 9'],
  ['100e-3', '100e-3', 'fast path: scale -3, shifted "100"'],
  ['007', '007', 'fast path: leading zeros are stripped before the test'],
  ['+1Ki', '+1Ki', 'fast path: binary value&7 = 1'],
  ['8Ki', '8Ki', 'not kept (8&7 = 0), canonical is the same'],
  ['1024Ki', '1Mi', 'not kept (1024&7 = 0): base-1024 canonical'],
  ['2000', '2k', 'ends in 000: canonical'],
  ['0.0001', '100u', 'leading 0 digit: canonical'],
  ['1e2', '100', 'scale 2: exponent lowered to a multiple of 3'],
  ['-0', '0', 'zero'],
  ['0Ki', '0', 'TestQuantityParse: 0Ki is zero, shown "0"'],
  ['2k', '2k', 'fast path'],
  ['100u', '100u', 'fast path; suffix.go u = 10^-6'],
  ['5n', '5n', 'fast path; suffix.go n = 10^-9'],
  ['1023.5Ki', '1048064', 'BinarySI, whole but not a multiple of 1024: no suffix'],
  // JSON numbers: the text JSON writes, then as a string (UnmarshalJSON parses the unquoted bytes).
  [0.5, '500m', 'JSON 0.5'],
  [2000, '2k', 'JSON 2000'],
  [1, '1', 'JSON 1'],
  [1e-7, '100e-9', 'JSON writes 1e-7: DecimalExponent'],
  // Outside the modelled domain: upstream caps or serialises these differently across versions.
  ['9Ei', undefined, 'BinarySI capped at 2^63-1 (TestQuantityParse maxAllowed)'],
  ['9223372036854775808', undefined, 'beyond int64'],
  ['1e21', undefined, 'beyond int64; DecimalSI has no suffix past E'],
  ['1e-1001', undefined, 'exponent beyond ±1000 not modelled'],
  // Not quantities: parseQuantity (src/ir/quantity.ts) rejects them; TestQuantityParse's invalid list.
  ['1i', undefined, 'TestQuantityParse invalid'],
  ['1.1.M', undefined, 'TestQuantityParse invalid'],
  ['-3.01e-', undefined, 'TestQuantityParse invalid'],
  [' 1', undefined, 'whitespace: JSON decoding trims it, secpol treats it as no quantity (docs)'],
  ['aoeu', undefined, 'TestQuantityParse invalid'],
  [Number.NaN, undefined, 'not JSON'],
];

describe('canonicalQuantity: the quantity as admission sees it', () => {
  it.each(shown)('%j is shown as %j (%s)', (written, expected) => {
    expect(canonicalQuantity(written)).toBe(expected);
  });

  it('negative values show the sign of the canonical form (TestQuantityParseEmit "-" rows)', () => {
    expect(canonicalQuantity('-1024Mi')).toBe('-1Gi');
    expect(canonicalQuantity('-.001Ki')).toBe('-1024m');
    expect(canonicalQuantity('-1.5')).toBe('-1500m');
  });

  it('every shown form is itself kept as shown (canonical strings are fixed points), its value the written one rounded up to nano', () => {
    for (const [written, expected] of shown) {
      if (expected === undefined) continue;
      expect(canonicalQuantity(expected), String(written)).toBe(expected);
      const before = parseQuantity(typeof written === 'number' ? String(written) : written)!;
      const after = parseQuantity(expected)!;
      expect(after - before, String(written)).toBeGreaterThanOrEqual(-Math.abs(before) * 1e-15);
      expect(after - before, String(written)).toBeLessThanOrEqual(1e-9 + Math.abs(before) * 1e-15);
    }
  });
});

describe('parseQuantity: suffix.go suffixes', () => {
  it('reads n and u', () => {
    expect(parseQuantity('5n')).toBeCloseTo(5e-9, 20);
    expect(parseQuantity('100u')).toBeCloseTo(1e-4, 15);
    expect(parseQuantity('1U')).toBeUndefined();
  });

  it('reads E as exa (10^18), an exponent only with digits after it', () => {
    expect(parseQuantity('3E')).toBe(3e18);
    expect(parseQuantity('3E3')).toBe(3000);
    expect(parseQuantity('3Ei')).toBe(3 * 2 ** 60);
    expect(parseQuantity('3e')).toBeUndefined();
  });

  it('a policy may write them as quantity literals', () => {
    const text = dsl`
      policy p {
        applies to pods
        rule r { require every container has (resources.limits.cpu >= 100u and resources.requests.cpu > 500n) }
      }`;
    expect(diagnosticsOf(text)).toEqual([]);
    expect(JSON.stringify(irOf(text).policies[0]!.rules[0]!.predicate)).toContain('"quantity":{"text":"100u","value":0.0001}');
  });
});
