import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { auditFormats, auditTargets, formatGithub, formatJson, formatJunit, formatMarkdown, formatSarif, formatText, isBlocking, loadManifests, runAudit, type AuditReport, type ManifestInput } from '../../audit/index.js';
import { frontEnd } from '../../compile.js';
import { assertNever } from '../../ir/index.js';
import { hasErrors, pathDiagnostic, type Diagnostic } from '../../diagnostics/index.js';
import { oneOf, UsageError, type Command } from '../args.js';
import { describeFsError, expandPolicyPaths, readPolicyFile, rootOption } from '../io.js';
import { exitCodeFor, printDiagnostics, type Io } from '../output.js';
import { nowOption, rootHelp, todayOption } from './shared.js';

/** A rendered manifest stream larger than this is refused (SP0007) rather than parsed. */
const maxManifestBytes = 64 * 1024 * 1024;
const manifestExtensions = ['.yaml', '.yml', '.json'];
const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface AuditCommandOptions {
  /** Whether to print progress on stderr; default: stderr is a terminal. */
  readonly progress?: boolean;
  /** Reads `--manifests -`; default: standard input. */
  readonly readStdin?: () => Uint8Array;
}

function isManifestFile(name: string): boolean {
  return manifestExtensions.some((e) => name.endsWith(e));
}

/** Files and directories (recursively, `*.yaml|*.yml|*.json`, sorted) into manifest texts; unreadable ones become SP0004/SP0005/SP0007. */
function readManifests(paths: readonly string[], readStdin: () => Uint8Array, diagnostics: Diagnostic[]): ManifestInput[] {
  const out: ManifestInput[] = [];
  const decode = (path: string, bytes: Uint8Array) => {
    if (bytes.byteLength > maxManifestBytes) return diagnostics.push(pathDiagnostic('SP0007', path, { what: path, limit: '64 MiB' }));
    try {
      return out.push({ path, text: utf8.decode(bytes) });
    } catch {
      return diagnostics.push(pathDiagnostic('SP0005', path));
    }
  };
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (isManifestFile(e.name)) file(p);
    }
  };
  const file = (p: string) => {
    try {
      decode(p, readFileSync(p));
    } catch (e) {
      diagnostics.push(pathDiagnostic('SP0004', p, { path: p, reason: describeFsError(e) }));
    }
  };
  for (const p of paths) {
    if (p === '-') {
      decode('<stdin>', readStdin());
      continue;
    }
    try {
      if (statSync(p).isDirectory()) walk(p);
      else file(p);
    } catch (e) {
      diagnostics.push(pathDiagnostic('SP0004', p, { path: p, reason: describeFsError(e) }));
    }
  }
  return out;
}

function many(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
}

/** Audits rendered manifests against policies and reports the violations for people, CI systems and code scanning. */
export function auditCommand(io: Io, options: AuditCommandOptions = {}): Command {
  return {
    name: 'audit',
    summary: 'Audit Kubernetes manifests (files, directories, Helm or kustomize output) against policies and report every violation.',
    usage: 'secpol audit FILE|DIR... --manifests PATH... [--target ir|kyverno|gatekeeper|psa|kyverno-cel] [--format text|json|sarif|junit|markdown|github] [--strict] [--today YYYY-MM-DD] [--now TIME] [--root DIR]',
    options: { manifests: { type: 'string', multiple: true }, target: { type: 'string' }, format: { type: 'string' }, strict: { type: 'boolean' }, today: { type: 'string' }, now: { type: 'string' }, root: { type: 'string' } },
    help: [
      '--manifests PATH    manifest file, directory (recursively *.yaml, *.yml, *.json) or - for stdin (repeatable; extra .yaml/.yml/.json arguments count too)',
      '--target T          who judges: ir (the reference semantics, default), kyverno, gatekeeper, psa or kyverno-cel (that engine on the compiled artifacts)',
      '--format F          text (default), json, sarif, junit, markdown or github (workflow annotations)',
      '--strict            exit 1 on any finding, not only on findings of enforce-mode rules',
      '--today DATE        the date exceptions expire against',
      '--now TIME          judge the objects at this instant (YYYY-MM-DD or RFC 3339; default: --today, else now)',
      rootHelp,
    ],
    async run(values, positionals) {
      const target = oneOf(values['target'], auditTargets, '--target', 'ir');
      const format = oneOf(values['format'], auditFormats, '--format', 'text');
      const today = todayOption(values['today']);
      const now = nowOption(values['now'], values['today']);
      const strict = values['strict'] === true;
      const manifestPaths = [...many(values['manifests']), ...positionals.filter(isManifestFile)];
      const policyPaths = positionals.filter((p) => !isManifestFile(p));
      if (policyPaths.length === 0) throw new UsageError('give at least one policy file or directory');
      if (manifestPaths.length === 0) throw new UsageError('--manifests is required (a file, a directory, or - for stdin)');

      const front = frontEnd(expandPolicyPaths(policyPaths, rootOption(values['root'])), readPolicyFile, { today });
      const diagnostics: Diagnostic[] = [...front.diagnostics];
      const inputs = readManifests(manifestPaths, options.readStdin ?? (() => readFileSync(0)), diagnostics);
      if (diagnostics.length) printDiagnostics(io, diagnostics, 'text');
      if (!front.value || hasErrors(diagnostics)) return exitCodeFor(diagnostics) || 1;

      const progress = options.progress ?? process.stderr.isTTY === true;
      const loaded = loadManifests(inputs);
      const report: AuditReport = await runAudit(front.value.set, loaded, {
        target,
        now,
        ...(progress ? { onProgress: (done: number, total: number) => io.stderr(`secpol audit: ${done}/${total} objects\n`) } : {}),
      });
      for (const e of report.excluded) io.stderr(`note: ${e.policy} is not audited by ${target}: ${e.reason}\n`);
      const blocking = isBlocking(report.findings, strict);
      switch (format) {
        case 'text':
          io.stdout(formatText(report));
          break;
        case 'json':
          io.stdout(formatJson(report, blocking));
          break;
        case 'sarif':
          io.stdout(formatSarif(report, process.cwd()));
          break;
        case 'junit':
          io.stdout(formatJunit(report));
          break;
        case 'markdown':
          io.stdout(formatMarkdown(report));
          break;
        case 'github':
          io.stdout(formatGithub(report));
          break;
        default:
          assertNever(format, 'audit format');
      }
      return blocking ? 1 : 0;
    },
  };
}
