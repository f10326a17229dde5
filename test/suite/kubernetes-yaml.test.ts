import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { yamlBlockText } from '../../src/backends/common/yaml-emit.js';
import { SourceFile } from '../../src/source/index.js';
import { goFloat32Key, resolveGoYamlScalar } from '../../src/suite/kubernetes-yaml.js';
import { parseYamlFile } from '../../src/suite/index.js';
import { audit, tmpTree } from '../audit/harness.js';
import { runCli } from '../helpers/cli.js';

/** The value of `v: <text>` as secpol reads a manifest. */
function read(text: string): unknown {
  const parsed = parseYamlFile(new SourceFile('m.yaml', text));
  expect(parsed.diagnostics.map((d) => d.message)).toEqual([]);
  return parsed.documents[0]?.value;
}

/**
 * Expected values from sigs.k8s.io/yaml's goyaml.v2/resolve.go read line by line (strconv.ParseInt/ParseUint
 * with base 0 after removing every `_`, yamlStyleFloat, ParseFloat for a leading `.`, the resolve map with
 * y/n/yes/no/on/off) and decode.go (a timestamp decoded into interface{} keeps its text).
 */
const goYamlV2: readonly [string, unknown][] = [
  ['0400', 256], ['0o400', 256], ['0O17', 15], ['0x1F', 31], ['-0x10', -16], ['0b101', 5], ['0b-101', -5], ['0777', 511],
  ['09', 9], ['08.5', 8.5], ['1_000', 1000], ['1__0', 10], ['1_', 1], ['_1', '_1'], ['+1', 1], ['-0', 0],
  ['1e3', 1000], ['1.', 1], ['+.5', 0.5], ['.5', 0.5], ['.5_0', 0.5], ['._5', '._5'], ['1e400', '1e400'], ['0.1e-2', 0.001],
  ['y', true], ['Y', true], ['yes', true], ['Yes', true], ['YES', true], ['on', true], ['On', true], ['ON', true], ['true', true], ['True', true], ['TRUE', true],
  ['n', false], ['N', false], ['no', false], ['No', false], ['NO', false], ['off', false], ['Off', false], ['OFF', false], ['false', false], ['False', false],
  ['tRue', 'tRue'], ['yEs', 'yEs'], ['~', null], ['', null], ['null', null], ['Null', null], ['NULL', null], ['nULL', 'nULL'],
  ['1:30', '1:30'], ['190:20:30', '190:20:30'], ['2001-12-14', '2001-12-14'], ['2001-12-14t21:59:43.10-05:00', '2001-12-14t21:59:43.10-05:00'],
  ['0x', '0x'], ['0b', '0b'], ['-', '-'], ['+', '+'], ['1e', '1e'], ['E0', 'E0'], ['<<', '<<'], ['0x1p-2', '0x1p-2'],
];

