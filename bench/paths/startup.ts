import path from 'node:path';
import { EXCHANGE_PATH, exchangeBody, exchangeHeaders } from '../api.js';
import { RESULTS_DIR, spawnNode, stop, waitForHttp } from '../processes.js';
import type { Row } from '../report.js';
import { summarize } from '../stats.js';

/**
 * Path 6: start-up on an existing database (the one this run filled: account, data sources, every
 * viewer and authorization). The server under test is stopped first; then, per round, `npm start`
 * (what the target names) and `node dist/src/main.js serve` (without npm's own start-up) are each
 * spawned and GET /healthz is polled every 5 ms: the time to its first 200 is the start-up time. The
 * first credential exchange right after is timed too (lazy initialisation shows there). Like every
 * server of this run, it runs on the server's core; the polling bench stays on the load core.
 */
export interface StartupContext {
  serverEnv: Record<string, string>;
  serverUrl: string;
  contentKey: string;
  sessionToken: string;
  rounds: number;
  /** Also time `node dist/src/main.js serve` (npm's own start-up excluded). */
  alsoNodeDirect: boolean;
  describeDatabase: string;
  /**
   * Core of the server under test (undefined = not pinned). Without it the started server would inherit
   * the bench's own core and share it with the poller: ~1.4 s slower than on a core of its own (FINDINGS).
   */
  core: number | undefined;
  log: (line: string) => void;
}

const TARGET_MS = 3_000;

export async function startUp(ctx: StartupContext): Promise<Row> {
  const npm: number[] = [];
  const direct: number[] = [];
  const firstExchange: number[] = [];
  for (let round = 1; round <= ctx.rounds; round++) {
    const viaNpm = await once(ctx, ['npm', 'start', '--silent']);
    const viaNode = ctx.alsoNodeDirect ? await once(ctx, [process.execPath, 'dist/src/main.js', 'serve']) : undefined;
    npm.push(viaNpm.readyMs);
    firstExchange.push(viaNpm.firstExchangeMs);
    if (viaNode) direct.push(viaNode.readyMs), firstExchange.push(viaNode.firstExchangeMs);
    ctx.log(`  round ${round}/${ctx.rounds}: npm start ${viaNpm.readyMs.toFixed(0)} ms${viaNode ? `, node ${viaNode.readyMs.toFixed(0)} ms` : ''} to first /healthz 200`);
  }
  const s = summarize(npm);
  const d = summarize(direct);
  const f = summarize(firstExchange);
  const secs = (n: number) => `${(n / 1000).toFixed(2)} s`;
  return {
    id: '6',
    path: 'start-up (npm start -> first answer)',
    value: npm.length > 1 ? `${secs(s.median)} (${secs(s.min)}–${secs(s.max)})` : secs(s.median),
    anchor: '—',
    target: '<= 3 s',
    pass: s.median <= TARGET_MS,
    notes: [
      `on ${ctx.describeDatabase}; ` +
        (direct.length ? `node dist/src/main.js serve: ${secs(d.median)} (${secs(d.min)}–${secs(d.max)}); ` : '') +
        `first exchange right after /healthz answered: ${f.median.toFixed(0)} ms (${f.min.toFixed(0)}–${f.max.toFixed(0)})`,
    ],
    details: { npmStartMs: npm, nodeServeMs: direct, firstExchangeMs: firstExchange },
  };
}

async function once(ctx: StartupContext, command: string[]) {
  const started = performance.now();
  const child = spawnNode(command, { env: ctx.serverEnv, core: ctx.core, detached: true, ipc: false, logFile: path.join(RESULTS_DIR, 'startup.log') });
  try {
    const readyMs = await waitForHttp(`${ctx.serverUrl}/healthz`, started, 60_000, 5);
    const t = performance.now();
    const res = await fetch(`${ctx.serverUrl}${EXCHANGE_PATH}`, { method: 'POST', headers: exchangeHeaders(ctx.contentKey), body: exchangeBody(ctx.sessionToken) });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`first exchange after start answered ${res.status}`);
    return { readyMs, firstExchangeMs: performance.now() - t };
  } finally {
    await stop(child);
  }
}
