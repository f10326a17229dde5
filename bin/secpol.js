#!/usr/bin/env node
// Launcher for the bundled CLI in dist/cli/ (scripts/bundle.mjs; the package is built by `prepack`).
// In a checkout the bundle is built on first use: the package has no `prepare` script, which npm would list as an
// install script on every install of the package. After editing src/, `npm run build` (or `npm test`) rebuilds it.
// SECPOL_DEBUG=1 maps stack traces back to src/*.ts through the bundle's source maps.
import { existsSync } from 'node:fs';

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
