import { SourceFile } from '../source/index.js';
import { listItems, parseYamlFile, type YamlDocument } from '../suite/index.js';

/** One manifest file's text, as read by the CLI (the audit stage itself never touches the file system). */
export interface ManifestInput {
  readonly path: string;
  readonly text: string;
}

/** A Kubernetes object found in a manifest file, with the way back to its YAML node. */
export interface Manifest {
  readonly file: string;
  /** 1-based line and column of the object's first key. */
  readonly line: number;
  readonly column: number;
  readonly doc: YamlDocument;
  /** Where the object sits in its YAML document: `[]`, or `['items', i]` for a `kind: List` item. */
  readonly path: readonly (string | number)[];
  readonly object: Readonly<Record<string, unknown>>;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** metadata.namespace when the manifest sets it. */
  readonly namespace: string | undefined;
}

/** A document that is not a Kubernetes object: malformed YAML, a scalar or list, or no apiVersion/kind. */
export interface InvalidManifest {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly reason: string;
}

export interface LoadedManifests {
  /** How many inputs were read (files with no document included). */
  readonly files: number;
  readonly manifests: readonly Manifest[];
  readonly invalid: readonly InvalidManifest[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  return `a ${typeof v}`;
}

function positionOf(d: YamlDocument, path: readonly (string | number)[]): { line: number; column: number } {
  const node = (path.length ? d.doc.getIn(path, true) : d.doc.contents) as { range?: [number, number, number] } | null | undefined;
  return d.file.lineColumn(node?.range?.[0] ?? 0);
}

/**
 * Parses manifests (multi-document YAML or JSON, `kind: List` and `*List` items, Helm or kustomize output) into
 * objects that keep their file and line. Anything that is not a Kubernetes object becomes an InvalidManifest,
 * so one bad document never hides the others. YAML aliases are capped by parseYamlFile.
 */
export function loadManifests(inputs: readonly ManifestInput[]): LoadedManifests {
  const manifests: Manifest[] = [];
  const invalid: InvalidManifest[] = [];
  for (const input of inputs) {
    const file = new SourceFile(input.path, input.text);
    const parsed = parseYamlFile(file);
    // Only errors make a manifest invalid: a warning (SP0031) means it was read as kubectl reads it.
    for (const d of parsed.diagnostics.filter((x) => x.severity === 'error')) {
      const at = file.lineColumn(d.span?.start ?? 0);
      invalid.push({ file: input.path, ...at, reason: d.message });
    }
    for (const doc of parsed.documents) {
      const add = (value: unknown, path: readonly (string | number)[]) => {
        const at = positionOf(doc, path);
        if (!isRecord(value)) {
          invalid.push({ file: input.path, ...at, reason: `the document is ${describe(value)}, not a Kubernetes object` });
          return;
        }
        const missing = (['apiVersion', 'kind'] as const).filter((k) => typeof value[k] !== 'string' || value[k] === '');
        if (missing.length) {
          invalid.push({ file: input.path, ...at, reason: `the object has no ${missing.join(' and no ')}` });
          return;
        }
        const metadata = isRecord(value['metadata']) ? value['metadata'] : {};
        const ns = metadata['namespace'];
        manifests.push({
          file: input.path,
          ...at,
          doc,
          path,
          object: value,
          apiVersion: value['apiVersion'] as string,
          kind: value['kind'] as string,
          name: typeof metadata['name'] === 'string' ? metadata['name'] : '',
          namespace: typeof ns === 'string' && ns !== '' ? ns : undefined,
        });
      };
      for (const item of listItems(doc.value)) add(item.value, item.path);
    }
  }
  return { files: inputs.length, manifests, invalid };
}
