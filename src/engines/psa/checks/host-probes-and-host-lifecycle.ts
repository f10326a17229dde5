import { joinQuote, pluralize, sortedSet } from '../format.js';
import { asText, objectAt, type JsonObject, type PodView } from '../pod-view.js';
import { allowed, forbidden, type CheckDefinition, type CheckOutcome } from './check.js';

/**
 * Baseline "Probes / Lifecycle Hooks" (v1.34+): probes and lifecycle handlers may not target
 * another host through `httpGet.host` or `tcpSocket.host`.
 * PSS: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
function handlerHosts(handler: JsonObject | undefined): string[] {
  return (['httpGet', 'tcpSocket'] as const)
    .map((kind) => asText(objectAt(handler, kind)?.['host']))
    .filter((host) => host !== '');
}

function hostProbesAndHostLifecycle(pod: PodView): CheckOutcome {
  const badContainers: string[] = [];
  const hosts: string[] = [];
  for (const c of pod.containers) {
    const handlers = [
      objectAt(c.container, 'livenessProbe'),
      objectAt(c.container, 'readinessProbe'),
      objectAt(c.container, 'startupProbe'),
      objectAt(c.container, 'lifecycle', 'postStart'),
      objectAt(c.container, 'lifecycle', 'preStop'),
    ];
    const found = handlers.flatMap(handlerHosts);
    if (found.length === 0) continue;
    badContainers.push(c.name);
    hosts.push(...found);
  }
  if (badContainers.length === 0) return allowed;
  const containers = sortedSet(badContainers);
  const listed = sortedSet(hosts);
  return forbidden(
    'probe or lifecycle host',
    `${pluralize('container', 'containers', containers.length)} ${joinQuote(containers)} ${pluralize('uses', 'use', containers.length)} ` +
      `${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', listed.length)} ${joinQuote(listed)}`,
  );
}

export const hostProbesAndHostLifecycleCheck: CheckDefinition = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  revisions: [{ minMinor: 34, run: hostProbesAndHostLifecycle }],
};
