import path from 'node:path';
import { parseArgs } from 'node:util';
import { RESULTS_DIR } from './processes.js';

/** Command-line options of `npm run bench -- [options]`, with the full and quick defaults. */
export const PATHS = {
  1: 'rest',
  2: 'graphql',
  3: 'refresh',
  4: 'viewers',
  5: 'subscriptions',
  6: 'startup',
} as const;
export type PathId = keyof typeof PATHS;

export interface BenchOptions {
  quick: boolean;
  only: Set<PathId>;
  durationSeconds: number;
  rounds: number;
  warmupSeconds: number;
  connections: number;
  viewers: number;
  authorizeConcurrency: number;
  subscribers: number;
  admins: number;
  samples: number;
  refreshConcurrency: number;
  refreshTtlSeconds: number;
  startupRounds: number;
  /** Rows viewer_authorizations holds before path 4b's first exchanges; undefined = the default of paths/first-exchange.ts. */
  storedAuthorizations: number | undefined;
  pin: boolean;
  build: 'always' | 'never' | 'if-stale';
  profile: boolean;
  /**
   * Diagnostic: a new server process after the set-up, every viewer exchanged once on it, before the
   * paths run (bench/FINDINGS.md: the open lead). Off by default: a real server lives through its set-up.
   */
  restartAfterSetup: boolean;
  /** Two full collections in the server after the set-up instead: its garbage apart from the rest it leaves. Off by default. */
  gcAfterSetup: boolean;
  /**
   * Diagnostic: after path 1, the floor's handler served from the server's own process, against the
   * floor in its own: what the process costs any request, apart from what our route does. Off by default.
   */
  inProcessFloor: boolean;
  /**
   * Diagnostic: FIFOs `<prefix>.anchor` and `<prefix>.subject` get `enable` / `disable` around each
   * side's measured rounds, for two `perf record --control fifo:...` of the server (bench/README.md).
   */
  perfControl: string | undefined;
  /** NODE_ENV for the server process: `production` by default, as `npm start` sets it; '' keeps the bench's own. */
  nodeEnv: string;
  out: string;
}

