/**
 * The capability matrix (issue 3): every IR construct, with a minimal policy that uses it. Each backend
 * declares its support; test/backends/capabilities.test.ts compiles every example with every backend and
 * checks the declaration (unsupported = SP2001, otherwise clean output), and docs/capabilities.md is
 * generated from these tables, so the matrix cannot drift from the code.
 */
export type Support =
  | { readonly level: 'exact' | 'not-applicable' }
  | { readonly level: 'approximate' | 'unsupported'; readonly note: string };

const pod = (body: string, scope = '') => `policy p {\n  applies to pods\n${scope}  rule r {\n    ${body}\n  }\n}\n`;

export const constructs = {
  'scope: pods and pod controllers': pod('forbid spec.hostPID = true'),
  'scope: other kinds': 'policy p {\n  applies to "rbac.authorization.k8s.io/v1" Role, ClusterRole\n  rule r {\n    forbid any rbac rule has verbs contains "*"\n  }\n}\n',
  'scope: namespaces': pod('forbid spec.hostPID = true', '  in namespaces "apps"\n'),
  'scope: excluded namespaces': pod('forbid spec.hostPID = true', '  except namespaces "kube-system"\n'),
  'scope: object labels': pod('forbid spec.hostPID = true', '  where labels team exists\n'),
  'scope: namespace labels': pod('forbid spec.hostPID = true', '  where namespace labels env = "prod"\n'),
  'scope: operations': pod('forbid spec.hostPID = true', '  on create\n'),
  'test: = and !=': pod('require spec.serviceAccountName != "default"'),
  'test: in / not in': pod('require spec.dnsPolicy in ["ClusterFirst", "Default"]'),
  'test: numeric comparison': pod('require every container has securityContext.runAsUser >= 1000'),
  'test: quantity comparison': pod('require every container has resources.limits.memory <= 512Mi'),
  'test: field compared with another field': pod('require every container has resources.limits.cpu <= 2 * resources.requests.cpu'),
  'test: exists / is absent': pod('require spec.securityContext.seccompProfile exists'),
  'test: is empty / is not empty': pod('require every container has resources.limits is not empty'),
  'test: glob match': pod('require every container has image matches "registry.example.com/*"'),
  'test: regex match': pod('require every container has image matches regex "@sha256:[a-f0-9]{64}$"'),
  'test: matches on a quantity (its serialised form)': pod('require every container has resources.limits.cpu matches regex "^[0-9]+m?$"'),
  'test: list contains': pod('require every container has securityContext.capabilities.drop contains "ALL"'),
  'test: contains only / none of / any of': pod('require every container has securityContext.capabilities.add contains only ["NET_BIND_SERVICE"]'),
  'logic: and, or, not': pod('forbid spec.hostNetwork = true or (spec.hostPID = true and not spec.hostIPC exists)'),
  'quantifier: containers (all three lists)': pod('forbid any container has securityContext.privileged = true'),
  'quantifier: nested (ports of containers)': pod('forbid any container has any port has hostPort > 0'),
  'quantifier: volumes': pod('forbid any volume has hostPath exists'),
  'quantifier: every / no': pod('require no init container has securityContext.privileged = true'),
  'effective security settings': pod('require every container has effective runAsNonRoot = true'),
  'rule: when': 'policy p {\n  applies to pods\n  rule r {\n    when spec.os.name != "windows"\n    forbid spec.hostPID = true\n  }\n}\n',
  'rule: message placeholders': 'policy p {\n  applies to pods\n  rule r {\n    forbid any container has securityContext.privileged = true\n    message "container {name} runs {image} privileged"\n  }\n}\n',
  'pod-security': 'policy p {\n  in namespaces "apps"\n  enforce pod-security restricted version v1.30\n}\n',
  'exception: namespaces': `${pod('forbid spec.hostPID = true').slice(0, -2)}\n  exception e {\n    namespaces "legacy"\n    reason "r"\n  }\n}\n`,
  'exception: workloads': `${pod('forbid spec.hostPID = true').slice(0, -2)}\n  exception e {\n    workloads Deployment "shop/ledger"\n    reason "r"\n  }\n}\n`,
  'exception: images': `${pod('forbid any container has securityContext.privileged = true').slice(0, -2)}\n  exception e {\n    images "ghcr.io/vendor/*"\n    reason "r"\n  }\n}\n`,
  'exception: expiry': `${pod('forbid spec.hostPID = true').slice(0, -2)}\n  exception e {\n    namespaces "legacy"\n    reason "r"\n    expires 2099-12-31\n  }\n}\n`,
  'exception: pod-security controls': 'policy p {\n  in namespaces "apps"\n  enforce pod-security baseline\n  exception e {\n    namespaces "apps"\n    controls host-ports\n    reason "r"\n  }\n}\n',
  'image verification: signatures and attestations': 'policy p {\n  verify images signed matching "ghcr.io/acme/*" {\n    key "-----BEGIN PUBLIC KEY-----\\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEkESB5gB/aiDC+1Cg4+REaY7Zcxom\\nfHW7W1ZSlXMvPA7tT/kGngAKY9bLp6Axvu2Q5hRaPt12+XQc/5S/fOKVHw==\\n-----END PUBLIC KEY-----\\n"\n    keyless issuer "https://token.actions.githubusercontent.com" subject "https://github.com/acme/*"\n    attestation "https://cosign.sigstore.dev/attestation/vuln/v1" where critical = 0\n    mutate digest\n  }\n}\n',
  'defaults: network policies per namespace': 'defaults d {\n  in namespaces "shop"\n  default deny ingress and egress\n  allow dns\n}\n',
  'defaults: pod-security labels per namespace': 'defaults d {\n  in namespaces "shop"\n  enforce pod-security restricted version v1.30\n}\n',
  'test: is unchanged (old object on UPDATE)': 'policy p {\n  applies to "apps/v1" Deployment\n  on update\n  rule r {\n    require spec.template.spec.serviceAccountName is unchanged\n  }\n}\n',
  'reference: role referenced by roleRef': 'policy p {\n  applies to "rbac.authorization.k8s.io/v1" RoleBinding, ClusterRoleBinding\n  rule r {\n    forbid any role referenced by roleRef has any rbac rule has resources contains "secrets"\n  }\n}\n',
  'reference: scale target referenced by spec.scaleTargetRef': 'policy p {\n  applies to "autoscaling/v2" HorizontalPodAutoscaler\n  rule r {\n    require any scale target referenced by spec.scaleTargetRef has metadata.labels.autoscaled = "yes"\n  }\n}\n',
  'network: default deny and DNS': 'network n {\n  default deny ingress and egress in namespaces "shop"\n  allow dns in namespaces "shop"\n}\n',
  'network: pod and namespace peers, ports': 'network n {\n  namespace "shop"\n  default deny ingress and egress in namespaces "shop"\n  allow dns in namespaces "shop"\n  allow from pods where app = "web" to pods where app = "api" on tcp 8080, tcp 9000-9100\n  allow from namespaces where team = "ops" to pods where app = "api" on tcp "metrics"\n}\n',
  'network: CIDR with except': 'network n {\n  namespace "shop"\n  default deny egress in namespaces "shop"\n  allow dns in namespaces "shop"\n  allow from pods where app = "api" to cidr "0.0.0.0/0" except "10.0.0.0/8" on tcp 443\n}\n',
} as const satisfies Record<string, string>;

export type ConstructId = keyof typeof constructs;
export type CapabilityTable = Readonly<Record<ConstructId, Support>>;

/** Network constructs are the NetworkPolicy backend's only concern; admission backends ignore network blocks. */
export function isNetworkConstruct(id: ConstructId): boolean {
  return id.startsWith('network:');
}

/** Builds a table: every admission construct `exact` unless listed, network constructs not applicable (or the reverse). */
export function capabilityTable(kind: 'admission' | 'network', overrides: Partial<Record<ConstructId, Support>>): CapabilityTable {
  const table = {} as Record<ConstructId, Support>;
  for (const id of Object.keys(constructs) as ConstructId[]) {
    const applies = (kind === 'network') === isNetworkConstruct(id);
    table[id] = overrides[id] ?? { level: applies ? 'exact' : 'not-applicable' };
  }
  return table;
}
