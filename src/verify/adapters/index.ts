import type { EmittedFile } from '../../backends/backend.js';
import type { TargetId } from '../../backends/registry.js';
import type { EngineAdapter } from '../adapter.js';
import { gatekeeperAdapter } from './gatekeeper.js';
import { kyvernoAdapter } from './kyverno.js';
import { psaAdapter } from './psa.js';
import { vapAdapter } from './vap.js';
import { kyvernoCelAdapter } from './kyverno-cel.js';

/** The engines that judge each admission backend's artifacts (Gatekeeper: admission and audit reviews). */
export const engineAdapters: Partial<Record<TargetId, (files: readonly EmittedFile[]) => readonly EngineAdapter[]>> = {
  gatekeeper: gatekeeperAdapter,
  kyverno: (files) => [kyvernoAdapter(files)],
  psa: (files) => [psaAdapter(files)],
  vap: (files) => [vapAdapter(files)],
  'kyverno-cel': (files) => [kyvernoCelAdapter(files)],
};
