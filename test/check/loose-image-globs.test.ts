/**
 * SP1020: image globs whose `*` crosses a registry or repository boundary (issue 22 item 4). secpol's `*` matches
 * `/` (every backend's wildcard does), so these are allow-list bypasses; the generator tries the look-alikes.
 */
import { describe, expect, it } from 'vitest';
import { loosePattern } from '../../src/check/rules/loose-image-globs.js';
import { evaluatePolicy } from '../../src/eval/index.js';
import { policyConstants } from '../../src/verify/constants.js';
import { diagnosticsOf, dsl, irOf, rawDiagnosticsOf } from '../helpers/dsl.js';

describe('loose image globs', () => {
  it('flags a wildcard glued to a name, or in the registry', () => {
    expect(loosePattern('ghcr.io/org*')?.detail).toMatch(/ghcr\.io\/org-evil/);
    expect(loosePattern('*.example.com/*')?.detail).toMatch(/registry part/);
    expect(loosePattern('docker.io*')?.detail).toMatch(/registry part/);
    expect(loosePattern('registry.example.com/team-*')).toBeDefined();
  });

  it('accepts wildcards that start at a boundary', () => {
    for (const ok of ['ghcr.io/org/*', 'registry.example.com/app:*', 'registry.example.com/app@sha256:*', 'nginx', 'ghcr.io/org/app:1.*']) {
      expect(loosePattern(ok), ok).toBeUndefined();
    }
  });

  it('is a warning on rules and exception images, with the fix in the hint', () => {
    const raw = rawDiagnosticsOf('policy p {\n  applies to pods\n  rule r {\n    require every container has image matches "ghcr.io/org*"\n  }\n}\n');
    expect(raw.map((x) => [x.code, x.severity])).toEqual([['SP1020', 'warning']]);
    expect(raw[0]!.hint).toContain('"ghcr.io/org/*"');
    const d = diagnosticsOf(dsl`
      policy p {
        applies to pods
        rule r {
          require every container has image matches "ghcr.io/org*"
        }
        exception vendor {
          images "*.vendor.io/*"
          reason "vendor images"
        }
      }`);
    expect(d.filter((x) => x.code === 'SP1020').map((x) => x.at)).toEqual(['4:33', '6:3']);
  });

  it('verify generates the look-alikes an attacker would register', () => {
    const set = irOf(dsl`
      policy p {
        applies to pods
        rule r {
          require every container has image matches "ghcr.io/org/*"
        }
      }`);
    const strings = JSON.stringify(policyConstants(set.policies[0]!).at('container'));
    expect(strings).toContain('ghcr.io/org-evil/x');
    expect(strings).toContain('ghcr.io.evil.io/org/x');
    expect(strings).toContain('evil.io/ghcr.io/org/x');
    // and the semantics refuses them all
    for (const image of ['ghcr.io/org-evil/x', 'ghcr.io.evil.io/org/x', 'evil.io/ghcr.io/org/x']) {
      const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image }] } };
      expect(evaluatePolicy(set.policies[0]!, { object: pod, operation: 'CREATE', namespace: 'default', namespaceLabels: {} }).rules[0]!.outcome, image).toBe('fail');
    }
  });
});
