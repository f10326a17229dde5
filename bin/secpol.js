#!/usr/bin/env node
// Launcher for the bundled CLI in dist/cli/ (scripts/bundle.mjs; the package is built by `prepack`).
// In a checkout the bundle is built on first use: the package has no `prepare` script, which npm would list as an
// install script on every install of the package. After editing src/, `npm run build` (or `npm test`) rebuilds it.
// SECPOL_DEBUG=1 maps stack traces back to src/*.ts through the bundle's source maps.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

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

process.exitCode = await main(process.argv.slice(2));
