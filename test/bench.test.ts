import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
    const { stdout } = await run('npm', ['run', '-s', 'bench', '--', '--quick'], { timeout: 230_000, maxBuffer: 16 * 1024 * 1024 });
    expect(stdout).toMatch(/REST exchange hot path/);
    const results = JSON.parse(readFileSync('bench/results/latest.json', 'utf8')) as { mode: string; rows: unknown[] };
    expect(results.mode).toBe('quick');
    expect(results.rows.length).toBeGreaterThanOrEqual(6);
  });
});
