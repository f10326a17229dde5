import { evaluatePod, parsePsaVersion, type PsaLevel, type PsaPodVerdict } from '../../../src/engines/psa/index.js';

/**
 * A pod that satisfies restricted at every version: the shape the Pod Security Standards page
 * describes (non-root, no privilege escalation, drop ALL, RuntimeDefault seccomp).
 */
export function restrictedPod(): { apiVersion: string; kind: string; metadata: Record<string, any>; spec: Record<string, any> } {
  const container = (name: string) => ({
    name,
    image: 'registry.k8s.io/pause',
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
  });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      initContainers: [container('init')],
      containers: [container('app')],
    },
  };
}

/** The restricted pod after a tweak. */
export function podWith(tweak: (pod: ReturnType<typeof restrictedPod>) => void): ReturnType<typeof restrictedPod> {
  const pod = restrictedPod();
  tweak(pod);
  return pod;
}

/** `level@v1.N` (or `level@latest`) -> the verdict. */
export function verdict(pod: { metadata?: unknown; spec?: unknown }, at: `${PsaLevel}@${string}`): PsaPodVerdict {
  const [level, versionText] = at.split('@') as [PsaLevel, string];
  const version = parsePsaVersion(versionText);
  if (version === undefined) throw new Error(`bad version in test: ${versionText}`);
  return evaluatePod(pod, level, version);
}

/** The failing check ids. */
export function failing(pod: { metadata?: unknown; spec?: unknown }, at: `${PsaLevel}@${string}`): string[] {
  return verdict(pod, at).failures.map((failure) => failure.check);
}
