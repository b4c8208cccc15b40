import fs from 'node:fs';
import path from 'node:path';
import { EXCHANGE_PATH, exchangeBody, exchangeHeaders } from '../api.js';
import { RESULTS_DIR, spawnNode, stop, waitForHttp } from '../processes.js';
import type { Row } from '../report.js';
import { summarize } from '../stats.js';
import type { StartupPhases } from '../../src/serving.js';

/**
 * Path 6: start-up on an existing database (the one this run filled: account, data sources, every
 * viewer and authorization). The server under test is stopped first; then, per round, `npm start`
 * (what the target names) and `node dist/src/main.js serve` (without npm's own start-up) are each
 * spawned and GET /healthz is polled every 5 ms: the time to its first 200 is the start-up time. The
 * first credential exchange right after is timed too (lazy initialisation shows there), and the
 * phases the server logs when it listens (src/serving.ts, src/main.ts) say where the time went. Like every server
 * of this run, it runs on the server's core; the polling bench stays on the load core.
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
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function startUp(ctx: StartupContext): Promise<Row> {
  const npm: number[] = [];
  const direct: number[] = [];
  const firstExchange: number[] = [];
  const phases: StartupPhases[] = [];
  for (let round = 1; round <= ctx.rounds; round++) {
    const viaNpm = await once(ctx, ['npm', 'start', '--silent']);
    const viaNode = ctx.alsoNodeDirect ? await once(ctx, [process.execPath, 'dist/src/main.js', 'serve']) : undefined;
    npm.push(viaNpm.readyMs);
    firstExchange.push(viaNpm.firstExchangeMs);
    if (viaNpm.phases) phases.push(viaNpm.phases);
    if (viaNode) direct.push(viaNode.readyMs), firstExchange.push(viaNode.firstExchangeMs);
    ctx.log(`  round ${round}/${ctx.rounds}: npm start ${viaNpm.readyMs.toFixed(0)} ms${viaNode ? `, node ${viaNode.readyMs.toFixed(0)} ms` : ''} to first /healthz 200`);
  }
  const s = summarize(npm);
  const d = summarize(direct);
  const f = summarize(firstExchange);
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
      ...(phases.length ? [phaseNote(phases, s.median)] : []),
    ],
    details: { npmStartMs: npm, nodeServeMs: direct, firstExchangeMs: firstExchange, serverPhases: phases },
  };
}

const LOG_FILE = path.join(RESULTS_DIR, 'startup.log');

/** Where `npm start`'s time went, medians over rounds: the server's own phases, and the rest (npm, polling). */
function phaseNote(phases: StartupPhases[], npmMedianMs: number): string {
  const med = (pick: (p: StartupPhases) => number) => summarize(phases.map(pick)).median;
  const [modules, services, http] = [med((p) => p.modulesMs), med((p) => p.servicesMs), med((p) => p.httpMs)];
  return (
    `npm start's phases (the server's log line, medians): node's start and module loading ${secs(modules)}, ` +
    `database and services ${secs(services)}, GraphQL and listening ${secs(http)}; npm's own start and the rest ${secs(npmMedianMs - modules - services - http)}`
  );
}

/** The phases `serve` logged with 'oauth-integrations listening' after `offset`; undefined when it logged none. */
function loggedPhases(offset: number): StartupPhases | undefined {
  const fd = fs.openSync(LOG_FILE, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const buffer = Buffer.alloc(Math.max(0, size - offset));
    fs.readSync(fd, buffer, 0, buffer.length, offset);
    for (const line of buffer.toString('utf8').split('\n')) {
      if (!line.includes('oauth-integrations listening')) continue;
      const startup = (JSON.parse(line) as { startup?: StartupPhases }).startup;
      if (startup) return startup;
    }
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

async function once(ctx: StartupContext, command: string[]) {
  const offset = fs.existsSync(LOG_FILE) ? fs.statSync(LOG_FILE).size : 0;
  const started = performance.now();
  // LOG_LEVEL info for the one line with the start's phases; the rest of the run logs warnings only.
  const env = { ...ctx.serverEnv, LOG_LEVEL: 'info' };
  const child = spawnNode(command, { env, core: ctx.core, detached: true, ipc: false, logFile: LOG_FILE });
  try {
    const readyMs = await waitForHttp(`${ctx.serverUrl}/healthz`, started, 60_000, 5);
    const t = performance.now();
    const res = await fetch(`${ctx.serverUrl}${EXCHANGE_PATH}`, { method: 'POST', headers: exchangeHeaders(ctx.contentKey), body: exchangeBody(ctx.sessionToken) });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`first exchange after start answered ${res.status}`);
    return { readyMs, firstExchangeMs: performance.now() - t, phases: loggedPhases(offset) };
  } finally {
    await stop(child);
  }
}
