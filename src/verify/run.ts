import { compileTo } from '../compile.js';
import { hasErrors, type Diagnostic } from '../diagnostics/index.js';
import type { Policy, PolicySet } from '../ir/index.js';
import type { EmittedFile } from '../backends/backend.js';
import type { TargetId } from '../backends/registry.js';
import type { EngineAdapter } from './adapter.js';
import { engineAdapters } from './adapters/index.js';
import { verifyDefaults, type DefaultsReport } from './defaults.js';
import { verifyImages, type ImageDisagreement } from './images.js';
import { verifyNetworks, type NetworkDisagreement } from './network.js';
import { verifyPolicies, type PolicyReport, type VerifyOptions } from './verify.js';

export interface BackendExclusion {
  readonly policy: string;
  readonly backend: TargetId;
  readonly reason: string;
}

export interface VerifyReport {
  readonly policies: readonly PolicyReport[];
  readonly excluded: readonly BackendExclusion[];
  readonly network?: { readonly cases: number; readonly disagreement?: NetworkDisagreement };
  /** `verify images` blocks, per policy: the semantics against Kyverno's verifyImages rules (images.ts). */
  readonly images?: readonly { readonly policy: string; readonly cases: number; readonly disagreement?: ImageDisagreement }[];
  /** `defaults` blocks: semantics §7 against the Kyverno engine on the generate/mutate rules and the static netpol/psa files (defaults.ts). */
  readonly defaults?: DefaultsReport;
  readonly ok: boolean;
}

const admissionTargets: readonly TargetId[] = ['kyverno', 'gatekeeper', 'psa', 'vap', 'kyverno-cel'];

/**
 * Compiles each policy for each admission backend on its own (so one backend's SP2001 on one policy only
 * excludes that pair, and says why), then compares every engine with the IR on generated requests.
 */
export async function runVerify(set: PolicySet, options: VerifyOptions, targets: readonly TargetId[] = [...admissionTargets, 'netpol']): Promise<VerifyReport> {
  const reports: PolicyReport[] = [];
  const excluded: BackendExclusion[] = [];
  for (const policy of set.policies) {
    const built = await adaptersFor(policy, targets);
    excluded.push(...built.excluded);
    // `verify images` blocks are compared below with a signature oracle; without one both sides skip them.
    const { images: _images, ...admission } = policy;
    if (_images?.length && admission.rules.length === 0 && admission.podSecurity.length === 0) continue;
    reports.push(...verifyPolicies({ policies: [admission], networks: [] }, built.adapters, options));
  }
  const images: { policy: string; cases: number; disagreement?: ImageDisagreement }[] = [];
  for (const policy of set.policies) {
    if (!policy.images?.length || !targets.includes('kyverno') || policy.omissions.some((o) => o.backends.includes('kyverno'))) continue;
    const out = await compileTo({ policies: [policy], networks: [] }, ['kyverno']);
    if (out.value && !hasErrors(out.diagnostics)) images.push({ policy: policy.name, ...verifyImages(policy, out.value, options) });
  }
  let network: VerifyReport['network'];
  if (set.networks.length && targets.includes('netpol')) {
    const out = await compileTo({ policies: [], networks: set.networks }, ['netpol']);
    if (out.value && !hasErrors(out.diagnostics)) network = verifyNetworks(set.networks, out.value, options);
    else excluded.push({ policy: set.networks.map((n) => n.name).join(', '), backend: 'netpol', reason: firstError(out.diagnostics) });
  }
  let defaults: DefaultsReport | undefined;
  if (set.defaults?.length && targets.includes('kyverno')) {
    const only: PolicySet = { policies: [], networks: [], defaults: set.defaults };
    const kyverno = await compileTo(only, ['kyverno']);
    const statics = await compileTo(only, ['netpol', 'psa']);
    const staticOk = statics.value !== undefined && !hasErrors(statics.diagnostics);
    if (!staticOk) excluded.push({ policy: set.defaults.map((d) => d.name).join(', '), backend: 'netpol', reason: firstError(statics.diagnostics) });
    if (kyverno.value && !hasErrors(kyverno.diagnostics)) {
      defaults = verifyDefaults(set.defaults, kyverno.value, staticOk ? { netpol: statics.value!, psa: statics.value! } : undefined, options);
    } else excluded.push({ policy: set.defaults.map((d) => d.name).join(', '), backend: 'kyverno', reason: firstError(kyverno.diagnostics) });
  }
  const ok = reports.every((r) => !r.disagreement && r.unexercised.length === 0) && !network?.disagreement && images.every((i) => !i.disagreement) && !defaults?.disagreement;
  return { policies: reports, excluded, ...(network ? { network } : {}), ...(images.length ? { images } : {}), ...(defaults ? { defaults } : {}), ok };
}

/** Compiles one policy for each admission backend and wraps each backend's engine around the artifacts. */
export async function adaptersFor(policy: Policy, targets: readonly TargetId[] = admissionTargets): Promise<{ adapters: EngineAdapter[]; excluded: BackendExclusion[] }> {
  const adapters: EngineAdapter[] = [];
  const excluded: BackendExclusion[] = [];
  for (const target of targets.filter((t) => admissionTargets.includes(t))) {
    if (policy.omissions.some((o) => o.backends.includes(target))) continue;
    if (target === 'psa' && policy.podSecurity.length === 0) continue;
    const out = await compileTo({ policies: [policy], networks: [] }, [target]);
    if (!out.value || hasErrors(out.diagnostics)) {
      excluded.push({ policy: policy.name, backend: target, reason: firstError(out.diagnostics) });
      continue;
    }
    const make = engineAdapters[target];
    if (make) adapters.push(...make(out.value));
  }
  return { adapters, excluded };
}

export function firstError(diagnostics: readonly Diagnostic[]): string {
  const d = diagnostics.find((x) => x.severity === 'error');
  return d ? `${d.code} ${d.message}` : 'no output';
}

export type { EmittedFile, Policy };
