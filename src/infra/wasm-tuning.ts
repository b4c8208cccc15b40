import v8 from 'node:v8';

/**
 * Defers V8's optimizing compiler for WebAssembly while the server starts.
 *
 * Two large WebAssembly modules start with the server: PGlite's Postgres (embedded database) and
 * Prisma's query compiler. V8 first runs WebAssembly through its baseline compiler and re-compiles
 * each function that has run long enough (its "tiering budget" spent) with its optimizing compiler,
 * on background threads. During a start most of that work is for code that runs only during the
 * start (Postgres's recovery and catalog set-up, the first queries), and on a machine with one core
 * to spare those threads take the CPU the start needs. Measured on one core (bench path 6,
 * bench/FINDINGS.md): V8's background threads used ~1.3–1.5 s of CPU before the first answer,
 * against ~1.2 s on the main thread; with a budget 100x V8's default the start took 1.5–1.9 s
 * instead of 2.3–2.6 s, and after ~10,000 queries lookups and aggregates ran as fast as with the
 * default (functions that stay hot still reach the optimizing compiler, just later).
 *
 * V8 fills each function's budget from the flag when a module is instantiated, and refills it from
 * the flag as it then reads whenever it runs out (V8's runtime, `Runtime_WasmTriggerTierUp`), so
 * raising the flag for the start and restoring it once the server listens affects the modules
 * instantiated during the start, and each function only until its budget first runs out.
 *
 * Applied only on the V8 whose default it restores, and not when the node command line sets the
 * flag (`nodeFlags`: process.execArgv; a budget set through NODE_OPTIONS is not seen, and would be
 * replaced by the default once the server listens).
 */
const STARTUP_BUDGET = 180_000_000;
/** `node --v8-options` on Node 20 (V8 11.3): --wasm-tiering-budget default. */
const V8_DEFAULT_BUDGET = 1_800_000;
const MEASURED_V8 = /^11\.3\./;

/** Returns the function that restores V8's default; call it once the server listens. */
export function deferWasmOptimizationDuringStart(nodeFlags: readonly string[]): () => void {
  if (!MEASURED_V8.test(process.versions.v8) || nodeFlags.some((flag) => flag.includes('wasm-tiering-budget'))) return () => {};
  v8.setFlagsFromString(`--wasm-tiering-budget=${STARTUP_BUDGET}`);
  return () => v8.setFlagsFromString(`--wasm-tiering-budget=${V8_DEFAULT_BUDGET}`);
}
