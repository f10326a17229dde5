import { describe, expect, it } from 'vitest';
import { constructs, type ConstructId } from '../../src/backends/capabilities.js';
import type { TargetId } from '../../src/backends/registry.js';
import { compileTo } from '../../src/compile.js';
import { capabilityTables } from '../../src/docs/capability-matrix.js';
import { irOf } from '../helpers/dsl.js';

/** The capability matrix is a claim about the compiler: check every cell by compiling the construct's example. */
describe('capability matrix', () => {
  for (const id of Object.keys(constructs) as ConstructId[]) {
    for (const [backend, table] of Object.entries(capabilityTables)) {
      const support = table[id];
      it(`${backend}: ${id} is ${support.level}`, async () => {
        const out = await compileTo(irOf(constructs[id]), [backend as TargetId]);
        const errors = out.diagnostics.filter((d) => d.severity === 'error');
        if (support.level === 'unsupported') {
          expect(errors.map((d) => d.code)).toContain('SP2001');
          expect(errors.find((d) => d.code === 'SP2001')?.message).toMatch(new RegExp(`^${backend} cannot express `));
        } else {
          expect(errors.map((d) => `${d.code} ${d.message}`)).toEqual([]);
          if (support.level === 'not-applicable') expect(out.value).toEqual([]);
          else expect(out.value?.length).toBeGreaterThan(0);
        }
      });
    }
  }
});
