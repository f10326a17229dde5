import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { compileTo, frontEnd } from '../../compile.js';
import { hasErrors } from '../../diagnostics/index.js';
import type { EmittedFile } from '../../backends/backend.js';
import { UsageError } from '../args.js';
import { expandPolicyPaths, policyFiles, readPolicyFile, rootOption, writeOutputFiles } from '../io.js';
import { exitCodeFor, printDiagnostics, type Io } from '../output.js';
import { todayOption } from './shared.js';

const tools = ['gator', 'kyverno', 'opa'] as const;

/** An executable file at `path`, or the first `name` on PATH. */
function findTool(name: string, given: unknown): string | undefined {
  const executable = (p: string) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (typeof given === 'string') {
    if (!executable(given)) throw new UsageError(`--${name} ${given}: not an executable file`);
    return resolve(given);
  }
  for (const dir of (process.env['PATH'] ?? '').split(delimiter).filter(Boolean)) {
    const p = join(dir, name);
    if (executable(p)) return p;
  }
  return undefined;
}

/**
 * `secpol verify --real`: compiles each policy to Kyverno, Gatekeeper, VAP and Kyverno ValidatingPolicy with its native suites, writes them
 * (to --keep DIR or a temporary folder) and lets the real engines judge them. Never a silent pass: no real engine
 * found is exit 2, and a check that ran nothing is said.
 */
export async function realEngines(io: Io, positionals: readonly string[], values: Record<string, unknown>): Promise<number> {
  const { runRealEngines, regoFilesForOpa } = await import('../../real/index.js');
  const { withNativeTests } = await import('../../native-tests/index.js');
  const found = Object.fromEntries(tools.flatMap((t) => {
    const p = findTool(t, values[t]);
    return p ? [[t, p]] : [];
  }));
  if (Object.keys(found).length === 0) {
    io.stderr('secpol verify --real: no real engine found: none of gator, kyverno, opa is on PATH or given with --gator, --kyverno, --opa\n');
    return 2;
  }
  const paths = expandPolicyPaths(positionals, rootOption(values['root']));
  const front = frontEnd(paths, readPolicyFile, { today: todayOption(values['today']) });
  if (!front.value || hasErrors(front.diagnostics)) {
    printDiagnostics(io, front.diagnostics, 'text');
    return exitCodeFor(front.diagnostics);
  }
  const set = front.value.set;
  const emitted: EmittedFile[] = [];
  for (const target of ['kyverno', 'gatekeeper', 'vap', 'kyverno-cel'] as const) {
    for (const policy of set.policies) {
      const out = await compileTo({ policies: [policy], networks: [] }, [target]);
      if (out.value && !hasErrors(out.diagnostics)) emitted.push(...out.value);
      else io.stdout(`     ${policy.name}: not compiled to ${target} (${out.diagnostics.find((d) => d.severity === 'error')?.message ?? 'no output'})\n`);
    }
  }
  const suites = withNativeTests(policyFiles(paths), set, emitted, readPolicyFile);
  if (!suites.value || hasErrors(suites.diagnostics)) {
    printDiagnostics(io, suites.diagnostics, 'text');
    return exitCodeFor(suites.diagnostics);
  }
  const files = [...suites.value, ...regoFilesForOpa(suites.value)];
  const keep = typeof values['keep'] === 'string' ? values['keep'] : undefined;
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'secpol-real-'));
  try {
    const unwritable = writeOutputFiles(dir, files);
    if (unwritable.length) {
      printDiagnostics(io, unwritable, 'text');
      return exitCodeFor(unwritable);
    }
    const report = runRealEngines(files, found, {
      dir,
      run(tool, args, cwd, input) {
        const r = spawnSync(tool, [...args], { cwd, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
        return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ...(r.error ? { error: r.error.message } : {}) };
      },
    });
    for (const n of report.notes) io.stdout(`     ${n}\n`);
    for (const c of report.checks) {
      io.stdout(`${c.ok ? 'ok  ' : 'FAIL'} ${c.tool} ${c.subject}\n`);
      if (c.detail) io.stdout(`${c.detail.replace(/^/gm, '       ')}\n`);
    }
    const failed = report.checks.filter((c) => !c.ok).length;
    if (report.checks.length === 0) {
      io.stdout('the real engines found had nothing to run: no policy with a suite.yaml compiles to their backend\n');
      return 2;
    }
    io.stdout(failed ? `${failed} of ${report.checks.length} real-engine checks disagree with the offline engines\n` : `${report.checks.length} real-engine checks agree with the offline engines\n`);
    if (keep) io.stderr(`kept the suites in ${keep}\n`);
    return failed ? 1 : 0;
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}
