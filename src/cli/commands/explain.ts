import { posix } from 'node:path';
import { frontEnd } from '../../compile.js';
import { hasErrors, pathDiagnostic, type Diagnostic } from '../../diagnostics/index.js';
import { explainDefaults, explainRequest, renderDefaultsExplanation, renderExplanation, type DefaultsExplanation, type ResourceExplanation } from '../../explain/index.js';
import { SourceFile } from '../../source/index.js';
import { loadSignatureFile, parseYamlFile, type ImageFact } from '../../suite/index.js';
import { oneOf, UsageError, type Command } from '../args.js';
import { describeFsError, expandPolicyPaths, readPolicyFile, readText, rootOption } from '../io.js';
import { exitCodeFor, printDiagnostics, type Io } from '../output.js';
import { rootHelp, todayOption } from './shared.js';

/** `k=v,k2=v2` as a label map. */
export function parseLabelList(value: unknown, option: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'string') throw new UsageError(`${option} takes k=v,k2=v2`);
  const out: Record<string, string> = {};
  for (const kv of value.split(',').filter(Boolean)) {
    const at = kv.indexOf('=');
    if (at <= 0) throw new UsageError(`${option} takes k=v,k2=v2 (got ${JSON.stringify(kv)})`);
    out[kv.slice(0, at)] = kv.slice(at + 1);
  }
  return out;
}

/** Explains, for each document of a resource file, every rule's verdict, why, and each backend engine's verdict (docs/explain.md). */
export function explainCommand(io: Io): Command {
  return {
    name: 'explain',
    summary: 'Explain each rule\'s verdict on one resource: the deciding fields, and every backend engine\'s verdict.',
    usage: 'secpol explain FILE|DIR... --resource FILE [--inventory FILE] [--signatures FILE] [--namespace-labels k=v,...] [--operation OP] [--format text|json] [--today YYYY-MM-DD] [--root DIR]',
    options: { resource: { type: 'string' }, inventory: { type: 'string' }, signatures: { type: 'string' }, 'namespace-labels': { type: 'string' }, operation: { type: 'string' }, format: { type: 'string' }, today: { type: 'string' }, root: { type: 'string' } },
    help: [
      '--resource FILE     the resource (every YAML document in it is explained)',
      '--inventory FILE    objects of the cluster beside it (the roles `role referenced by roleRef` reads)',
      '--signatures FILE   offline image signature facts for `verify images` blocks (a suite\'s signatures: file)',
      '--namespace-labels  labels of the resource\'s namespace, k=v,k2=v2 (for namespace selectors)',
      '--operation OP      CREATE (default), UPDATE, DELETE',
      '--format text|json  report format',
      '--today DATE        the date exceptions expire against',
      rootHelp,
    ],
    async run(values, positionals) {
      if (positionals.length === 0) throw new UsageError('give at least one policy file or directory');
      if (typeof values['resource'] !== 'string') throw new UsageError('--resource is required');
      const format = oneOf(values['format'], ['text', 'json'] as const, '--format', 'text');
      const operation = oneOf(values['operation'], ['CREATE', 'UPDATE', 'DELETE'] as const, '--operation', 'CREATE');
      const namespaceLabels = parseLabelList(values['namespace-labels'], '--namespace-labels');
      const front = frontEnd(expandPolicyPaths(positionals, rootOption(values['root'])), readPolicyFile, { today: todayOption(values['today']) });
      const diagnostics: Diagnostic[] = [...front.diagnostics];
      const path = values['resource'];
      let text: string | undefined;
      try {
        text = readText(path);
      } catch (e) {
        diagnostics.push(pathDiagnostic('SP0004', path, { path, reason: describeFsError(e) }));
      }
      const parsed = text === undefined ? undefined : parseYamlFile(new SourceFile(path, text));
      diagnostics.push(...(parsed?.diagnostics ?? []));
      if (!front.value || !parsed || hasErrors(diagnostics)) {
        printDiagnostics(io, diagnostics, 'text');
        return exitCodeFor(diagnostics) || 1;
      }
      if (diagnostics.length) printDiagnostics(io, diagnostics, 'text');
      if (parsed.documents.length === 0) throw new UsageError(`${path} holds no YAML document`);
      let inventory: unknown[] | undefined;
      if (typeof values['inventory'] === 'string') {
        const inventoryPath = values['inventory'];
        let inventoryText: string;
        try {
          inventoryText = readText(inventoryPath);
        } catch (e) {
          printDiagnostics(io, [pathDiagnostic('SP0004', inventoryPath, { path: inventoryPath, reason: describeFsError(e) })], 'text');
          return 1;
        }
        const inv = parseYamlFile(new SourceFile(inventoryPath, inventoryText));
        if (hasErrors(inv.diagnostics)) {
          printDiagnostics(io, inv.diagnostics, 'text');
          return exitCodeFor(inv.diagnostics) || 1;
        }
        inventory = inv.documents.map((x) => x.value);
      }
      let signatures: ImageFact[] | undefined;
      if (typeof values['signatures'] === 'string') {
        // Read like a suite's `signatures:` file: key files inside the project root (--root, else the first policy's).
        const root = rootOption(values['root']) ?? expandPolicyPaths(positionals, undefined)[0]?.root ?? '.';
        const factsPath = posix.normalize(values['signatures']);
        const facts: Diagnostic[] = [];
        const docs = loadSignatureFile(factsPath, readPolicyFile, root, facts);
        if (hasErrors(facts) || !docs) {
          printDiagnostics(io, facts, 'text');
          return exitCodeFor(facts) || 1;
        }
        signatures = docs;
      }
      const results: { file: string; line: number; explanation: ResourceExplanation; defaults?: DefaultsExplanation }[] = [];
      for (const d of parsed.documents) {
        const line = d.file.lineColumn((d.doc.contents as { range?: [number] } | null)?.range?.[0] ?? 0).line;
        const explanation = await explainRequest(front.value.set, { object: d.value, operation, namespaceLabels, ...(inventory ? { inventory } : {}) }, signatures ? { signatures } : {});
        // A Namespace under defaults blocks: what it gets, by the semantics and by each engine (docs/explain.md).
        const defaults = await explainDefaults(front.value.set, d.value);
        results.push({ file: path, line, explanation: defaults ? { ...explanation, agree: explanation.agree && defaults.agree } : explanation, ...(defaults ? { defaults } : {}) });
      }
      if (format === 'json') io.stdout(`${JSON.stringify({ resources: results.map((r) => ({ file: r.file, line: r.line, ...r.explanation, ...(r.defaults ? { defaults: r.defaults } : {}) })) }, null, 2)}\n`);
      else {
        io.stdout(results.map((r) => renderExplanation(r.explanation, `${r.file}:${r.line}`) + (r.defaults ? renderDefaultsExplanation(r.defaults) : '')).join('\n'));
        // With several documents the last per-object line must not read as the verdict on all of them.
        if (results.length > 1) {
          const disagree = results.filter((r) => !r.explanation.agree);
          io.stdout(disagree.length ? `\nENGINES DISAGREE on ${disagree.length} of ${results.length} objects: ${disagree.map((r) => `${r.file}:${r.line}`).join(', ')}\n` : `\nevery engine agrees with the policy semantics on all ${results.length} objects\n`);
        }
      }
      return results.every((r) => r.explanation.agree) ? 0 : 1;
    },
  };
}
