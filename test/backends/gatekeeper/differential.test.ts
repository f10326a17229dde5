import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPolicyFile } from '../../../src/cli/io.js';
import { frontEnd } from '../../../src/compile.js';
import type { EngineAdapter, EngineVerdict } from '../../../src/verify/index.js';
import { renderDisagreement, type GeneratedRequest } from '../../../src/verify/index.js';
import { verifyPolicies } from '../../../src/verify/verify.js';
import { projectRoot } from '../../helpers/corpora.js';
import { dsl, irOf, testToday } from '../../helpers/dsl.js';
import { docsOf, emit, run, type GatekeeperDocs } from './harness.js';
import type { PolicySet } from '../../../src/ir/index.js';

/**
 * The law the backend exists for: on generated requests (src/verify's generator, biased to each policy's
 * constants, scopes and exceptions), the offline Gatekeeper engine running the emitted artifacts reports a
 * violation of a rule exactly when the IR reference evaluator (src/eval) fails it.
 */
function adapter(set: PolicySet): EngineAdapter {
  const out = emit(set);
  if (out.diagnostics.length) throw new Error(out.diagnostics.map((d) => d.message).join('; '));
  const docs: GatekeeperDocs[] = out.files.map(docsOf);
  return {
    backend: 'gatekeeper',
    evaluate(request: GeneratedRequest) {
      const verdicts = new Map<string, EngineVerdict>();
      for (const d of docs) {
        const policy = d.template.metadata.annotations['secpol.dev/policy'] as string;
        const outcomes = run(d, {
          object: request.object,
          operation: request.operation,
          ...(request.namespace !== undefined ? { namespace: request.namespace, namespaceLabels: request.namespaceLabels } : {}),
          ...(request.subResource !== undefined ? { subResource: request.subResource } : {}),
          ...(request.userInfo !== undefined ? { userInfo: request.userInfo } : {}),
          // time.now_ns() is the request's instant: verify generates instants on both sides of an exception's expiry.
          ...(request.now !== undefined ? { nowNs: request.now * 1e6 } : {}),
          // The roles generated beside a binding (references), as Gatekeeper syncs them.
          ...(request.inventory !== undefined ? { inventory: request.inventory } : {}),
        });
        for (const [rule, o] of outcomes) verdicts.set(`${policy}/${rule}`, { violated: o.violated, message: o.messages.join('; ') });
      }
      return verdicts;
    },
  };
}

function agree(set: PolicySet, runs: number): void {
  const reports = verifyPolicies(set, [adapter(set)], { runs, seed: 20260601 });
  const disagreements = reports.flatMap((r) => (r.disagreement ? [renderDisagreement(r.disagreement)] : []));
  expect(disagreements).toEqual([]);
  for (const r of reports) expect(r.compared['gatekeeper'] ?? 0).toBeGreaterThan(0);
}

function policyFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? policyFiles(join(dir, e.name)) : e.name.endsWith('.secpol') ? [join(dir, e.name)] : []));
}

describe('gatekeeper agrees with the IR evaluator', () => {
  const files = policyFiles(join(projectRoot, 'policies')).sort();
  for (const path of files) {
    it(`on ${relative(projectRoot, path)}`, () => {
      const front = frontEnd([relative(projectRoot, path)], (p) => readPolicyFile(join(projectRoot, p)), { today: testToday });
      // A policy that opts out of gatekeeper on the record (`omit from gatekeeper because …`) is not gatekeeper's to judge.
      const policies = front.value?.set.policies.filter((p) => !p.omissions.some((o) => o.backends.includes('gatekeeper'))) ?? [];
      if (policies.length === 0) return;
      agree({ policies, networks: [] }, 200);
    });
  }

  it('on every kind of test, quantifier, exception and scope', () => {
    const set = irOf(dsl`
      policy everything {
        applies to pods
        except namespaces "kube-system"
        where labels tier != "db"
        rule tests {
          require spec.serviceAccountName != "default" and spec.dnsPolicy not in ["None"] and (spec.hostname exists or spec.subdomain is absent)
        }
        rule containers {
          require every container has (image matches "registry.example.com/*" and not image matches regex ":latest$" and resources.limits is not empty)
          message "container {name} uses {image}"
        }
        rule numbers {
          forbid any container has (resources.limits.memory > 512Mi or securityContext.runAsUser < 1000 or effective runAsNonRoot != true)
        }
        rule lists {
          require every container has (securityContext.capabilities.drop contains "ALL" and securityContext.capabilities.add contains none of ["SYS_ADMIN", "NET_ADMIN"])
        }
        rule ports {
          forbid any container has any port has hostPort > 0
        }
        rule volumes {
          when spec.os.name != "windows"
          require no volume has hostPath exists
        }
        exception legacy {
          namespaces "legacy"
          rules tests, ports
          reason "migrating"
        }
        exception vendor {
          images "ghcr.io/vendor/*"
          rules containers, numbers, lists
          reason "vendor images"
        }
        exception ledger {
          workloads Deployment "shop/ledger"
          reason "vendor chart"
        }
      }`);
    agree(set, 500);
  });

  it('on pod-security lines with exceptions by namespace, workload and image', () => {
    const set = irOf(dsl`
      policy pss {
        applies to pods
        enforce pod-security restricted version v1.30
        audit pod-security baseline version latest
        exception vendor {
          images "ghcr.io/vendor/*"
          controls privileged, capabilities, run-as-non-root, apparmor
          reason "vendor agent"
        }
        exception edge {
          namespaces "edge"
          controls host-ports, seccomp, host-namespaces
          reason "edge proxies"
        }
        exception ledger {
          workloads Deployment "shop/ledger"
          reason "vendor chart"
        }
      }`);
    agree(set, 400);
  });
});
