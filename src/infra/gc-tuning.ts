import { createHook } from 'node:async_hooks';
import v8 from 'node:v8';

/**
 * How the serving process keeps V8's garbage collector from slowing the credential hot path, as a
 * server's life goes on. Called once by `serve`, before any request.
 */
export function tuneGcForServing(): void {
  disablePretenuring();
  keepTickObjectShape();
}

/**
 * Turns off V8's allocation-site pretenuring.
 *
 * V8 watches each place in the code that allocates objects (an allocation site). When most objects
 * from one site survive young-generation collections, later objects from that site are allocated
 * straight into the old generation, where only a full mark-compact frees them. A server's request
 * objects live for a millisecond, but a few long requests are enough to flip shared sites (Node's
 * HTTP parser, body reading, our JSON replies): a 100-field admin mutation, a batch of session
 * tokens. From then on every credential exchange leaves its objects in the old generation.
 *
 * Measured with `npm run bench` probes (REST exchange hot path, one viewer, after creating 10,000
 * viewers through GraphQL batches): every scavenge promoted ~1.9 MB and paused ~4 ms, at ~33,000
 * req/s and p99 ~6 ms. With pretenuring off: nothing promoted, ~1.2 ms pauses, ~40,000 req/s and
 * p99 ~3.5 ms. Without the batches the hot path promoted nothing either way.
 *
 * V8 reads the flag whenever it would make a pretenuring decision, so no site is ever flipped.
 */
function disablePretenuring(): void {
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
}

/** What keepTickObjectShape holds for the life of the process. */
const kept: { tickObject?: object } = {};

/**
 * Keeps one of Node's `process.nextTick` queue entries alive for good, so that the hidden classes
 * (maps) V8 gave those entries stay alive with it.
 *
 * Every request goes through `process.nextTick` four or five times inside Node's streams and HTTP
 * server, and each call builds its entry as an object literal with two symbol keys. V8 caches how
 * to build it per property, by the object's map. In a server that ran long enough (the bench's
 * set-up: 10,000 OAuth logins), those maps had been built anew (a probe entry's field representation
 * was back at its first state), most likely because full collections ran while nothing held them,
 * and three of the four caches in `nextTick` had gone megamorphic (`%DebugPrint(process.nextTick)`),
 * which sends every entry through V8's runtime. `perf` put ~4% of the exchange's CPU there (~1.8 µs
 * per request; 0.02–0.04% after a small set-up). With one entry kept from start-up, the caches stayed
 * monomorphic after the same set-up and the runtime calls were gone (bench/FINDINGS.md).
 *
 * The entry is caught through an async hook that is enabled for one `nextTick` call at start-up and
 * disabled at once; the entry holds a no-op callback and nothing else.
 */
function keepTickObjectShape(): void {
  const hook = createHook({
    init(_asyncId, type, _triggerAsyncId, resource) {
      if (type === 'TickObject') kept.tickObject = resource;
    },
  });
  hook.enable();
  try {
    process.nextTick(() => {});
  } finally {
    hook.disable();
  }
}
