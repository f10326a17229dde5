import { capabilityTable, constructs, isNetworkConstruct, type ConstructId, type Support } from '../capabilities.js';

const onlyPodSecurity: Partial<Record<ConstructId, Support>> = {};
for (const id of Object.keys(constructs) as ConstructId[]) {
  if (!isNetworkConstruct(id)) onlyPodSecurity[id] = { level: 'unsupported', note: 'PSA applies only the Pod Security Standards, by namespace labels' };
}

/** What Pod Security Admission labels express (checked by test/backends/capabilities.test.ts). */
export const psaCapabilities = capabilityTable('admission', {
  ...onlyPodSecurity,
  'defaults: network policies per namespace': { level: 'not-applicable' },
  'defaults: pod-security labels per namespace': { level: 'exact' },
  'pod-security': { level: 'approximate', note: 'PSA enforces on Pods only; pod controllers get warnings and audit annotations, and their pods are denied when created' },
  'exception: pod-security controls': { level: 'unsupported', note: 'PSA exempts whole namespaces, usernames and runtime classes only' },
});