export const USAGE = `Usage: npm run bench -- [options]

  --quick                 smoke run, whole run <= 60 s (short rounds, fewer viewers and subscribers)
  --only <paths>          comma list of 1-6 or rest,graphql,refresh,viewers,subscriptions,startup
  --duration <s>          seconds per measured round (full 10, quick 1.5)
  --rounds <n>            interleaved anchor/subject rounds (full 5, quick 2)
  --warmup <s>            unmeasured warm-up per side before the rounds (full 3, quick 0.5)
  --connections <n>       concurrent connections of the load generator (50)
  --viewers <n>           viewers authorized through the real OAuth flow for path 4 (full 10000, quick 100)
  --subscribers <n>       graphql-ws subscribers for path 5 (full 5000, quick 300)
  --samples <n>           callbacks timed in path 5 (full 30, quick 5)
  --refresh-concurrency   concurrent exchanges per refresh burst (500)
  --refresh-ttl <s>       provider access-token lifetime for path 3 (20)
  --stored-authorizations <n>
                          fill viewer_authorizations up to n rows before path 4b's timed first exchanges
                          (PostgreSQL only; default 1000000 there, quick mode too; 0 skips the fill)
  --no-pin                do not pin server (core 0) and load generator (core 1) with taskset
  --build / --no-build    always / never run npm run build first (default: only when src/ is newer than dist/)
  --profile               CPU-profile one extra, unmeasured subject run of paths 1, 2, 4 and of path 2's anchor
                          (bench/results/profiles; each summary gives the busy time per request)
  --restart-after-setup   diagnostic: after the set-up, restart the server on the same database and exchange
                          every viewer once (caches warm again) before the paths; separates what the set-up's
                          traffic leaves in the process from what the viewers' data costs
  --gc-after-setup        diagnostic: after the set-up, two full garbage collections in the server (no restart)
  --in-process-floor      diagnostic, with path 1: the floor's handler on a port of its own inside the server's
                          process, measured against the floor in its own process (row 1f, not judged)
  --perf-control <prefix> diagnostic, paths 1, 2, 4: writes enable/disable to the FIFOs <prefix>.anchor and
                          <prefix>.subject around each side's measured rounds (perf record --control, bench/README.md)
  --node-env <value>      NODE_ENV for the server (default: production, as npm start sets it; '' keeps the
                          bench's own environment; without production graphql-js runs development-only checks)
  --out <file>            JSON result file (bench/results/latest.json)

BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres runs everything on a throw-away PostgreSQL database.
BENCH_NODE_ARGS='--trace-gc ...' adds node flags to the server process (V8 experiments; npm start sets none).
`;

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      viewers: { type: 'string' },
      'authorize-concurrency': { type: 'string' },
      subscribers: { type: 'string' },
      admins: { type: 'string' },
      samples: { type: 'string' },
      'refresh-concurrency': { type: 'string' },
      'refresh-ttl': { type: 'string' },
      'startup-rounds': { type: 'string' },
      'stored-authorizations': { type: 'string' },
      'no-pin': { type: 'boolean', default: false },
      build: { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'restart-after-setup': { type: 'boolean', default: false },
      'gc-after-setup': { type: 'boolean', default: false },
      'in-process-floor': { type: 'boolean', default: false },
      'perf-control': { type: 'string' },
      out: { type: 'string' },
      'node-env': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const quick = values.quick!;
  const num = (raw: string | undefined, full: number, fast: number, name: string) => {
    const n = raw === undefined ? (quick ? fast : full) : Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
    return n;
  };
  return {
    quick,
    only: parseOnly(values.only),
    durationSeconds: num(values.duration, 10, 1.5, 'duration'),
    rounds: Math.max(1, Math.round(num(values.rounds, 5, 2, 'rounds'))),
    warmupSeconds: num(values.warmup, 3, 0.5, 'warmup'),
    connections: num(values.connections, 50, 50, 'connections'),
    viewers: Math.max(4, num(values.viewers, 10_000, 100, 'viewers')),
    authorizeConcurrency: num(values['authorize-concurrency'], 32, 32, 'authorize-concurrency'),
    subscribers: num(values.subscribers, 5_000, 300, 'subscribers'),
    admins: num(values.admins, 3, 1, 'admins'),
    samples: Math.max(1, num(values.samples, 30, 5, 'samples')),
    refreshConcurrency: num(values['refresh-concurrency'], 500, 500, 'refresh-concurrency'),
    refreshTtlSeconds: Math.max(4, num(values['refresh-ttl'], 20, 20, 'refresh-ttl')),
    startupRounds: Math.max(1, num(values['startup-rounds'], 3, 1, 'startup-rounds')),
    storedAuthorizations:
      values['stored-authorizations'] === undefined ? undefined : Math.round(num(values['stored-authorizations'], 0, 0, 'stored-authorizations')),
    pin: !values['no-pin'],
    build: values.build ? 'always' : values['no-build'] ? 'never' : 'if-stale',
    profile: values.profile!,
    restartAfterSetup: values['restart-after-setup']!,
    gcAfterSetup: values['gc-after-setup']!,
    inProcessFloor: values['in-process-floor']!,
    perfControl: values['perf-control'],
    nodeEnv: values['node-env'] ?? 'production',
    out: path.resolve(values.out ?? path.join(RESULTS_DIR, 'latest.json')),
  };
}

function parseOnly(raw: string | undefined): Set<PathId> {
  const all = Object.keys(PATHS).map(Number) as PathId[];
  if (!raw) return new Set(all);
  const chosen = new Set<PathId>();
  for (const item of raw.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    const id = all.find((k) => String(k) === item || PATHS[k] === item);
    if (!id) throw new Error(`--only: unknown path "${item}" (use 1-6 or ${Object.values(PATHS).join(', ')})`);
    chosen.add(id);
  }
  return chosen;
}
