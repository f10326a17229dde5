import { compileExpressible, compileTo, frontEnd } from '../../compile.js';
import { coverageTable } from '../coverage-table.js';
import { hasErrors } from '../../diagnostics/index.js';
import { approximations, type Approximation } from '../../backends/backend.js';
import { isTargetId, targetIds, type TargetId } from '../../backends/registry.js';
import { UsageError, type Command } from '../args.js';
import { expandPolicyPaths, policyFiles, readPolicyFile, rootOption, writeOutputFiles } from '../io.js';
import { exitCodeFor, printDiagnostics, type Io } from '../output.js';
import { rootHelp, todayOption } from './shared.js';

/** `all` is every backend that can express each policy; targets named explicitly must express every policy. */
function parseTargets(value: unknown): { targets: TargetId[]; all: boolean } {
  if (typeof value !== 'string') throw new UsageError(`--target is required: one of ${targetIds.join(', ')}, all (comma-separated for several)`);
  const out = new Set<TargetId>();
  let all = false;
  for (const t of value.split(',').map((s) => s.trim())) {
    if (t === 'all') all = true;
    else if (isTargetId(t)) out.add(t);
    else throw new UsageError(`unknown target ${JSON.stringify(t)}: use ${targetIds.join(', ')} or all`);
  }
  return { targets: targetIds.filter((t) => all || out.has(t)), all };
}

export function compileCommand(io: Io): Command {
  return {
    name: 'compile',
    summary: 'Compile policy files to Kyverno, Gatekeeper, ValidatingAdmissionPolicy, Kyverno ValidatingPolicy (kyverno-cel), Pod Security Admission labels or NetworkPolicies.',
    usage: 'secpol compile FILE|DIR... --target kyverno|gatekeeper|psa|vap|kyverno-cel|netpol|all [--out DIR] [--with-tests] [--root DIR]',
    options: { target: { type: 'string', short: 't' }, out: { type: 'string', short: 'o' }, today: { type: 'string' }, 'with-tests': { type: 'boolean' }, approximate: { type: 'string', multiple: true }, root: { type: 'string' } },
    help: [
      '--target T          kyverno, gatekeeper, psa, vap, kyverno-cel, netpol or all (comma-separated for several); all compiles each',
      '                    policy to every backend that can express it, notes the others and prints a table on stderr',
      '--out DIR           write one file per object set (DIR/<target>/<name>.yaml); default: a YAML stream on stdout',
      '--with-tests        also emit native test suites where the backend supports them',
      '--approximate NAME  accept a documented approximation instead of SP2001 (kyverno-pod-security); the output notes it',
      '--today DATE        the date exceptions expire against (default: today, UTC)',
      rootHelp,
    ],
    async run(values, positionals) {
      if (positionals.length === 0) throw new UsageError('give at least one policy file or directory');
      const { targets, all } = parseTargets(values['target']);
      const paths = expandPolicyPaths(positionals, rootOption(values['root']));
      const front = frontEnd(paths, readPolicyFile, { today: todayOption(values['today']) });
      if (!front.value || hasErrors(front.diagnostics)) {
        printDiagnostics(io, front.diagnostics, 'text');
        return exitCodeFor(front.diagnostics);
      }
      const approximate = (Array.isArray(values['approximate']) ? values['approximate'] : []).map((a) => {
        if (!(approximations as readonly string[]).includes(a)) throw new UsageError(`unknown approximation ${JSON.stringify(a)}: use ${approximations.join(', ')}`);
        return a as Approximation;
      });
      const emitOptions = { withTests: values['with-tests'] === true, approximate };
      const expressible = all ? await compileExpressible(front.value.set, targets, emitOptions) : undefined;
      const compiled = expressible ? { value: expressible.value?.files, diagnostics: expressible.diagnostics } : await compileTo(front.value.set, targets, emitOptions);
      // --with-tests: native suites (kyverno test, gator verify) built from each policy's samples (docs/native-tests.md).
      // Loaded on demand: the native-tests stage brings the engines, which a plain compile never needs.
      const suites = values['with-tests'] === true && compiled.value ? (await import('../../native-tests/index.js')).withNativeTests(policyFiles(paths), front.value.set, compiled.value, readPolicyFile) : undefined;
      const out = suites ? { value: suites.value, diagnostics: [...compiled.diagnostics, ...suites.diagnostics] } : compiled;
      const diagnostics = [...front.diagnostics, ...out.diagnostics];
      // --target all: an expiry a backend cannot enforce (SP2003, approximate in the capability matrix) is summed up
      // in one note under the table; each file it concerns says so, and `--target vap` shows every warning.
      const unenforcedExpiry = all ? diagnostics.filter((d) => d.code === 'SP2003') : [];
      const shown = diagnostics.filter((d) => !unenforcedExpiry.includes(d));
      if (shown.length) printDiagnostics(io, shown, 'text');
      if (!out.value || hasErrors(diagnostics)) return exitCodeFor(diagnostics);
      // Network blocks are NetworkPolicy material and policies are admission material: say what a target skipped.
      const set = front.value.set;
      if (set.networks.length && !targets.includes('netpol')) io.stderr(`note: ${set.networks.length} network block(s) not compiled: use --target netpol (or all)\n`);
      if (set.policies.length && targets.every((t) => t === 'netpol')) io.stderr(`note: ${set.policies.length} admission policy(ies) not compiled: use --target kyverno, gatekeeper, psa (or all)\n`);
      if (expressible?.value) io.stderr(coverageTable(expressible.value.coverage, targets));
      if (unenforcedExpiry.length) {
        const backends = [...new Set(unenforcedExpiry.map((d) => d.message.split(' ')[0]))].sort().join(', ');
        io.stderr(`note: ${unenforcedExpiry.length} exception expiry(ies) not enforced by ${backends}, which ${backends.includes(',') ? 'have' : 'has'} no clock (SP2003)\n`);
      }
      const outDir = values['out'];
      if (typeof outDir === 'string') {
        const unwritable = writeOutputFiles(outDir, out.value);
        if (unwritable.length) {
          printDiagnostics(io, unwritable, 'text');
          return exitCodeFor(unwritable);
        }
        io.stderr(`wrote ${out.value.length} file(s) to ${outDir}\n`);
      } else {
        io.stdout(out.value.map((f) => f.content.replace(/^---\n/, '')).map((c, i) => (i === 0 ? c : `---\n${c}`)).join(''));
      }
      return 0;
    },
  };
}
