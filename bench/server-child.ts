import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Config from '../src/infra/config.js';
import type * as Logger from '../src/infra/logger.js';
import type * as Serving from '../src/serving.js';
import type * as Floor from './anchor-server.js';

/**
 * The server under test, in its own process: exactly what `node dist/src/main.js serve` does
 * (loadConfig from the environment, then startServing, from the same bundle in dist/, whose build
 * makes these three modules entry points), plus an IPC channel the benchmark uses to read this process's memory (after a forced
 * GC, hence --expose-gc) and to start/stop a CPU profile around one measurement window. No endpoint
 * is added to our server; `--in-process-floor` asks for the floor's handler (bench/anchor-server.ts)
 * on a port of its own in this process.
 *
 * Runs on bare node (transpiled by bench/processes.ts); BENCH_ROOT points at the repository.
 */
type Message =
  | { type: 'memory' }
  | { type: 'profile-start' }
  | { type: 'profile-stop'; file: string }
  | { type: 'floor-start'; module: string }
  | { type: 'floor-stop' }
  | { type: 'stop' };

const root = process.env.BENCH_ROOT ?? process.cwd();
const load = <T>(relative: string): Promise<T> => import(pathToFileURL(path.join(root, 'dist', relative)).href) as Promise<T>;
const send = (message: object) => process.send?.(message);

async function main() {
  const started = performance.now();
  const [{ startServing }, { loadConfig }, { createLogger }] = await Promise.all([
    load<typeof Serving>('src/serving.js'),
    load<typeof Config>('src/infra/config.js'),
    load<typeof Logger>('src/infra/logger.js'),
  ]);
  const config = loadConfig();
  const { services, running } = await startServing(config, createLogger(config.logLevel, process.stderr));
  let profiler: Session | undefined;
  let closeFloor = () => {};

  const shutdown = async () => {
    closeFloor();
    await running.close();
    await services.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
  process.on('disconnect', () => void shutdown());

  process.on('message', (message: Message) => {
    void (async () => {
      switch (message.type) {
        case 'memory':
          return send({ type: 'memory', usage: measureMemory() });
        case 'profile-start':
          profiler = new Session();
          profiler.connect();
          await profiler.post('Profiler.enable');
          await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
          await profiler.post('Profiler.start');
          return send({ type: 'profile-started' });
        case 'profile-stop': {
          const { profile } = await profiler!.post('Profiler.stop');
          profiler!.disconnect();
          profiler = undefined;
          fs.writeFileSync(message.file, JSON.stringify(profile));
          return send({ type: 'profile-stopped', file: message.file });
        }
        case 'floor-start': {
          const { createFloorServer } = (await import(pathToFileURL(message.module).href)) as typeof Floor;
          const floor = createFloorServer();
          await new Promise<void>((resolve) => floor.listen(0, '127.0.0.1', resolve));
          closeFloor = () => {
            floor.closeAllConnections();
            floor.close();
            closeFloor = () => {};
          };
          return send({ type: 'floor-started', port: (floor.address() as AddressInfo).port });
        }
        case 'floor-stop':
          closeFloor();
          return send({ type: 'floor-stopped' });
        case 'stop':
          return shutdown();
      }
    })().catch((error: unknown) => send({ type: 'error', message: String((error as Error)?.stack ?? error) }));
  });
  send({ type: 'ready', port: running.port, startMs: performance.now() - started });
}

/** Heap after two full collections (needs --expose-gc), so that deltas count live objects only. */
function measureMemory(): NodeJS.MemoryUsage {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage();
}

main().catch((error: unknown) => {
  send({ type: 'error', message: String((error as Error)?.stack ?? error) });
  process.stderr.write(`server-child: ${String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
