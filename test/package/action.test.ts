import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { projectRoot } from '../helpers/corpora.js';
import { packProject, type Packed } from './pack.js';

/**
 * action.yml, run step by step as the Actions runner runs a composite action, without network: each `run:` step
 * in `bash --noprofile --norc -eo pipefail` with its `env:` (inputs and github context substituted, the only place
 * expressions may appear), GITHUB_OUTPUT read back into `steps.<id>.outputs`, `if:` conditions evaluated, and a
 * failing step ending the job. `uses:` steps are recorded with their inputs, not run. secpol is installed from the
 * packed tarball through the action's own install step (npm offline, into a temporary prefix); `gh` is a stub that
 * records the comment it was asked to post.
 */

interface ActionStep {
  readonly name: string;
  readonly id?: string;
  readonly if?: string;
  readonly shell?: string;
  readonly run?: string;
  readonly uses?: string;
  readonly with?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
}

interface Action {
  readonly inputs: Readonly<Record<string, { readonly default?: string }>>;
  readonly runs: { readonly using: string; readonly steps: readonly ActionStep[] };
}

interface StepResult {
  readonly name: string;
  readonly status: 'success' | 'failure' | 'skipped' | 'recorded';
  readonly stdout: string;
  readonly stderr: string;
  readonly with?: Readonly<Record<string, string>>;
}

const action = YAML.parse(readFileSync(join(projectRoot, 'action.yml'), 'utf8')) as Action;

type Context = Record<string, unknown>;

function lookup(context: Context, path: string): unknown {
  if (!/^[a-z_]+(\.[\w-]+)+$/i.test(path)) throw new Error(`the local runner does not evaluate ${JSON.stringify(path)}`);
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), context);
}

/** `${{ a.b.c }}` in a value: a context path only; anything else is a test failure, not a guess. */
function substitute(text: string, context: Context): string {
  return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expr: string) => String(lookup(context, expr) ?? ''));
}

/** `if:` as this action writes it: `path`, `path == 'text'` or `path != 'text'`, joined by &&. */
function condition(expr: string, context: Context): boolean {
  return expr.split('&&').every((part) => {
    const m = /^\s*([\w.-]+)\s*(?:(==|!=)\s*'([^']*)')?\s*$/.exec(part);
    if (!m) throw new Error(`the local runner does not evaluate if: ${expr}`);
    const value = String(lookup(context, m[1]!) ?? '');
    return m[2] === '==' ? value === m[3] : m[2] === '!=' ? value !== m[3] : value !== '' && value !== 'false';
  });
}

interface Job {
  readonly inputs: Readonly<Record<string, string>>;
  readonly github: Readonly<Record<string, unknown>>;
  readonly workspace: string;
  readonly path: string;
}

