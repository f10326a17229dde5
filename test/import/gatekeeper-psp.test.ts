/**
 * gatekeeper-library pod-security-policy templates (src/import/gatekeeper-psp.ts). The translations are checked on
 * parameters written here; a template of our own words with the library's package shows the path through
 * `import --verify` (proven, and an original that reads fewer container lists caught). With
 * SECPOL_GATEKEEPER_PSP pointing at a checkout's library/pod-security-policy folder (or the repository root), every
 * sample Constraint there is imported with --verify and every suite case is run through the Gatekeeper engine.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { importPolicies } from '../../src/import/index.js';
import * as psp from '../../src/import/gatekeeper-psp.js';
import { evaluateConstraint, isGatekeeperError, loadTemplate } from '../../src/engines/gatekeeper/index.js';

const old: psp.PspShape = { ephemeral: false, skipsUpdate: false };
const later: psp.PspShape = { ephemeral: true, skipsUpdate: true };
const body = (t: { ok: boolean; value?: { body: string }; reason?: string }) => (t.ok ? t.value!.body : `no: ${t.reason}`);

describe('PSP translations on parameters of our own', () => {
  it('reads the container lists and the UPDATE skip from the Rego', () => {
    expect(psp.pspShape('c := input.review.object.spec.initContainers[_]')).toEqual(old);
    expect(psp.pspShape('not is_update(input.review)\nc := input.review.object.spec.ephemeralContainers[_]')).toEqual(later);
    expect(psp.pspShape('not is_update(input.review)\nsome type in ["containers", "initContainers", "ephemeralContainers"]\nsome c in input.review.object.spec[type]')).toEqual(later);
    expect(body(psp.translatePrivileged(old))).toBe('forbid any app container has securityContext.privileged = true or any init container has securityContext.privileged = true');
    expect(psp.translatePrivileged(later)).toEqual({ ok: true, value: { rule: 'no-privileged-containers', body: 'forbid any container has securityContext.privileged = true', on: 'on create' } });
    expect(body(psp.translateAllowPrivilegeEscalation(later))).toBe('require every container has securityContext.allowPrivilegeEscalation = false');
  });

  it('host process: the pod-level field outside the container quantifier (an exempt image does not exempt the pod)', () => {
    expect(psp.translateHostProcess(later)).toEqual({ ok: true, value: { rule: 'no-host-process', body: 'forbid spec.securityContext.windowsOptions.hostProcess = true or any container has securityContext.windowsOptions.hostProcess = true', on: 'on create' } });
  });

  it('allowed users: effective runAsUser/runAsGroup per container, fsGroup on the pod, the Rego\'s missing-ranges readings', () => {
    const t = (p: Record<string, unknown>) => body(psp.translateAllowedUsers(p, [], old));
    expect(t({ runAsUser: { rule: 'MustRunAs', ranges: [{ min: 1, max: 9 }] }, fsGroup: { rule: 'MayRunAs', ranges: [{ min: 5, max: 5 }] } })).toBe(
      'require every app container has (effective runAsUser exists and (effective runAsUser >= 1 and effective runAsUser <= 9)) and every init container has (effective runAsUser exists and (effective runAsUser >= 1 and effective runAsUser <= 9)) and (spec.securityContext.fsGroup is absent or spec.securityContext.fsGroup >= 5 and spec.securityContext.fsGroup <= 5)',
    );
    expect(body(psp.translateAllowedUsers({ runAsGroup: { rule: 'MustRunAs' } }, [], later))).toBe('require every container has effective runAsGroup exists');
    expect(t({ runAsGroup: { rule: 'MayRunAs' } })).toMatch(/check no field/);
    expect(t({ runAsUser: { rule: 'MustRunAs' } })).toMatch(/reports every pod/);
    expect(t({ supplementalGroups: { rule: 'MayRunAs', ranges: [{ min: 1, max: 2 }] } })).toMatch(/list of numbers/);
    expect(t({ fsGroup: { rule: 'MustRunAs', ranges: [{ min: 1, max: 2 }] }, exemptImages: ['a/*'] })).toMatch(/exemptImages/);
    expect(t({ runAsUser: { rule: 'MustRunAsRoot' } })).toMatch(/enum/);
  });

  it('fsGroup and flexVolume drivers on the pod, never-reporting and always-reporting parameters refused', () => {
    expect(body(psp.translateFsGroup({ rule: 'MustRunAs', ranges: [{ min: 10, max: 20 }] }, [], old))).toBe('require spec.securityContext.fsGroup exists and (spec.securityContext.fsGroup >= 10 and spec.securityContext.fsGroup <= 20)');
    expect(body(psp.translateFsGroup({ rule: 'MayRunAs', ranges: [] }, [], old))).toBe('require spec.securityContext.fsGroup is absent');
    expect(body(psp.translateFsGroup({ rule: 'MustRunAs' }, [], old))).toMatch(/reports every pod/);
    expect(body(psp.translateFsGroup({ rule: 'RunAsAny' }, [], old))).toMatch(/never reports/);
    expect(body(psp.translateFsGroup({}, [], old))).toMatch(/reports every pod/);
    expect(body(psp.translateFlexVolumes({ allowedFlexVolumes: [{ driver: 'acme/nfs' }, {}] }, [], later))).toBe('forbid any volume has (flexVolume exists and not flexVolume.driver in ["acme/nfs"])');
    expect(body(psp.translateFlexVolumes({ allowedFlexVolumes: [] }, [], old))).toBe('forbid any volume has (flexVolume exists)');
    expect(body(psp.translateFlexVolumes({}, [], old))).toMatch(/never reports/);
  });

  it('SELinux options: pod and containers, each option absent or equal to one entry\'s; an entry without a key allows only its absence', () => {
    expect(body(psp.translateSELinux({ allowedSELinuxOptions: [{ type: 'spc_t', level: 's0' }] }, [], later))).toBe(
      'forbid spec.securityContext.seLinuxOptions exists and not ((spec.securityContext.seLinuxOptions.level is absent or spec.securityContext.seLinuxOptions.level = "s0") and spec.securityContext.seLinuxOptions.role is absent and (spec.securityContext.seLinuxOptions.type is absent or spec.securityContext.seLinuxOptions.type = "spc_t") and spec.securityContext.seLinuxOptions.user is absent) or any container has (securityContext.seLinuxOptions exists and not ((securityContext.seLinuxOptions.level is absent or securityContext.seLinuxOptions.level = "s0") and securityContext.seLinuxOptions.role is absent and (securityContext.seLinuxOptions.type is absent or securityContext.seLinuxOptions.type = "spc_t") and securityContext.seLinuxOptions.user is absent))',
    );
    expect(body(psp.translateSELinux({}, [], old))).toMatch(/never reports/);
  });

  it('templates the language cannot follow are listed with the construct, not translated', () => {
    expect(Object.keys(psp.pspInexpressible).sort()).toEqual(['K8sPSPAppArmor', 'K8sPSPCapabilities', 'K8sPSPHostProbesLifecycle', 'K8sPSPSeccomp']);
    expect(psp.pspInexpressible['K8sPSPHostProbesLifecycle']).toMatch(/eval_conflict_error/);
  });

  it('host ports: each bound only when given, hostNetwork unless allowed, never-reporting parameters refused', () => {
    expect(body(psp.translateHostNetworkingPorts({ min: 1024 }, [], old))).toBe('forbid spec.hostNetwork = true or any app container has any port has hostPort < 1024 or any init container has any port has hostPort < 1024');
    expect(body(psp.translateHostNetworkingPorts({ hostNetwork: true, min: 10, max: 20 }, [], later))).toBe('forbid any container has any port has (hostPort < 10 or hostPort > 20)');
    expect(body(psp.translateHostNetworkingPorts({ hostNetwork: true }, [], old))).toMatch(/^no: .*never reports/);
    expect(body(psp.translateHostNetworkingPorts({ min: '80' }, [], old))).toMatch(/^no: a min that is not an integer/);
  });

  it('procMount: Default in any case, Unmasked reports nothing, another value is a Rego conflict', () => {
    expect(body(psp.translateProcMount({}, [], old))).toContain('not securityContext.procMount matches regex "^[Dd][Ee][Ff][Aa][Uu][Ll][Tt]$"');
    expect(body(psp.translateProcMount({ procMount: 'DEFAULT' }, [], old))).toContain('securityContext.procMount exists');
    expect(body(psp.translateProcMount({ procMount: 'unMasked' }, [], old))).toMatch(/^no: procMount Unmasked/);
    expect(body(psp.translateProcMount({ procMount: 'Strict' }, [], old))).toMatch(/conflict error/);
  });

  it('volume types: every other core/v1 source is forbidden; no list or "*" is refused', () => {
    const b = body(psp.translateVolumeTypes({ volumes: ['secret', 'emptyDir'] }, [], old));
    expect(b).toMatch(/^forbid any volume has \(awsElasticBlockStore exists or /);
    expect(b).toContain('hostPath exists');
    expect(b).not.toContain('secret exists');
    expect(b).not.toContain('emptyDir exists');
    expect(body(psp.translateVolumeTypes({}, [], old))).toMatch(/never reports/);
    expect(body(psp.translateVolumeTypes({ volumes: ['*'] }, [], old))).toMatch(/never reports/);
    expect(body(psp.translateVolumeTypes({ volumes: ['nfs', 'tmpfs'] }, [], old))).toMatch(/"tmpfs"/);
  });

  it('sysctls: the matching of the library version the Rego shows; the allow-list only when given', () => {
    const olderRego = 'startswith(sysctl, trim(input.parameters.forbiddenSysctls[_], "*"))\nstartswith(sysctl, trim(input.parameters.allowedSysctls[_], "*"))';
    const laterRego = 'endswith(forbidden, "*")\nendswith(allowed, "*")';
    const t = (p: Record<string, unknown>, rego: string) => body(psp.translateForbiddenSysctls(p, [], old, rego));
    expect(t({ forbiddenSysctls: ['*net.ipv4.*', 'vm.swappiness'] }, olderRego)).toBe('forbid any item in spec.securityContext.sysctls has (name matches regex "^(net\\\\.ipv4\\\\.|vm\\\\.swappiness)")');
    expect(t({ forbiddenSysctls: ['net.ipv4.*', 'vm.swappiness', '*'] }, laterRego)).toBe('forbid any item in spec.securityContext.sysctls has (name matches regex "^(net\\\\.ipv4\\\\.|vm\\\\.swappiness$|)")');
    expect(t({ allowedSysctls: ['a.b*'] }, olderRego)).toBe('forbid any item in spec.securityContext.sysctls has (name exists and not name matches regex "^(a\\\\.b)")');
    expect(t({ allowedSysctls: [] }, laterRego)).toBe('forbid any item in spec.securityContext.sysctls has (name exists)');
    expect(t({ forbiddenSysctls: [] }, olderRego)).toMatch(/never reports/);
    expect(t({ forbiddenSysctls: ['a'] }, 'startswith(sysctl, x)')).toMatch(/not one the importer knows/);
  });

  it('host paths: segment prefixes as regexes; readOnly entries, "/" and slash-only prefixes refused', () => {
    expect(body(psp.translateHostFilesystem({ allowedHostPaths: [{ pathPrefix: '/data/' }, { pathPrefix: 'logs', readOnly: false }] }, [], old))).toBe(
      'forbid any volume has (hostPath exists and not hostPath.path matches regex "(^/*data(/.*)?$)|(^/*logs(/.*)?$)")',
    );
    expect(body(psp.translateHostFilesystem({}, [], old))).toBe('forbid any volume has (hostPath exists)');
    expect(body(psp.translateHostFilesystem({ allowedHostPaths: [{ pathPrefix: '/x', readOnly: true }] }, [], old))).toMatch(/readOnly: true/);
    expect(body(psp.translateHostFilesystem({ allowedHostPaths: [{ pathPrefix: '/' }] }, [], old))).toMatch(/never reports/);
    expect(body(psp.translateHostFilesystem({ allowedHostPaths: [{ pathPrefix: '//' }] }, [], old))).toMatch(/only slashes/);
  });
});

/** A template of our own with the library's kind and package: privileged app or init containers, unless exempt. */
function ownTemplate(lists: readonly string[]): string {
  const rules = lists.map((l) => `        checked[k] {\n          k := input.review.object.spec.${l}[_]\n        }`).join('\n');
  return `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8spspprivilegedcontainer
spec:
  crd:
    spec:
      names:
        kind: K8sPSPPrivilegedContainer
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8spspprivileged
        violation[{"msg": m}] {
          k := checked[_]
          not skipped(k.image)
          k.securityContext.privileged
          m := sprintf("%v runs privileged", [k.name])
        }
${rules}
        skipped(i) {
          e := object.get(input.parameters, "exemptImages", [])[_]
          endswith(e, "*")
          startswith(i, trim_suffix(e, "*"))
        }
        skipped(i) {
          i == object.get(input.parameters, "exemptImages", [])[_]
        }
`;
}

