import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Summary } from './stats.js';

/**
 * One table (path | req/s | p50 | p99 | anchor req/s | ratio | target | pass/short) on stdout and the
 * same data, with every round, in bench/results/latest.json. Rows that are not throughput (refresh
 * count, heap per connection, start-up) put their measured value in the req/s column.
 */
export interface Row {
  id: string;
  path: string;
  /** Shown in the req/s column when the row has no throughput. */
  value?: string;
  rps?: Summary;
  p50Ms?: Summary;
  p99Ms?: Summary;
  anchor?: string;
  anchorRps?: Summary;
  ratio?: number;
  target: string;
  /** true = pass, false = short, null = not judged (e.g. invalid measurement). */
  pass: boolean | null;
  notes?: string[];
  details?: unknown;
}

export interface RunInfo {
  startedAt: string;
  finishedAt?: string;
  totalSeconds?: number;
  mode: 'full' | 'quick';
  options: Record<string, unknown>;
  /** The commit and whether src/ had uncommitted changes (the server runs what dist/ was built from). */
  git: { commit: string; dirtySrc: boolean };
  machine: { cpus: number; model: string; loadavg: number[]; node: string; platform: string; memoryGiB: number };
  database: string;
  pinned: boolean;
  setup: Record<string, unknown>;
}

export function machineInfo(): RunInfo['machine'] {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    model: cpus[0]?.model ?? 'unknown',
    loadavg: os.loadavg().map((n) => Math.round(n * 100) / 100),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

export function gitInfo(): RunInfo['git'] {
  const git = (...args: string[]) => spawnSync('git', args, { encoding: 'utf8' }).stdout?.trim() ?? '';
  return { commit: git('rev-parse', 'HEAD') || 'unknown', dirtySrc: git('status', '--porcelain', '--', 'src').length > 0 };
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
const ms = (n: number) => (!Number.isFinite(n) ? '—' : Math.abs(n) >= 100 ? `${Math.round(n)} ms` : `${n.toFixed(n < 10 ? 2 : 1)} ms`);
const range = (s: Summary | undefined, f: (n: number) => string) =>
  !s ? '—' : s.values.length > 1 ? `${f(s.median)} (${f(s.min)}–${f(s.max)})` : f(s.median);

export function renderTable(rows: Row[]): string {
  const header = ['path', 'req/s', 'p50', 'p99', 'anchor req/s', 'ratio', 'target', 'pass/short'];
  const body = rows.map((r) => [
    `${r.id}. ${r.path}`,
    r.rps ? range(r.rps, int) : (r.value ?? '—'),
    range(r.p50Ms, ms),
    range(r.p99Ms, ms),
    r.anchorRps ? `${range(r.anchorRps, int)}${r.anchor ? ` ${r.anchor}` : ''}` : (r.anchor ?? '—'),
    r.ratio !== undefined && Number.isFinite(r.ratio) ? `${Math.round(r.ratio * 100)}%` : '—',
    r.target,
    r.pass === null ? 'n/a' : r.pass ? 'pass' : 'SHORT',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)];
  const notes = rows.flatMap((r) => (r.notes ?? []).map((n) => `  [${r.id}] ${n}`));
  if (notes.length) out.push('', 'Notes:', ...notes);
  out.push('', 'Values are medians over rounds, (min–max) in brackets; ratio = median subject req/s / median anchor req/s.');
  return out.join('\n');
}

export function writeJson(file: string, info: RunInfo, rows: Row[], table: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ ...info, table: table.split('\n'), rows }, null, 2)}\n`);
}
