import type { Backend } from './backend.js';

/** The compile targets, in the order `--target all` emits them. */
export const targetIds = ['kyverno', 'gatekeeper', 'psa', 'vap', 'kyverno-cel', 'netpol'] as const;
export type TargetId = (typeof targetIds)[number];

/** Backends load on demand, so `secpol check` or `--version` never pay for the templates and schemas. */
const loaders: Record<TargetId, () => Promise<Backend>> = {
  kyverno: async () => (await import('./kyverno/index.js')).kyvernoBackend,
  gatekeeper: async () => (await import('./gatekeeper/index.js')).gatekeeperBackend,
  psa: async () => (await import('./psa/index.js')).psaBackend,
  vap: async () => (await import('./vap/index.js')).vapBackend,
  'kyverno-cel': async () => (await import('./kyverno-cel/index.js')).kyvernoCelBackend,
  netpol: async () => (await import('./netpol/index.js')).netpolBackend,
};

export function loadBackend(id: TargetId): Promise<Backend> {
  return loaders[id]();
}

export function isTargetId(s: string): s is TargetId {
  return (targetIds as readonly string[]).includes(s);
}
