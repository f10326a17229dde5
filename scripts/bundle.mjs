// Builds the CLI the package's bin runs: dist/cli/secpol.js plus one chunk per lazily loaded stage (esbuild,
// ESM code splitting), every dependency inlined, so an install needs no node_modules and start-up resolves a
// handful of files instead of ~120 modules. Run by `prepack` (npm pack/publish), `npm run build`, `npm test`, and by
// bin/secpol.js on first use in a checkout.
//
// Source maps are written beside each file (mappings only, no sources: 3.9 MB unpacked instead of 6.9 MB) and are not
// loaded by default: SECPOL_DEBUG=1 turns them on (bin/secpol.js), so a stack trace names src/*.ts lines without
// slowing every start.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
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

const shared = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: process.env.SECPOL_BUNDLE_MINIFY !== '0',
  legalComments: 'none',
  logLevel: 'warning',
  tsconfig: join(root, 'tsconfig.build.json'),
  plugins: [chevrotainBuild, noSourceMapLibrary],
};

const result = await build({
  ...shared,
  entryPoints: { secpol: 'src/cli.ts' },
  splitting: true,
  format: 'esm',
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
  write: false,
  // CommonJS dependencies (handlebars, jmespath) call require() for Node built-ins.
  banner: { js: "import { createRequire as __secpolRequire } from 'node:module'; const require = __secpolRequire(import.meta.url);" },
});

/**
 * The CLI's short commands as one CommonJS script, which bin/secpol.js runs through `vm.Script` with a V8 code cache made by this
 * build (below): Node 20 can cache the compilation of scripts but not of ES modules (its module compile cache came
 * in Node 22), and compiling the bundle's modules, then each function on its first call, was a large share of a short
 * run (docs/performance.md, session 6). The ES-module bundle above stays: the launcher runs it whenever there is no
 * cache for the running V8, with SECPOL_DEBUG (source maps), or when node is given options of its own.
 * Lazily loaded stages stay lazy: esbuild turns each `import()` into a function that initialises the stage's modules
 * on first use. The file name carries a hash of its content, and the cache's name that hash, so a cache can never
 * be paired with another build's script (V8 itself checks only the source's length, its version and its flags).
 */
/**
 * The one-script build holds the commands whose run is short enough for start-up to matter (compile, check, fmt);
 * the launcher gives every other command to the ES-module bundle. A smaller script is read and its cache
 * deserialized faster (2 MB of script and 2 MB of cache took ~65 ms before anything ran; docs/performance.md). The
 * other commands' modules are replaced by a stand-in that says so if it is ever reached.
 */
