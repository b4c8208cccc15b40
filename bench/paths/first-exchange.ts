import os from 'node:os';
import { accessTokenOf, mapLimit } from '../api.js';
import { AuthorizationTable, fillerAuthorizationId } from '../authorization-table.js';
import type { Row } from '../report.js';
import type { BenchEnvironment, Viewer } from '../setup.js';
import { median, percentile, summarize } from '../stats.js';
import { TimingClient } from '../timing-client.js';
import { fillStoredAuthorizations, type FillResult } from '../stored-authorizations.js';

/**
 * Path 4b: each viewer's first exchange after its login, one request at a time (latency, not
 * throughput). The callback's status event drops the viewer's row from the server's cache, so the
 * exchange reads it from the database: on PostgreSQL, primary-key lookups counted by PostgreSQL
 * confirm it. Target 4 of performance.md is for 1,000,000 stored authorizations in PostgreSQL, so
 * there the table is first filled up to that many rows (after the timed viewers' logins, so their
 * rows are as old and as far from the buffer cache as a returning viewer's), and the row is judged
 * only when the counted rows reach the target. The embedded database is open in the server process
 * and cannot be filled from here: it keeps the run's own rows and is reported, not judged.
 * Every other viewer is checked to answer 200 with a token too (concurrently, not timed), so
 * path 4 never measures error answers.
 */
export const TARGET_STORED_AUTHORIZATIONS = 1_000_000;
const TARGET_P50_MS = 3;

export interface FirstExchangeContext {
  env: BenchEnvironment;
  viewers: Viewer[];
  sampleSize: number;
  /** --stored-authorizations (undefined: the target on PostgreSQL); 0 skips the fill. */
  storedAuthorizations: number | undefined;
  log: (line: string) => void;
}

export async function firstExchanges(ctx: FirstExchangeContext): Promise<Row> {
  const { env, viewers, log } = ctx;
  const serverIdleSince = performance.now();
  const databaseUrl = env.db.kind === 'postgres' ? env.db.env.DATABASE_URL : undefined;
  const table = databaseUrl ? await AuthorizationTable.open(databaseUrl) : undefined;
  try {
    let fill: FillResult | undefined;
    const target = ctx.storedAuthorizations ?? TARGET_STORED_AUTHORIZATIONS;
    if (databaseUrl && target > 0) {
      log(`filling viewer_authorizations up to ${target.toLocaleString('en-US')} rows (set-based SQL, filler viewers are never exchanged)`);
      fill = await fillStoredAuthorizations(databaseUrl, { dataSourceId: env.main.dataSourceId, keyId: activeKeyId(env.db.env), target, log });
      log(`filled ${fill.inserted.toLocaleString('en-US')} rows in ${seconds(fill.fillMs)}, VACUUM ANALYZE + CHECKPOINT ${seconds(fill.settleMs)}`);
    }
    const lookupsBefore = await table?.primaryKeyLookupsAtRest(serverIdleSince);

    const timed = viewers.slice(0, ctx.sampleSize);
    const { first: latencies, cached } = await exchangePairs(env, timed);
    await mapLimit(viewers.slice(ctx.sampleSize), 16, (v) => accessTokenOf(env.server.url, env.main.contentKey, v.sessionToken));

    const lookups = table && lookupsBefore !== undefined ? await table.lookupsSince(lookupsBefore, viewers.length) : undefined;
    // A filler row no request has read: the plan and buffers of a lookup outside the working set.
    const plan = table && fill?.inserted ? await table.explainLookup(fillerAuthorizationId(env.main.dataSourceId, Math.ceil(fill.inserted / 2))) : undefined;
    // Counted (a scan of the whole table) only now, so that it cannot warm anything measured above.
    const storedRows = table ? await table.count() : viewers.length;
    if (plan) log(`lookup plan on ${storedRows.toLocaleString('en-US')} rows:\n    ${plan.join('\n    ')}`);

    const p50 = percentile(latencies, 0.5);
    const judged = env.db.kind === 'postgres' && storedRows >= TARGET_STORED_AUTHORIZATIONS;
    return {
      id: '4b',
      path: `first exchange after login (${storedRows.toLocaleString('en-US')} stored)`,
      value: `${timed.length} sequential`,
      p50Ms: summarize([p50]),
      p99Ms: summarize([percentile(latencies, 0.99)]),
      anchor: '—',
      target: `p50 <= ${TARGET_P50_MS} ms (with 1M rows in PG)`,
      pass: judged ? p50 <= TARGET_P50_MS : null,
      notes: [
        storageNote(ctx, storedRows, judged, fill),
        'client-side latency incl. HTTP: node:http over one kept-alive loopback connection from the bench process, one request at a time, each viewer once',
        `each followed at once by the viewer's second exchange (row cached on the server): p50 ${ms(percentile(cached, 0.5))}, p99 ${ms(percentile(cached, 0.99))}; ` +
          `median first - second ${ms(median(latencies.map((t, i) => t - cached[i]!).sort((a, b) => a - b)))}; ` +
          `load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores${table ? ' (PostgreSQL is not pinned)' : ''}`,
        ...(lookups === undefined ? [] : [lookupNote(lookups, viewers.length)]),
      ],
      details: { latencies, cachedLatencies: cached, storedRows, fill, primaryKeyLookups: lookups, lookupPlan: plan },
    };
  } finally {
    await table?.close();
  }
}

