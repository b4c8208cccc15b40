import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { authorizationUrlFor, loginUpToCallback } from '../authorize.js';
import { RESULTS_DIR, compileChild, nextMessage, request, spawnNode, stop } from '../processes.js';
import type { Row } from '../report.js';
import type { BenchEnvironment, Viewer } from '../setup.js';
import { percentile, summarize } from '../stats.js';

/**
 * Path 5: status-subscription fan-out. `subscribers` graphql-ws connections (own process) each hold an
 * `authorizationStatus` subscription with its own session token, plus a few admin dashboards on
 * `dataSourceAuthorizationEvents`. Then, one target viewer at a time (each a fresh, unauthorized viewer
 * whose subscription is among the crowd), the real OAuth flow is walked up to our callback, the callback
 * is requested and timed, and we measure from the callback's response to the AUTHORIZED event arriving
 * at that viewer's subscription (and at the dashboards). Heap per idle subscribed connection is the
 * server's heapUsed delta (after forced GCs) across opening the crowd, divided by its size.
 */
export interface SubscriptionContext {
  env: BenchEnvironment;
  /** Viewers to subscribe as (cycled; each subscription gets a freshly minted session token). */
  crowd: Viewer[];
  /** Fresh, unauthorized viewers: one latency sample each. */
  targets: Viewer[];
  subscribers: number;
  admins: number;
  /** Core for the subscribers' process (undefined: not pinned). */
  core?: number;
  log: (line: string) => void;
}

type Event = { type: 'event' | 'admin-event'; index: number; userId: string; status: string; t: number };
const wallNow = () => performance.timeOrigin + performance.now();
const HEAP_TARGET_BYTES = 12 * 1024;

export async function subscriptionFanOut(ctx: SubscriptionContext): Promise<Row[]> {
  const { env } = ctx;
  const idle = Math.max(0, ctx.subscribers - ctx.targets.length);
  const crowdViewers = Array.from({ length: idle }, (_, i) => ctx.crowd[i % ctx.crowd.length]!);
  const crowdTokens = await env.sessionTokens(crowdViewers, env.main);
  const tokens = [...crowdTokens, ...ctx.targets.map((t) => t.sessionToken)];

  const child: ChildProcess = spawnNode(compileChild('subscribers-worker'), { core: ctx.core, logFile: path.join(RESULTS_DIR, 'subscribers.log') });
  const events: Event[] = [];
  child.on('message', (m: Event) => (m.type === 'event' || m.type === 'admin-event') && events.push(m));
  try {
    await nextMessage(child, 'ready', 30_000);
    const before = await env.server.memory();
    const opened = await request<{ type: 'opened'; snapshots: Record<string, number>; ms: number }>(
      child,
      {
        type: 'open',
        wsUrl: `${env.server.url.replace(/^http/, 'ws')}/graphql`,
        contentKey: env.main.contentKey,
        adminKey: env.adminKey,
        dataSourceId: env.main.dataSourceId,
        tokens,
        admins: ctx.admins,
        concurrency: 64,
      },
      'opened',
      600_000,
    );
    const after = await env.server.memory();
    ctx.log(`  ${tokens.length} subscriptions + ${ctx.admins} dashboards open in ${(opened.ms / 1000).toFixed(1)} s; snapshots ${JSON.stringify(opened.snapshots)}`);
    const perConn = (k: keyof NodeJS.MemoryUsage) => (after[k] - before[k]) / (tokens.length + ctx.admins);

    const viewerLatency: number[] = [];
    const fromStart: number[] = [];
    const callbackMs: number[] = [];
    const adminLatency: number[] = [];
    for (const [k, target] of ctx.targets.entries()) {
      const index = crowdTokens.length + k;
      const url = await authorizationUrlFor(env, env.main, target);
      const { complete } = await loginUpToCallback(env, url, target.login);
      const tStart = wallNow();
      const response = await complete();
      const tEnd = wallNow();
      if (response.status !== 303) throw new Error(`callback answered ${response.status}: ${response.body.slice(0, 200)}`);
      const got = await waitFor(events, (e) => e.type === 'event' && e.index === index && e.status === 'AUTHORIZED', 1);
      const admin = await waitFor(events, (e) => e.type === 'admin-event' && e.userId === target.userId && e.status === 'AUTHORIZED', ctx.admins);
      viewerLatency.push(got[0]!.t - tEnd);
      fromStart.push(got[0]!.t - tStart);
      callbackMs.push(tEnd - tStart);
      adminLatency.push(...admin.map((e) => e.t - tEnd));
    }
    const p = (xs: number[], q: number) => percentile(xs, q);
    const heapPerConn = perConn('heapUsed');
    const latencyRow: Row = {
      id: '5',
      path: `status fan-out (${tokens.length.toLocaleString('en-US')} subscribers)`,
      value: `${ctx.targets.length} callbacks`,
      p50Ms: summarize([p(viewerLatency, 0.5)]),
      p99Ms: summarize([p(viewerLatency, 0.99)]),
      anchor: 'doc: 50/150 ms (1,000 subs)',
      target: 'p99 <= 50 ms (viewer and dashboards)',
      pass: p(viewerLatency, 0.99) <= 50 && (adminLatency.length === 0 || p(adminLatency, 0.99) <= 50),
      notes: [
        `latency = event arrival at the subscriber - callback response at the browser (${ctx.targets.length} samples; <= 0 means the event beat the HTTP response)`,
        `dashboards (${ctx.admins}): p50 ${p(adminLatency, 0.5).toFixed(2)} ms, p99 ${p(adminLatency, 0.99).toFixed(2)} ms; from callback request start: viewer p50 ${p(fromStart, 0.5).toFixed(1)} ms, p99 ${p(fromStart, 0.99).toFixed(1)} ms; callback itself p50 ${p(callbackMs, 0.5).toFixed(1)} ms`,
      ],
      details: { viewerLatency, adminLatency, fromStart, callbackMs, open: opened },
    };
    const heapRow: Row = {
      id: '5b',
      path: 'heap per idle subscribed connection',
      value: `${(heapPerConn / 1024).toFixed(1)} KiB/conn`,
      anchor: 'doc: ~18 KB',
      target: '<= 12 KiB',
      pass: heapPerConn <= HEAP_TARGET_BYTES,
      notes: [
        `server heapUsed ${mb(before.heapUsed)} -> ${mb(after.heapUsed)} MiB after forced GC for ${tokens.length + ctx.admins} connections; ` +
          `per connection: rss ${(perConn('rss') / 1024).toFixed(1)} KiB, external ${(perConn('external') / 1024).toFixed(1)} KiB`,
        'includes what subscribing leaves in server caches (each connection verifies its own, new session token)',
      ],
      details: { before, after },
    };
    return [latencyRow, heapRow];
  } finally {
    await request(child, { type: 'close' }, 'closed', 60_000).catch(() => undefined);
    await stop(child);
  }
}

/** Waits (10 s at most) until `count` events match; polls the list the IPC handler appends to. */
async function waitFor(events: Event[], match: (e: Event) => boolean, count: number): Promise<Event[]> {
  const deadline = performance.now() + 10_000;
  for (;;) {
    const found = events.filter(match);
    if (found.length >= count) return found;
    if (performance.now() > deadline) throw new Error(`${found.length}/${count} subscription events within 10 s of the callback`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
