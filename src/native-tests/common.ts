import { posix } from 'node:path';
import YAML from 'yaml';
import type { AdmissionCase } from '../suite/index.js';

/** A file of a native suite, its path relative to the suite's folder (`kyverno/tests/<policy>/`, `gatekeeper/tests/<policy>/`). */
export interface SuiteFile {
  readonly path: string;
  readonly content: string;
}

/** One sample of the policy's suite.yaml, as a native suite references it. */
export interface NativeCase {
  /** Where the copy of the sample lives, relative to the native suite's folder (`samples/…`). */
  readonly file: string;
  readonly case: AdmissionCase;
  /** The object as the copy holds it (the suite's namespace, if it names one, is written into it). */
  readonly object: Record<string, unknown>;
  readonly kind: string;
  readonly name: string;
  /** '' for cluster-scoped objects. */
  readonly namespace: string;
}

/**
 * Both CLIs read YAML with Go's YAML 1.1 reader (sigs.k8s.io/yaml), where `yes`, `no`, `on` are booleans:
 * writing in 1.1 mode quotes such strings, so `violations: "yes"` reaches gator as the string it expects.
 */
export function toYaml(value: unknown, header: readonly string[] = []): string {
  const body = YAML.stringify(value, { version: '1.1', lineWidth: 0 });
  return [...header.map((h) => `# ${h}`), body].join('\n');
}

/** The copy's path inside the native suite folder: the sample's own path when it stays inside, else samples/<base>. */
export function sampleCopyPath(sample: string): string {
  const normal = posix.normalize(sample);
  if (normal.startsWith('../') || posix.isAbsolute(normal) || normal === '..') return `samples/${posix.basename(normal)}`;
  return normal.startsWith('samples/') ? normal : `samples/${normal}`;
}

/** A gator case name (and a stable id) from a sample path: `samples/deny-x.yaml` -> `deny-x`. */
export function caseName(file: string): string {
  return file.replace(/^samples\//, '').replace(/\.ya?ml$/, '').replace(/\//g, '-');
}

export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
