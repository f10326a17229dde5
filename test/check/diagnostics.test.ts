import { describe, expect, it } from 'vitest';
import { diagnosticCodes, diagnosticExamples, renderDiagnostic, type DiagnosticCode } from '../../src/diagnostics/index.js';
import { diagnosticsOf, dsl, rawDiagnosticsOf } from '../helpers/dsl.js';

describe('every diagnostic code', () => {
  const codes = Object.keys(diagnosticCodes) as DiagnosticCode[];

  it('has an example or a documented origin', () => {
    for (const code of codes) expect(diagnosticExamples[code], code).toBeDefined();
  });

  for (const code of codes) {
    const example = diagnosticExamples[code];
    if (!example.text) continue;
    it(`${code}: ${diagnosticCodes[code].title}`, () => {
      const found = diagnosticsOf(example.text ?? '');
      expect(found.map((d) => `${d.code}@${d.at}`)).toContain(`${code}@${example.at}`);
      const rendered = rawDiagnosticsOf(example.text ?? '').filter((d) => d.code === code).map(renderDiagnostic)[0] ?? '';
      expect(rendered).toMatch(new RegExp(`^test\\.secpol:${example.at}: (error|warning) ${code}: `));
      expect(rendered).toContain('^');
      expect(rendered).toContain('hint: ');
    });
  }
});

describe('a file with several mistakes', () => {
  it('yields one diagnostic per mistake, in source order', () => {
    const text = dsl`
      policy p {
        severity urgent
        applies to pods
        rule r {
          require every container has securityContext.runAsNonroot = true
        }
        rule s {
          forbid spec.hostNetwork = "yes"
        }
        rule r {
          forbid spec.hostPID = true
        }
      }`;
    expect(diagnosticsOf(text)).toEqual([
      { code: 'SP1004', at: '2:12' },
      { code: 'SP1002', at: '5:49' },
      { code: 'SP1003', at: '8:31' },
      { code: 'SP1001', at: '10:8', related: ['4:8'] },
    ]);
  });

  it('suggests the field the user meant', () => {
    const [d] = rawDiagnosticsOf('policy p {\n  applies to pods\n  rule r {\n    forbid any container has securityContext.privilegd = true\n  }\n}\n');
    expect(d?.hint).toBe('did you mean "privileged"?');
  });
});
