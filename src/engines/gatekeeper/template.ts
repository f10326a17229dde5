/**
 * ConstraintTemplate loading (Gatekeeper docs, "Constraint Templates"; templates.gatekeeper.sh v1 and
 * v1beta1). The Rego comes from `spec.targets[0].rego` + `libs`, or from the `engine: Rego` entry of
 * `spec.targets[0].code[]` (`source.rego` + `source.libs`); CEL (`K8sNativeValidation`) entries are ignored.
 */
import { compileModules, parseModule, RegoCompileError, RegoSyntaxError, type RegoModule, type RegoProgram } from '../rego/index.js';
import { field, gkError, isObject, type GatekeeperError } from './errors.js';

export const GATEKEEPER_TARGET = 'admission.k8s.gatekeeper.sh';

export interface Template {
  readonly type: 'template';
  /** `metadata.name`. */
  readonly name: string;
  /** The constraint kind it defines (`spec.crd.spec.names.kind`). */
  readonly constraintKind: string;
  readonly program: RegoProgram;
  /** The query for the violation set, e.g. `data["k8sallowedrepos"]["violation"]`. */
  readonly violationQuery: string;
  /** Whether the template also carries a CEL (`K8sNativeValidation`) implementation, which is not run. */
  readonly hasCel: boolean;
}

const API_VERSIONS = new Set(['templates.gatekeeper.sh/v1', 'templates.gatekeeper.sh/v1beta1', 'templates.gatekeeper.sh/v1alpha1']);

function regoSources(target: unknown): { rego: string; libs: string[]; hasCel: boolean } | GatekeeperError {
  const libsOf = (v: unknown): string[] | GatekeeperError => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((l) => typeof l !== 'string')) return gkError('invalid_template', 'libs must be a list of strings');
    return v as string[];
  };
  const code = field(target, 'code');
  let hasCel = false;
  if (Array.isArray(code)) {
    for (const entry of code) {
      const engine = field(entry, 'engine');
      if (engine === 'Rego') {
        const rego = field(entry, 'source', 'rego');
        if (typeof rego !== 'string') return gkError('invalid_template', 'code entry with engine Rego has no source.rego');
        const libs = libsOf(field(entry, 'source', 'libs'));
        if (!Array.isArray(libs)) return libs;
        return { rego, libs, hasCel: code.some((e) => field(e, 'engine') === 'K8sNativeValidation') };
      }
      if (engine === 'K8sNativeValidation') hasCel = true;
    }
  }
  const rego = field(target, 'rego');
  if (typeof rego === 'string') {
    const libs = libsOf(field(target, 'libs'));
    if (!Array.isArray(libs)) return libs;
    return { rego, libs, hasCel };
  }
  return gkError('invalid_template', hasCel ? 'template has only a K8sNativeValidation (CEL) implementation; the Rego engine cannot run it' : 'template target has no Rego source');
}

/** Parses and compiles a ConstraintTemplate document; problems come back as a {@link GatekeeperError}. */
export function loadTemplate(doc: unknown): Template | GatekeeperError {
  if (!isObject(doc)) return gkError('invalid_template', 'template must be an object');
  if (doc.kind !== 'ConstraintTemplate') return gkError('invalid_template', `expected kind ConstraintTemplate, got ${String(doc.kind)}`);
  if (typeof doc.apiVersion !== 'string' || !API_VERSIONS.has(doc.apiVersion)) {
    return gkError('invalid_template', `unsupported apiVersion ${String(doc.apiVersion)}`);
  }
  const name = field(doc, 'metadata', 'name');
  if (typeof name !== 'string' || name === '') return gkError('invalid_template', 'template has no metadata.name');
  const constraintKind = field(doc, 'spec', 'crd', 'spec', 'names', 'kind');
  if (typeof constraintKind !== 'string' || constraintKind === '') return gkError('invalid_template', 'template has no spec.crd.spec.names.kind');
  const targets = field(doc, 'spec', 'targets');
  if (!Array.isArray(targets) || targets.length !== 1) return gkError('invalid_template', 'spec.targets must have exactly one target');
  const target = targets[0];
  if (field(target, 'target') !== GATEKEEPER_TARGET) return gkError('invalid_template', `target must be ${GATEKEEPER_TARGET}`);
  const sources = regoSources(target);
  if ('type' in sources) return sources;
  let modules: RegoModule[];
  try {
    modules = [parseModule(sources.rego, `${name}/rego`), ...sources.libs.map((l, i) => parseModule(l, `${name}/libs[${i}]`))];
  } catch (e) {
    if (e instanceof RegoSyntaxError) return gkError('rego_syntax', e.message, e);
    throw e;
  }
  const main = modules[0]!;
  for (const lib of modules.slice(1)) {
    if (lib.packagePath[0] !== 'lib') return gkError('invalid_template', `library package ${lib.packagePath.join('.')} must be under lib`, { file: lib.file, line: lib.packageLoc.line, column: lib.packageLoc.column });
  }
  if (!main.rules.some((r) => r.path.length === 1 && r.path[0] === 'violation' && r.kind === 'partialSet')) {
    return gkError('invalid_template', 'the template Rego must define the partial set rule violation', { file: main.file, line: main.packageLoc.line, column: main.packageLoc.column });
  }
  let program: RegoProgram;
  try {
    program = compileModules(modules);
  } catch (e) {
    if (e instanceof RegoCompileError) return gkError('rego_compile', e.message, e);
    throw e;
  }
  const violationQuery = `data${[...main.packagePath, 'violation'].map((s) => `[${JSON.stringify(s)}]`).join('')}`;
  return { type: 'template', name, constraintKind, program, violationQuery, hasCel: sources.hasCel };
}
