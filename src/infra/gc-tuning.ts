import v8 from 'node:v8';

/**
 * Turns off V8's allocation-site pretenuring for the serving process.
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
 * Set at start-up, before any request: V8 reads the flag whenever it would make a pretenuring
 * decision, so no site is ever flipped.
 */
export function disablePretenuring(): void {
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
}