const oneScriptCommands = ['check', 'fmt', 'compile'];
const otherCommands = {
  name: 'other-commands',
  setup(b) {
    b.onResolve({ filter: /^\.\/cli\/commands\/[a-z-]+\.js$/ }, (args) => {
      if (!/[\\/]src[\\/]cli\.ts$/.test(args.importer)) return undefined;
      const name = /([a-z-]+)\.js$/.exec(args.path)[1];
      return oneScriptCommands.includes(name) ? undefined : { path: name, namespace: 'secpol-other-command' };
    });
    b.onLoad({ filter: /.*/, namespace: 'secpol-other-command' }, (args) => ({
      contents: `export function ${args.path.replace(/-(\w)/g, (_, c) => c.toUpperCase())}Command() { throw new Error('invariant: the one-script build has no ${args.path} command (bin/secpol.js runs the ES-module bundle for it)'); }\n`,
      loader: 'js',
    }));
  },
};
const single = await build({
  ...shared,
  plugins: [...shared.plugins, otherCommands],
  entryPoints: ['src/cli.ts'],
  format: 'cjs',
  write: false,
  // For a readable CPU profile (SECPOL_BUNDLE_MINIFY=0) the script's source map is written too (external: the script
  // names no map, so its text, and its cache, stay what they are without it).
  sourcemap: process.env.SECPOL_BUNDLE_MINIFY === '0' ? 'external' : false,
  sourcesContent: false,
  outfile: join(outdir, 'secpol.cjs'),
  // The sources' import.meta.url (package.json and targets/ lookups) is the script's own file URL, as in the ESM bundle.
  define: { 'import.meta.url': '__secpolUrl' },
  banner: { js: "'use strict';const __secpolUrl = require('node:url').pathToFileURL(__filename).href;" },
});
// esbuild writes ASCII except in regular expression literals (three of them: µ, μ, …). One non-ASCII character makes
// the whole 2 MB source a two-byte string, which Node reads and V8 scans several times slower (30 ms instead of 3 ms
// to read it here), so they are written as \uXXXX escapes, which a regular expression, string or identifier reads
// as the same character (esbuild already escaped every template literal, whose raw text would differ).
const singleText = Buffer.from(
  single.outputFiles.find((f) => !f.path.endsWith('.map')).text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  'latin1',
);
if (singleText.some((b) => b > 0x7f)) throw new Error('the one-script build must be ASCII (bin/secpol.js reads it as latin1)');
const buildId = createHash('sha256').update(singleText).digest('hex').slice(0, 16);
const singlePath = join(outdir, `secpol-${buildId}.cjs`);

/** Every file is written to a temporary name and renamed, chunks before the entry, so a running CLI never reads half a file. */
const written = new Set();
mkdirSync(outdir, { recursive: true });
writeFileSync(`${singlePath}.${process.pid}.tmp`, singleText);
renameSync(`${singlePath}.${process.pid}.tmp`, singlePath);
written.add(singlePath);
const singleMap = single.outputFiles.find((f) => f.path.endsWith('.map'));
if (singleMap) {
  writeFileSync(`${singlePath}.map`, singleMap.contents);
  written.add(`${singlePath}.map`);
}
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
// The code cache: the launcher runs the script once on the policy library (`compile policies --target all`, which
// reaches the front end and every backend) and saves what V8 compiled. It is valid only for this V8 version, this
// architecture and the launcher's V8 settings, which its name records; any other node uses the ES-module bundle.
// SECPOL_CODE_CACHE=0 builds none (the launcher then always runs the ES-module bundle).
const library = join(root, 'policies');
let cacheNote = 'no code cache';
if (process.env.SECPOL_CODE_CACHE !== '0' && existsSync(library)) {
  const scratch = mkdtempSync(join(tmpdir(), 'secpol-code-cache-'));
  const r = spawnSync(process.execPath, [join(root, 'bin', 'secpol.js'), 'compile', library, '--target', 'all', '--out', join(scratch, 'out')], {
    cwd: scratch,
    encoding: 'utf8',
    env: { ...process.env, SECPOL_CODE_CACHE_WRITE: singlePath, SECPOL_DEBUG: '', NODE_OPTIONS: '' },
    maxBuffer: 1 << 26,
  });
  rmSync(scratch, { recursive: true, force: true });
  const made = /^secpol-code-cache: (.+)$/m.exec(r.stderr ?? '')?.[1];
  if (made) cacheNote = `code cache ${(readFileSync(join(outdir, made)).length / 1024).toFixed(0)} KiB for V8 ${process.versions.v8}`;
  else console.error(`secpol bundle: no code cache was made (the ES-module bundle will be used):\n${r.stderr}`);
}

const bytes = [...result.outputFiles].filter((f) => f.path.endsWith('.js')).reduce((n, f) => n + f.contents.length, 0);
console.error(`bundled ${relative(root, outdir)}: ${[...result.outputFiles].filter((f) => f.path.endsWith('.js')).length} files, ${(bytes / 1024).toFixed(0)} KiB of JavaScript, ${packages.size} packages inlined; one-script build ${(singleText.length / 1024).toFixed(0)} KiB, ${cacheNote}`);
