import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Child processes of the benchmark. Every child that serves or generates load is its own Node process
 * (optionally pinned to a core with taskset), so the server, the anchor and the load generator never
 * share an event loop. Child scripts are written in TypeScript next to this file and transpiled once
 * per run to plain ESM under bench/results/.bin: they run on bare `node`, without tsx's loader hooks
 * (tsx turns source maps on, which would make the server slower than `npm start`).
 */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
const BIN_DIR = path.join(RESULTS_DIR, '.bin');

export type ChildScript = 'server-child' | 'anchor-server' | 'load-worker' | 'subscribers-worker';

/** Transpiles bench/<name>.ts (self-contained: packages, builtins and type-only imports) to .bin/<name>.mjs. */
export function compileChild(name: ChildScript): string {
  const source = fs.readFileSync(path.join(ROOT, 'bench', `${name}.ts`), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2023, verbatimModuleSyntax: false },
    fileName: `${name}.ts`,
  });
  fs.mkdirSync(BIN_DIR, { recursive: true });
  const out = path.join(BIN_DIR, `${name}.mjs`);
  fs.writeFileSync(out, outputText);
  return out;
}

const groupLeaders = new WeakSet<ChildProcess>();

/**
 * The environment children inherit: ours minus the server settings the benchmark decides itself
 * (a DATABASE_URL in the caller's shell must not point the embedded run at PostgreSQL). Tuning
 * knobs (HOT_CACHE_TTL_SECONDS, TOKEN_REFRESH_MARGIN_SECONDS, NODE_ENV, ...) pass through.
 */
const DECIDED_HERE = ['PORT', 'HOST', 'PUBLIC_URL', 'DATA_DIR', 'DATABASE_URL', 'ENCRYPTION_KEYS', 'ACTIVE_ENCRYPTION_KEY_ID', 'SIGNING_KEY', 'INSTANCE_ID'];
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of DECIDED_HERE) delete env[key];
  return { ...env, ...extra };
}

export const hasTaskset = spawnSync('taskset', ['-V']).status === 0;

export interface SpawnOptions {
  args?: string[];
  nodeArgs?: string[];
  env?: Record<string, string>;
  /** Core to pin to (ignored without taskset or when pinning is off). */
  core?: number;
  /** File that receives the child's stdout and stderr. */
  logFile?: string;
  /** Run in its own process group so that the whole tree (npm -> sh -> node) can be signalled. */
  detached?: boolean;
  /** Default true. Off for processes that are not ours (npm start): an inherited channel confuses them. */
  ipc?: boolean;
}

/** Spawns `node [nodeArgs] script [args]` (or any command when script is an array) with an IPC channel. */
export function spawnNode(script: string | string[], options: SpawnOptions = {}): ChildProcess {
  const command = Array.isArray(script) ? script : [process.execPath, ...(options.nodeArgs ?? []), script, ...(options.args ?? [])];
  const pinned = options.core !== undefined && hasTaskset ? ['taskset', '-c', String(options.core), ...command] : command;
  const log = options.logFile ? fs.openSync(options.logFile, 'a') : 'ignore';
  const child = spawn(pinned[0]!, pinned.slice(1), {
    cwd: ROOT,
    env: childEnv(options.env),
    stdio: options.ipc === false ? ['ignore', log, log] : ['ignore', log, log, 'ipc'],
    detached: options.detached ?? false,
  });
  if (typeof log === 'number') fs.closeSync(log);
  if (options.detached) groupLeaders.add(child);
  return child;
}

/** Pins this (the orchestrating) process, all its threads, to a core. */
export function pinSelf(core: number): void {
  if (hasTaskset) spawnSync('taskset', ['-a', '-p', '-c', String(core), String(process.pid)], { stdio: 'ignore' });
}

/** Waits for the first IPC message matching `type`; rejects if the child exits first or on timeout. */
export function nextMessage<T extends { type: string }>(child: ChildProcess, type: string, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for "${type}" from child ${child.pid}`)), timeoutMs);
    const onMessage = (message: T) => {
      if (message?.type === type) finish(undefined, message);
      else if (message?.type === 'error') finish(new Error(`child ${child.pid}: ${(message as unknown as { message: string }).message}`));
    };
    const onExit = (code: number | null, signal: string | null) =>
      finish(new Error(`child ${child.pid} exited (${code ?? signal}) before sending "${type}"`));
    function finish(error?: Error, message?: T) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message!);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Sends a request over IPC and waits for the reply of the given type. */
export async function request<T extends { type: string }>(child: ChildProcess, message: object, replyType: string, timeoutMs?: number): Promise<T> {
  const reply = nextMessage<T>(child, replyType, timeoutMs);
  child.send(message);
  return reply;
}

/** SIGTERM (the process group when detached), then SIGKILL after graceMs. Resolves on exit. */
export async function stop(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (groupLeaders.has(child)) process.kill(-child.pid!, sig);
      else child.kill(sig);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Polls url every intervalMs until it answers 2xx; returns ms since `since` (performance.now() based). */
export async function waitForHttp(url: string, since: number, timeoutMs = 60_000, intervalMs = 5): Promise<number> {
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.ok) return performance.now() - since;
    } catch {
      /* not listening yet */
    }
    if (performance.now() - since > timeoutMs) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** True when dist/src/main.js is missing or older than any file under src/ (the build rewrites every output). */
export function distIsStale(): boolean {
  const built = path.join(ROOT, 'dist', 'src', 'main.js');
  if (!fs.existsSync(built)) return true;
  const builtAt = fs.statSync(built).mtimeMs;
  const newest = (dir: string): number =>
    Math.max(0, ...fs.readdirSync(dir, { withFileTypes: true }).map((e) => {
      const full = path.join(dir, e.name);
      return e.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs;
    }));
  return newest(path.join(ROOT, 'src')) > builtAt;
}

/** `npm run build` (the esbuild bundle, scripts/build.ts; it does not type-check). */
export function build(): { ok: boolean; ms: number; output: string } {
  const started = performance.now();
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8' });
  return { ok: result.status === 0, ms: performance.now() - started, output: `${result.stdout}${result.stderr}`.trim() };
}
