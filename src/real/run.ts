/**
 * The real engines as judges: `secpol verify --real` runs the native suites that `compile --with-tests` writes
 * (their expectations are the offline engines' verdicts) through the real `gator` and `kyverno` CLIs, and
 * the emitted Gatekeeper Rego through the real `opa` on every sample, and reports each disagreement.
 *
 * This stage never touches the file system or processes itself: the CLI hands it a `Runner` that writes the
 * files and runs the tools, so the orchestration is testable with fake tools.
 */
import { posix } from 'node:path';
import YAML from 'yaml';
import type { EmittedFile } from '../backends/backend.js';
import { buildReview, evaluateConstraint, isGatekeeperError, loadTemplate, parseConstraint } from '../engines/gatekeeper/index.js';

export type RealTool = 'gator' | 'kyverno' | 'opa';

/** Where each real tool is (absent: not found). */
export type RealTools = Partial<Record<RealTool, string>>;

export interface ToolRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when the tool could not be started. */
  readonly error?: string;
}

export interface Runner {
  /** Runs `tool args…` in `cwd` (the folder the files were written to), with `input` on stdin. */
  run(tool: string, args: readonly string[], cwd: string, input?: string): ToolRun;
  /** The folder holding the written files. */
  readonly dir: string;
}

export interface RealCheck {
  readonly tool: RealTool;
  /** What was checked: a suite folder, or `<template> on <sample>`. */
  readonly subject: string;
  readonly ok: boolean;
  /** For a disagreement or a tool failure: what the tool said, and what the offline engine said. */
  readonly detail?: string;
}

export interface RealReport {
  readonly checks: readonly RealCheck[];
  /** Tools given or found, and the ones that had nothing to run. */
  readonly notes: readonly string[];
}

const suiteDirs = (files: readonly EmittedFile[], marker: RegExp): string[] =>
  [...new Set(files.filter((f) => marker.test(f.path)).map((f) => posix.dirname(f.path)))].filter((d) => !/\/set-\d+$/.test(d)).sort();

function runFailed(r: ToolRun): string | undefined {
  if (r.error !== undefined) return `could not run: ${r.error}`;
  return r.status === 0 ? undefined : [r.stdout.trim(), r.stderr.trim()].filter(Boolean).join('\n') || `exit status ${String(r.status)}`;
}

/** gator verify on each Gatekeeper suite; kyverno test on each Kyverno, VAP and ValidatingPolicy Test folder (it walks set-N/ itself). */
function suiteChecks(files: readonly EmittedFile[], tools: RealTools, runner: Runner): RealCheck[] {
  const checks: RealCheck[] = [];
  if (tools.gator) {
    for (const dir of suiteDirs(files, /^gatekeeper\/tests\/[^/]+\/suite\.yaml$/)) {
      const failed = runFailed(runner.run(tools.gator, ['verify', dir], runner.dir));
      checks.push({ tool: 'gator', subject: dir, ok: failed === undefined, ...(failed ? { detail: failed } : {}) });
    }
  }
  if (tools.kyverno) {
    for (const dir of suiteDirs(files, /^(kyverno|vap|kyverno-cel)\/tests\/.+\/kyverno-test\.yaml$/)) {
      const failed = runFailed(runner.run(tools.kyverno, ['test', dir], runner.dir));
      checks.push({ tool: 'kyverno', subject: dir, ok: failed === undefined, ...(failed ? { detail: failed } : {}) });
    }
  }
  return checks;
}

interface OpaAnswer {
  readonly result?: readonly { readonly expressions?: readonly { readonly value?: unknown }[] }[];
}

/**
 * `opa eval` of each Gatekeeper suite's template on each of its samples, with the input Gatekeeper's audit
 * gives the template (`{review, parameters}`, built by the offline harness's review builder), compared with the
 * offline engine's violation messages. Samples the Constraint's match excludes are not asked.
 */