function runAction(job: Job): StepResult[] {
  const temp = mkdtempSync(join(tmpdir(), 'secpol-runner-'));
  const inputs: Record<string, string> = {};
  const base: Context = { github: job.github, inputs, steps: {} };
  for (const [name, spec] of Object.entries(action.inputs)) inputs[name] = job.inputs[name] ?? substitute(spec.default ?? '', base);
  for (const name of Object.keys(job.inputs)) if (!(name in action.inputs)) throw new Error(`action.yml has no input ${name}`);
  const steps = base['steps'] as Record<string, { outputs: Record<string, string> }>;
  const results: StepResult[] = [];
  let failed = false;
  action.runs.steps.forEach((step, i) => {
    if (failed || (step.if !== undefined && !condition(step.if, base))) {
      results.push({ name: step.name, status: 'skipped', stdout: '', stderr: '' });
      return;
    }
    if (step.uses) {
      const w = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, substitute(String(v), base)]));
      results.push({ name: step.name, status: 'recorded', stdout: '', stderr: '', with: w });
      return;
    }
    expect(step.shell).toBe('bash');
    const output = join(temp, `output-${i}`);
    writeFileSync(output, '');
    const script = join(temp, `step-${i}.sh`);
    writeFileSync(script, step.run ?? '');
    const env: Record<string, string> = {
      PATH: job.path,
      HOME: temp,
      GITHUB_ACTION_PATH: projectRoot,
      GITHUB_WORKSPACE: job.workspace,
      GITHUB_OUTPUT: output,
      RUNNER_TEMP: temp,
      // npm, as the runner's would be, but installing into a temporary prefix from a local tarball only.
      npm_config_prefix: join(temp, 'npm-prefix'),
      npm_config_cache: join(temp, 'npm-cache'),
      npm_config_offline: 'true',
      GIT_CONFIG_NOSYSTEM: '1',
      ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, substitute(String(v), base)])),
    };
    env['PATH'] = `${join(temp, 'npm-prefix', 'bin')}:${env['PATH']}`;
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: job.workspace, env, encoding: 'utf8', maxBuffer: 1 << 28 });
    if (step.id) steps[step.id] = { outputs: Object.fromEntries(readFileSync(output, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])) };
    failed = r.status !== 0;
    results.push({ name: step.name, status: failed ? 'failure' : 'success', stdout: r.stdout, stderr: r.stderr });
  });
  return results;
}

function result(results: readonly StepResult[], name: string): StepResult {
  const r = results.find((x) => x.name === name);
  if (!r) throw new Error(`no step named ${name}`);
  return r;
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** A repository with a pushed main and a pull-request branch on top; origin is a bare repository beside it. */
function repository(files: Record<string, string>, change: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'secpol-repo-'));
  const origin = join(root, 'origin.git');
  const work = join(root, 'work');
  git(root, 'init', '--bare', '-q', origin);
  git(root, 'init', '-q', work);
  const write = (set: Record<string, string>) => {
    for (const [path, text] of Object.entries(set)) {
      mkdirSync(join(work, path, '..'), { recursive: true });
      writeFileSync(join(work, path), text);
    }
  };
  write(files);
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'main');
  git(work, 'remote', 'add', 'origin', origin);
  git(work, 'push', '-q', 'origin', 'main');
  git(work, 'checkout', '-q', '-b', 'change');
  write(change);
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'change');
  return work;
}

let packed: Packed;
let path: string;
let ghLog: string;

beforeAll(() => {
  packed = packProject();
  const stubs = mkdtempSync(join(tmpdir(), 'secpol-stubs-'));
  ghLog = join(stubs, 'gh.log');
  // gh pr comment N --body-file F: record the arguments and the body, as GitHub would receive them.
  writeFileSync(join(stubs, 'gh'), `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >> ${JSON.stringify(ghLog)}\nwhile [ $# -gt 0 ]; do [ "$1" = --body-file ] && cp "$2" ${JSON.stringify(`${ghLog}.body`)}; shift; done\n`);
  chmodSync(join(stubs, 'gh'), 0o755);
  path = `${stubs}:${join(process.execPath, '..')}:/usr/local/bin:/usr/bin:/bin`;
}, 240_000);

const library = (...names: string[]) =>
  Object.fromEntries(names.flatMap((n) => [[`policies/${n}/policy.secpol`, readFileSync(join(projectRoot, 'policies', n, 'policy.secpol'), 'utf8')]]));

