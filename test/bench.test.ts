import { execFile } from 'node:child_process';
import fs, { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { usingPostgres } from './support/database.js';

/**
 * Proves the benchmark works (CI only: it takes about a minute and two cores). It must never fail on
 * speed: only on the benchmark itself not running or not producing its table.
 */
const run = promisify(execFile);

describe.runIf(process.env.CI && !usingPostgres)('benchmark quick mode', () => {
  it('runs every path and writes its results', { timeout: 240_000 }, async () => {
    // With the one diagnostic row that measures a ratio, so that it keeps working too.
    const { stdout } = await run('npm', ['run', '-s', 'bench', '--', '--quick', '--in-process-floor'], { timeout: 230_000, maxBuffer: 16 * 1024 * 1024 });
    expect(stdout).toMatch(/REST exchange hot path/);
    const results = JSON.parse(readFileSync('bench/results/latest.json', 'utf8')) as {
      mode: string;
      rows: { id: string; ratio?: number; pass: boolean | null }[];
    };
    expect(results.mode).toBe('quick');
    expect(results.rows.length).toBeGreaterThanOrEqual(7);
    const diagnostic = results.rows.find((row) => row.id === '1f');
    expect(diagnostic?.ratio).toBeGreaterThan(0);
    expect(diagnostic?.pass).toBeNull();
  });

  it('compares two builds in alternating runs and puts dist/ back', { timeout: 240_000 }, async () => {
    const cache = path.resolve('node_modules/.cache');
    fs.mkdirSync(cache, { recursive: true });
    const builds = ['before', 'after'].map((name) => {
      const dir = path.join(fs.mkdtempSync(path.join(cache, 'oi-compare-')), name);
      fs.cpSync('dist', dir, { recursive: true });
      return dir;
    });
    try {
      fs.writeFileSync(path.join(builds[1]!, 'marker'), 'the second build');
      const args = ['run', '-s', 'bench:compare', '--', '--builds', builds.join(','), '--pairs', '1', '--', '--quick', '--only', '6', '--startup-rounds', '1'];
      const { stdout } = await run('npm', args, { timeout: 230_000, maxBuffer: 16 * 1024 * 1024 });
      expect(stdout).toMatch(/^pair 1 before: .*6 \d/m);
      expect(stdout).toMatch(/^pair 1 after: .*6 \d/m);
      expect(stdout).toMatch(/^\| 6 \| after \| /m);
      expect(fs.existsSync('dist/src/main.js')).toBe(true);
      expect(fs.existsSync('dist/marker')).toBe(false);
      expect(fs.readdirSync('.').filter((name) => name.startsWith('dist.compare-saved-'))).toEqual([]);
    } finally {
      for (const dir of builds) fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });
});
