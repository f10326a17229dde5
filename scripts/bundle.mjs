// Builds the CLI the package's bin runs: dist/cli/secpol.js plus one chunk per lazily loaded stage (esbuild,
// ESM code splitting), every dependency inlined, so an install needs no node_modules and start-up resolves a
// handful of files instead of ~120 modules. Run by `prepack` (npm pack/publish), `npm run build`, `npm test`, and by
// bin/secpol.js on first use in a checkout.
//
// Source maps are written beside each file (mappings only, no sources: 3.9 MB unpacked instead of 6.9 MB) and are not
// loaded by default: SECPOL_DEBUG=1 turns them on (bin/secpol.js), so a stack trace names src/*.ts lines without
// slowing every start.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// SECPOL_BUNDLE_OUT builds elsewhere (an A/B comparison of two builds; the bench), SECPOL_BUNDLE_MINIFY=0 keeps names
// for a readable CPU profile.
const outdir = process.env.SECPOL_BUNDLE_OUT ? join(process.env.SECPOL_BUNDLE_OUT, 'dist', 'cli') : join(root, 'dist', 'cli');

/**
 * grammar/chevrotain.ts loads Chevrotain's single-file build by a computed path (the package's exports map hides
 * it). In the bundle, the same file is imported statically, so esbuild inlines it.
 */
const chevrotainBuild = {
  name: 'chevrotain-build',
  setup(b) {
    const file = join(root, 'grammar', 'chevrotain.ts');
    const min = join(dirname(createRequire(join(root, 'package.json')).resolve('chevrotain')), '..', 'chevrotain.min.mjs');
    b.onLoad({ filter: /[\\/]grammar[\\/]chevrotain\.ts$/ }, (args) => {
      if (args.path !== file) return undefined;
      const names = [...readFileSync(file, 'utf8').matchAll(/^export const (\w+)/gm)].map((m) => m[1]);
      return { contents: `export { ${names.join(', ')} } from ${JSON.stringify(min)};\n`, loader: 'js', resolveDir: dirname(file) };
    });
  },
};

/**
 * Handlebars loads the source-map library only to give precompiled templates source maps, which secpol never asks
 * for; without it (as in its browser build) it uses its own small SourceNode and emits the same code.
 */
const noSourceMapLibrary = {
  name: 'no-source-map-library',
  setup(b) {
    b.onResolve({ filter: /^source-map$/ }, (args) => (/[\\/]handlebars[\\/]/.test(args.importer) ? { path: 'source-map', namespace: 'secpol-empty' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'secpol-empty' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: { secpol: 'src/cli.ts' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  minify: process.env.SECPOL_BUNDLE_MINIFY !== '0',
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  metafile: true,
  write: false,
  logLevel: 'warning',
  tsconfig: join(root, 'tsconfig.build.json'),
  // CommonJS dependencies (handlebars, jmespath) call require() for Node built-ins.
  banner: { js: "import { createRequire as __secpolRequire } from 'node:module'; const require = __secpolRequire(import.meta.url);" },
  plugins: [chevrotainBuild, noSourceMapLibrary],
});

/** Every file is written to a temporary name and renamed, chunks before the entry, so a running CLI never reads half a file. */
const written = new Set();
const ordered = [...result.outputFiles].sort((a, b) => Number(a.path.endsWith(`${join('cli', 'secpol.js')}`)) - Number(b.path.endsWith(`${join('cli', 'secpol.js')}`)));
for (const f of ordered) {
  mkdirSync(dirname(f.path), { recursive: true });
  const tmp = `${f.path}.${process.pid}.tmp`;
  writeFileSync(tmp, f.contents);
  renameSync(tmp, f.path);
  written.add(f.path);
}

// The licences of the dependencies inlined in the bundle travel with it.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m && !packages.has(m[1])) packages.set(m[1], join(root, input.slice(0, m.index + m[0].length)));
}
const notices = [...packages.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, dir]) => {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const licenceFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
  const text = licenceFile ? readFileSync(join(dir, licenceFile), 'utf8').trim() : `${pkg.license} (no licence file in the package)`;
  return `## ${name}@${pkg.version} (${pkg.license})\n\n${text}\n`;
});
const licences = join(outdir, 'THIRD-PARTY-LICENSES.md');
writeFileSync(`${licences}.${process.pid}.tmp`, `# Third-party software inlined in dist/cli\n\n${notices.join('\n')}`);
renameSync(`${licences}.${process.pid}.tmp`, licences);
written.add(licences);

// Chunks of an earlier build (their names carry a content hash) are removed.
for (const dir of [outdir, join(outdir, 'chunks')]) {
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    if (name.isFile() && !written.has(path)) rmSync(path);
  }
}
const bytes = [...result.outputFiles].filter((f) => f.path.endsWith('.js')).reduce((n, f) => n + f.contents.length, 0);
console.error(`bundled ${relative(root, outdir)}: ${[...result.outputFiles].filter((f) => f.path.endsWith('.js')).length} files, ${(bytes / 1024).toFixed(0)} KiB of JavaScript, ${packages.size} packages inlined`);
