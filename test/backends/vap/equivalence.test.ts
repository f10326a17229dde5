import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPolicyFile } from '../../../src/cli/io.js';
import { frontEnd } from '../../../src/compile.js';
import type { PolicySet } from '../../../src/ir/index.js';
import { renderDisagreement } from '../../../src/verify/index.js';
import { verifyPolicies } from '../../../src/verify/verify.js';
import { vapBackend } from '../../../src/backends/vap/index.js';
import { projectRoot } from '../../helpers/corpora.js';
import { dsl, irOf, testToday } from '../../helpers/dsl.js';
import { emitVap, vapAdapter } from './adapter.js';
import { walkPredicate } from '../../../src/ir/index.js';

/**
 * The law: on generated requests, the offline VAP engine running the emitted CEL reports a violation of a rule
 * exactly when the IR reference evaluator fails it.
 */
function agree(set: PolicySet, runs = 300): ReturnType<typeof verifyPolicies> {
  const reports = verifyPolicies(set, [vapAdapter(emitVap(set))], { runs, seed: 1 });
  const disagreements = reports.flatMap((r) => (r.disagreement ? [renderDisagreement(r.disagreement)] : []));
  if (disagreements.length) console.log(disagreements.join('\n\n'));
  expect(disagreements).toEqual([]);
  for (const r of reports) expect(r.compared['vap'] ?? 0).toBeGreaterThan(0);
  return reports;
}

/** Both verdicts of every rule must occur, or agreement proves little. */
function exercised(reports: ReturnType<typeof verifyPolicies>): string[] {
  return reports.flatMap((r) => Object.entries(r.outcomes).flatMap(([rule, o]) => (o.fail > 0 && o.pass + o.skip > 0 ? [] : [`${r.policy}/${rule} ${JSON.stringify(o)}`])));
}

function policyFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? policyFiles(join(dir, e.name)) : e.name.endsWith('.secpol') ? [join(dir, e.name)] : []));
}

