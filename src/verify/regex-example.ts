import { re2RegExp, translateRe2Flags } from '../ir/index.js';

/**
 * Strings that a regex matches, built by walking the pattern (the RE2 subset the checker accepts: literals,
 * escapes, classes, groups, alternation, ?, *, +, {n,m}, anchors). Used to seed verify with values on both
 * sides of a `matches regex` test; when the walk fails (an unusual construct), it returns nothing.
 */
export function regexExamples(pattern: string): string[] {
  try {
    const t = translateRe2Flags(pattern);
    if (!t.ok) return [];
    const parser = new ExampleWalker(t.source);
    const out = new Set<string>([parser.example('min'), parser.reset().example('max')]);
    const re = re2RegExp(pattern);
    return [...out].filter((s) => re.test(s));
  } catch {
    return [];
  }
}

class ExampleWalker {
  private i = 0;
  constructor(private readonly p: string) {}

  reset(): this {
    this.i = 0;
    return this;
  }

  /** One example: `min` takes the fewest repetitions and the first alternative, `max` more and the last. */
  example(mode: 'min' | 'max'): string {
    const s = this.alternation(mode);
    if (this.i < this.p.length) throw new Error('unbalanced');
    return s;
  }

  private alternation(mode: 'min' | 'max'): string {
    const options = [this.sequence(mode)];
    while (this.p[this.i] === '|') {
      this.i++;
      options.push(this.sequence(mode));
    }
    return (mode === 'min' ? options[0] : options[options.length - 1]) ?? '';
  }

  private sequence(mode: 'min' | 'max'): string {
    let out = '';
    while (this.i < this.p.length && this.p[this.i] !== '|' && this.p[this.i] !== ')') {
      const atom = this.atom(mode);
      out += this.repeat(atom, mode);
    }
    return out;
  }

  private repeat(atom: () => string, mode: 'min' | 'max'): string {
    const c = this.p[this.i];
    let min = 1;
    let max = 1;
    if (c === '?') [min, max] = [0, 1];
    else if (c === '*') [min, max] = [0, 2];
    else if (c === '+') [min, max] = [1, 2];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.p.slice(this.i));
      if (!m) throw new Error('bad repeat');
      min = Number(m[1]);
      max = m[2] ? (m[3] ? Number(m[3]) : min + 1) : min;
      this.i += m[0].length - 1;
    } else return atom();
    this.i++;
    if (this.p[this.i] === '?') this.i++;
    const n = mode === 'min' ? min : max;
    let out = '';
    for (let k = 0; k < n; k++) out += atom();
    return out;
  }

  private atom(mode: 'min' | 'max'): () => string {
    const c = this.p[this.i++] ?? '';
    if (c === '^' || c === '$') return () => '';
    if (c === '.') return () => 'x';
    if (c === '(') {
      if (this.p.startsWith('?:', this.i)) this.i += 2;
      const start = this.i;
      const text = this.alternation(mode);
      if (this.p[this.i] !== ')') throw new Error('unclosed group');
      this.i++;
      const end = this.i;
      return () => (start <= end ? text : '');
    }
    if (c === '[') {
      const close = this.p.indexOf(']', this.i + 1);
      if (close < 0) throw new Error('unclosed class');
      const body = this.p.slice(this.i, close);
      this.i = close + 1;
      const ch = body.startsWith('^') ? 'Z' : (body.replace(/\\(.)/, '$1')[0] ?? 'a');
      return () => ch;
    }
    if (c === '\\') {
      const e = this.p[this.i++] ?? '';
      const cls: Record<string, string> = { d: '7', w: 'w', s: ' ', D: 'x', W: '-', S: 'x', b: '' };
      const ch = cls[e] ?? e;
      return () => ch;
    }
    return () => c;
  }
}
