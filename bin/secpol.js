#!/usr/bin/env node
// Launcher for the bundled CLI in dist/cli/ (scripts/bundle.mjs; the package is built by `prepack`).
// In a checkout the bundle is built on first use: the package has no `prepare` script, which npm would list as an
// install script on every install of the package. After editing src/, `npm run build` (or `npm test`) rebuilds it.
// SECPOL_DEBUG=1 maps stack traces back to src/*.ts through the bundle's source maps.

// `secpol --version` (also `-v`, `version`) is answered here, from the package.json the bundle's main() reads, without
// loading the bundle or the ES-module faces of node:fs and node:v8 (importing node:fs from a module builds its whole
// export list, fs.promises included) and without creating process.stdout: ~20 ms of a ~130 ms start
// (docs/performance.md, session 6). The text is main()'s (test/cli/version-fast-path.test.ts compares both); any
// surprise (no such file, another name, a write that fails other than by a closed pipe) falls through to main().
const argv = process.argv.slice(2);
if ((argv[0] === '--version' || argv[0] === '-v' || argv[0] === 'version') && typeof process.getBuiltinModule === 'function') {
  const fs = process.getBuiltinModule('node:fs');
  // main() looks beside dist/cli/ first (../package.json of the bundle), then at the package root: the same order.
  for (const relative of ['../dist/package.json', '../package.json']) {
    let pkg;
    try {
      pkg = JSON.parse(fs.readFileSync(new URL(relative, import.meta.url), 'utf8'));
    } catch {
      continue;
    }
    if (!pkg || pkg.name !== 'secpol' || !pkg.version) continue;
    try {
      fs.writeSync(1, `secpol ${pkg.version}\n`);
    } catch (e) {
      if (e.code !== 'EPIPE') break; // e.g. EAGAIN on a non-blocking pipe: let main() write through process.stdout
    }
    process.exit(0);
  }
}

const builtin = (name) => (typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule(name) : import(name));
const fs = await builtin('node:fs');
const { setFlagsFromString } = await builtin('node:v8');

// A run of secpol is short: V8's optimizing compiler (TurboFan) compiles functions that turn hot for a moment and
// then are done with (the parser, each backend, the VAP cost check), which cost a 100-rule compile ~20 % of its CPU
// time. Eight times V8 11.3's interrupt budget (Node 20; default 67584) lets only code that stays hot be optimized:
// a 100-rule compile used 640 instead of 800 ms of CPU, 1,000 rules 1.5 instead of 1.9 s, 10,000 rules no more, and
// `secpol verify` less (docs/performance.md, session 5). The budget is a tiering heuristic that V8 reads whenever it
// resets a function's budget, so setting it before the bundle loads applies to all of it. Other V8 versions keep
// their defaults (newer ones replaced the flag), and SECPOL_V8_DEFAULTS=1 keeps them on Node 20 too.
const budget = process.versions.v8.startsWith('11.3.') && !process.env.SECPOL_V8_DEFAULTS;
if (budget) setFlagsFromString('--interrupt-budget=540672');

if (process.env.SECPOL_DEBUG) process.setSourceMapsEnabled(true);
// `secpol compile … | head`: a reader that stops early is not an error, and not a stack trace.
process.stdout.on('error', (e) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(0);
});

/**
 * For compile, check and fmt: the one-script build (dist/cli/secpol-<hash>.cjs) with the V8 code cache scripts/bundle.mjs made for it, when there
 * is one for this V8, this architecture and these V8 settings: V8 then skips compiling what the cache holds, most of
 * a short run's compile time (docs/performance.md, session 6). V8 rejects a cache made for another version or other
 * flags, and would then compile everything at once, so the cache is used only when node has no options of its own
 * (NODE_OPTIONS, node's command line) and not with SECPOL_DEBUG (source maps are the ES-module bundle's);
 * SECPOL_CODE_CACHE=0 turns it off, =1 uses it under node options too (a CPU profile of it); SECPOL_CODE_CACHE_REPORT=1
 * says on stderr which build ran and whether V8 took the cache.
 * SECPOL_CODE_CACHE_WRITE=<script> runs that script without a cache and saves one beside it (the build does this);
 * without a cache for the running node, a run saves one itself where it may (below).
 */
