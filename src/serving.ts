import { createServices, type Services } from './app.js';
import type { Config } from './infra/config.js';
import { tuneGcForServing } from './infra/gc-tuning.js';
import type { Logger } from './infra/logger.js';
import { deferWasmOptimizationDuringStart } from './infra/wasm-tuning.js';
import { startServer, type RunningServer } from './http/server.js';

/**
 * A serving process's start: the V8 tuning for serving, the services, the HTTP server. One sequence
 * for `serve` (main.ts) and the benchmark's server process, so that the bench measures what
 * `npm start` runs.
 */
export interface StartupPhases {
  /** From the process's start (performance.now()'s origin): node's own start and module loading. */
  modulesMs: number;
  /** Database, migrations and services. */
  servicesMs: number;
  /** GraphQL and the listener. */
  httpMs: number;
}

export interface Serving {
  services: Services;
  running: RunningServer;
  startup: StartupPhases;
}

export async function startServing(config: Config, logger: Logger): Promise<Serving> {
  tuneGcForServing();
  const restoreWasmOptimization = deferWasmOptimizationDuringStart(process.execArgv);
  const servicesFrom = performance.now();
  const services = await createServices(config, logger);
  const httpFrom = performance.now();
  const running = await startServer(services);
  restoreWasmOptimization();
  const startup = {
    modulesMs: Math.round(servicesFrom),
    servicesMs: Math.round(httpFrom - servicesFrom),
    httpMs: Math.round(performance.now() - httpFrom),
  };
  return { services, running, startup };
}