describe('action.yml, run locally step by step', () => {
  it('is a composite action whose scripts take inputs only through env (no expression spliced into a script)', () => {
    expect(action.runs.using).toBe('composite');
    for (const step of action.runs.steps) if (step.run) expect(step.run, step.name).not.toContain('${{');
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['policies', 'targets', 'manifests', 'formats', 'package']));
  });

  it('docs/ci.md documents every input, and its workflow passes only inputs the action has', () => {
    const doc = readFileSync(join(projectRoot, 'docs', 'ci.md'), 'utf8');
    const documented = [...doc.matchAll(/^\| `([\w-]+)`(?:, `([\w-]+)`)? \|/gm)].flatMap((m) => [m[1]!, ...(m[2] ? [m[2]] : [])]);
    expect(documented.sort()).toEqual(Object.keys(action.inputs).sort());
    const workflow = YAML.parse(/```yaml\n(# \.github\/workflows\/[\s\S]*?)```/.exec(doc)![1]!) as { jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }> };
    const uses = Object.values(workflow.jobs).flatMap((j) => j.steps).filter((st) => st.uses?.startsWith('secpol/secpol@'));
    expect(uses).toHaveLength(1);
    for (const key of Object.keys(uses[0]!.with ?? {})) expect(Object.keys(action.inputs)).toContain(key);
  });

  it('on a pull request: installs the package, checks, verifies, compiles, audits to SARIF, comments the diff, fails on findings', () => {
    const privileged = library('workload/privileged')['policies/workload/privileged/policy.secpol']!;
    const work = repository(
      {
        ...library('workload/privileged', 'workload/run-as-non-root'),
        'deploy/pod.yaml': readFileSync(join(projectRoot, 'policies/workload/run-as-non-root/samples/deny-pod-missing.yaml'), 'utf8'),
      },
      {
        'policies/workload/privileged/policy.secpol': privileged.replace('securityContext.privileged = true', 'securityContext.privileged != false'),
        'policies/fresh.secpol': 'policy fresh {\n  applies to pods\n\n  rule no-host-pid {\n    forbid spec.hostPID = true\n  }\n}\n',
      },
    );
    const results = runAction({
      workspace: work,
      path,
      github: { event_name: 'pull_request', base_ref: 'main', token: 'not-a-token', event: { pull_request: { number: 7 } } },
      inputs: { package: packed.tarball, manifests: 'deploy/', formats: 'sarif,github,junit', 'verify-runs': '200', today: '2026-01-01' },
    });
    const status = Object.fromEntries(results.map((r) => [r.name, r.status]));
    expect(status).toEqual({
      'Install secpol': 'success',
      'Check and format': 'success',
      'Prove the backends agree': 'success',
      Compile: 'success',
      'Audit the manifests': 'success',
      'Upload the audit to code scanning': 'recorded',
      'Comment the policy diff on the pull request': 'success',
      'Fail on blocking findings': 'failure',
    });
    expect(result(results, 'Install secpol').stdout).toMatch(/^secpol \d+\.\d+\.\d+$/m);
    expect(result(results, 'Prove the backends agree').stdout).toContain('verified: every backend agrees');
    expect(result(results, 'Compile').stderr).toMatch(/^privileged\s+compiled\s+compiled\s+cannot\s+compiled\s+compiled\s+-$/m);
    expect(existsSync(join(work, 'build/secpol/kyverno/privileged.yaml'))).toBe(true);
    // SARIF for code scanning, annotations in the log, JUnit beside the artifacts.
    const upload = result(results, 'Upload the audit to code scanning').with!;
    expect(upload['category']).toBe('secpol');
    const sarif = JSON.parse(readFileSync(join(work, upload['sarif_file']!), 'utf8')) as { runs: { results: unknown[] }[] };
    expect(sarif.runs[0]!.results.length).toBeGreaterThan(0);
    expect(result(results, 'Audit the manifests').stdout).toMatch(/^::error file=deploy\/pod\.yaml,line=\d+/m);
    expect(readFileSync(join(work, 'build/secpol/audit.junit'), 'utf8')).toContain('<testsuites');
    // The comment: the diff of the one changed policy file, posted on PR 7.
    expect(readFileSync(ghLog, 'utf8').trim().split('\n').pop()).toMatch(/^pr comment 7 --body-file .*policy-diff\.md$/);
    const body = readFileSync(`${ghLog}.body`, 'utf8');
    expect(body).toContain('## secpol policy diff');
    expect(body).toContain('+    forbid any container has securityContext.privileged != false');
    expect(body).toContain('## `policies/fresh.secpol`\n\nnew in this pull request');
    expect(body).not.toContain('run-as-non-root/policy.secpol');
    expect(result(results, 'Fail on blocking findings').stdout).toContain('::error title=secpol::the audit found blocking findings');
  });

  it('cuts a comment over 65,536 characters at a line, closes what the cut left open, and says so', () => {
    const rules = (word: string) => Array.from({ length: 10 }, (_, i) => `  rule r${i} {\n    forbid any container has securityContext.runAsUser = ${i}\n    message "${`${word} container {name} runs as a forbidden user `.repeat(100).trim()}"\n  }\n`).join('\n');
    const policy = (name: string, word: string) => `policy ${name} {\n  applies to pods\n\n${rules(word)}}\n`;
    // secpol diff cuts each file's markdown to the limit; two files together are over it, and the action cuts again.
    const work = repository({ 'policies/a.secpol': policy('a', 'old'), 'policies/b.secpol': policy('b', 'old') }, { 'policies/a.secpol': policy('a', 'new'), 'policies/b.secpol': policy('b', 'new') });
    const results = runAction({
      workspace: work,
      path,
      github: { event_name: 'pull_request', base_ref: 'main', token: 'not-a-token', event: { pull_request: { number: 8 } } },
      inputs: { package: packed.tarball, 'verify-runs': '0', targets: 'kyverno' },
    });
    expect(results.map((r) => r.status)).toEqual(['success', 'success', 'success', 'success', 'success', 'skipped', 'success', 'success']);
    const comment = result(results, 'Comment the policy diff on the pull request');
    const body = readFileSync(`${ghLog}.body`, 'utf8');
    expect(comment.stdout.length).toBeGreaterThan(65_536);
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body.length).toBeGreaterThan(60_000);
    expect(body).toMatch(/\n---\n\*\*Truncated\*\*: the policy diff has [\d,]+ characters, over GitHub’s 65,536-character comment limit\. The whole diff is in the log of this job\.\n$/);
    const beforeNote = body.slice(0, body.lastIndexOf('\n\n---\n**Truncated**'));
    expect((beforeNote.match(/^```/gm) ?? []).length % 2).toBe(0);
    expect((beforeNote.match(/<details>/g) ?? []).length).toBe((beforeNote.match(/<\/details>/g) ?? []).length);
  });

  it('on a push: no comment, no audit without manifests, and the job passes', () => {
    const work = repository(library('workload/privileged'), { 'README.md': 'x\n' });
    const results = runAction({
      workspace: work,
      path,
      github: { event_name: 'push', base_ref: '', token: 'not-a-token', event: {} },
      inputs: { package: packed.tarball, 'verify-runs': '100', today: '2026-01-01' },
    });
    expect(results.map((r) => r.status)).toEqual(['success', 'success', 'success', 'success', 'success', 'skipped', 'success', 'success']);
    expect(result(results, 'Audit the manifests').stdout).toContain('audit skipped (no manifests)');
    expect(result(results, 'Comment the policy diff on the pull request').stdout).toContain('no pull-request comment (event push');
  });

  it('a policy error fails the job at the check, with file:line:column, before anything is compiled', () => {
    const work = repository({ 'policies/p.secpol': 'policy p {\n  applies to pods\n\n  rule r {\n    forbid spec.hostPID = true\n  }\n}\n' }, { 'policies/p.secpol': 'policy p {\n  applies to pods\n\n  rule r {\n    forbid spec.hostPDI = true\n  }\n}\n' });
    const results = runAction({ workspace: work, path, github: { event_name: 'pull_request', base_ref: 'main', token: 't', event: { pull_request: { number: 9 } } }, inputs: { package: packed.tarball } });
    expect(results.map((r) => r.status)).toEqual(['success', 'failure', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(result(results, 'Check and format').stderr).toMatch(/^policies\/p\.secpol:5:17: error SP1002/m);
  });
});
