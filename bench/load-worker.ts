import fs from 'node:fs';
import autocannon from 'autocannon';

/**
 * The load generator, in its own process (pinned to the other core than the server): runs autocannon
 * on request over IPC and answers with throughput and exact latency percentiles. autocannon's own
 * histogram truncates to whole milliseconds, too coarse for a p99 <= 4 x p50 check at a few ms, so
 * every 2xx response time is also kept here (float ms) and the percentiles are computed from those.
 * Runs on bare node (transpiled by bench/processes.ts).
 */
export interface LoadTarget {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** One fixed body... */
  body?: string;
  /** ...or a JSON file holding an array of bodies, one picked at random per request. */
  bodiesFile?: string;
  /** The process that serves it, for its CPU time per request (bench/cpu.ts); not used by the worker. */
  servedBy?: number;
}

export interface LoadRequest {
  type: 'run';
  id: number;
  target: LoadTarget;
  connections: number;
  durationSeconds: number;
}

export interface LoadResult {
  type: 'result';
  id: number;
  requestsPerSecond: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationSeconds: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  statusCodes: Record<string, number>;
}

const bodiesCache = new Map<string, string[]>();

function run(message: LoadRequest): Promise<LoadResult> {
  const { target } = message;
  const bodies = target.bodiesFile ? loadBodies(target.bodiesFile) : undefined;
  const samples: number[] = [];
  const statusCodes: Record<string, number> = {};
  const options: autocannon.Options = {
    url: target.url,
    connections: message.connections,
    duration: message.durationSeconds,
    timeout: 10,
    ...(bodies
      ? {
          requests: [
            {
              method: target.method,
              headers: target.headers,
              setupRequest: (req: autocannon.Request) => ({ ...req, body: bodies[Math.floor(Math.random() * bodies.length)] }),
            },
          ],
        }
      : { method: target.method, headers: target.headers, body: target.body }),
  };
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => {
      if (error) return reject(error);
      samples.sort((a, b) => a - b);
      const at = (q: number) => samples[Math.max(0, Math.ceil(q * samples.length) - 1)] ?? 0; // nearest rank
      const mean = samples.reduce((sum, v) => sum + v, 0) / Math.max(1, samples.length);
      const durationSeconds = result.duration;
      resolve({
        type: 'result',
        id: message.id,
        requestsPerSecond: samples.length / durationSeconds,
        ok: samples.length,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        durationSeconds,
        latencyMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: samples.at(-1) ?? 0, mean },
        statusCodes,
      });
    });
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) samples.push(responseTimeMs);
    });
  });
}

function loadBodies(file: string): string[] {
  let bodies = bodiesCache.get(file);
  if (!bodies) {
    bodies = JSON.parse(fs.readFileSync(file, 'utf8')) as string[];
    bodiesCache.set(file, bodies);
  }
  return bodies;
}

process.on('message', (message: LoadRequest) => {
  if (message.type !== 'run') return;
  run(message).then(
    (result) => process.send?.(result),
    (error: unknown) => process.send?.({ type: 'error', message: String((error as Error)?.stack ?? error) }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready' });
