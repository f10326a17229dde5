import { joinQuote, pluralize, sortedSet } from '../format.js';
import { asList, asObject, asText, type PodView } from '../pod-view.js';
import { allowed, forbidden, type CheckDefinition, type CheckOutcome } from './check.js';

/**
 * Restricted "Volume Types": only configMap, csi, downwardAPI, emptyDir, ephemeral, image,
 * persistentVolumeClaim, projected and secret volumes; every other inline source (hostPath included,
 * which is why this check replaces baseline's hostPathVolumes) is forbidden. A volume that names no
 * known source is read as emptyDir, as the API server defaults it before admission (SetDefaults_Volume).
 * PSS: https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
const allowedSources = [
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret',
];

/** The restricted in-tree sources, in the order upstream names the first one a volume sets. */
const restrictedSources = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd',
  'flexVolume', 'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk',
  'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos',
];

function restrictedVolumes(pod: PodView): CheckOutcome {
  const badNames: string[] = [];
  const badTypes: string[] = [];
  for (const entry of asList(pod.spec['volumes'])) {
    const volume = asObject(entry) ?? {};
    const sets = (source: string): boolean => asObject(volume[source]) !== undefined;
    if (allowedSources.some(sets)) continue;
    const restricted = restrictedSources.find(sets);
    if (restricted === undefined) continue;
    badNames.push(asText(volume['name']));
    badTypes.push(restricted);
  }
  if (badNames.length === 0) return allowed;
  const types = sortedSet(badTypes);
  return forbidden(
    'restricted volume types',
    `${pluralize('volume', 'volumes', badNames.length)} ${joinQuote(badNames)} ${pluralize('uses', 'use', badNames.length)} ` +
      `${pluralize('restricted volume type', 'restricted volume types', types.length)} ${joinQuote(types)}`,
  );
}

export const restrictedVolumesCheck: CheckDefinition = {
  id: 'restrictedVolumes',
  level: 'restricted',
  revisions: [{ minMinor: 0, run: restrictedVolumes, overrides: ['hostPathVolumes'] }],
};
