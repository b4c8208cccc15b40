import { accessTokenOf, mapLimit } from '../api.js';
import type { Row } from '../report.js';
import type { BenchEnvironment, Viewer } from '../setup.js';
import { percentile, summarize } from '../stats.js';

/**
 * Path 4b (indicative): the first exchange of each viewer right after its login, before any load,
 * one request at a time (so it is latency, not throughput): whatever the server caches per viewer is
 * cold. The target in performance.md is for 1,000,000 stored authorizations in PostgreSQL, which this
 * run does not store, so the row is reported but not judged. Every other viewer is checked to answer
 * 200 with a token too (concurrently, not timed), so path 4 never measures error answers.
 */
export async function firstExchanges(env: BenchEnvironment, viewers: Viewer[], sampleSize: number): Promise<Row> {
  const timed = viewers.slice(0, sampleSize);
  const latencies: number[] = [];
  for (const viewer of timed) {
    const t0 = performance.now();
    await accessTokenOf(env.server.url, env.main.contentKey, viewer.sessionToken);
    latencies.push(performance.now() - t0);
  }
  await mapLimit(viewers.slice(sampleSize), 16, (v) => accessTokenOf(env.server.url, env.main.contentKey, v.sessionToken));
  return {
    id: '4b',
    path: `first exchange after login (${viewers.length.toLocaleString('en-US')} stored)`,
    value: `${timed.length} sequential`,
    p50Ms: summarize([percentile(latencies, 0.5)]),
    p99Ms: summarize([percentile(latencies, 0.99)]),
    anchor: '—',
    target: 'p50 <= 3 ms (with 1M rows in PG)',
    pass: null,
    notes: [`indicative only: ${env.db.kind} database with ${viewers.length} authorizations, not 1,000,000; client-side latency incl. HTTP`],
    details: { latencies },
  };
}
