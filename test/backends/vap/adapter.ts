import type { EmittedFile } from '../../../src/backends/backend.js';
import { vapBackend } from '../../../src/backends/vap/index.js';
import type { PolicySet } from '../../../src/ir/index.js';

export { vapAdapter } from '../../../src/verify/adapters/vap.js';

/** The VAP output of a set; any diagnostic fails, except SP2003 (an expiry VAP cannot enforce: expiry.test.ts). */
export function emitVap(set: PolicySet): readonly EmittedFile[] {
  const out = vapBackend.emit(set);
  if (out.diagnostics.some((d) => d.code !== 'SP2003')) throw new Error(out.diagnostics.filter((d) => d.code !== 'SP2003').map((d) => `${d.code} ${d.message}`).join('; '));
  return out.value ?? [];
}