function opaChecks(files: readonly EmittedFile[], opa: string, runner: Runner): RealCheck[] {
  const checks: RealCheck[] = [];
  const read = (path: string) => files.find((f) => f.path === path)?.content;
  for (const dir of suiteDirs(files, /^gatekeeper\/tests\/[^/]+\/suite\.yaml$/)) {
    const templateDoc = YAML.parse(read(`${dir}/template.yaml`) ?? 'null') as unknown;
    const template = loadTemplate(templateDoc);
    if (isGatekeeperError(template)) {
      checks.push({ tool: 'opa', subject: `${dir}/template.yaml`, ok: false, detail: `the offline engine refuses the template: ${template.message}` });
      continue;
    }
    const regoFiles = files.filter((f) => f.path.startsWith(`${dir}/rego/`)).map((f) => f.path);
    const constraints = files.filter((f) => f.path.startsWith(`${dir}/constraint`)).map((f) => YAML.parse(f.content) as unknown);
    const samples = files.filter((f) => f.path.startsWith(`${dir}/samples/`));
    const pkg = template.violationQuery;
    for (const constraintDoc of constraints) {
      const constraint = parseConstraint(constraintDoc);
      if (isGatekeeperError(constraint)) continue;
      for (const sample of samples) {
        const object = YAML.parse(sample.content) as unknown;
        const offline = evaluateConstraint({ template, constraint, object });
        if (!offline.matched || offline.error) continue;
        const review = buildReview({ object });
        if (isGatekeeperError(review)) continue;
        const input = JSON.stringify({ review: review.review, parameters: constraint.parameters });
        const args = ['eval', '--format', 'json', '--stdin-input', ...regoFiles.flatMap((f) => ['--data', f]), pkg];
        const r = runner.run(opa, args, runner.dir, input);
        const subject = `${dir}/template.yaml (${constraint.name}) on ${posix.basename(sample.path)}`;
        const failed = runFailed(r);
        if (failed) {
          checks.push({ tool: 'opa', subject, ok: false, detail: failed });
          continue;
        }
        const answer = JSON.parse(r.stdout) as OpaAnswer;
        const value = answer.result?.[0]?.expressions?.[0]?.value;
        const real = (Array.isArray(value) ? value : []).map((v) => (v as { msg?: unknown }).msg).filter((m): m is string => typeof m === 'string').sort();
        const ours = offline.violations.map((v) => v.msg).sort();
        const ok = JSON.stringify(real) === JSON.stringify(ours);
        checks.push({ tool: 'opa', subject, ok, ...(ok ? {} : { detail: `opa: ${JSON.stringify(real)}\noffline engine: ${JSON.stringify(ours)}` }) });
      }
    }
  }
  return checks;
}

/**
 * The Rego of each suite's template as files `opa` can load (`<suite>/rego/template.rego`, `lib-N.rego`),
 * added next to the native suites.
 */
export function regoFilesForOpa(files: readonly EmittedFile[]): EmittedFile[] {
  const out: EmittedFile[] = [];
  for (const dir of suiteDirs(files, /^gatekeeper\/tests\/[^/]+\/suite\.yaml$/)) {
    const doc = YAML.parse(files.find((f) => f.path === `${dir}/template.yaml`)?.content ?? 'null') as { spec?: { targets?: { rego?: unknown; libs?: unknown }[] } } | null;
    const target = doc?.spec?.targets?.[0];
    if (typeof target?.rego !== 'string') continue;
    out.push({ path: `${dir}/rego/template.rego`, content: target.rego, objects: [] });
    const libs = Array.isArray(target.libs) ? target.libs.filter((l): l is string => typeof l === 'string') : [];
    libs.forEach((lib, i) => out.push({ path: `${dir}/rego/lib-${i + 1}.rego`, content: lib, objects: [] }));
  }
  return out;
}

/** Runs every available real tool on the written suites. */
export function runRealEngines(files: readonly EmittedFile[], tools: RealTools, runner: Runner): RealReport {
  const notes = (['gator', 'kyverno', 'opa'] as const).map((t) => (tools[t] ? `${t}: ${tools[t]}` : `${t}: not found (give --${t} PATH or put it on PATH)`));
  const checks = [...suiteChecks(files, tools, runner), ...(tools.opa ? opaChecks(files, tools.opa, runner) : [])];
  return { checks, notes };
}