describe('vap agrees with the IR evaluator', () => {
  it('on every test operator', () => {
    const reports = agree(irOf(dsl`
      policy operators {
        applies to pods
        rule eq { forbid spec.hostPID = true }
        rule ne { require spec.serviceAccountName != "default" }
        rule in { require spec.dnsPolicy in ["ClusterFirst", "Default"] }
        rule notin { require spec.restartPolicy not in ["Never"] }
        rule num { require every container has securityContext.runAsUser >= 1000 }
        rule numlt { forbid any container has securityContext.runAsGroup < 10 }
        rule qty { require every container has resources.limits.memory <= 512Mi }
        rule qtycpu { forbid any container has resources.requests.cpu > 500m }
        rule exists { require spec.securityContext.seccompProfile exists }
        rule absent { require spec.nodeName is absent }
        rule empty { require every container has resources.limits is not empty }
        rule isempty { forbid spec.hostAliases is empty }
        rule glob { require every container has image matches "registry.example.com/*" }
        rule notglob { forbid any container has image not matches "*:latest" }
        rule regex { require every container has image matches regex "@sha256:[a-f0-9]{64}$" }
        rule notregex { forbid any container has image not matches regex "^[a-z]" }
        rule contains { require every container has securityContext.capabilities.drop contains "ALL" }
        rule only { require every container has securityContext.capabilities.add contains only ["NET_BIND_SERVICE"] }
        rule none { require every container has securityContext.capabilities.add contains none of ["SYS_ADMIN", "NET_RAW"] }
        rule anyof { forbid any container has securityContext.capabilities.add contains any of ["SYS_ADMIN"] }
        rule logic { forbid spec.hostNetwork = true or (spec.hostPID = true and not spec.hostIPC exists) }
      }
    `));
    expect(exercised(reports)).toEqual([]);
  });

  it('on quantifiers, effective settings, when and messages', () => {
    const reports = agree(irOf(dsl`
      policy quantifiers {
        applies to pods
        rule ports { forbid any container has any port has hostPort > 0 }
        rule volumes { forbid any volume has hostPath exists }
        rule init { require no init container has securityContext.privileged = true }
        rule eph { require every ephemeral container has image matches "debug/*" }
        rule app { forbid any app container has securityContext.allowPrivilegeEscalation = true }
        rule envs { forbid any container has any env has name = "SECRET" }
        rule effective { require every container has effective runAsNonRoot = true }
        rule seccomp { require every container has effective seccompProfile.type in ["RuntimeDefault", "Localhost"] }
        rule windows {
          when spec.os.name != "windows"
          forbid any container has securityContext.privileged = true
          message "container {name} runs {image} privileged"
        }
      }
    `));
    expect(exercised(reports)).toEqual([]);
  });

  it('on scopes and exceptions', () => {
    const reports = agree(irOf(dsl`
      policy scoped {
        applies to pods
        in namespaces "apps", "shop"
        where labels team exists
        where namespace labels env = "prod"
        on create
        rule r { forbid spec.hostPID = true }
        exception ns {
          namespaces "shop"
          rules r
          reason "legacy"
        }
      }
      policy excluded {
        applies to pods
        except namespaces "kube-system"
        where labels tier not in ["system"]
        rule r { forbid any container has securityContext.privileged = true }
        exception w {
          workloads Deployment "default/ledger"
          reason "vendor"
        }
        exception img {
          images "ghcr.io/vendor/*"
          reason "vendor images"
        }
      }
      policy deletes {
        applies to pods
        on delete
        rule r { forbid metadata.labels.protected = "true" }
      }
    `));
    expect(exercised(reports)).toEqual([]);
  });

  it('on other kinds and rule-level subjects', () => {
    const reports = agree(irOf(dsl`
      policy kinds {
        applies to "rbac.authorization.k8s.io/v1" Role, ClusterRole
        rule wildcard { forbid any rbac rule has verbs contains "*" }
        rule bindings {
          applies to "rbac.authorization.k8s.io/v1" ClusterRoleBinding
          forbid roleRef.name = "cluster-admin"
        }
        rule pods {
          applies to pods
          forbid spec.hostNetwork = true
        }
      }
      policy namespaces {
        applies to "v1" Namespace, ConfigMap
        except namespaces "kube-system"
        rule labelled { require metadata.labels.owner exists }
        exception legacy {
          namespaces "legacy"
          reason "old"
        }
      }
    `));
    expect(exercised(reports)).toEqual([]);
  });

  describe('on the library policies', () => {
    for (const path of policyFiles(join(projectRoot, 'policies')).sort()) {
      it(relative(projectRoot, path), () => {
        const front = frontEnd([relative(projectRoot, path)], (p) => readPolicyFile(join(projectRoot, p)), { today: testToday });
        if (!front.value) return;
        // A policy that opts out of vap on the record (`omit from vap because …`) is not vap's to judge.
        const set = { policies: front.value.set.policies.filter((p) => !p.omissions.some((o) => o.backends.includes('vap'))), networks: [] };
        if (set.policies.length === 0) return;
        const out = vapBackend.emit(set);
        // A policy that reads other objects is SP2001 on vap (docs/language/references.md), at each reference.
        if (set.policies.some((p) => p.rules.some((r) => [...walkPredicate(r.predicate)].some((n) => n.node.kind === 'referenced')))) {
          expect(out.diagnostics.length).toBeGreaterThan(0);
          expect(out.diagnostics.every((d) => d.code === 'SP2001' && /reads another object/.test(d.message))).toBe(true);
          return;
        }
        // Every other library policy, pod-security ones included, compiles to VAP; expiring exceptions warn (SP2003).
        expect(out.diagnostics.filter((d) => d.code !== 'SP2003')).toEqual([]);
        agree(set, 200);
      });
    }
  });
});
