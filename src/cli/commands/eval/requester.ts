/**
 * Who sends the request: `--user NAME --group G… --roles R… --cluster-roles R…`.
 *
 * Default: an anonymous request with no groups, which is what the offline tools send. `gator test` reviews objects as
 * Gatekeeper's audit does, with an empty `userInfo`; `kyverno apply`/`kyverno test` without a user-info file (a
 * `RequestInfo`: userInfo, roles, clusterRoles; cmd/cli/kubectl-kyverno/userinfo) give the policy context none.
 * Roles and cluster roles are Kyverno's alone: Kyverno resolves them from RBAC for `request.roles`,
 * `request.clusterRoles` and `match.roles`/`clusterRoles`; an admission request (Gatekeeper's `input.review`, a
 * ValidatingAdmissionPolicy's `request`) carries only the user name and groups.
 */
import { UsageError } from '../../args.js';

export interface Requester {
  readonly username: string;
  readonly groups: readonly string[];
  readonly roles: readonly string[];
  readonly clusterRoles: readonly string[];
}

/**
 * The values of a flag that may be repeated or followed by several positionals (`--group a b`); names (not file
 * paths, `files: true`) are split at commas too (`--group a,b`).
 */
export function listFlag(values: Record<string, unknown>, after: Readonly<Record<string, readonly string[]>>, name: string, files = false): string[] {
  const v = values[name];
  const given = Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
  const all = [...given, ...(files ? (after[name] ?? []) : namesAfter(after, name))];
  return files ? all : all.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * The positionals after a flag of names that are names: a YAML or JSON file name after `--group dev` is a resource
 * (`--group dev pods.yaml`), never a group.
 */
export function namesAfter(after: Readonly<Record<string, readonly string[]>>, name: string): string[] {
  return (after[name] ?? []).filter((s) => !/\.(?:ya?ml|json)$/i.test(s));
}

/** The requester the flags describe, or undefined when none of them is given (the anonymous default). */
export function requesterFrom(values: Record<string, unknown>, after: Readonly<Record<string, readonly string[]>>, engine: string): Requester | undefined {
  const user = values['user'];
  const groups = listFlag(values, after, 'group');
  const roles = listFlag(values, after, 'roles');
  const clusterRoles = listFlag(values, after, 'cluster-roles');
  if ((roles.length || clusterRoles.length) && engine !== 'kyverno') {
    throw new UsageError(`--roles and --cluster-roles are Kyverno's (it resolves them from RBAC); a ${engine} admission request carries only --user and --group`);
  }
  if ((user !== undefined || groups.length) && (engine === 'psa' || engine === 'netpol')) {
    throw new UsageError(`--user and --group are not read by the ${engine} engine (${engine === 'psa' ? 'Pod Security admission does not look at the requester' : 'connectivity does not depend on who asks'})`);
  }
  if (user === undefined && !groups.length && !roles.length && !clusterRoles.length) return undefined;
  return { username: typeof user === 'string' ? user : '', groups, roles, clusterRoles };
}