const constraint = `apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sPSPPrivilegedContainer
metadata:
  name: no-privileged
spec:
  match:
    kinds:
      - apiGroups: [""]
        kinds: ["Pod"]
  parameters:
    exemptImages: ["registry.example.com/csi/*"]
`;

async function importOf(template: string, c = constraint) {
  const r = await importPolicies([{ path: 't.yaml', text: template }, { path: 'c.yaml', text: c }], { today: '2026-06-01', verify: { runs: 200, seed: 3 } });
  return { rules: r.value!.rules.map((x) => x.status), codes: r.diagnostics.map((d) => d.code), text: r.value!.files.map((f) => f.text).join('') };
}

describe('K8sPSPPrivilegedContainer through import --verify (a template of our own)', () => {
  it('is proven, with its exemptImages as an exception', async () => {
    const r = await importOf(ownTemplate(['containers', 'initContainers']));
    expect(r).toMatchObject({ rules: ['proven'], codes: [] });
    expect(r.text).toContain('forbid any app container has securityContext.privileged = true or any init container has securityContext.privileged = true');
    expect(r.text).toContain('images "registry.example.com/csi/*"');
  }, 120_000);

  it('an original that reads app containers only is caught (SP3002)', async () => {
    const r = await importOf(ownTemplate(['containers']));
    expect(r.codes).toEqual(['SP3002']);
  }, 120_000);
});

