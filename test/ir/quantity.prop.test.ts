import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exactQuantity } from '../../src/ir/exact.js';
import { canonicalQuantity, parseQuantity } from '../../src/ir/quantity.js';

/** Written quantities: sign, digits with leading zeros, a fraction (or a bare dot), every suffix and small exponents. */
const written = fc
  .record({
    sign: fc.constantFrom('', '', '+', '-'),
    zeros: fc.constantFrom('', '', '0', '00'),
    whole: fc.oneof(fc.constant(''), fc.bigInt({ min: 0n, max: 10n ** 12n }).map(String)),
    fraction: fc.oneof(fc.constant(undefined), fc.constant(''), fc.stringMatching(/^[0-9]{1,12}$/)),
    suffix: fc.oneof(fc.constantFrom('', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'), fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.integer({ min: 0, max: 24 })).map(([e, s, n]) => `${e}${s}${n}`)),
  })
  .map(({ sign, zeros, whole, fraction, suffix }) => `${sign}${zeros}${whole}${fraction === undefined ? '' : `.${fraction}`}${suffix}`)
  .filter((t) => parseQuantity(t) !== undefined);

const nano = 10n ** 9n;
/** The value rounded up (away from zero) to nano units, as ParseQuantity rounds it, in nano units. */
function nanoUnits(text: string): bigint {
  const e = exactQuantity(text)!;
  const magnitude = (e.n < 0n ? -e.n : e.n) * nano;
  const rounded = (magnitude + e.d - 1n) / e.d;
  return e.n < 0n ? -rounded : rounded;
}
const maxInt64 = 2n ** 63n - 1n;

describe('canonicalQuantity laws (fast-check, fixed seed)', () => {
  it('the shown form is a fixed point, and its value is the written value rounded up to nano units; only beyond int64 is it left out', () => {
    fc.assert(
      fc.property(written, (text) => {
        const shown = canonicalQuantity(text);
        const beyond = nanoUnits(text) > maxInt64 * nano || nanoUnits(text) < -maxInt64 * nano;
        if (shown === undefined) return beyond;
        expect(canonicalQuantity(shown), text).toBe(shown);
        expect(nanoUnits(shown), text).toBe(nanoUnits(text));
        return !beyond;
      }),
      { seed: 20261206, numRuns: 4000 },
    );
  });

  it('a form the API server did not keep is canonical: no leading zeros or sign but -, no fraction, trailing zeros folded into the suffix', () => {
    fc.assert(
      fc.property(written, (text) => {
        const shown = canonicalQuantity(text);
        if (shown === undefined || shown === text) return true;
        expect(shown, text).toMatch(/^(0|-?[1-9][0-9]*(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|e-?[1-9][0-9]*)?)$/);
        return true;
      }),
      { seed: 7, numRuns: 4000 },
    );
  });
});
