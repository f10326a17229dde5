import { describe, expect, it } from 'vitest';
import { compileTo } from '../../src/compile.js';
import { renderDisagreement } from '../../src/verify/index.js';
import { evaluatePolicy } from '../../src/eval/index.js';
import { dsl, irOf } from '../helpers/dsl.js';
import { engineAdapters } from '../../src/verify/adapters/index.js';
import { verifyReports, type Mutation } from '../helpers/verify-artifacts.js';

/**
 * `is unique among … in the cluster` (docs/language/uniqueness.md): verify generates other objects of the listed
 * kinds beside each request (the request's stored version among them), and Gatekeeper and Kyverno must agree with the
 * semantics; an artifact that compares with the wrong objects is caught.
 */
const set = irOf(dsl`
  policy unique {
    rule unique-ingress-host {
      applies to "networking.k8s.io/v1" Ingress
      require every item in spec.rules has host is unique among "networking.k8s.io/v1" Ingress, "extensions/v1beta1" Ingress in the cluster
    }

    rule unique-service-selector {
      applies to "v1" Service
      require spec.selector is unique among "v1" Service in the cluster
    }

    rule unique-service-name {
      applies to "v1" Service
      forbid not metadata.labels.app is unique among "v1" Service in the cluster
    }
  }`);

type Target = 'kyverno' | 'gatekeeper';

const reportOf = async (target: Target, mutation?: Mutation, runs = 400) => (await verifyReports(set, target, { seed: 23, runs, ...(mutation ? { mutation } : {}) }))[0];

describe('verify on uniqueness', () => {
  for (const target of ['kyverno', 'gatekeeper'] as const) {
    it(`${target}: agrees with the semantics, every rule both violated and satisfied`, async () => {
      const report = await reportOf(target);
      expect(report?.disagreement && renderDisagreement(report.disagreement)).toBeUndefined();
      for (const rule of ['unique-ingress-host', 'unique-service-selector', 'unique-service-name']) {
        expect(report?.outcomes[rule]?.fail, `${rule} violated`).toBeGreaterThan(0);
        expect(report?.outcomes[rule]?.pass, `${rule} satisfied`).toBeGreaterThan(0);
      }
    });
  }

  it('vap and kyverno-cel refuse it (SP2001 naming the construct)', async () => {
    for (const target of ['vap', 'kyverno-cel'] as const) {
      const out = await compileTo(set, [target]);
      expect(out.diagnostics.map((d) => d.code)).toContain('SP2001');
      expect(out.diagnostics.map((d) => d.message).join('\n')).toContain('reads the other objects of the cluster (`spec.selector is unique among Service in the cluster`)');
    }
  });

  it('request values are data: hosts and selectors with quotes, backticks, braces and JMESPath text are compared, never evaluated', async () => {
    const hostile = ["a'b", 'x`y', '{{ request.object }}', "') || `true` || ('", 'ingresses', '/api/v1/secrets'];
    for (const target of ['kyverno', 'gatekeeper'] as const) {
      const out = await compileTo(set, [target]);
      const adapters = engineAdapters[target]!(out.value ?? []);
      for (const h of hostile) {
        for (const taken of [true, false]) {
          const ingress = (name: string, host: string) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: 'default' }, spec: { rules: [{ host }] } });
          const service = (name: string, selector: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { selector } });
          for (const [object, other, rule] of [
            [ingress('app', h), ingress('other', taken ? h : `${h}-2`), 'unique-ingress-host'],
            [service('app', { app: h }), service('other', taken ? { app: h } : { app: `${h}-2` }), 'unique-service-selector'],
          ] as const) {
            const request = { object, operation: 'CREATE' as const, namespace: 'default', namespaceLabels: {}, inventory: [other] };
            const ir = evaluatePolicy(set.policies[0]!, request).rules.find((v) => v.rule === rule);
            expect(ir?.outcome, `${rule} ${h}`).toBe(taken ? 'fail' : 'pass');
            for (const a of adapters) expect(a.evaluate(request)?.get(`unique/${rule}`)?.violated ?? false, `${a.label ?? a.backend} ${rule} ${JSON.stringify(h)}`).toBe(taken);
          }
        }
      }
    }
  });

  const mutations: [string, Target, RegExp, string][] = [
    ['gatekeeper compares the object with its own stored version', 'gatekeeper', /\tnot reviewed_object\(other\)\n/g, ''],
    ['gatekeeper reads only the first of the listed versions', 'gatekeeper', /data\.inventory\.namespace\[_\]\["extensions\/v1beta1"\]/g, 'data.inventory.namespace[_]["none/v1"]'],
    ['kyverno compares the object with its own stored version', 'kyverno', /object_from_lists\(\[join\('\/', \['v1', request\.object\.kind/g, "object_from_lists([join('/', ['v0', request.object.kind"],
    ['kyverno lists the Services of the request\'s namespace only', 'kyverno', /"\/api\/v1\/services"/g, '"/api/v1/namespaces/default/services"'],
    ['kyverno reads every selector as the empty one', 'kyverno', /'object'/g, "'string'"],
  ];
  for (const [name, target, from, to] of mutations) {
    it(`catches: ${name}`, async () => {
      expect((await reportOf(target, [from, to], 1000))?.disagreement, 'a counterexample').toBeDefined();
    });
  }
});
