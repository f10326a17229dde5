import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderDiagnostic } from '../../src/diagnostics/index.js';
import { SourceFile } from '../../src/source/index.js';
import { parseSource, printFile } from '../../src/syntax/index.js';
import { compact, diagnosticsOf, dsl } from '../helpers/dsl.js';

function parse(text: string) {
  return parseSource(new SourceFile('test.secpol', text));
}

describe('parser', () => {
  it('reads a policy with every kind of item', () => {
    const text = dsl`
      import "./base.secpol"

      policy hardening {
        title "Hardening"
        severity high
        mode audit
        applies to pods
        in namespaces "apps"
        except namespaces "kube-system"
        where labels "app.kubernetes.io/name" exists
        where namespace labels env in ["prod", "stage"] and tier != "free"
        on create, update

        rule no-privileged {
          forbid any container has securityContext.privileged = true
          message "container {name} is privileged"
        }

        enforce pod-security restricted version v1.30

        exception legacy {
          namespaces "legacy"
          reason "migration"
          expires 2027-01-31
        }
      }`;
    const r = parse(text);
    expect(r.diagnostics).toEqual([]);
    const policy = r.value?.decls[0];
    expect(policy?.kind).toBe('policy');
    expect(r.value?.imports.map((i) => i.path.value)).toEqual(['./base.secpol']);
    if (policy?.kind !== 'policy') return;
    expect(policy.items.map((i) => i.kind)).toEqual(['text-setting', 'word-setting', 'word-setting', 'applies', 'namespaces', 'namespaces', 'labels', 'labels', 'operations', 'rule', 'pod-security', 'exception']);
  });

  it('binds not tighter than and, and and tighter than or; a quantifier takes one primary', () => {
    const r = parse('policy p { rule r { require not a = 1 and b = 2 or any container has c = 3 and d = 4 } }\n');
    const decl = r.value?.decls[0];
    const rule = decl?.kind === 'policy' ? decl.items[0] : undefined;
    const assertion = rule?.kind === 'rule' ? rule.items[0] : undefined;
    const p = assertion?.kind === 'assertion' ? assertion.predicate : undefined;
    expect(p?.kind).toBe('or');
    if (p?.kind !== 'or') return;
    expect(p.operands.map((o) => o.kind)).toEqual(['and', 'and']);
    const [left, right] = p.operands;
    expect(left?.kind === 'and' && left.operands[0]?.kind).toBe('not');
    expect(right?.kind === 'and' && right.operands.map((o) => o.kind)).toEqual(['quantified', 'comparison']);
  });

  it('accepts keywords as later path segments and bracketed keys', () => {
    const r = parse('policy p { rule r { require metadata.labels["app.kubernetes.io/name"] = "x" and spec.env.namespace exists } }\n');
    expect(r.diagnostics).toEqual([]);
  });

  it('keeps comments through formatting', () => {
    const text = dsl`
      # header
      policy p {
        # before the rule
        rule r {
          forbid spec.hostNetwork = true  # trailing
        }
      }`;
    const r = parse(text);
    expect(r.value && printFile(r.value)).toBe(text);
  });

  it('reports every syntax error in a file, each with a position, snippet and hint', () => {
    const text = dsl`
      policy p {
        rule a {
          forbid spec.hostNetwork ==
        }
        rule b { require x = }
      }`;
    const diags = diagnosticsOf(text);
    expect(diags.length).toBeGreaterThanOrEqual(2);
    expect(diags.every((d) => d.code === 'SP0002')).toBe(true);
    const rendered = renderDiagnosticOf(text);
    expect(rendered).toMatch(/^test\.secpol:3:30: error SP0002: unexpected "=" here$/m);
    expect(rendered).toContain('^');
    expect(rendered).toContain('hint:');
  });

  it('reports stray characters, unterminated strings and bad escapes', () => {
    expect(diagnosticsOf('policy p { title "abc }\n')[0]).toMatchObject({ code: 'SP0003', at: '1:18' });
    expect(diagnosticsOf('policy p { title "a" ; }\n')[0]).toMatchObject({ code: 'SP0001', at: '1:22' });
    expect(diagnosticsOf('policy p { title "a\\q" }\n')[0]).toMatchObject({ code: 'SP0002', at: '1:20' });
  });

  it('never throws on random or mutated input: only diagnostics', () => {
    const valid = 'policy p {\n  applies to pods\n  rule r {\n    forbid any container has securityContext.privileged = true\n  }\n}\n';
    const mutated = fc.tuple(fc.nat(valid.length), fc.nat(8), fc.string({ unit: 'binary', maxLength: 6 })).map(([at, del, ins]) => valid.slice(0, at) + ins + valid.slice(at + del));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), mutated), (text) => {
        const r = parse(text);
        expect(r.value !== undefined || r.diagnostics.length > 0).toBe(true);
        for (const d of r.diagnostics) expect(d.span).toBeDefined();
      }),
      { seed: 7, numRuns: 2000 },
    );
  });
});

function renderDiagnosticOf(text: string): string {
  const r = parse(text);
  return r.diagnostics.map(renderDiagnostic).join('\n');
}

export { compact };
