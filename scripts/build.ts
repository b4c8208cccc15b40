/**
 * `npm run build`: what `npm start`, the CLI and the benchmark's server process run, as one esbuild
 * bundle of src/ and its dependencies in dist/ (type checking is `npm run typecheck`).
 *
 * Why a bundle: on one core, Node's ES module loader spent ~1 s of a ~3 s start resolving, reading
 * and compiling ~900 files one by one (`bench/FINDINGS.md`, Start-up); one graph of a few chunks
 * starts in about two thirds of the time.
 *
 * Entry points: `src/main.ts` (the command line) and the three modules the benchmark's server process
 * loads (bench/server-child.ts). Code splitting keeps one instance of every module across them, and
 * puts what loads on first use (undici, graphql-jit) in chunks of its own that load only then.
 *
 * Left outside the bundle: PGlite, which reads its WebAssembly and file-system image from its own
 * package directory, and ws's optional native helpers. Source maps name the original files, for
 * `node --enable-source-maps` and `bench/profile.ts`.
 *
 * Usage: `tsx scripts/build.ts [--outdir <dir>]` (default dist/; a test builds into a directory of
 * its own). The output directory must sit inside this repository: the server finds prisma/migrations
 * by walking up from its own files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' } } });
const outdir = path.resolve(values.outdir);
const started = performance.now();
// Chunk names carry content hashes: stale ones from an earlier build would pile up.
fs.rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: ['src/main.ts', 'src/serving.ts', 'src/infra/config.ts', 'src/infra/logger.ts'],
  outdir,
  outbase: '.',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // Less text to scan at start (~0.15 s on one core here); identifiers are kept for stack traces and
  // profiles. Not `keepNames`: it wraps closures in a call that defines their `name`, which the
  // exchange paid per request and each subscription in memory (bench/FINDINGS.md).
  minifyWhitespace: true,
  minifySyntax: true,
  chunkNames: 'chunks/[name]-[hash]',
  // Dependencies that detect Node in a way a bundle defeats, replaced by what they would pick in Node.
  alias: { '@apollo/utils.createhash': './scripts/bundle-shims/apollo-createhash.ts' },
  external: ['@electric-sql/pglite', '@electric-sql/pglite/*', 'bufferutil', 'utf-8-validate'],
  // CommonJS dependencies (graphql, pg, pino...) call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});
console.log(`built ${path.relative(process.cwd(), outdir) || '.'}/ in ${((performance.now() - started) / 1000).toFixed(1)} s`);
