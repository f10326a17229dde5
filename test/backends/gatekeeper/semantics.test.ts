import { describe, expect, it } from 'vitest';
import { dsl } from '../../helpers/dsl.js';
import { compile, deployment, pod, run, violated, type GatekeeperDocs } from './harness.js';

/**
 * The emitted templates, run by the offline Gatekeeper engine, against expectations written by hand from
 * docs/language/semantics.md. Each case names the rule(s) that must report a violation.
 */

function rules(body: string, scope = ''): GatekeeperDocs {
  return compile(`policy p {\n  applies to pods\n${scope}${body}\n}\n`);
}

const c = (fields: Record<string, unknown>) => ({ name: 'app', image: 'registry.example.com/app:1.0', ...fields });

describe('subjects (semantics §1.1)', () => {
  const docs = rules('  rule host-pid {\n    forbid spec.hostPID = true\n  }');

  it('reads a Pod, and the pod template of each controller', () => {
    expect(violated(docs, { object: pod({ hostPID: true, containers: [c({})] }) })).toEqual(['host-pid']);
    expect(violated(docs, { object: deployment({ hostPID: true, containers: [c({})] }) })).toEqual(['host-pid']);
    expect(violated(docs, { object: deployment({ containers: [c({})] }) })).toEqual([]);
    const cron = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly', namespace: 'apps' },
      spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: { hostPID: true, containers: [c({})] } } } } },
    };
    expect(violated(docs, { object: cron })).toEqual(['host-pid']);
  });

  it('matches API versions exactly and ignores other kinds', () => {
    const old = { ...deployment({ hostPID: true, containers: [c({})] }), apiVersion: 'apps/v1beta2' };
    expect(violated(docs, { object: old })).toEqual([]);
    expect(violated(docs, { object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'apps' }, spec: { hostPID: true } } })).toEqual([]);
  });
});

describe('missing values and types (semantics §3)', () => {
  const docs = rules(`
  rule non-root {
    require spec.securityContext.runAsNonRoot = true
  }
  rule service-account {
    require spec.serviceAccountName != "default"
  }
  rule dns {
    require spec.dnsPolicy not in ["None"]
  }
  rule uid {
    require every container has securityContext.runAsUser >= 1000
  }
  rule no-seccomp-field {
    require spec.securityContext.seccompProfile is absent
  }`);

  it('never lets a missing value pass a require', () => {
    expect(violated(docs, { object: pod({ containers: [c({})] }) })).toEqual(['dns', 'non-root', 'service-account', 'uid']);
  });

  it('does not coerce types', () => {
    const p = pod({ securityContext: { runAsNonRoot: 'true' }, serviceAccountName: 'api', dnsPolicy: 'ClusterFirst', containers: [c({ securityContext: { runAsUser: '1000' } })] });
    expect(violated(docs, { object: p })).toEqual(['non-root', 'uid']);
  });

  it('treats null as missing', () => {
    const p = pod({ securityContext: { runAsNonRoot: true, seccompProfile: null }, serviceAccountName: null, dnsPolicy: 'Default', containers: [c({ securityContext: { runAsUser: 1000 } })] });
    expect(violated(docs, { object: p })).toEqual(['service-account']);
  });

  it('passes when every value is present and right', () => {
    const p = pod({ securityContext: { runAsNonRoot: true }, serviceAccountName: 'api', dnsPolicy: 'Default', containers: [c({ securityContext: { runAsUser: 1001 } })] });
    expect(violated(docs, { object: p })).toEqual([]);
    expect(violated(docs, { object: { ...p, spec: { ...(p.spec as object), securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } } } })).toEqual(['no-seccomp-field']);
  });
});

describe('quantities', () => {
  const docs = rules('  rule memory {\n    forbid any container has resources.limits.memory > 512Mi\n  }\n  rule cpu {\n    require every container has resources.limits.cpu <= 500m\n  }');
  const limits = (memory: unknown, cpu: unknown = '250m') => pod({ containers: [c({ resources: { limits: { memory, cpu } } })] });

  it('compares Kubernetes quantities by value', () => {
    expect(violated(docs, { object: limits('1Gi') })).toEqual(['memory']);
    expect(violated(docs, { object: limits('512Mi') })).toEqual([]);
    expect(violated(docs, { object: limits('500M') })).toEqual([]);
    expect(violated(docs, { object: limits('0.6G') })).toEqual(['memory']);
    expect(violated(docs, { object: limits('1e9') })).toEqual(['memory']);
    expect(violated(docs, { object: limits('1E') })).toEqual(['memory']);
    expect(violated(docs, { object: limits(600000000) })).toEqual(['memory']);
    expect(violated(docs, { object: limits('256Mi', '0.5') })).toEqual([]);
    expect(violated(docs, { object: limits('256Mi', 1) })).toEqual(['cpu']);
    expect(violated(docs, { object: limits('256Mi', '600m') })).toEqual(['cpu']);
  });

  it('ignores what Kubernetes would not parse (units.parse would read "1K")', () => {
    expect(violated(docs, { object: limits('1K') })).toEqual([]);
    expect(violated(docs, { object: limits('1 Gi') })).toEqual([]);
    expect(violated(docs, { object: limits('256Mi', '1K') })).toEqual(['cpu']);
    expect(violated(docs, { object: limits('256Mi', true) })).toEqual(['cpu']);
  });
});

