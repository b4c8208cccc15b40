import fs from 'node:fs';
import path from 'node:path';
import { accessTokenOf } from './api.js';
import { authorizeViewer, authorizeViewers } from './authorize.js';
import { createBenchDatabase } from './database.js';
import { startLoadGenerator } from './load.js';
import { USAGE, parseOptions, type BenchOptions, type PathId } from './options.js';
import { firstExchanges } from './paths/first-exchange.js';
import { refreshCoalescing, startSiblings, type RefreshViewer } from './paths/refresh.js';
import { startUp } from './paths/startup.js';
import { subscriptionFanOut } from './paths/subscriptions.js';
import { floorInServerProcess, graphqlHotPath, manyViewers, restHotPath, type ThroughputContext } from './paths/throughput.js';
import { RESULTS_DIR, build, distIsStale, hasTaskset, pinSelf } from './processes.js';
import { gitInfo, machineInfo, renderTable, writeJson, type Row, type RunInfo } from './report.js';
import { startAnchorProcess } from './server.js';
import { setUpEnvironment, type BenchEnvironment } from './setup.js';

/**
 * `npm run bench`: starts everything (our server on a fresh database, two fake providers, the anchor,
 * the load generator), bootstraps through the public API and the real OAuth flow, measures the paths
 * of shared/docs/performance.md against their anchors and prints one table (+ bench/results/latest.json).
 * It never fails on speed: the exit code is 0 unless the benchmark itself could not run.
 */
const started = performance.now();
const log = (line: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);