/** SECPOL_GATEKEEPER_PSP: a checkout's library/pod-security-policy folder, or the repository root. */
const given = process.env['SECPOL_GATEKEEPER_PSP'];
const root = given === undefined ? undefined : existsSync(join(given, 'library', 'pod-security-policy')) ? join(given, 'library', 'pod-security-policy') : given;
const folders = root && existsSync(root) ? readdirSync(root).filter((d) => existsSync(join(root, d, 'template.yaml'))).sort() : [];

describe.skipIf(folders.length === 0)('upstream pod-security-policy checkout (SECPOL_GATEKEEPER_PSP)', () => {
  for (const folder of folders) {
    const dir = join(root!, folder);
    // Every samples/<scenario>/constraint*.yaml (fsgroup has constraint2.yaml and constraint3.yaml beside constraint.yaml).
    const samples = existsSync(join(dir, 'samples'))
      ? readdirSync(join(dir, 'samples')).sort().flatMap((d) => (existsSync(join(dir, 'samples', d)) && !d.endsWith('.yaml') ? readdirSync(join(dir, 'samples', d)).filter((f) => /^constraint.*\.yaml$/.test(f)).sort().map((f) => join(d, f)) : []))
      : [];
    for (const s of samples) {
      it(`${folder}/${s}: imported and proven, or refused with a reason (never a disagreement)`, async () => {
        const template = { path: join(dir, 'template.yaml'), text: readFileSync(join(dir, 'template.yaml'), 'utf8') };
        const c = { path: join(dir, 'samples', s), text: readFileSync(join(dir, 'samples', s), 'utf8') };
        const r = await importPolicies([template, c], { today: '2026-06-01', verify: { runs: 200, seed: 1 } });
        const disagreements = r.diagnostics.filter((d) => d.code === 'SP3002' && !/never (violated|satisfied)/.test(d.message));
        expect(disagreements.map((d) => d.message)).toEqual([]);
        console.log(`${folder}/${s}: ${r.value?.rules.map((x) => x.status).join(', ') || 'none'} ${r.diagnostics.map((d) => d.code).join(' ')}`);
      }, 300_000);
    }
    if (existsSync(join(dir, 'suite.yaml'))) {
      it(`${folder}: every suite case agrees with the Gatekeeper engine`, () => {
        const suite = parse(readFileSync(join(dir, 'suite.yaml'), 'utf8')) as { tests?: { template: string; constraint: string; cases?: { name: string; object: string; inventory?: string[]; assertions?: { violations: unknown; message?: string }[] }[] }[] };
        const docs = (p: string) => parseAllDocuments(readFileSync(join(dir, p), 'utf8')).map((d) => d.toJS() as unknown).filter((d) => d != null);
        for (const t of suite.tests ?? []) {
          const template = loadTemplate(docs(t.template)[0]);
          if (isGatekeeperError(template)) throw new Error(`${t.template}: ${template.message}`);
          for (const c of t.cases ?? []) {
            const result = evaluateConstraint({ template, constraint: docs(t.constraint)[0], object: docs(c.object)[0], inventory: (c.inventory ?? []).flatMap(docs) });
            expect(result.error, `${c.name}`).toBeUndefined();
            const msgs = result.violations.map((v) => v.msg);
            for (const a of c.assertions ?? []) {
              const n = msgs.filter((m) => a.message === undefined || new RegExp(a.message, 'u').test(m)).length;
              const ok = a.violations === 'yes' ? n > 0 : a.violations === 'no' ? n === 0 : n === a.violations;
              expect(ok, `${c.name}: ${JSON.stringify(a)} against ${JSON.stringify(msgs)}`).toBe(true);
            }
          }
        }
      });
    }
  }
});
