import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkFiles } from '../../src/check/index.js';
import { SourceFile } from '../../src/source/index.js';
import { parseSource, type FileAst, type PolicyAst } from '../../src/syntax/index.js';
import { dsl, testToday } from '../helpers/dsl.js';

const text = dsl`
  policy hardening {
    applies to pods
    except namespaces "kube-system"
    rule no-privileged {
      forbid any container has securityContext.privileged = true
    }
    rule non-root {
      require every container has effective runAsNonRoot = true
    }
    rule no-host-pid {
      forbid spec.hostPID = true
    }
    exception legacy {
      namespaces "legacy"
      rules no-host-pid
      reason "migration"
    }
    exception vendor {
      images "ghcr.io/vendor/*"
      rules no-privileged
      reason "vendor agent"
    }
  }

  policy rbac {
    applies to "rbac.authorization.k8s.io/v1" Role, ClusterRole
    rule no-wildcard-verbs {
      forbid any rbac rule has verbs contains "*"
    }
  }

  network shop {
    namespace "shop"
    default deny ingress and egress in namespaces "shop", "db"
    allow dns in namespaces "shop", "db"
    allow from pods where app = "api" to pods where app = "pg" in namespace "db" on tcp 5432
    allow from pods where app = "web" to pods where app = "api" on tcp 8080
    allow from pods where app = "api" to cidr "0.0.0.0/0" except "10.0.0.0/8" on tcp 443
  }`;

function irWithoutSpans(files: readonly FileAst[]): string {
  const checked = checkFiles(files, { today: testToday });
  expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return JSON.stringify(checked.value, (k, v: unknown) => (k === 'span' || k === 'predicateSpan' ? undefined : v));
}

function shuffled<T>(items: readonly T[], order: readonly number[]): T[] {
  return items.map((item, i) => ({ item, key: order[i] ?? 0 })).sort((a, b) => a.key - b.key).map((x) => x.item);
}

describe('lowering', () => {
  const file = parseSource(new SourceFile('order.secpol', text)).value!;
  const reference = irWithoutSpans([file]);

  it('does not depend on the order of declarations, items or files', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 20, maxLength: 20 }), fc.boolean(), (order, split) => {
        const decls = shuffled(file.decls, order).map((d) =>
          d.kind === 'policy' ? ({ ...d, items: shuffled(d.items, order.slice(3)) } as PolicyAst) : ({ ...d, items: shuffled<unknown>(d.items, order.slice(7)) } as typeof d),
        );
        const files: FileAst[] = split ? decls.map((d) => ({ ...file, decls: [d] })) : [{ ...file, decls }];
        expect(irWithoutSpans(shuffled(files, order.slice(11)))).toBe(reference);
      }),
      { seed: 11, numRuns: 200 },
    );
  });
});
