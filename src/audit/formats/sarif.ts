import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Severity } from '../../ir/index.js';
import type { AuditReport, Finding } from '../run.js';

/** Where users learn about secpol (SARIF `tool.driver.informationUri`). */
export const informationUri = 'https://github.com/secpol/secpol';

type Level = 'error' | 'warning' | 'note';

/** A rule's default level from its severity (SARIF 2.1.0 §3.49.2: reportingConfiguration.level). */
const severityLevel: Record<Severity, Level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };

/** GitHub code scanning ranks security alerts by `properties["security-severity"]`, a CVSS-like score as a string. */
const securitySeverity: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };

/**
 * A manifest path as a SARIF URI: relative to `root` (the repository checkout, which code scanning resolves against
 * %SRCROOT%) with forward slashes and percent-encoding; an absolute file: URI for a file outside `root`.
 */
export function artifactUri(file: string, root: string): string {
  if (file === '-' || file === '<stdin>') return 'stdin';
  const rel = relative(root, resolve(root, file));
  if (rel.startsWith('..') || isAbsolute(rel)) return pathToFileURL(resolve(root, file)).href;
  return rel
    .split(sep)
    .join('/')
    .replace(/^\.\//, '')
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

function resultLevel(f: Finding): Level {
  return f.mode === 'enforce' ? 'error' : 'warning';
}

/**
 * SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html) as GitHub code scanning reads it:
 * one run, the tool's rules (`policy/rule`) with a default level from severity, one result per finding with a
 * physical location in the manifest (relative URI against %SRCROOT%, 1-based line and column).
 */
export function formatSarif(report: AuditReport, root: string): string {
  const ruleIndex = new Map(report.rules.map((r, i) => [r.id, i]));
  const rules = report.rules.map((r) => ({
    id: r.id,
    name: r.id.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase()),
    shortDescription: { text: r.title },
    fullDescription: { text: r.description || r.title },
    defaultConfiguration: { level: severityLevel[r.severity] },
    help: { text: `${r.description || r.title}${r.source ? ` (policy source: ${r.source})` : ''}` },
    properties: { tags: ['security', 'kubernetes'], 'security-severity': securitySeverity[r.severity], severity: r.severity, mode: r.mode, ...(r.source ? { source: r.source } : {}) },
  }));
  const results = report.findings.map((f) => {
    const id = `${f.policy}/${f.rule}`;
    const index = ruleIndex.get(id);
    return {
      ruleId: id,
      ...(index !== undefined ? { ruleIndex: index } : {}),
      level: resultLevel(f),
      message: { text: f.message || `rule ${id} is violated` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: artifactUri(f.file, root), uriBaseId: '%SRCROOT%' },
            region: { startLine: Math.max(1, f.line), startColumn: Math.max(1, f.column) },
          },
          ...(f.object.kind ? { logicalLocations: [{ name: f.object.name, fullyQualifiedName: `${f.object.kind}/${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name}`, kind: 'object' }] } : {}),
        },
      ],
      properties: { severity: f.severity, mode: f.mode, ...(f.source ? { source: f.source } : {}) },
    };
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'secpol', informationUri, rules } },
        automationDetails: { id: `secpol-audit/${report.target}/` },
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
