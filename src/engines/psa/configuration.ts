import type { PsaExemptions } from './admit.js';
import { goQuote } from './format.js';
import { defaultPsaPolicy, psaModes, type PsaPolicy } from './namespace-labels.js';
import { asList, asObject, asText, dig } from './pod-view.js';
import { isPsaLevel, parsePsaVersion, type PsaLevel, type PsaVersion } from './version.js';

/**
 * Reads the PodSecurity plugin's configuration: a PodSecurityConfiguration
 * (pod-security.admission.config.k8s.io), or an AdmissionConfiguration whose `PodSecurity` plugin
 * embeds one. Invalid defaults keep privileged/latest and are reported in `errors`.
 * PSA docs: https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-admission-controller/
 */
export interface PsaConfiguration {
  readonly defaults: PsaPolicy;
  readonly exemptions: Required<PsaExemptions>;
  readonly errors: readonly string[];
}

function podSecurityConfiguration(document: unknown): unknown {
  if (dig(document, 'kind') !== 'AdmissionConfiguration') return document;
  const plugin = asList(dig(document, 'plugins')).find((entry) => dig(entry, 'name') === 'PodSecurity');
  return dig(plugin, 'configuration');
}

export function readPsaConfiguration(document: unknown): PsaConfiguration {
  const errors: string[] = [];
  const config = podSecurityConfiguration(document);
  const defaults = asObject(dig(config, 'defaults')) ?? {};
  const policy: Record<keyof PsaPolicy, { level: PsaLevel; version: PsaVersion }> = { ...defaultPsaPolicy };
  for (const mode of psaModes) {
    let { level, version } = defaultPsaPolicy[mode];
    const levelValue = defaults[mode];
    if (levelValue !== undefined) {
      if (isPsaLevel(levelValue)) level = levelValue;
      else errors.push(`defaults.${mode}: Invalid value: ${goQuote(String(levelValue))}: must be one of privileged, baseline, restricted`);
    }
    const versionValue = defaults[`${mode}-version`];
    if (versionValue !== undefined) {
      const parsed = typeof versionValue === 'string' ? parsePsaVersion(versionValue) : undefined;
      if (parsed !== undefined) version = parsed;
      else errors.push(`defaults.${mode}-version: Invalid value: ${goQuote(String(versionValue))}: must be "latest" or "v1.x"`);
    }
    policy[mode] = { level, version };
  }
  const names = (key: string): string[] => asList(dig(config, 'exemptions', key)).map(asText).filter((name) => name !== '');
  return {
    defaults: policy,
    exemptions: { usernames: names('usernames'), namespaces: names('namespaces'), runtimeClasses: names('runtimeClasses') },
    errors,
  };
}