const cacheSuffix = `-${process.versions.v8}-${process.arch}${budget ? '-budget' : ''}.v8cache`;
function cachedScript() {
  const writing = process.env.SECPOL_CODE_CACHE_WRITE;
  if (writing) return { script: writing, cache: undefined };
  const mode = process.env.SECPOL_CODE_CACHE;
  if (mode === '0' || process.env.SECPOL_DEBUG) return undefined;
  // The one-script build holds the short commands only (scripts/bundle.mjs); the others run long enough for their
  // start not to matter and stay in the ES-module bundle.
  if (!['check', 'fmt', 'compile'].includes(argv[0])) return undefined;
  if (mode !== '1' && (process.execArgv.length > 0 || process.env.NODE_OPTIONS)) return undefined;
  const dir = new URL('../dist/cli/', import.meta.url);
  let names;
  try {
    names = fs.readdirSync(dir);
  } catch {
    return undefined;
  }
  const cache = names.find((n) => n.startsWith('secpol-') && n.endsWith(cacheSuffix));
  if (cache) {
    const script = `secpol-${cache.slice('secpol-'.length, -cacheSuffix.length)}.cjs`;
    return names.includes(script) ? { script: new URL(script, dir), cache: new URL(cache, dir) } : undefined;
  }
  // The build's cache fits only the node that built the package. For any other, this run makes one beside the script
  // when the package's folder is writable by its user (never elsewhere: a cache is code, trusted as the script is),
  // silently; the next runs use it. This run is the one-script build without a cache, a little slower than the
  // ES-module bundle, once.
  const scripts = names.filter((n) => /^secpol-[0-9a-f]{16}\.cjs$/.test(n));
  if (scripts.length !== 1) return undefined;
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    return undefined;
  }
  return { script: new URL(scripts[0], dir), cache: undefined, save: true };
}

async function loadMain() {
  const found = cachedScript();
  if (found) {
    const { createRequire } = await builtin('node:module');
    const { Script } = await builtin('node:vm');
    const { dirname, resolve } = await builtin('node:path');
    const { fileURLToPath } = await builtin('node:url');
    const path = found.script instanceof URL ? fileURLToPath(found.script) : resolve(found.script);
    let cachedData;
    try {
      cachedData = found.cache && fs.readFileSync(found.cache);
    } catch {
      cachedData = undefined;
    }
    // The same wrapper as Node's own CommonJS loader; V8 pairs a cache with the exact text it was made from. The build
    // writes the script in ASCII, which latin1 reads as UTF-8 would, ~30 times faster than Node 20's UTF-8 decoder.
    const script = new Script(`(function (exports, require, module, __filename, __dirname) {${fs.readFileSync(path, 'latin1')}\n})`, { filename: path, cachedData });
    if (process.env.SECPOL_CODE_CACHE_REPORT) process.stderr.write(`secpol: one-script build, code cache ${!cachedData ? 'absent' : script.cachedDataRejected ? 'rejected by V8' : 'used'}\n`);
    const module = { exports: {} };
    script.runInThisContext()(module.exports, createRequire(path), module, path, dirname(path));
    return { main: module.exports.main, script, path, save: Boolean(found.save) };
  }
  const bundle = new URL('../dist/cli/secpol.js', import.meta.url);
  const builder = new URL('../scripts/bundle.mjs', import.meta.url);
  if (!fs.existsSync(bundle) && fs.existsSync(builder)) await import(builder.href);
  if (process.env.SECPOL_CODE_CACHE_REPORT) process.stderr.write('secpol: ES-module bundle\n');
  return { main: (await import(bundle.href)).main };
}

const loaded = await loadMain();
process.exitCode = await loaded.main(argv);
if (loaded.script && (process.env.SECPOL_CODE_CACHE_WRITE || loaded.save)) {
  // Saved after the run, so the cache holds every function the run compiled, not only the top level.
  const { basename, dirname, join } = await builtin('node:path');
  const name = `${basename(loaded.path, '.cjs')}${cacheSuffix}`;
  const target = join(dirname(loaded.path), name);
  try {
    fs.writeFileSync(`${target}.${process.pid}.tmp`, loaded.script.createCachedData());
    fs.renameSync(`${target}.${process.pid}.tmp`, target);
    if (process.env.SECPOL_CODE_CACHE_WRITE) process.stderr.write(`secpol-code-cache: ${name}\n`);
  } catch (e) {
    // A run made on the user's machine is an optimisation: a full disk or a read-only folder is no error of the run.
    if (process.env.SECPOL_CODE_CACHE_WRITE) throw e;
    try {
      fs.rmSync(`${target}.${process.pid}.tmp`, { force: true });
    } catch {
      // nothing was written
    }
  }
}