describe('emptiness, globs, regexes and lists', () => {
  const docs = rules(`
  rule limits {
    require every container has resources.limits is not empty
  }
  rule registry {
    require every container has image matches "registry.example.com/*"
  }
  rule latest {
    forbid any container has image matches regex ":latest$"
  }
  rule drop-all {
    require every container has securityContext.capabilities.drop contains "ALL"
  }
  rule add-only {
    require every container has securityContext.capabilities.add contains only ["NET_BIND_SERVICE"]
  }`);
  const ok = { resources: { limits: { cpu: '1' } }, securityContext: { capabilities: { drop: ['ALL'] } } };

  it('is empty: missing, "", [] or {}', () => {
    expect(violated(docs, { object: pod({ containers: [c(ok)] }) })).toEqual([]);
    expect(violated(docs, { object: pod({ containers: [c({ ...ok, resources: { limits: {} } })] }) })).toEqual(['limits']);
    expect(violated(docs, { object: pod({ containers: [c({ ...ok, resources: {} })] }) })).toEqual(['limits']);
  });

  it('globs match the whole string; * crosses "/", ":" and "."', () => {
    expect(violated(docs, { object: pod({ containers: [c({ ...ok, image: 'registry.example.com/team/app:1.2.3' })] }) })).toEqual([]);
    expect(violated(docs, { object: pod({ containers: [c({ ...ok, image: 'registry.example.com.evil.io/app' })] }) })).toEqual(['registry']);
    expect(violated(docs, { object: pod({ containers: [c({ ...ok, image: 'evil.io/registry.example.com/app' })] }) })).toEqual(['registry']);
    expect(violated(docs, { object: pod({ containers: [c({ ...ok, image: 42 })] }) })).toEqual(['registry']);
  });

  it('regexes search unanchored', () => {
    expect(violated(docs, { object: pod({ containers: [c({ ...ok, image: 'registry.example.com/app:latest' })] }) })).toEqual(['latest']);
  });

  it('list tests treat a missing list as empty', () => {
    expect(violated(docs, { object: pod({ containers: [c({ ...ok, securityContext: {} })] }) })).toEqual(['drop-all']);
    expect(violated(docs, { object: pod({ containers: [c({ ...ok, securityContext: { capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] } } })] }) })).toEqual(['add-only']);
  });

  it('treats glob metacharacters other than * and ? as literals', () => {
    const brackets = rules('  rule r {\n    require every container has image matches "reg/[a]{b,c}?x"\n  }');
    expect(violated(brackets, { object: pod({ containers: [c({ image: 'reg/[a]{b,c}Zx' })] }) })).toEqual([]);
    expect(violated(brackets, { object: pod({ containers: [c({ image: 'reg/abZx' })] }) })).toEqual(['r']);
  });
});

describe('quantifiers and effective settings', () => {
  const docs = rules(`
  rule non-root {
    require every container has effective runAsNonRoot = true
  }
  rule init-privileged {
    require no init container has securityContext.privileged = true
  }
  rule host-port {
    forbid any container has any port has hostPort > 0
  }`);

  it('reads the container setting, else the pod setting', () => {
    expect(violated(docs, { object: pod({ securityContext: { runAsNonRoot: true }, containers: [c({})] }) })).toEqual([]);
    expect(violated(docs, { object: pod({ securityContext: { runAsNonRoot: true }, containers: [c({ securityContext: { runAsNonRoot: false } })] }) })).toEqual(['non-root']);
    expect(violated(docs, { object: pod({ containers: [c({ securityContext: { runAsNonRoot: true } })], initContainers: [c({ name: 'init' })] }) })).toEqual(['non-root']);
    expect(violated(docs, { object: pod({ securityContext: { runAsNonRoot: true }, containers: [c({ securityContext: { runAsNonRoot: null } })] }) })).toEqual([]);
  });

  it('ranges over the right lists; every and no hold on none', () => {
    expect(violated(docs, { object: pod({ securityContext: { runAsNonRoot: true }, containers: [c({ securityContext: { privileged: true } })] }) })).toEqual([]);
    expect(violated(docs, { object: pod({ securityContext: { runAsNonRoot: true }, containers: [c({})], initContainers: [c({ name: 'i', securityContext: { privileged: true } })] }) })).toEqual(['init-privileged']);
    expect(violated(docs, { object: pod({ securityContext: { runAsNonRoot: true } }) })).toEqual([]);
    expect(violated(docs, { object: pod({ securityContext: { runAsNonRoot: true }, ephemeralContainers: [c({ ports: [{ containerPort: 80, hostPort: 8080 }] })] }) })).toEqual(['host-port']);
  });
});

