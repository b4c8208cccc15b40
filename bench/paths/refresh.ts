import { EXCHANGE_PATH, exchangeBody, exchangeHeaders } from '../api.js';
import { freePort } from '../../test/support/ports.js';
import type { Row } from '../report.js';
import { startServerProcess, type ServerProcess } from '../server.js';
import type { BenchEnvironment, Viewer } from '../setup.js';
import { percentile, summarize } from '../stats.js';

/**
 * Path 3: refresh coalescing. The `short` data source's provider issues access tokens of
 * `ttlSeconds`, so a viewer's token goes stale by itself (nothing is written to the database): once
 * it is past its refresh point, `concurrency` exchanges are fired at once and we count the token
 * requests the provider received and the distinct tokens the callers got. One fresh viewer per round.
 * With PostgreSQL the same runs again through 3 server instances on the one database.
 */
export interface RefreshViewer extends Viewer {
  /** When its callback completed (≈ when the provider issued its token), performance.now() ms. */
  authorizedAt: number;
  /** The access token it had before going stale. */
  tokenBefore: string;
}

export interface RefreshContext {
  env: BenchEnvironment;
  ttlSeconds: number;
  concurrency: number;
  log: (line: string) => void;
}

interface Burst {
  tokenRequests: number;
  refreshRequests: number;
  ok: number;
  distinctTokens: number;
  gotNewToken: boolean;
  burstMs: number;
  p50Ms: number;
  p99Ms: number;
  statuses: Record<string, number>;
}

export async function refreshCoalescing(ctx: RefreshContext, viewers: RefreshViewer[], instances: ServerProcess[], id: string, name: string): Promise<Row> {
  const bursts: Burst[] = [];
  for (const viewer of viewers) {
    // Stale once now > expiry - margin, margin = min(TOKEN_REFRESH_MARGIN_SECONDS=60, ttl/2); +1 s of slack.
    const staleAt = viewer.authorizedAt + (ctx.ttlSeconds - Math.min(60, Math.floor(ctx.ttlSeconds / 2)) + 1) * 1000;
    const wait = staleAt - performance.now();
    if (wait > 0) {
      ctx.log(`  waiting ${(wait / 1000).toFixed(1)} s for ${viewer.login}'s access token to go stale`);
      await new Promise((r) => setTimeout(r, wait));
    }
    bursts.push(await burst(ctx, viewer, instances));
    const b = bursts.at(-1)!;
    ctx.log(`  ${name}: ${b.refreshRequests} refresh request(s), ${b.ok}/${ctx.concurrency} answered 200, ${b.distinctTokens} distinct token(s), burst ${b.burstMs.toFixed(0)} ms`);
  }
  const passed = (b: Burst) => b.refreshRequests === 1 && b.tokenRequests === 1 && b.ok === ctx.concurrency && b.distinctTokens === 1 && b.gotNewToken;
  const total = bursts.reduce((n, b) => n + b.refreshRequests, 0);
  return {
    id,
    path: name,
    value: `${bursts.map((b) => b.refreshRequests).join('/')} token req per ${ctx.concurrency}`,
    p50Ms: summarize(bursts.map((b) => b.p50Ms)),
    p99Ms: summarize(bursts.map((b) => b.p99Ms)),
    anchor: '—',
    target: 'exactly 1 token request, same new token for all',
    pass: bursts.every(passed),
    notes: bursts.map(
      (b, i) =>
        `round ${i + 1}: ${b.tokenRequests} token request(s) at the provider (${b.refreshRequests} refresh), ${b.ok}/${ctx.concurrency} got 200 ` +
        `(${JSON.stringify(b.statuses)}), ${b.distinctTokens} distinct token(s)${b.gotNewToken ? ', new' : ', NOT new'}; all ${ctx.concurrency} answered within ${b.burstMs.toFixed(0)} ms` +
        (i === 0 && total > bursts.length ? ' (more than one refresh: see lease/coalescing in src/core/refresh.ts)' : ''),
    ),
    details: bursts,
  };
}

async function burst(ctx: RefreshContext, viewer: RefreshViewer, instances: ServerProcess[]): Promise<Burst> {
  const provider = ctx.env.short.provider;
  provider.resetStats();
  const body = exchangeBody(viewer.sessionToken);
  const headers = exchangeHeaders(ctx.env.short.contentKey);
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: ctx.concurrency }, async (_, i) => {
      const t0 = performance.now();
      const res = await fetch(`${instances[i % instances.length]!.url}${EXCHANGE_PATH}`, { method: 'POST', headers, body });
      const json = (await res.json().catch(() => ({}))) as { access_token?: string };
      return { status: res.status, token: json.access_token, ms: performance.now() - t0 };
    }),
  );
  const burstMs = performance.now() - started;
  const statuses: Record<string, number> = {};
  for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  const tokens = new Set(results.filter((r) => r.status === 200).map((r) => r.token));
  const latencies = results.map((r) => r.ms);
  return {
    tokenRequests: provider.stats.tokenRequests,
    refreshRequests: provider.stats.refreshRequests,
    ok: statuses['200'] ?? 0,
    distinctTokens: tokens.size,
    gotNewToken: tokens.size === 1 && !tokens.has(viewer.tokenBefore),
    burstMs,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    statuses,
  };
}

/** Two more server processes on the same PostgreSQL database, behind the same PUBLIC_URL. */
export async function startSiblings(env: BenchEnvironment, count: number): Promise<ServerProcess[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) =>
      startServerProcess({ env: { ...env.serverEnv, PORT: String(await freePort()), INSTANCE_ID: `bench-sibling-${i + 1}` }, logName: `server-sibling-${i + 1}` }),
    ),
  );
}
