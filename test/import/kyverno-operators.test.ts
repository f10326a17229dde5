/**
 * Issue 18: deny conditions with Kyverno's own operators (Kyverno docs, "Preconditions" → Operators; the handlers in
 * pkg/engine/variables/operator: equal.go, notequal.go, numeric.go, anyin.go, anynotin.go, in.go), in the forms
 * secpol's Kyverno backend writes and in the kyverno/policies style, translated only where the literal and the
 * field's type make Kyverno's meaning exact, each proven by `--verify` against the original in the Kyverno engine.
 */
import { describe, expect, it } from 'vitest';
import { importPolicies } from '../../src/import/index.js';
import { buildChecked, importArtifacts } from '../../src/import/import.js';
import { proveOnce } from '../../src/import/verify.js';
import { perContainerPolicy, podPolicy } from '../helpers/kyverno-policies.js';

const today = '2026-06-01';
const verify = { runs: 200, seed: 7 };

const policy = (body: string) => podPolicy('ops', body);
const perContainer = (conditions: string) => perContainerPolicy('ops', conditions);

const onObject = (conditions: string) => policy(`deny:
  conditions:
${conditions.replace(/^/gm, '    ')}`);

async function imported(text: string) {
  const r = await importPolicies([{ path: 'p.yaml', text }], { today, verify });
  const rule = r.value!.rules[0]!;
  return { rule, text: r.value!.files.map((f) => f.text).join('\n'), codes: r.diagnostics.map((d) => d.code) };
}

