import fs from 'node:fs';
import path from 'node:path';
import { CREDENTIALS_QUERY, EXCHANGE_PATH, accessTokenOf, exchangeBody, exchangeHeaders, gql } from '../api.js';
import { floorTarget, typenameTarget } from '../anchors.js';
import { compare, type Comparison, type LoadGenerator, type LoadTarget } from '../load.js';
import { RESULTS_DIR } from '../processes.js';
import { compareProfiles, summarizeProfile, type ProfiledRun } from '../profile.js';
import type { Row } from '../report.js';
import type { Summary } from '../stats.js';
import type { AnchorProcess } from '../server.js';
import type { BenchEnvironment, Viewer } from '../setup.js';

/**
 * Paths 1, 2 and 4: throughput and latency under 50 connections, each interleaved with its anchor.
 * 1. REST exchange, one viewer, token valid      vs the plain node:http floor   (>= 60%, p99 <= 4 x p50)
 * 2. GraphQL oauthCredentials, same viewer       vs `{ __typename }`, same server (>= 85%)
 * 4. REST exchange, viewers picked at random     vs path 1's one-viewer hot path  (>= 80%)
 */
export interface ThroughputContext {
  env: BenchEnvironment;
  load: LoadGenerator;
  anchor: AnchorProcess;
  viewers: Viewer[];
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** When set, one extra subject run (not counted) is CPU-profiled into this directory. */
  profileDir?: string;
  /** `--perf-control`: FIFO prefix for a recorder of each side's rounds. */
  perfControl?: string;
  log: (line: string) => void;
}

const restTarget = (env: BenchEnvironment, viewer: Viewer): LoadTarget => ({
  url: `${env.server.url}${EXCHANGE_PATH}`,
  method: 'POST',
  headers: exchangeHeaders(env.main.contentKey),
  body: exchangeBody(viewer.sessionToken),
  servedBy: env.server.child.pid,
});

export async function restHotPath(ctx: ThroughputContext): Promise<Row> {
  const viewer = ctx.viewers[0]!;
  await accessTokenOf(ctx.env.server.url, ctx.env.main.contentKey, viewer.sessionToken); // pre-flight: 200 with a token
  const subject = restTarget(ctx.env, viewer);
  const result = await compare(ctx.load, floorTarget(ctx.anchor, ctx.env.main.contentKey, viewer.sessionToken), subject, ctx);
  const spread = result.subject.p99Ms.median / result.subject.p50Ms.median;
  const row = comparisonRow('1', 'REST exchange hot path (1 viewer)', 'node:http floor', result, 0.6, '>= 60% of floor, p99 <= 4x p50');
  const floorSpread = result.anchor.p99Ms.median / result.anchor.p50Ms.median;
  row.notes!.unshift(`p99/p50 = ${spread.toFixed(2)} (target <= 4; the floor's own p99/p50 in this run: ${floorSpread.toFixed(2)})`);
  if (row.pass !== null) row.pass = row.pass && spread <= 4;
  await maybeProfile(ctx, 'rest-hot-path', subject, row);
  return row;
}

/**
 * Diagnostic row 1f (`--in-process-floor`): the floor's own handler, served from a second node:http
 * server inside our server's process, against the floor in its own process. Both do the same work;
 * the difference is what running inside a process that also serves GraphQL, OAuth and the database
 * costs Node's HTTP and stream internals. Not judged: no target speaks of it.
 */
export async function floorInServerProcess(ctx: ThroughputContext): Promise<Row> {
  const viewer = ctx.viewers[0]!;
  const inProcess = await ctx.env.server.startInProcessFloor();
  const target = (anchor: AnchorProcess) => floorTarget(anchor, ctx.env.main.contentKey, viewer.sessionToken);
  let result: Comparison;
  try {
    result = await compare(ctx.load, target(ctx.anchor), target(inProcess), ctx);
  } finally {
    await inProcess.stop(); // the paths after it run without it
  }
  const row = comparisonRow('1f', "the floor's handler in our server's process", 'node:http floor', result, null, 'diagnostic (path 1: how much of its gap is the process)');
  row.notes!.push('the same handler and request on both sides: the ratio is the most path 1 could reach in that process');
  return row;
}

export async function graphqlHotPath(ctx: ThroughputContext): Promise<Row> {
  const viewer = ctx.viewers[0]!;
  const variables = { sessionToken: viewer.sessionToken };
  await gql(ctx.env.server.url, CREDENTIALS_QUERY, variables, ctx.env.main.contentKey); // pre-flight
  const subject: LoadTarget = {
    url: `${ctx.env.server.url}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Key ${ctx.env.main.contentKey}` },
    body: JSON.stringify({ query: CREDENTIALS_QUERY, variables }),
    servedBy: ctx.env.server.child.pid,
  };
  const result = await compare(ctx.load, typenameTarget(ctx.env.server), subject, ctx);
  const row = comparisonRow('2', 'GraphQL oauthCredentials hot path', '{ __typename }', result, 0.85, '>= 85% of { __typename }');
  const subjectProfile = await maybeProfile(ctx, 'graphql-hot-path', subject, row);
  // Both sides run on our server: their profiles side by side show where the difference goes.
  const anchorProfile = await maybeProfile(ctx, 'graphql-typename', typenameTarget(ctx.env.server), row);
  if (subjectProfile && anchorProfile) writeComparison(ctx, 'graphql-hot-path-vs-typename.txt', subjectProfile, anchorProfile, row);
  return row;
}

