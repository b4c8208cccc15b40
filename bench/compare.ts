import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RESULTS_DIR, ROOT } from './processes.js';
import type { Row } from './report.js';
import { summarize } from './stats.js';

/**
 * `npm run bench:compare -- --builds <dir>,<dir>[,...] [--pairs n] -- <bench options>`: two or more
 * builds of the server, each run in turn under the same bench options, alternating (A B A B ...),
 * then one table of each path's result per build and pair.
 *
 * Why: this machine's speed drifts by ~10% within an hour, so two runs an hour apart cannot show a
 * change of a few percent; alternating runs of both builds can (bench/FINDINGS.md). Each build is a
 * directory holding what `npm run build` writes to dist/ (e.g. `cp -r dist /tmp/before` before the
 * change, then `npm run build`). It is copied into dist/ for its runs, so every path, start-up
 * included, runs it exactly as `npm start` would; dist/ is put back afterwards.
 */
const DIST = path.join(ROOT, 'dist');
const OUT_DIR = path.join(RESULTS_DIR, 'compare');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

const { values, positionals } = parseArgs({
  options: { builds: { type: 'string' }, pairs: { type: 'string', default: '3' }, help: { type: 'boolean', default: false } },
  allowPositionals: true,
});

if (values.help || !values.builds) {
  process.stdout.write(
    'usage: npm run bench:compare -- --builds <dir>,<dir>[,...] [--pairs n] -- <bench options>\n' +
      '  e.g. npm run bench:compare -- --builds /tmp/before,/tmp/after --pairs 3 -- --quick --only 1,2 --rounds 3 --duration 3\n',
  );
  process.exit(values.help ? 0 : 2);
}
const builds = values.builds.split(',').map((dir) => path.resolve(dir));
const pairs = Number(values.pairs);
if (builds.length < 2 || !Number.isInteger(pairs) || pairs < 1) throw new Error('--builds needs two or more directories, --pairs a whole number >= 1');
for (const dir of builds) {
  if (!fs.existsSync(path.join(dir, 'src', 'main.js'))) throw new Error(`${dir} holds no build (no src/main.js): copy dist/ there after npm run build`);
  if (dir === DIST) throw new Error('dist/ itself cannot be one of the builds: it is overwritten for each run');
}
if (positionals.some((arg) => arg === '--build' || arg.startsWith('--out'))) throw new Error('--build and --out are decided here');

const labels = uniqueLabels(builds);
const results: Array<{ pair: number; label: string; rows: Row[] }> = [];
const saved = `${DIST}.compare-saved-${process.pid}`;
// Ctrl-C stops the bench run in progress too; this process then puts dist/ back (finally, below)
// instead of dying with the user's build still set aside.
process.on('SIGINT', () => {});
if (fs.existsSync(DIST)) fs.renameSync(DIST, saved);
fs.mkdirSync(OUT_DIR, { recursive: true });
try {
  for (let pair = 1; pair <= pairs; pair++) {
    builds.forEach((dir, i) => {
      const label = labels[i]!;
      fs.rmSync(DIST, { recursive: true, force: true });
      fs.cpSync(dir, DIST, { recursive: true });
      const out = path.join(OUT_DIR, `${pair}-${label}.json`);
      const log = path.join(OUT_DIR, `${pair}-${label}.log`);
      const run = spawnSync(TSX, ['bench/run.ts', ...positionals, '--no-build', '--out', out], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
      fs.writeFileSync(log, `${run.stdout}${run.stderr}`);
      if (run.status !== 0 || !fs.existsSync(out)) {
        throw new Error(`the run of ${label} in pair ${pair} failed (${run.signal ?? `exit ${run.status}`}): see ${log}`);
      }
      const rows = (JSON.parse(fs.readFileSync(out, 'utf8')) as { rows: Row[] }).rows;
      results.push({ pair, label, rows });
      process.stdout.write(`pair ${pair} ${label}: ${rows.map((row) => `${row.id} ${resultOf(row)}`).join(', ')}\n`);
    });
  }
} catch (error) {
  process.stderr.write(`bench:compare: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  fs.rmSync(DIST, { recursive: true, force: true });
  if (fs.existsSync(saved)) fs.renameSync(saved, DIST);
}
if (process.exitCode) process.exit();
process.stdout.write(`\n${table().join('\n')}\n\nEach run's table and log: ${path.relative(ROOT, OUT_DIR)}/<pair>-<build>.{json,log}\n`);

/** A row's ratio to its anchor where it has one, else its value (a count, a size) and latencies. */
function resultOf(row: Row): string {
  if (row.ratio !== undefined) return `${Math.round(row.ratio * 100)}%`;
  const ms = (label: string, summary: Row['p50Ms']) => (summary ? ` ${label} ${summary.median.toFixed(2)} ms` : '');
  return `${row.value ?? '—'}${ms('p50', row.p50Ms)}${ms('p99', row.p99Ms)}`;
}

/** One line per path and build: its result in each pair, and the median ratio where there is one. */
function table(): string[] {
  const ids = [...new Set(results.flatMap((r) => r.rows.map((row) => row.id)))];
  const lines = ['| path | build | per pair | median ratio |', '|---|---|---|---|'];
  for (const id of ids) {
    for (const label of labels) {
      const rows = results.filter((r) => r.label === label).map((r) => r.rows.find((row) => row.id === id));
      const ratios = rows.flatMap((row) => (typeof row?.ratio === 'number' ? [row.ratio] : []));
      const median = ratios.length ? `${Math.round(summarize(ratios).median * 100)}%` : '—';
      lines.push(`| ${id} | ${label} | ${rows.map((row) => (row ? resultOf(row) : '—')).join(', ')} | ${median} |`);
    }
  }
  return lines;
}

/** Directory names, made unique with a number when two builds share one. */
function uniqueLabels(dirs: string[]): string[] {
  return dirs.map((dir, i) => {
    const name = path.basename(dir);
    return dirs.filter((other) => path.basename(other) === name).length > 1 ? `${name}-${i + 1}` : name;
  });
}
