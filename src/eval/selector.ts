import type { LabelSelector } from '../ir/index.js';

/** Kubernetes label selector semantics: matchLabels AND every expression (NotIn and DoesNotExist hold when absent). */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels)) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions) {
    const present = Object.hasOwn(labels, e.key);
    const value = labels[e.key] ?? '';
    switch (e.operator) {
      case 'In':
        if (!present || !e.values.includes(value)) return false;
        break;
      case 'NotIn':
        if (present && e.values.includes(value)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
    }
  }
  return true;
}