async function main(options: BenchOptions): Promise<number> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  for (const old of fs.readdirSync(RESULTS_DIR)) if (old.endsWith('.log')) fs.rmSync(path.join(RESULTS_DIR, old));
  const want = (id: PathId) => options.only.has(id);
  const pinned = options.pin && hasTaskset;
  const cores = pinned ? { server: 0, load: 1 } : { server: undefined, load: undefined };
  if (pinned) pinSelf(1);
  const info: RunInfo = {
    startedAt: new Date().toISOString(),
    mode: options.quick ? 'quick' : 'full',
    options: { ...options, only: [...options.only] },
    machine: machineInfo(),
    git: gitInfo(),
    database: '',
    pinned,
    setup: {},
  };
  if (options.build === 'always' || (options.build === 'if-stale' && distIsStale())) {
    const built = build();
    log(`npm run build: ${built.ok ? 'ok' : 'FAILED'} in ${(built.ms / 1000).toFixed(1)} s`);
    if (!built.ok) log(built.output.split('\n').slice(0, 10).join('\n'));
  }
  if (!fs.existsSync(path.join(RESULTS_DIR, '..', '..', 'dist', 'src', 'main.js'))) throw new Error('dist/src/main.js missing: run npm run build');

  const db = await createBenchDatabase();
  info.database = db.describe;
  log(`database: ${db.describe}; pinned: ${pinned ? 'server+anchor core 0, load core 1' : 'no'}`);
  const rows: Row[] = [];
  const errors: string[] = [];
  const attempt = async (label: string, work: () => Promise<Row | Row[]>) => {
    log(`path ${label}`);
    try {
      rows.push(...[await work()].flat());
    } catch (error) {
      // undici's "fetch failed" says why only in its cause (a refused or closed connection, ...).
      const cause = (error as Error).cause;
      const message = `${(error as Error).message}${cause ? ` (${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)})` : ''}`;
      errors.push(`${label}: ${(error as Error).stack ?? String(error)}${cause instanceof Error ? `\n  caused by ${cause.stack}` : ''}`);
      log(`path ${label} FAILED: ${message}`);
      rows.push({ id: label.split(' ')[0]!, path: label, value: 'ERROR', target: '', pass: null, notes: [message] });
    }
  };

  let env: BenchEnvironment | undefined;
  try {
    env = await setUpEnvironment(db, { shortTtlSeconds: options.refreshTtlSeconds, core: cores.server, nodeEnv: options.nodeEnv });
    const e = env;
    log(`server up (${e.server.readyMs.toFixed(0)} ms to listening) at ${e.server.url}`);
    const viewerCount = want(4) || want(5) ? options.viewers : 4;
    const viewers = await e.addViewers('viewer', viewerCount, e.main);
    log(`${viewers.length} viewers created with session tokens; authorizing through the real OAuth flow (${options.authorizeConcurrency} browsers at a time)`);
    const authorized = await authorizeViewers(e, e.main, viewers, options.authorizeConcurrency, (n) => log(`  ${n} authorized`));
    info.setup.viewers = { count: viewers.length, authorizeSeconds: authorized.ms / 1000, perViewerMs: authorized.ms / viewers.length };
    log(`authorized ${viewers.length} viewers in ${(authorized.ms / 1000).toFixed(1)} s (${(authorized.ms / viewers.length).toFixed(1)} ms each)`);
    // Path 4b runs whatever --only says (it also checks every viewer answers 200); the fill of up to
    // 1,000,000 rows on PostgreSQL is for path 4's target only.
    const storedAuthorizations = want(4) ? options.storedAuthorizations : 0;
    rows.push(await firstExchanges({ env: e, viewers, sampleSize: Math.min(200, viewers.length), storedAuthorizations, log }));

    if (options.restartAfterSetup) {
      log('--restart-after-setup: a new server process on the same database; exchanging every viewer once on it');
      await e.restartServer();
      const started = performance.now();
      for (const v of viewers) await accessTokenOf(e.server.url, e.main.contentKey, v.sessionToken);
      const rewarmSeconds = (performance.now() - started) / 1000;
      info.setup.restartedAfterSetup = { rewarmSeconds };
      log(`server restarted; ${viewers.length} viewers exchanged again in ${rewarmSeconds.toFixed(1)} s`);
    }

    if (options.gcAfterSetup) {
      const after = await e.server.memory(); // runs two full collections first
      const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
      log(`--gc-after-setup: two full collections in the server; then heap ${mib(after.heapUsed)} used of ${mib(after.heapTotal)}, rss ${mib(after.rss)}`);
      info.setup.collectedAfterSetup = { heapUsed: after.heapUsed, heapTotal: after.heapTotal, rss: after.rss };
    }

    // Path 3's viewers are authorized now so that their short-lived tokens go stale while 1, 2, 4 run.
    const refreshViewers: RefreshViewer[] = [];
    if (want(3)) {
      const perMode = e.db.kind === 'postgres' ? 2 : 1;
      for (const v of await e.addViewers('refresher', options.rounds * perMode, e.short)) {
        await authorizeViewer(e, e.short, v);
        refreshViewers.push({ ...v, authorizedAt: performance.now(), tokenBefore: await accessTokenOf(e.server.url, e.short.contentKey, v.sessionToken) });
      }
    }

    if (want(1) || want(2) || want(4)) {
      const [anchor, load] = await Promise.all([startAnchorProcess(cores.server), startLoadGenerator(options.connections, cores.load)]);
      const ctx: ThroughputContext = {
        env: e,
        load,
        anchor,
        viewers,
        rounds: options.rounds,
        durationSeconds: options.durationSeconds,
        warmupSeconds: options.warmupSeconds,
        profileDir: options.profile ? path.join(RESULTS_DIR, 'profiles') : undefined,
        perfControl: options.perfControl,
        log,
      };
      try {
        if (want(1)) await attempt('1 REST exchange hot path', () => restHotPath(ctx));
        if (want(1) && options.inProcessFloor) await attempt("1f the floor's handler in the server's process", () => floorInServerProcess(ctx));
        if (want(2)) await attempt('2 GraphQL oauthCredentials hot path', () => graphqlHotPath(ctx));
        if (want(4)) await attempt('4 many viewers at random', () => manyViewers(ctx));
      } finally {
        await Promise.all([anchor.stop(), load.stop()]);
      }
    }

    if (want(3)) {
      const refreshCtx = { env: e, ttlSeconds: options.refreshTtlSeconds, concurrency: options.refreshConcurrency, log };
      const single = refreshViewers.slice(0, options.rounds);
      await attempt('3 refresh coalescing', () => refreshCoalescing(refreshCtx, single, [e.server], '3', `refresh coalescing (${options.refreshConcurrency} concurrent)`));
      if (e.db.kind === 'postgres') {
        await attempt('3b refresh coalescing, 3 instances', async () => {
          const siblings = await startSiblings(e, 2);
          try {
            return await refreshCoalescing(refreshCtx, refreshViewers.slice(options.rounds), [e.server, ...siblings], '3b', 'refresh coalescing, 3 instances on one PG');
          } finally {
            await Promise.all(siblings.map((s) => s.stop()));
          }
        });
      } else {
        rows.push({ id: '3b', path: 'refresh coalescing, 3 instances on one PG', value: 'not run', target: 'exactly 1 token request', pass: null, notes: ['needs BENCH_DATABASE_URL (the embedded database allows one process)'] });
      }
    }

    if (want(5)) {
      const targets = await e.addViewers('target', options.samples, e.main);
      await attempt('5 status-subscription fan-out', () =>
        subscriptionFanOut({ env: e, crowd: viewers, targets, subscribers: options.subscribers, admins: options.admins, core: cores.load, log }),
      );
    }

    if (want(6)) {
      await e.server.stop();
      await attempt('6 start-up', () =>
        startUp({
          serverEnv: e.serverEnv,
          serverUrl: e.server.url,
          contentKey: e.main.contentKey,
          sessionToken: viewers[0]!.sessionToken,
          rounds: options.startupRounds,
          alsoNodeDirect: !options.quick,
          describeDatabase: `the ${e.db.kind} database of this run (${viewers.length} viewers authorized)`,
          core: cores.server,
          log,
        }),
      );
    }
  } finally {
    await env?.close().catch((error: unknown) => log(`closing: ${String(error)}`));
    await db.drop().catch((error: unknown) => log(`dropping the database: ${String(error)}`));
  }

  rows.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  const table = renderTable(rows);
  info.finishedAt = new Date().toISOString();
  info.totalSeconds = Math.round((performance.now() - started) / 100) / 10;
  writeJson(options.out, info, rows, table);
  process.stdout.write(`\n${table}\n\nmode ${info.mode}, ${info.totalSeconds} s, commit ${info.git.commit.slice(0, 8)}${info.git.dirtySrc ? ' + uncommitted src/' : ''}, ${info.database}, ${info.machine.cpus} × ${info.machine.model} (ratios differ by machine: bench/FINDINGS.md), results in ${path.relative(process.cwd(), options.out)}\n`);
  if (errors.length) {
    process.stderr.write(`\nThe benchmark could not measure every path:\n${errors.join('\n\n')}\n`);
    return 1;
  }
  return 0;
}

let parsed: ReturnType<typeof parseOptions>;
try {
  parsed = parseOptions(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (parsed === 'help') {
  process.stdout.write(USAGE);
  process.exit(0);
}
main(parsed).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
