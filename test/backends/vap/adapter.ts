import type { EmittedFile } from '../../../src/backends/backend.js';
import { vapBackend } from '../../../src/backends/vap/index.js';
import type { PolicySet } from '../../../src/ir/index.js';

export { vapAdapter } from '../../../src/verify/adapters/vap.js';

export function emitVap(set: PolicySet): readonly EmittedFile[] {
  const out = vapBackend.emit(set);
  if (out.diagnostics.length) throw new Error(out.diagnostics.map((d) => `${d.code} ${d.message}`).join('; '));
  return out.value ?? [];
}
