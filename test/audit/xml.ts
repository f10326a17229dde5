/** A parsed XML element (just enough of XML 1.0 to read back JUnit reports). */
export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

const name = '[A-Za-z_:][-A-Za-z0-9_.:]*';
const entity = /&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/g;
// XML 1.0 Char production: no C0 controls other than tab, LF, CR; no U+FFFE/U+FFFF.
const forbiddenChar = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function decode(raw: string, where: string): string {
  if (forbiddenChar.test(raw)) throw new Error(`character not allowed in XML in ${where}`);
  const stripped = raw.replace(entity, '');
  if (stripped.includes('&')) throw new Error(`unescaped & in ${where}: ${raw}`);
  if (stripped.includes('<')) throw new Error(`unescaped < in ${where}: ${raw}`);
  return raw.replace(entity, (e) => {
    const table: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" };
    if (table[e]) return table[e];
    const code = e.startsWith('&#x') ? parseInt(e.slice(3, -1), 16) : parseInt(e.slice(2, -1), 10);
    return String.fromCodePoint(code);
  });
}

/**
 * Parses a document that must be well-formed: one root element, every tag closed in order, attributes quoted and
 * unique, no raw `<` or `&` in text or attribute values, only XML characters. Throws on the first violation.
 */
export function parseXml(text: string): XmlElement {
  let rest = text.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const open = new RegExp(`^<(${name})((?:\\s+${name}\\s*=\\s*(?:"[^"]*"|'[^']*'))*)\\s*(/?)>`);
  const close = new RegExp(`^</(${name})\\s*>`);
  while (rest.length) {
    const lt = rest.indexOf('<');
    const chunk = lt < 0 ? rest : rest.slice(0, lt);
    if (chunk) {
      const top = stack[stack.length - 1];
      if (!top) {
        if (chunk.trim()) throw new Error(`text outside the root element: ${chunk.slice(0, 40)}`);
      } else top.text += decode(chunk, `<${top.name}> text`);
      if (chunk.includes('>') && !top) throw new Error('stray >');
      rest = rest.slice(chunk.length);
      continue;
    }
    const c = close.exec(rest);
    if (c) {
      const top = stack.pop();
      if (!top || top.name !== c[1]) throw new Error(`</${c[1]}> closes <${top?.name ?? 'nothing'}>`);
      rest = rest.slice(c[0].length);
      continue;
    }
    const o = open.exec(rest);
    if (!o) throw new Error(`malformed tag at: ${rest.slice(0, 60)}`);
    const attrs: Record<string, string> = {};
    for (const a of (o[2] ?? '').matchAll(new RegExp(`(${name})\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'g'))) {
      const key = a[1] ?? '';
      if (key in attrs) throw new Error(`duplicate attribute ${key}`);
      attrs[key] = decode(a[2] ?? a[3] ?? '', `attribute ${key}`);
    }
    const el: XmlElement = { name: o[1] ?? '', attrs, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else if (root) throw new Error('more than one root element');
    else root = el;
    if (o[3] !== '/') stack.push(el);
    rest = rest.slice(o[0].length);
  }
  if (stack.length) throw new Error(`<${stack[stack.length - 1]?.name}> is never closed`);
  if (!root) throw new Error('no root element');
  return root;
}