describe('when, operations and labels', () => {
  it('skips a rule whose when is false', () => {
    const docs = rules('  rule r {\n    when spec.os.name != "windows"\n    require spec.securityContext.runAsNonRoot = true\n  }');
    expect(violated(docs, { object: pod({ os: { name: 'windows' } }) })).toEqual([]);
    expect(violated(docs, { object: pod({ os: { name: 'linux' } }) })).toEqual(['r']);
    expect(violated(docs, { object: pod({}) })).toEqual([]);
  });

  it('checks only the listed operations (CREATE and UPDATE by default)', () => {
    const byDefault = rules('  rule r {\n    forbid spec.hostPID = true\n  }');
    const onCreate = rules('  rule r {\n    forbid spec.hostPID = true\n  }', '  on create\n');
    const p = pod({ hostPID: true });
    expect(violated(byDefault, { object: p, operation: 'UPDATE', oldObject: p })).toEqual(['r']);
    expect(violated(byDefault, { object: p, operation: 'DELETE', oldObject: p })).toEqual([]);
    expect(violated(onCreate, { object: p, operation: 'UPDATE', oldObject: p })).toEqual([]);
    expect(violated(onCreate, { object: p })).toEqual(['r']);
  });

  it("reads the object's own labels, also on UPDATE where the match accepts the old object's", () => {
    const docs = rules('  rule r {\n    forbid spec.hostPID = true\n  }', '  where labels team = "web"\n');
    const labelled = pod({ hostPID: true }, { labels: { team: 'web' } });
    const relabelled = pod({ hostPID: true }, { labels: { team: 'db' } });
    expect(violated(docs, { object: labelled })).toEqual(['r']);
    expect(violated(docs, { object: relabelled })).toEqual([]);
    expect(violated(docs, { object: relabelled, operation: 'UPDATE', oldObject: labelled })).toEqual([]);
    expect(violated(docs, { object: deployment({ hostPID: true }, { labels: { team: 'web' } }) })).toEqual(['r']);
  });

  it('selects namespaces by name and by label, never cluster-scoped objects', () => {
    const docs = compile(dsl`
      policy p {
        applies to "v1" Namespace, ConfigMap
        in namespaces "apps"
        rule r {
          forbid metadata.labels["bad"] exists
        }
      }`);
    const cm = (ns: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: ns, labels: { bad: 'yes' } } });
    expect(violated(docs, { object: cm('apps') })).toEqual(['r']);
    expect(violated(docs, { object: cm('other') })).toEqual([]);
    expect(violated(docs, { object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps', labels: { bad: 'yes' } } } })).toEqual([]);
    const bySelector = rules('  rule r {\n    forbid spec.hostPID = true\n  }', '  where namespace labels env = "prod"\n');
    expect(violated(bySelector, { object: pod({ hostPID: true }), namespaceLabels: { env: 'prod' } })).toEqual(['r']);
    expect(violated(bySelector, { object: pod({ hostPID: true }), namespaceLabels: { env: 'dev' } })).toEqual([]);
  });

  it('does not exclude a Namespace object by its own name', () => {
    const docs = compile(dsl`
      policy p {
        applies to "v1" Namespace
        except namespaces "kube-system"
        rule r {
          require metadata.labels["owner"] exists
        }
      }`);
    expect(docs.constraints[0]!.spec.match.excludedNamespaces).toBeUndefined();
    expect(violated(docs, { object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } } })).toEqual(['r']);
  });
});

