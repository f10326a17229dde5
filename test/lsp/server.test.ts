import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { positionOf, startInMemory, uriOf, workspace, type Client } from './harness.js';

const policy = `policy hardening {
  applies to pods
  except namespaces "kube-system"

  rule no-privileged {
    forbid any container has securityContext.privileged = true
  }

  rule non-root {
    require every container has effective runAsNonRoot = true
  }

  exception legacy {
    namespaces "legacy"
    rules no-privileged
    reason "migrating"
  }
}
`;

let client: Client | undefined;
afterEach(() => client?.dispose());

describe('secpol lsp over JSON-RPC', () => {
  it('publishes diagnostics on open and after an edit, with codes linking to their pages', async () => {
    const root = workspace();
    client = await startInMemory(root);
    const uri = uriOf(join(root, 'p.secpol'));
    const first = await client.open(uri, policy);
    expect(first.diagnostics).toEqual([]);
    const next = client.nextDiagnostics(uri);
    const broken = policy.replace('securityContext.privileged', 'securityContext.priviliged');
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: broken }] });
    const after = await next;
    expect(after.version).toBe(2);
    expect(after.diagnostics).toHaveLength(1);
    const d = after.diagnostics[0]!;
    expect(d.code).toBe('SP1002');
    expect(d.codeDescription?.href).toMatch(/docs\/diagnostics\/SP1002\.md$/);
    expect(d.range.start).toEqual(positionOf(broken, 'priviliged'));
    expect(d.message).toContain('did you mean "privileged"?');
  });
});