function storageNote(ctx: FirstExchangeContext, rows: number, judged: boolean, fill: FillResult | undefined): string {
  const { env, viewers } = ctx;
  const stored = `${rows.toLocaleString('en-US')} rows in viewer_authorizations`;
  if (env.db.kind === 'embedded') {
    const ignored = ctx.storedAuthorizations ? ` (--stored-authorizations ignored: the embedded database is open in the server process)` : '';
    return `not judged: embedded database with ${stored}${ignored}; the target is for 1,000,000 in PostgreSQL (BENCH_DATABASE_URL)`;
  }
  const filled = fill
    ? `; ${viewers.length} viewers authorized through the OAuth flow, then ${fill.inserted.toLocaleString('en-US')} filler rows in ${seconds(fill.fillMs)} ` +
      `(+ VACUUM ANALYZE, CHECKPOINT ${seconds(fill.settleMs)}); table with indexes ${(fill.tableBytes / 2 ** 30).toFixed(2)} GiB`
    : '';
  return `${judged ? 'judged' : `not judged (fewer than ${TARGET_STORED_AUTHORIZATIONS.toLocaleString('en-US')})`}: PostgreSQL with ${stored}${filled}`;
}

function lookupNote(lookups: number, exchanges: number): string {
  const verdict = lookups >= exchanges ? 'each read its row from PostgreSQL, none was served from a cache' : 'FEWER than exchanges: some rows came from a cache';
  return `${lookups} primary-key lookups of viewer_authorizations during ${exchanges} first exchanges (${verdict})`;
}

/**
 * Each viewer's first exchange, then at once its second (served from the server's cache): on this
 * noisy machine both halves of a pair share the same moment, so their difference is the cost of the
 * uncached read (performance.md: measure side by side, interleaved).
 */
async function exchangePairs(env: BenchEnvironment, viewers: readonly Viewer[]): Promise<{ first: number[]; cached: number[] }> {
  const client = new TimingClient(env.server.url);
  const first: number[] = [];
  const cached: number[] = [];
  try {
    for (const viewer of viewers) {
      first.push(await client.timeExchange(env.main.contentKey, viewer.sessionToken));
      cached.push(await client.timeExchange(env.main.contentKey, viewer.sessionToken));
    }
  } finally {
    client.close();
  }
  return { first, cached };
}

/** The key id the server seals with: the last of ENCRYPTION_KEYS, as the server picks it by default. */
function activeKeyId(dbEnv: Record<string, string>): string {
  return (dbEnv.ENCRYPTION_KEYS ?? 'kbench:').split(',').at(-1)!.split(':')[0]!;
}

const seconds = (n: number) => `${(n / 1000).toFixed(1)} s`;
const ms = (n: number) => `${n.toFixed(2)} ms`;
