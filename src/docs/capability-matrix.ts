import { constructs, type CapabilityTable, type ConstructId, type Support } from '../backends/capabilities.js';
import { gatekeeperCapabilities } from '../backends/gatekeeper/index.js';
import { kyvernoCapabilities } from '../backends/kyverno/index.js';
import { netpolCapabilities } from '../backends/netpol/index.js';
import { psaCapabilities } from '../backends/psa/index.js';
import { vapCapabilities } from '../backends/vap/index.js';
import { kyvernoCelCapabilities } from '../backends/kyverno-cel/index.js';

export const capabilityTables: Readonly<Record<string, CapabilityTable>> = {
  kyverno: kyvernoCapabilities,
  gatekeeper: gatekeeperCapabilities,
  psa: psaCapabilities,
  vap: vapCapabilities,
  'kyverno-cel': kyvernoCelCapabilities,
  netpol: netpolCapabilities,
};

function cell(s: Support): string {
  switch (s.level) {
    case 'exact':
      return 'exact';
    case 'not-applicable':
      return '—';
    case 'approximate':
      return `approximate¹`;
    case 'unsupported':
      return 'SP2001';
  }
}

/** docs/capabilities.md: every IR construct against every backend, from the tables the test checks. */
export function capabilityMatrix(): string {
  const backends = Object.keys(capabilityTables);
  const lines = [
    '# Capability matrix',
    '',
    'Generated from `src/backends/*/capabilities.ts` by `npm run generate`; do not edit. test/backends/capabilities.test.ts',
    'compiles the example of every construct with every backend and checks the declaration: `exact` compiles (and',
    '`secpol verify` proves it), `SP2001` is a compile error naming the construct, `—` does not apply to that backend.',
    '',
    `| construct | ${backends.join(' | ')} |`,
    `|---|${backends.map(() => '---').join('|')}|`,
    ...(Object.keys(constructs) as ConstructId[]).map((id) => `| ${id} | ${backends.map((b) => cell(capabilityTables[b]![id])).join(' | ')} |`),
    '',
    '## Notes',
    '',
  ];
  for (const b of backends) {
    for (const id of Object.keys(constructs) as ConstructId[]) {
      const s = capabilityTables[b]![id];
      if (s.level === 'approximate' || s.level === 'unsupported') lines.push(`- **${b}, ${id}** (${s.level === 'approximate' ? 'approximate¹' : 'SP2001'}): ${s.note}.`);
    }
  }
  lines.push('', '¹ Compiles without error; the difference is documented here and in the backend\'s page.', '');
  return lines.join('\n');
}
