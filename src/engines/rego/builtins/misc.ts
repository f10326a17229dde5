/** Time, semantic versions and tracing (OPA builtins reference: "Time", "SemVer", "Tracing"). */
import { define, BuiltinError, str, type Builtin } from './registry.js';

/** Semantic Versioning 2.0.0, without a leading `v` (as OPA's semver builtins). */
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

function parseSemver(name: string, s: string): RegExpExecArray {
  const m = SEMVER.exec(s);
  if (!m) throw new BuiltinError(`${name}: string ${JSON.stringify(s)} is not a valid SemVer`);
  return m;
}

function comparePre(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  const xs = a.split('.');
  const ys = b.split('.');
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    if (x === y) continue;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) return Number(x) < Number(y) ? -1 : 1;
    if (xn) return -1;
    if (yn) return 1;
    return x < y ? -1 : 1;
  }
  return Math.sign(xs.length - ys.length);
}

function compareSemver(a: string, b: string): number {
  const x = parseSemver('semver.compare', a);
  const y = parseSemver('semver.compare', b);
  for (let i = 1; i <= 3; i++) {
    const d = Number(x[i]) - Number(y[i]);
    if (d !== 0) return Math.sign(d);
  }
  return comparePre(x[4], y[4]);
}

export const miscBuiltins: readonly Builtin[] = [
  define('time.now_ns', 0, (_args, ctx) => ctx.nowNs),
  define('time.parse_rfc3339_ns', 1, (args) => {
    const s = str('time.parse_rfc3339_ns', args, 0);
    const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.exec(s);
    const ms = m ? Date.parse(`${m[1]}${m[3]}`) : NaN;
    if (!m || Number.isNaN(ms)) throw new BuiltinError(`time.parse_rfc3339_ns: cannot parse ${JSON.stringify(s)}`);
    const frac = m[2] ? Number(m[2].slice(1).padEnd(9, '0').slice(0, 9)) : 0;
    return ms * 1e6 + frac;
  }),
  define('semver.is_valid', 1, ([v]) => typeof v === 'string' && SEMVER.test(v)),
  define('semver.compare', 2, (args) => compareSemver(str('semver.compare', args, 0), str('semver.compare', args, 1))),
  define('trace', 1, () => true),
];
