import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { RESULTS_DIR, ROOT, compileChild, nextMessage, request, spawnNode, stop } from './processes.js';

/**
 * Our server as a child process (bench/server-child.ts: createServices + startServer from dist/),
 * and the plain node:http anchor as another. Both are pinned to the same core (never loaded at the
 * same time: rounds are interleaved), the load generator to the other.
 */
export interface ServerProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /** ms from process spawn to listening, as seen by the parent. */
  readyMs: number;
  memory(): Promise<NodeJS.MemoryUsage>;
  profile(file: string, during: () => Promise<void>): Promise<void>;
  /** The floor's handler (bench/anchor-server.ts) on a port of its own inside this process. */
  startInProcessFloor(): Promise<AnchorProcess>;
  stop(): Promise<void>;
}

export interface StartOptions {
  env: Record<string, string>;
  core?: number;
  logName: string;
}

export async function startServerProcess({ env, core, logName }: StartOptions): Promise<ServerProcess> {
  const script = compileChild('server-child');
  const started = performance.now();
  const child = spawnNode(script, {
    nodeArgs: ['--expose-gc', ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)],
    env: { ...env, BENCH_ROOT: ROOT },
    core,
    logFile: path.join(RESULTS_DIR, `${logName}.log`),
  });
  const ready = await nextMessage<{ type: 'ready'; port: number }>(child, 'ready', 180_000);
  const url = `http://127.0.0.1:${ready.port}`;
  return {
    child,
    url,
    port: ready.port,
    readyMs: performance.now() - started,
    memory: async () => (await request<{ type: 'memory'; usage: NodeJS.MemoryUsage }>(child, { type: 'memory' }, 'memory')).usage,
    profile: async (file, during) => {
      await request(child, { type: 'profile-start' }, 'profile-started');
      try {
        await during();
      } finally {
        await request(child, { type: 'profile-stop', file }, 'profile-stopped');
      }
    },
    startInProcessFloor: async () => {
      const started = await request<{ type: 'floor-started'; port: number }>(child, { type: 'floor-start', module: compileChild('anchor-server') }, 'floor-started');
      return {
        url: `http://127.0.0.1:${started.port}`,
        pid: child.pid,
        stop: async () => void (await request(child, { type: 'floor-stop' }, 'floor-stopped')),
      };
    },
    stop: () => stop(child),
  };
}

export interface AnchorProcess {
  url: string;
  pid?: number;
  stop(): Promise<void>;
}

export async function startAnchorProcess(core?: number): Promise<AnchorProcess> {
  const child = spawnNode(compileChild('anchor-server'), { core, logFile: path.join(RESULTS_DIR, 'anchor.log') });
  const ready = await nextMessage<{ type: 'ready'; port: number }>(child, 'ready', 30_000);
  return { url: `http://127.0.0.1:${ready.port}`, pid: child.pid, stop: () => stop(child) };
}