export async function manyViewers(ctx: ThroughputContext): Promise<Row> {
  const viewers = ctx.viewers;
  for (const v of [viewers[1], viewers[Math.floor(viewers.length / 2)], viewers.at(-1)]) {
    await accessTokenOf(ctx.env.server.url, ctx.env.main.contentKey, v!.sessionToken); // pre-flight
  }
  // Both sides go through autocannon's per-request body mode (setupRequest): the one-viewer side picks
  // "at random" from a list of one. The generator's two modes load the server differently (a fixed body
  // measured ~25% slower here for the same request), so mixing them would bias the ratio.
  const bodiesFile = (name: string, list: Viewer[]) => {
    const file = path.join(RESULTS_DIR, '.bin', `${name}-bodies.json`);
    fs.writeFileSync(file, JSON.stringify(list.map((v) => exchangeBody(v.sessionToken))));
    return file;
  };
  const { body: _one, ...spread } = restTarget(ctx.env, viewers[0]!);
  const subject: LoadTarget = { ...spread, bodiesFile: bodiesFile('many-viewers', viewers) };
  const anchor: LoadTarget = { ...spread, bodiesFile: bodiesFile('one-viewer', viewers.slice(0, 1)) };
  const result = await compare(ctx.load, anchor, subject, ctx);
  const row = comparisonRow('4', `${viewers.length.toLocaleString('en-US')} viewers at random (REST)`, '1 viewer', result, 0.8, '>= 80% of 1-viewer path');
  row.notes!.push('both sides use the per-request body mode of the load generator, so its 1-viewer number differs from row 1');
  const subjectProfile = await maybeProfile(ctx, 'many-viewers', subject, row);
  const anchorProfile = await maybeProfile(ctx, 'one-viewer', anchor, row);
  if (subjectProfile && anchorProfile) writeComparison(ctx, 'many-viewers-vs-one-viewer.txt', subjectProfile, anchorProfile, row);
  return row;
}

function writeComparison(ctx: ThroughputContext, name: string, subject: ProfiledRun, anchor: ProfiledRun, row: Row): void {
  const file = path.join(ctx.profileDir!, name);
  fs.writeFileSync(file, `${compareProfiles(subject, anchor).join('\n')}\n`);
  row.notes!.push(`the two profiles compared function by function: ${path.relative(process.cwd(), file)}`);
}

/** `minRatio` null: a diagnostic row, measured and shown but not judged. */
function comparisonRow(id: string, name: string, anchor: string, result: Comparison, minRatio: number | null, target: string): Row {
  const notes: string[] = [];
  const invalid = result.subject.failures > 0 || result.anchor.failures > 0;
  if (invalid) {
    notes.push(`INVALID: failed responses subject ${result.subject.failures}, anchor ${result.anchor.failures}; status codes ${JSON.stringify(result.subject.statusCodes)}`);
  }
  const ratios = [...result.roundRatios].sort((a, b) => a - b);
  notes.push(`per-round ratios ${ratios.map((r) => `${Math.round(r * 100)}%`).join(', ')}; anchor p50 ${result.anchor.p50Ms.median.toFixed(2)} ms, p99 ${result.anchor.p99Ms.median.toFixed(2)} ms`);
  const [anchorCpu, subjectCpu] = [result.anchor.cpuUsPerRequest, result.subject.cpuUsPerRequest];
  if (anchorCpu && subjectCpu && result.cpuRatio !== undefined) {
    notes.push(
      `serving process CPU per request: anchor ${usRange(anchorCpu)}, subject ${usRange(subjectCpu)}; ` +
        `anchor / subject ${Math.round(result.cpuRatio * 100)}% (the ratio these costs alone would give)`,
    );
  }
  return {
    id,
    path: name,
    rps: result.subject.requestsPerSecond,
    p50Ms: result.subject.p50Ms,
    p99Ms: result.subject.p99Ms,
    anchor,
    anchorRps: result.anchor.requestsPerSecond,
    ratio: result.ratio,
    target,
    pass: invalid || minRatio === null ? null : result.ratio >= minRatio,
    notes,
    details: result,
  };
}

const usRange = (s: Summary) => `${s.median.toFixed(1)} µs (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;

async function maybeProfile(ctx: ThroughputContext, name: string, target: LoadTarget, row: Row): Promise<ProfiledRun | undefined> {
  if (!ctx.profileDir) return undefined;
  fs.mkdirSync(ctx.profileDir, { recursive: true });
  const file = path.join(ctx.profileDir, `${name}.cpuprofile`);
  let answered = 0;
  await ctx.env.server.profile(file, async () => void (answered = (await ctx.load.run(target, ctx.durationSeconds)).ok));
  const summary = summarizeProfile(file, 12, answered);
  fs.writeFileSync(file.replace(/\.cpuprofile$/, '.txt'), `${summary.join('\n')}\n`);
  row.notes!.push(`CPU profile of one extra run: ${path.relative(process.cwd(), file)} (summary in .txt next to it)`);
  return { file, requests: answered };
}
