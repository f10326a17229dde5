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

const { existsSync } = await import('node:fs');
const { setFlagsFromString } = await import('node:v8');

// A run of secpol is short: V8's optimizing compiler (TurboFan) compiles functions that turn hot for a moment and
// then are done with (the parser, each backend, the VAP cost check), which cost a 100-rule compile ~20 % of its CPU
// time. Eight times V8 11.3's interrupt budget (Node 20; default 67584) lets only code that stays hot be optimized:
// a 100-rule compile used 640 instead of 800 ms of CPU, 1,000 rules 1.5 instead of 1.9 s, 10,000 rules no more, and
// `secpol verify` less (docs/performance.md, session 5). The budget is a tiering heuristic that V8 reads whenever it
// resets a function's budget, so setting it before the bundle loads applies to all of it. Other V8 versions keep
// their defaults (newer ones replaced the flag), and SECPOL_V8_DEFAULTS=1 keeps them on Node 20 too.
if (process.versions.v8.startsWith('11.3.') && !process.env.SECPOL_V8_DEFAULTS) setFlagsFromString('--interrupt-budget=540672');

if (process.env.SECPOL_DEBUG) process.setSourceMapsEnabled(true);
// `secpol compile … | head`: a reader that stops early is not an error, and not a stack trace.
process.stdout.on('error', (e) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(0);
});
const bundle = new URL('../dist/cli/secpol.js', import.meta.url);
const builder = new URL('../scripts/bundle.mjs', import.meta.url);
if (!existsSync(bundle) && existsSync(builder)) await import(builder.href);
const { main } = await import(bundle.href);

process.exitCode = await main(argv);