describe('import: Kyverno condition operators', () => {
  it('Equals "" on a string read with || \'\' is "is empty" (a missing label reads \'\')', async () => {
    const r = await imported(onObject(`all:
  - key: "{{ request.object.metadata.labels.team || '' }}"
    operator: Equals
    value: ""`));
    expect(r.rule.status).toBe('proven');
    expect(r.text).toContain('forbid metadata.labels.team is empty');
  });

  it('NotEquals "" is false on a missing label and on a quantity-like value (equal.go/notequal.go: a quantity key against a non-quantity)', async () => {
    const r = await imported(onObject(`any:
  - key: "{{ request.object.metadata.labels.team || '' }}"
    operator: NotEquals
    value: ""`));
    expect(r.rule.status).toBe('proven');
    expect(r.text).toMatch(/metadata\.labels\.team exists and not metadata\.labels\.team matches regex .* and not metadata\.labels\.team = ""/);
  });

  it('Equals / NotEquals on integers and booleans with || \'\': NotEquals holds on the missing field (a type mismatch)', async () => {
    const r = await imported(perContainer(`any:
  - key: "{{ element.securityContext.runAsUser || '' }}"
    operator: NotEquals
    value: 1000
  - key: "{{ element.securityContext.privileged || '' }}"
    operator: Equals
    value: true`));
    expect(r.rule.status).toBe('proven');
    expect(r.text).toContain('securityContext.runAsUser is absent or securityContext.runAsUser != 1000');
    expect(r.text).toContain('securityContext.privileged = true');
  });

  it('GreaterThan / LessThan on integers with || \'\' (false on the missing field: \'\' is no number)', async () => {
    const r = await imported(perContainer(`any:
  - key: "{{ element.securityContext.runAsUser || '' }}"
    operator: LessThan
    value: 1000
  - key: "{{ element.securityContext.runAsGroup || '' }}"
    operator: GreaterThanOrEquals
    value: "65534"`));
    expect(r.rule.status).toBe('proven');
    expect(r.text).toContain('securityContext.runAsUser < 1000 or securityContext.runAsGroup >= 65534');
  });

  it('GreaterThan / LessThan on quantities with a bound in decimal digits (0.1 is 100m)', async () => {
    const r = await imported(perContainer(`any:
  - key: "{{ element.resources.limits.memory || '' }}"
    operator: GreaterThan
    value: "2147483648"
  - key: "{{ element.resources.requests.cpu || '' }}"
    operator: LessThan
    value: "0.1"`));
    expect(r.rule.status).toBe('proven');
    expect(r.text).toContain('resources.limits.memory > 2147483648 or resources.requests.cpu < 100m');
  });

  it('a suffixed quantity bound (2Gi) or a YAML number is not translated: Kyverno does not compare 2Gi with a number key, and reads a number as seconds against 5m', async () => {
    for (const value of ['"2Gi"', '2147483648']) {
      const r = await imported(perContainer(`all:
  - key: "{{ element.resources.limits.memory || '' }}"
    operator: GreaterThan
    value: ${value}`));
      expect(r.rule.status).toBe('not-imported');
      expect(r.rule.reason).toMatch(/GreaterThan of the quantity resources\.limits\.memory .*decimal digits/);
      expect(r.codes).toContain('SP3001');
    }
  });

  it('a list AnyNotIn [V] beside the NotEquals [] on its elements with wildcards is "not contains only [V]"', async () => {
    const r = await imported(perContainer(`any:
  - key: "{{ element.securityContext.capabilities.add || \`[]\` }}"
    operator: AnyNotIn
    value: [NET_BIND_SERVICE, CHOWN]
  - key: "{{ (element.securityContext.capabilities.add || \`[]\`)[?contains(@, '*') || contains(@, '?')] }}"
    operator: NotEquals
    value: []`));
    expect(r.rule.status).toBe('proven');
    expect(r.text).toContain('require every container has securityContext.capabilities.add contains only ["NET_BIND_SERVICE", "CHOWN"]');
  });

  it('a list AnyNotIn alone is refused: Kyverno matches the key\'s elements as wildcards too (anyin.go), so an element * is in every list', async () => {
    const r = await imported(perContainer(`any:
  - key: "{{ element.securityContext.capabilities.add || \`[]\` }}"
    operator: AnyNotIn
    value: [NET_BIND_SERVICE]`));
    expect(r.rule.status).toBe('not-imported');
    expect(r.rule.reason).toContain('AnyNotIn with a list key without the condition on its elements with wildcards');
    expect(r.codes).toContain('SP3001');
  });

  it('a literal key AnyNotIn / AnyIn / In against the wildcard-free elements of a list is (not) "contains"', async () => {
    const drop = "{{ (element.securityContext.capabilities.drop || `[]`)[?!contains(@, '*') && !contains(@, '?')] }}";
    const notIn = await imported(perContainer(`all:
  - key: ALL
    operator: AnyNotIn
    value: "${drop}"`));
    expect(notIn.rule.status).toBe('proven');
    expect(notIn.text).toContain('require every container has securityContext.capabilities.drop contains "ALL"');
    for (const op of ['AnyIn', 'In']) {
      const r = await imported(perContainer(`all:
  - key: SYS_ADMIN
    operator: ${op}
    value: "${drop.replace('drop', 'add')}"`));
      expect(r.rule.status).toBe('proven');
      expect(r.text).toContain('securityContext.capabilities.add contains "SYS_ADMIN"');
    }
  });

  it('a literal key with a wildcard, or read as a range, is refused', async () => {
    for (const key of ['"SYS_*"', '"1-5"']) {
      const r = await imported(perContainer(`all:
  - key: ${key}
    operator: AnyIn
    value: "{{ (element.securityContext.capabilities.add || \`[]\`)[?!contains(@, '*') && !contains(@, '?')] }}"`));
      expect(r.rule.status).toBe('not-imported');
      expect(r.rule.reason).toMatch(/AnyIn with the key .*a literal starting with a letter, without wildcards/);
    }
  });

  it('an upstream-style projection over the containers with AnyNotIn (kyverno/policies disallow-capabilities) is translated and proven on the generated capabilities', async () => {
    const r = await imported(onObject(`all:
  - key: "{{ request.object.spec.[ephemeralContainers, initContainers, containers][].securityContext.capabilities.add[] }}"
    operator: AnyNotIn
    value: [AUDIT_WRITE, CHOWN, NET_BIND_SERVICE]`));
    expect(r.rule.status).toBe('proven');
    // kyverno-deny.ts's reading. Doubtful on one point verify's generated capabilities never reach: an element
    // holding a wildcard (`*`) matches every value under AnyNotIn (anyin.go), so Kyverno admits it; secpol denies it.
    expect(r.text).toContain('forbid any container has (not securityContext.capabilities.add contains only ["AUDIT_WRITE", "CHOWN", "NET_BIND_SERVICE"])');
  });

  it('--verify catches translations that differ from the operators: > for GreaterThanOrEquals, = "" for Equals "" on a defaulted key (a missing label), "contains only" without the not', async () => {
    const cases: [string, string, string][] = [
      [perContainer(`all:
  - key: "{{ element.resources.limits.memory || '' }}"
    operator: GreaterThanOrEquals
    value: "2147483648"`), 'forbid any container has resources.limits.memory >= 2147483648', 'forbid any container has resources.limits.memory > 2147483648'],
      [onObject(`any:
  - key: "{{ request.object.metadata.labels.team || '' }}"
    operator: Equals
    value: ""`), 'forbid metadata.labels.team is empty', 'forbid metadata.labels.team = ""'],
      [perContainer(`any:
  - key: "{{ element.securityContext.capabilities.add || \`[]\` }}"
    operator: AnyNotIn
    value: [NET_BIND_SERVICE]
  - key: "{{ (element.securityContext.capabilities.add || \`[]\`)[?contains(@, '*') || contains(@, '?')] }}"
    operator: NotEquals
    value: []`), 'require every container has securityContext.capabilities.add contains only ["NET_BIND_SERVICE"]', 'forbid any container has securityContext.capabilities.add contains only ["NET_BIND_SERVICE"]'],
    ];
    for (const [text, right, wrong] of cases) {
      const file = importArtifacts([{ path: 'p.yaml', text }], { today }).value!.files[0]!;
      expect(file.text).toContain(right);
      const good = await proveOnce(file.policy, file.set!.policies[0]!, verify);
      expect(good.failed).toBeUndefined();
      const bad = buildChecked({ ...file.policy, rules: file.policy.rules.map((r) => ({ ...r, lines: ['applies to pods', wrong] })) }, { today });
      const r = await proveOnce(bad.policy, bad.set!.policies[0]!, verify);
      expect(r.failed?.key, wrong).toBe('r');
    }
  });
});