describe('manifests are read as Kubernetes reads them (sigs.k8s.io/yaml, go-yaml v2)', () => {
  it('resolves plain scalars as go-yaml v2 does', () => {
    for (const [text, value] of goYamlV2) expect([text, resolveGoYamlScalar(text)]).toEqual([text, value]);
  });

  it('reads a manifest with those scalars, octal modes and YAML 1.1 booleans', () => {
    expect(read('defaultMode: 0400\nhostNetwork: yes\nprivileged: on\nreadOnly: n\nport: 0x1F\nsize: 1_000\n')).toEqual({ defaultMode: 256, hostNetwork: true, privileged: true, readOnly: false, port: 31, size: 1000 });
    expect(read('a: "0400"\nb: \'yes\'\nc: |\n  on\n')).toEqual({ a: '0400', b: 'yes', c: 'on\n' });
  });

  it('names map keys as sigs.k8s.io/yaml converts them (bools, ints, float32 %g)', () => {
    expect(read('yes: 1\n0x10: 2\n1.5: 3\n1e6: 4\n0.00001: 5\n')).toEqual({ true: 1, 16: 2, '1.5': 3, '1e+06': 4, '1e-05': 5 });
    expect(goFloat32Key(3.14159265358979)).toBe('3.1415927');
  });

  it('applies merge keys in order, as go-yaml v2 does (a merge overrides keys before it; a list merges last to first)', () => {
    expect(read('b: &b {p: 1, q: 2}\nc:\n  p: 0\n  <<: *b\n  r: 3\nd:\n  <<: [{p: 1}, {p: 2, s: 4}]\n')).toEqual({ b: { p: 1, q: 2 }, c: { p: 1, q: 2, r: 3 }, d: { p: 1, s: 4 } });
  });

  it('reports what Kubernetes cannot read at its position: .inf, .nan, a null key, a wrong explicit tag', () => {
    for (const [text, at] of [['a: 1\nb: .inf\n', 8], ['a: -.Inf\n', 3], ['x: .nan\n', 3], ['~: 1\n', 0], ['a: !!bool maybe\n', 3], ['a: !!int 1.5\n', 3]] as const) {
      const parsed = parseYamlFile(new SourceFile('m.yaml', text));
      expect(parsed.documents).toEqual([]);
      expect(parsed.diagnostics.map((d) => [d.code, d.span?.start])).toEqual([['SP0008', at]]);
    }
  });

  it('still caps alias expansion', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
    const parsed = parseYamlFile(new SourceFile('bomb.yaml', `${bomb}\n`));
    expect(parsed.diagnostics.map((d) => d.code)).toEqual(['SP0008']);
  });

  it('round-trips whatever secpol\'s YAML writer emits (property)', () => {
    const text = fc.oneof(fc.constantFrom('yes', 'No', 'on', 'y', 'n', '~', '0400', '0o17', '1_000', '0x1F', '1e3', '.5', '1:30', '.inf', '2001-12-14', '<<', '-', ''), fc.string(), fc.string({ unit: 'grapheme' }));
    const scalar = fc.oneof(text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)), fc.boolean(), fc.constant(null));
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(text, tie('value'), { maxKeys: 4 })),
    }));
    const block = fc.dictionary(text, value, { minKeys: 1, maxKeys: 5 });
    fc.assert(
      fc.property(block, (v) => {
        const parsed = parseYamlFile(new SourceFile('out.yaml', `${yamlBlockText(v, 0)}\n`));
        expect(parsed.diagnostics).toEqual([]);
        expect(parsed.documents[0]?.value).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { seed: 20261124, numRuns: 2000 },
    );
  });
});

const hostNetworkPolicy = `policy host {
  applies to pods
  rule no-host-network {
    forbid spec.hostNetwork = true
  }
  rule private-secrets {
    forbid any volume has secret.defaultMode > 256
  }
}
`;

const deployment = (hostNetwork: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      hostNetwork: ${hostNetwork}
      containers:
        - name: app
          image: registry.example.com/app:1.0
      volumes:
        - name: creds
          secret:
            secretName: creds
            defaultMode: 0400
`;

describe('every command that reads manifests reads them as Kubernetes does', () => {
  const dir = tmpTree({ 'policy.secpol': hostNetworkPolicy, 'yes.yaml': deployment('yes'), 'off.yaml': deployment('off') });
  const policy = join(dir, 'policy.secpol');

  it('audit: hostNetwork: yes is a finding, defaultMode: 0400 (256) is not', async () => {
    const r = await audit({ manifests: [join(dir, 'yes.yaml')] }, [policy]);
    expect(r.stdout).toContain('host/no-host-network');
    expect(r.stdout).not.toContain('private-secrets');
    expect(r.code).toBe(1);
    const off = await audit({ manifests: [join(dir, 'off.yaml')] }, [policy]);
    expect(off.stdout).toMatch(/^0 findings/m);
  });

  it('explain: the same verdicts', async () => {
    const r = await runCli('explain', policy, '--resource', join(dir, 'yes.yaml'), '--today', '2026-11-23', '--format', 'json');
    const [resource] = (JSON.parse(r.stdout) as { resources: { rules: { rule: string; verdict: string }[] }[] }).resources;
    expect(resource?.rules.map((x) => [x.rule, x.verdict])).toEqual([['no-host-network', 'fail'], ['private-secrets', 'pass']]);
  });

  it('test: a suite sample is read the same way', async () => {
    const suiteDir = tmpTree({
      'policy.secpol': hostNetworkPolicy,
      'samples/yes.yaml': deployment('yes'),
      'samples/off.yaml': deployment('off'),
      'suite.yaml': 'cases:\n  - { sample: samples/yes.yaml, expect: deny, rules: [no-host-network] }\n  - { sample: samples/off.yaml, expect: allow }\n',
    });
    const r = await runCli('test', join(suiteDir, 'policy.secpol'), '--today', '2026-11-23');
    expect(r.stdout).toContain('2 of 2 cases agree');
    expect(r.code).toBe(0);
  });
});
