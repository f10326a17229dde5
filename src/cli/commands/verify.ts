import { frontEnd } from '../../compile.js';
import { hasErrors } from '../../diagnostics/index.js';
import { renderDisagreement, runVerify } from '../../verify/index.js';
import { oneOf, UsageError, type Command } from '../args.js';
import { expandPolicyPaths, readPolicyFile, rootOption } from '../io.js';
import { exitCodeFor, printDiagnostics, type Io } from '../output.js';
import { realEngines } from './verify-real.js';
import { rootHelp, todayOption } from './shared.js';

function positiveInt(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${option} takes a whole number`);
  return n;
}

export function verifyCommand(io: Io): Command {
  return {
    name: 'verify',
    summary: 'Prove on generated resources and connections that every backend engine agrees with the policy semantics.',
    usage: 'secpol verify FILE|DIR... [--runs N] [--seed S] [--format text|json] | --real [--gator PATH] [--kyverno PATH] [--opa PATH] [--keep DIR] [--root DIR]',
    options: {
      runs: { type: 'string' },
      seed: { type: 'string' },
      format: { type: 'string' },
      today: { type: 'string' },
      real: { type: 'boolean' },
      gator: { type: 'string' },
      kyverno: { type: 'string' },
      opa: { type: 'string' },
      keep: { type: 'string' },
      root: { type: 'string' },
    },
    help: [
      '--runs N            generated cases per policy (default 1000)',
      '--seed S            the random seed (default 42): the same seed gives the same cases',
      '--format text|json  report format',
      '--today YYYY-MM-DD  the date exceptions expire against (default: today)',
      '--real              instead, run the real engines on the output: gator verify and kyverno test on the native',
      '                    suites, opa eval of the Gatekeeper Rego on every sample; each disagreement with the offline',
      '                    engines is reported (exit 1); no real engine found is exit 2',
      '--gator, --kyverno, --opa PATH   the real binaries (default: found on PATH)',
      '--keep DIR          with --real: write the suites to DIR and keep them (default: a temporary folder)',
      rootHelp,
    ],
    async run(values, positionals) {
      if (positionals.length === 0) throw new UsageError('give at least one policy file or directory');
      if (values['real'] === true) return realEngines(io, positionals, values);
      const runs = positiveInt(values['runs'], '--runs', 1000);
      if (runs === 0) throw new UsageError('--runs 0 would verify nothing: give at least 1 (default 1000)');
      const seed = positiveInt(values['seed'], '--seed', 42);
      const format = oneOf(values['format'], ['text', 'json'] as const, '--format', 'text');
      const front = frontEnd(expandPolicyPaths(positionals, rootOption(values['root'])), readPolicyFile, { today: todayOption(values['today']) });
      if (!front.value || hasErrors(front.diagnostics)) {
        printDiagnostics(io, front.diagnostics, 'text');
        return exitCodeFor(front.diagnostics);
      }
      const report = await runVerify(front.value.set, { runs, seed });
      if (format === 'json') {
        io.stdout(`${JSON.stringify(report, (k, v: unknown) => (k === 'span' ? undefined : v), 2)}\n`);
        return report.ok ? 0 : 1;
      }
      for (const p of report.policies) {
        const compared = Object.entries(p.compared).map(([b, n]) => `${b} ${n}`).join(', ') || 'no backend engine';
        io.stdout(`${p.disagreement || p.unexercised.length ? 'FAIL' : 'ok  '} ${p.policy}: ${p.cases} cases (rule verdicts compared: ${compared})\n`);
        // Per rule, how often each engine saw it violated / not violated in scope: both sides must be exercised.
        for (const [rule, byEngine] of Object.entries(p.reach)) {
          io.stdout(`       ${rule}: ${Object.entries(byEngine).map(([e, r]) => `${e} ${r.violated}/${r.allowed}`).join(', ')} (violated/allowed)\n`);
        }
        for (const u of p.unexercised) io.stdout(`       ${u.rule}: NOT VERIFIED: ${u.reason}\n`);
        // Engines without a clock keep expired exceptions (vap): compared as before the expiry, and counted here.
        for (const [engine, n] of Object.entries(p.approximated ?? {})) {
          io.stdout(`       ${engine}: ${n} verdict(s) after an exception's expiry compared as before it (no clock; docs/verification.md)\n`);
        }
        if (p.disagreement) io.stdout(`${renderDisagreement(p.disagreement)}\n`);
      }
      for (const x of report.excluded) io.stdout(`     ${x.policy}: not verified on ${x.backend}: ${x.reason}\n`);
      if (report.network) {
        const n = report.network;
        io.stdout(`${n.disagreement ? 'FAIL' : 'ok  '} network: ${n.cases} connections\n`);
        if (n.disagreement) io.stdout(`  ${JSON.stringify(n.disagreement.connection)}: intents say ${n.disagreement.ir ? 'allow' : 'deny'}, NetworkPolicies say ${n.disagreement.engine ? 'allow' : 'deny'}\n  ${n.disagreement.explanation}\n`);
      }
      for (const i of report.images ?? []) {
        io.stdout(`${i.disagreement ? 'FAIL' : 'ok  '} ${i.policy}: verify images, ${i.cases} cases (semantics vs kyverno verifyImages, fixed-key signature oracle)\n`);
        if (i.disagreement) io.stdout(`  rule ${i.disagreement.rule}: semantics ${i.disagreement.semantics}, kyverno ${i.disagreement.kyverno}\n  ${JSON.stringify(i.disagreement.case)}\n`);
      }
      if (report.defaults) {
        const d = report.defaults;
        io.stdout(`${d.disagreement ? 'FAIL' : 'ok  '} defaults: ${d.cases} namespaces (semantics vs ${d.judges.join(', ')}: objects and labels)\n`);
        if (d.disagreement) io.stdout(`  namespace ${JSON.stringify(d.disagreement.namespace)} ${d.disagreement.how}: ${d.disagreement.judge} has ${JSON.stringify(d.disagreement.engine)}, the semantics ${JSON.stringify(d.disagreement.semantics)}\n`);
      }
      const failure = report.policies.some((p) => p.disagreement) || report.network?.disagreement || report.images?.some((i) => i.disagreement) || report.defaults?.disagreement ? 'see the counterexample above' : 'some rules were not exercised both ways (above)';
      io.stdout(report.ok ? 'verified: every backend agrees\n' : `verification FAILED: ${failure}\n`);
      return report.ok ? 0 : 1;
    },
  };
}
