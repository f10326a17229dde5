import { describe, expect, it } from 'vitest';
import { loadBackend } from '../../src/backends/registry.js';
import { dsl, irOf } from '../helpers/dsl.js';
import { KEY_A, keyLiteral } from '../helpers/images.js';

/** `verify images` compiles to Kyverno only; every other admission backend refuses it with SP2001 at the block. */
const source = (extra = '') => dsl`
  policy signed {
    ${extra}
    verify images acme matching "ghcr.io/acme/*" {
      key ${keyLiteral(KEY_A)}
    }
  }`;

describe('verify images on backends other than kyverno', () => {
  for (const id of ['gatekeeper', 'vap', 'psa', 'kyverno-cel'] as const) {
    it(`${id}: SP2001 naming the construct and the backend, and no file for the policy`, async () => {
      const out = (await loadBackend(id)).emit(irOf(source()));
      const refused = out.diagnostics.filter((d) => d.code === 'SP2001');
      expect(refused).toHaveLength(1);
      expect(refused[0]?.message).toBe(`${id} cannot express image signature verification (\`verify images acme\`)`);
      expect(refused[0]?.span?.start).toBe(source().indexOf('verify images'));
      expect((out.value ?? []).some((f) => f.content.includes('acme'))).toBe(false);
    });

    it(`${id}: \`omit from ${id}\` turns the refusal into the backend's omission note`, async () => {
      const out = (await loadBackend(id)).emit(irOf(source(`omit from ${id} because "signatures are checked by Kyverno"`)));
      expect(out.diagnostics.filter((d) => d.code === 'SP2001')).toEqual([]);
    });
  }
});
