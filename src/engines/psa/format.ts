/** Upstream's message-building conventions, so our wording matches PSA's byte for byte where we can. */

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** `"a", "b"`: names wrapped in double quotes without escaping, as upstream's joinQuote does. */
export function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

/** Deduplicated and sorted by code unit (byte order for ASCII), like Go's `sets.List`. */
export function sortedSet(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}

const goEscapes: Readonly<Record<string, string>> = {
  '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '"': '\\"', '\\': '\\\\',
};

/** Go's `%q` for a string (strconv.Quote) for ASCII control characters; other text is kept as is. */
export function goQuote(text: string): string {
  let out = '"';
  for (const char of text) {
    const escaped = goEscapes[char];
    const code = char.codePointAt(0) ?? 0;
    if (escaped !== undefined) out += escaped;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

/** `container "a"` / `containers "a", "b"`. */
export function containersPhrase(names: readonly string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}
