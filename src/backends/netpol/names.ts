import { createHash } from 'node:crypto';

/** A short, stable digest: the first 6 hex digits of SHA-256. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 6);
}

/**
 * An RFC 1123 label (what `kubectl` accepts everywhere a name goes): lowercase alphanumerics and '-',
 * at most 63 characters. Longer names keep their first 56 characters and end in a hash of the whole.
 */
export function dnsLabel(text: string): string {
  const clean = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  const base = clean === '' ? 'x' : clean;
  if (base.length <= 63) return base;
  return `${base.slice(0, 56).replace(/-+$/, '')}-${shortHash(text)}`;
}

/** A slug for a pod selector made of `k = v` tests: the values, joined (e.g. `app = "api"` -> `api`). */
export function selectorSlug(matchLabels: Readonly<Record<string, string>>): string {
  return dnsLabel(
    Object.keys(matchLabels)
      .sort()
      .map((k) => matchLabels[k] ?? '')
      .join('-'),
  );
}
