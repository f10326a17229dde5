import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { auditCommand, type AuditCommandOptions } from '../../src/cli/commands/audit.js';

export const today = '2026-11-23';
export const privileged = 'policies/workload/privileged/policy.secpol';

export interface AuditRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `secpol audit` through its command object with captured streams (progress off unless asked). */
export async function audit(values: Record<string, string | boolean | string[] | undefined>, positionals: string[], options: AuditCommandOptions = {}): Promise<AuditRun> {
  let stdout = '';
  let stderr = '';
  const code = await auditCommand({ stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, { progress: false, ...options }).run({ today, ...values }, positionals);
  return { code, stdout, stderr };
}

/** A fresh temporary directory with the given files (paths relative to it). */
export function tmpTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'secpol-audit-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

export function pod(name: string, opts: { namespace?: string; privileged?: boolean; containerName?: string; image?: string } = {}): string {
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    `  name: ${name}`,
    ...(opts.namespace ? [`  namespace: ${opts.namespace}`] : []),
    'spec:',
    '  containers:',
    `    - name: ${opts.containerName ?? 'app'}`,
    `      image: ${opts.image ?? 'registry.example.com/app:1.0'}`,
    ...(opts.privileged ? ['      securityContext:', '        privileged: true'] : []),
    '',
  ].join('\n');
}

/** The privileged policy in audit mode (no such policy ships in policies/). */
export const auditModePolicy = `policy privileged-audit {
  severity medium
  mode audit
  applies to pods

  rule no-privileged {
    forbid any container has securityContext.privileged = true
    message "container {name} must not be privileged"
  }
}
`;