describe('exceptions (semantics §1.5)', () => {
  const docs = rules(`
  rule privileged {
    forbid any container has securityContext.privileged = true
  }
  rule host-pid {
    forbid spec.hostPID = true
  }
  exception legacy {
    namespaces "legacy"
    rules host-pid
    reason "migrating"
  }
  exception ledger {
    workloads Deployment "shop/ledger"
    reason "vendor chart"
  }
  exception agent {
    images "ghcr.io/vendor/*"
    rules privileged
    reason "vendor agent"
  }`);
  const bad = (ns: string, name = 'web') => pod({ hostPID: true, containers: [c({ securityContext: { privileged: true } })] }, { namespace: ns, name });

  it('exempts by namespace, for the rules it names', () => {
    expect(violated(docs, { object: bad('legacy') })).toEqual(['privileged']);
    expect(violated(docs, { object: bad('apps') })).toEqual(['host-pid', 'privileged']);
  });

  it('exempts a workload and the pods its controllers create, never a pod by its name (issue 22 item 2)', () => {
    const rs = (name: string, ns = 'shop') => {
      const p = bad(ns, `${name}-q2x7m`) as { metadata: Record<string, unknown> };
      return { ...p, metadata: { ...p.metadata, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name, controller: true }] } };
    };
    const replicasetController = { username: 'system:serviceaccount:kube-system:replicaset-controller' };
    expect(violated(docs, { object: deployment({ hostPID: true }, { name: 'ledger', namespace: 'shop' }) })).toEqual([]);
    expect(violated(docs, { object: rs('ledger-7d9f5c'), userInfo: replicasetController })).toEqual([]);
    expect(violated(docs, { object: rs('ledger-7d9f5c'), userInfo: { username: 'alice' } })).toEqual(['host-pid', 'privileged']);
    expect(violated(docs, { object: rs('ledger-7d9f5c') })).toEqual(['host-pid', 'privileged']);
    expect(violated(docs, { object: rs('ledger-evil-7d9f5c'), userInfo: replicasetController })).toEqual(['host-pid', 'privileged']);
    expect(violated(docs, { object: rs('ledger-7d9f5c', 'apps'), userInfo: replicasetController })).toEqual(['host-pid', 'privileged']);
    expect(violated(docs, { object: bad('shop', 'ledger-7d9f-abcde') })).toEqual(['host-pid', 'privileged']);
    expect(violated(docs, { object: bad('shop', 'ledger') })).toEqual(['host-pid', 'privileged']);
  });

  it('drops containers with exempt images from container quantifiers only', () => {
    const p = pod({ containers: [c({ image: 'ghcr.io/vendor/agent:2', securityContext: { privileged: true } })] });
    expect(violated(docs, { object: p })).toEqual([]);
    const mixed = pod({ containers: [c({ image: 'ghcr.io/vendor/agent:2', securityContext: { privileged: true } }), c({ name: 'app', securityContext: { privileged: true } })] });
    expect(violated(docs, { object: mixed })).toEqual(['privileged']);
  });
});

describe('messages', () => {
  it('name the offending container and value', () => {
    const docs = rules('  rule r {\n    forbid any container has securityContext.privileged = true\n    message "container {name} ({image}) is privileged: 100% root, user {securityContext.runAsUser}"\n  }');
    const p = pod({ containers: [c({ name: 'ok' }), c({ name: 'bad', securityContext: { privileged: true } })] });
    expect(run(docs, { object: p }).get('r')?.messages).toEqual(['container bad (registry.example.com/app:1.0) is privileged: 100% root, user <missing>']);
  });

  it('default to naming the rule, under the constraint of its mode', () => {
    const docs = rules('  rule r {\n    forbid spec.hostPID = true\n  }');
    expect(run(docs, { object: pod({ hostPID: true }) }).get('r')).toEqual({ violated: true, messages: ['rule r forbids spec.hostPID = true'], actions: ['deny'] });
  });
});

describe('pod-security (semantics §4)', () => {
  const docs = compile(dsl`
    policy pss {
      applies to pods
      enforce pod-security restricted version v1.30
      exception vendor {
        images "ghcr.io/vendor/*"
        controls privileged, run-as-non-root
        reason "vendor agent"
      }
      exception edge {
        namespaces "edge"
        controls host-namespaces
        reason "edge proxies"
      }
    }`);
  const restricted = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
  const good = (image = 'registry.example.com/app:1', sc: Record<string, unknown> = restricted) => ({ name: 'app', image, securityContext: sc });

  it('allows a restricted pod and controller, and names the failed checks', () => {
    expect(violated(docs, { object: pod({ containers: [good()] }) })).toEqual([]);
    expect(violated(docs, { object: deployment({ containers: [good()] }) })).toEqual([]);
    const outcome = run(docs, { object: deployment({ hostNetwork: true, containers: [good(undefined, { ...restricted, privileged: true })] }) }).get('pod-security-enforce');
    expect(outcome?.messages).toEqual(['violates PodSecurity restricted:v1.30: hostNamespaces, privileged']);
  });

  it('exempts controls for the pod, or only for the containers whose image matches', () => {
    expect(violated(docs, { object: pod({ hostNetwork: true, containers: [good()] }, { namespace: 'edge' }) })).toEqual([]);
    expect(violated(docs, { object: pod({ hostNetwork: true, containers: [good()] }, { namespace: 'apps' }) })).toEqual(['pod-security-enforce']);
    const vendor = good('ghcr.io/vendor/agent:2', { ...restricted, privileged: true, runAsNonRoot: false });
    expect(violated(docs, { object: pod({ containers: [good(), vendor] }) })).toEqual([]);
    expect(violated(docs, { object: pod({ containers: [{ ...vendor, image: 'registry.example.com/agent:2' }] }) })).toEqual(['pod-security-enforce']);
  });
});
