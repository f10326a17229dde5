import { describe, expect, it } from 'vitest';
import { parsePsaVersion, policyFromNamespaceLabels, readPsaConfiguration } from '../../../src/engines/psa/index.js';

// From the PSA docs: https://kubernetes.io/docs/concepts/security/pod-security-admission/
// ("pod-security.kubernetes.io/<MODE>: <LEVEL>", "<MODE>-version: <VERSION>", "must be latest or v1.x").

const label = (mode: string) => `pod-security.kubernetes.io/${mode}`;

describe('parsePsaVersion', () => {
  it('accepts latest and v1.<minor>', () => {
    expect(parsePsaVersion('latest')).toBe('latest');
    expect(parsePsaVersion('v1.0')).toEqual({ major: 1, minor: 0 });
    expect(parsePsaVersion('v1.25')).toEqual({ major: 1, minor: 25 });
    expect(parsePsaVersion('v1.99')).toEqual({ major: 1, minor: 99 });
  });

  it('rejects every other spelling', () => {
    for (const text of ['', 'Latest', '1.25', 'v1.025', 'v1.25.0', 'v2.0', 'v1.', 'v1.-1', ' v1.25', 'v1.99999999999999999999']) {
      expect(parsePsaVersion(text), text).toBeUndefined();
    }
  });
});

describe('policyFromNamespaceLabels', () => {
  it('applies privileged:latest to every unlabelled mode', () => {
    expect(policyFromNamespaceLabels({})).toEqual({
      enforce: { level: 'privileged', version: 'latest' },
      audit: { level: 'privileged', version: 'latest' },
      warn: { level: 'privileged', version: 'latest' },
      errors: [],
    });
  });

  it('reads each mode, with a missing version meaning latest', () => {
    const policy = policyFromNamespaceLabels({
      [label('enforce')]: 'baseline',
      [label('audit')]: 'restricted',
      [label('audit-version')]: 'v1.25',
      [label('warn')]: 'restricted',
      'unrelated/label': 'x',
    });
    expect(policy.enforce).toEqual({ level: 'baseline', version: 'latest' });
    expect(policy.audit).toEqual({ level: 'restricted', version: { major: 1, minor: 25 } });
    expect(policy.warn).toEqual({ level: 'restricted', version: 'latest' });
    expect(policy.errors).toEqual([]);
  });

  it('keeps the default level when only a version is labelled', () => {
    expect(policyFromNamespaceLabels({ [label('enforce-version')]: 'v1.20' }).enforce).toEqual({
      level: 'privileged', version: { major: 1, minor: 20 },
    });
  });

  it('fails closed for an invalid enforce level and open for audit and warn', () => {
    const policy = policyFromNamespaceLabels({ [label('enforce')]: 'strict', [label('audit')]: 'Baseline', [label('warn')]: '' });
    expect(policy.enforce.level).toBe('restricted');
    expect(policy.audit.level).toBe('privileged');
    expect(policy.warn.level).toBe('privileged');
    expect(policy.errors).toEqual([
      'metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted',
      'metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: "Baseline": must be one of privileged, baseline, restricted',
      'metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: "": must be one of privileged, baseline, restricted',
    ]);
  });

  it('uses latest for an invalid version', () => {
    const policy = policyFromNamespaceLabels({ [label('enforce')]: 'baseline', [label('enforce-version')]: '1.25' });
    expect(policy.enforce).toEqual({ level: 'baseline', version: 'latest' });
    expect(policy.errors).toEqual([
      'metadata.labels[pod-security.kubernetes.io/enforce-version]: Invalid value: "1.25": must be "latest" or "v1.x"',
    ]);
  });

  it('falls back to the configured defaults', () => {
    const policy = policyFromNamespaceLabels({ [label('warn')]: 'baseline' }, {
      enforce: { level: 'baseline', version: { major: 1, minor: 30 } },
      warn: { level: 'restricted', version: 'latest' },
    });
    expect(policy.enforce).toEqual({ level: 'baseline', version: { major: 1, minor: 30 } });
    expect(policy.audit).toEqual({ level: 'privileged', version: 'latest' });
    expect(policy.warn).toEqual({ level: 'baseline', version: 'latest' });
  });

  it('ignores values that are not strings and never throws on odd input', () => {
    expect(policyFromNamespaceLabels({ [label('enforce')]: 3 } as never).enforce.level).toBe('privileged');
    expect(policyFromNamespaceLabels(null as never).errors).toEqual([]);
  });
});

describe('readPsaConfiguration', () => {
  it('reads defaults and exemptions from an AdmissionConfiguration', () => {
    const config = readPsaConfiguration({
      apiVersion: 'apiserver.config.k8s.io/v1',
      kind: 'AdmissionConfiguration',
      plugins: [{
        name: 'PodSecurity',
        configuration: {
          apiVersion: 'pod-security.admission.config.k8s.io/v1',
          kind: 'PodSecurityConfiguration',
          defaults: { enforce: 'baseline', 'enforce-version': 'latest', audit: 'restricted', 'audit-version': 'v1.29', warn: 'nope' },
          exemptions: { usernames: ['admin'], runtimeClasses: [], namespaces: ['kube-system'] },
        },
      }],
    });
    expect(config.defaults.enforce).toEqual({ level: 'baseline', version: 'latest' });
    expect(config.defaults.audit).toEqual({ level: 'restricted', version: { major: 1, minor: 29 } });
    expect(config.defaults.warn).toEqual({ level: 'privileged', version: 'latest' });
    expect(config.exemptions).toEqual({ usernames: ['admin'], namespaces: ['kube-system'], runtimeClasses: [] });
    expect(config.errors).toEqual(['defaults.warn: Invalid value: "nope": must be one of privileged, baseline, restricted']);
  });
});
