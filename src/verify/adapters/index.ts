import type { EmittedFile } from '../../backends/backend.js';
import type { TargetId } from '../../backends/registry.js';
import type { EngineAdapter } from '../adapter.js';
import { gatekeeperAdapter } from './gatekeeper.js';
import { kyvernoAdapter } from './kyverno.js';
import { psaAdapter } from './psa.js';
import { vapAdapter } from './vap.js';

/** The engine that judges each admission backend's artifacts. */
export const engineAdapters: Partial<Record<TargetId, (files: readonly EmittedFile[]) => EngineAdapter>> = {
  gatekeeper: gatekeeperAdapter,
  kyverno: kyvernoAdapter,
  psa: psaAdapter,
  vap: vapAdapter,
};
