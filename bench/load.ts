import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { LoadResult, LoadTarget } from './load-worker.js';
import { RESULTS_DIR, compileChild, nextMessage, request, spawnNode, stop } from './processes.js';
import { summarize, type Summary } from './stats.js';
import { processCpuMs } from './cpu.js';

/**
 * Drives autocannon in a separate process (bench/load-worker.ts) and interleaves anchor and subject:
 * warm-up A, warm-up B, then rounds A B A B ...; each side is summarised by the median of its rounds
 * with min and max, so that slow drift of a shared machine hits both sides alike.
 */
export type { LoadTarget } from './load-worker.js';

export interface LoadGenerator {
  run(target: LoadTarget, durationSeconds: number): Promise<MeasuredRun>;
  stop(): Promise<void>;
}

export async function startLoadGenerator(connections: number, core?: number): Promise<LoadGenerator> {
  const child: ChildProcess = spawnNode(compileChild('load-worker'), { core, logFile: path.join(RESULTS_DIR, 'load.log') });
  await nextMessage(child, 'ready', 30_000);
  let id = 0;
  return {
    run: async (target, durationSeconds) => {
      const cpuBefore = processCpuMs(target.servedBy);
      const result = await request<LoadResult>(child, { type: 'run', id: ++id, target, connections, durationSeconds }, 'result', (durationSeconds + 60) * 1000);
      const cpuAfter = processCpuMs(target.servedBy);
      const answered = result.ok + result.non2xx;
      const cpuUsPerRequest = cpuBefore !== undefined && cpuAfter !== undefined && answered > 0 ? ((cpuAfter - cpuBefore) * 1000) / answered : undefined;
      return { ...result, cpuUsPerRequest };
    },
    stop: () => stop(child),
  };
}

/** A load run, plus the serving process's CPU µs per answered request when `servedBy` was given. */
export type MeasuredRun = LoadResult & { cpuUsPerRequest?: number };

export interface SideSummary {
  requestsPerSecond: Summary;
  p50Ms: Summary;
  p99Ms: Summary;
  /** Responses that were not 2xx, plus socket errors and timeouts, over all rounds. */
  failures: number;
  statusCodes: Record<string, number>;
  /** The serving process's CPU µs per request (Linux; absent elsewhere). */
  cpuUsPerRequest?: Summary;
}

export interface Comparison {
  anchor: SideSummary;
  subject: SideSummary;
  /** subject / anchor of the median req/s, and the same per round (each round's pair). */
  ratio: number;
  roundRatios: number[];
  /** anchor / subject of the median CPU µs per request: the throughput ratio the two costs alone would give. */
  cpuRatio?: number;
  rounds: Array<{ anchor: MeasuredRun; subject: MeasuredRun }>;
}

export interface CompareOptions {
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** FIFO prefix told `enable` / `disable` around each side's measured rounds (`--perf-control`). */
  perfControl?: string;
  /** Progress lines, one per round. */
  log?: (line: string) => void;
}

export async function compare(load: LoadGenerator, anchor: LoadTarget, subject: LoadTarget, options: CompareOptions): Promise<Comparison> {
  if (options.warmupSeconds > 0) {
    await load.run(anchor, options.warmupSeconds);
    await load.run(subject, options.warmupSeconds);
  }
  const rounds: Comparison['rounds'] = [];
  const measured = async (side: 'anchor' | 'subject', target: LoadTarget) => {
    const control = options.perfControl && `${options.perfControl}.${side}`;
    // A FIFO blocks this write until perf has opened it: the rounds wait for the recorder, not the reverse.
    if (control) fs.writeFileSync(control, 'enable\n');
    try {
      return await load.run(target, options.durationSeconds);
    } finally {
      if (control) fs.writeFileSync(control, 'disable\n');
    }
  };
  for (let round = 1; round <= options.rounds; round++) {
    const a = await measured('anchor', anchor);
    const b = await measured('subject', subject);
    rounds.push({ anchor: a, subject: b });
    options.log?.(
      `  round ${round}/${options.rounds}: anchor ${fmt(a.requestsPerSecond)} req/s p99 ${a.latencyMs.p99.toFixed(1)} ms | subject ${fmt(b.requestsPerSecond)} req/s p99 ${b.latencyMs.p99.toFixed(1)} ms${failures(b) ? ` (${failures(b)} failed)` : ''}`,
    );
  }
  const anchorSide = side(rounds.map((r) => r.anchor));
  const subjectSide = side(rounds.map((r) => r.subject));
  return {
    anchor: anchorSide,
    subject: subjectSide,
    ratio: subjectSide.requestsPerSecond.median / anchorSide.requestsPerSecond.median,
    roundRatios: rounds.map((r) => r.subject.requestsPerSecond / r.anchor.requestsPerSecond),
    cpuRatio: anchorSide.cpuUsPerRequest && subjectSide.cpuUsPerRequest ? anchorSide.cpuUsPerRequest.median / subjectSide.cpuUsPerRequest.median : undefined,
    rounds,
  };
}

function side(results: MeasuredRun[]): SideSummary {
  const statusCodes: Record<string, number> = {};
  for (const r of results) for (const [code, n] of Object.entries(r.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  return {
    requestsPerSecond: summarize(results.map((r) => r.requestsPerSecond)),
    p50Ms: summarize(results.map((r) => r.latencyMs.p50)),
    p99Ms: summarize(results.map((r) => r.latencyMs.p99)),
    failures: results.reduce((sum, r) => sum + failures(r), 0),
    statusCodes,
    cpuUsPerRequest: results.every((r) => r.cpuUsPerRequest !== undefined) ? summarize(results.map((r) => r.cpuUsPerRequest!)) : undefined,
  };
}

const failures = (r: LoadResult) => r.non2xx + r.errors + r.timeouts;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
