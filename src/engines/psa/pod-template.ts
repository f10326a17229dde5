import { asList, asObject, asText, dig, type JsonObject } from './pod-view.js';

/**
 * Which objects PSA reads and where their pod lives, after upstream's DefaultPodSpecExtractor
 * (admission/admission.go). Kinds are matched by `kind` alone, whatever the apiVersion.
 */

export type PodBearer =
  | { readonly kind: 'pod'; readonly metadata: unknown; readonly spec: unknown }
  | { readonly kind: 'controller'; readonly template?: { readonly metadata: unknown; readonly spec: unknown } }
  | { readonly kind: 'namespace' }
  | { readonly kind: 'other' };

/** Where each pod controller keeps its pod template. */
const templatePaths: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  ReplicationController: ['spec', 'template'],
  PodTemplate: ['template'],
};

export function classify(object: unknown): PodBearer {
  const kind = dig(object, 'kind');
  if (kind === 'Pod') return { kind: 'pod', metadata: dig(object, 'metadata'), spec: dig(object, 'spec') };
  if (kind === 'Namespace') return { kind: 'namespace' };
  if (typeof kind !== 'string' || !Object.hasOwn(templatePaths, kind)) return { kind: 'other' };
  const template = asObject(dig(object, ...(templatePaths[kind] ?? [])));
  // Only a ReplicationController's template is optional; elsewhere an absent template is an empty one.
  if (template === undefined && kind === 'ReplicationController') return { kind: 'controller' };
  return { kind: 'controller', template: { metadata: template?.['metadata'], spec: template?.['spec'] } };
}

function containerList(spec: unknown, key: string): readonly JsonObject[] {
  return asList(dig(spec, key)).map((entry) => asObject(entry) ?? {});
}

function annotation(pod: unknown, key: string): string {
  return asText(dig(pod, 'metadata', 'annotations', key));
}

const seccompContainerPrefix = 'container.seccomp.security.alpha.kubernetes.io/';
const seccompPodAnnotation = 'seccomp.security.alpha.kubernetes.io/pod';

function significantContainerChange(pod: unknown, oldPod: unknown, container: JsonObject, old: JsonObject): boolean {
  if (asText(container['image']) !== asText(old['image'])) return true;
  const key = seccompContainerPrefix + asText(container['name']);
  return annotation(pod, key) !== annotation(oldPod, key);
}

/**
 * Whether a pod UPDATE can change its verdict, after upstream's isSignificantPodUpdate (admission/admission.go):
 * only container images, the legacy seccomp annotations (the pod's and each container's) and added containers
 * count, so any other update (labels, other annotations, status) is admitted without evaluation.
 */
export function isSignificantPodUpdate(pod: unknown, oldPod: unknown): boolean {
  if (annotation(pod, seccompPodAnnotation) !== annotation(oldPod, seccompPodAnnotation)) return true;
  for (const key of ['containers', 'initContainers']) {
    const now = containerList(dig(pod, 'spec'), key);
    const before = containerList(dig(oldPod, 'spec'), key);
    if (now.length !== before.length) return true;
    if (now.some((container, i) => significantContainerChange(pod, oldPod, container, before[i] ?? {}))) return true;
  }
  const oldEphemeral = containerList(dig(oldPod, 'spec'), 'ephemeralContainers');
  return containerList(dig(pod, 'spec'), 'ephemeralContainers').some((container) => {
    const old = oldEphemeral.find((candidate) => asText(candidate['name']) === asText(container['name']));
    return old === undefined || significantContainerChange(pod, oldPod, container, old);
  });
}
