import type { AuditReport, Evaluation } from '../run.js';
import { objectName } from './text.js';

/**
 * XML 1.0 character data: the five special characters as entities, and characters XML forbids
 * (controls other than tab, newline, carriage return; lone surrogates; U+FFFE/U+FFFF) replaced by U+FFFD.
 */
export function xmlEscape(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');
}

function testcase(e: Evaluation): string {
  const f = e.finding;
  const where = e.object.kind ? `${objectName(e)} (${e.object.file}:${e.object.line})` : `${e.object.file}:${e.object.line}`;
  const head = `    <testcase${attrs({ classname: e.policy, name: `${e.rule} ${where}`, file: e.object.file, line: f?.line ?? e.object.line })}`;
  if (!f) return `${head}/>`;
  const body = `${f.message}\n${f.file}:${f.line}:${f.column}${f.source ? `\npolicy source: ${f.source}` : ''}`;
  return `${head}>\n      <failure${attrs({ message: f.message, type: `${f.mode}/${f.severity}` })}>${xmlEscape(body)}</failure>\n    </testcase>`;
}

/** JUnit XML: one testsuite per policy, one testcase per object × rule judged, a `<failure>` per finding. */
export function formatJunit(report: AuditReport): string {
  const byPolicy = new Map<string, Evaluation[]>();
  for (const e of report.evaluations) {
    const list = byPolicy.get(e.policy) ?? [];
    list.push(e);
    byPolicy.set(e.policy, list);
  }
  const failures = report.evaluations.filter((e) => e.finding).length;
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${attrs({ name: 'secpol audit', tests: report.evaluations.length, failures, errors: 0 })}>`];
  for (const [policy, list] of byPolicy) {
    const failed = list.filter((e) => e.finding).length;
    out.push(`  <testsuite${attrs({ name: policy, tests: list.length, failures: failed, errors: 0, skipped: 0 })}>`);
    for (const e of list) out.push(testcase(e));
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
