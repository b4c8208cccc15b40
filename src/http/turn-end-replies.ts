import type { ServerResponse } from 'node:http';

/**
 * GraphQL replies finished during one turn of the event loop leave together at its end
 * (`setImmediate`: the check phase, right after the poll phase that read their requests), up to
 * MAX_HELD_REPLIES at a time, instead of one by one.
 *
 * Why: under load one turn reads requests from many connections, and a reply written to a client
 * that went to sleep waiting for it wakes that client: a cross-CPU wake-up that the server's CPU pays
 * for inside `writev`. The dearer the request, the likelier its client slept. Written back to back,
 * the first reply wakes the client and the rest find it awake. On loopback this cut a GraphQL
 * request's CPU by a fifth to a quarter, and more than half of what `oauthCredentials` cost over
 * `{ __typename }` (bench/FINDINGS.md, "GraphQL replies held to the end of the event loop's turn").
 * Redis writes its replies the same way, just before its event loop sleeps again.
 *
 * The credential exchange does not hold its replies: it is cheap enough that its clients are seldom
 * asleep, so holding them saved no CPU, and its tail latency grew (p99 from 2.1–3.0 to 3.5–3.7
 * times p50 in alternating quick runs; the target is at most 4).
 *
 * Nothing waits beyond the turn it was answered in, nor behind more than MAX_HELD_REPLIES - 1 others;
 * a lone request's reply leaves a few microseconds later than it would have.
 */
export const MAX_HELD_REPLIES = 16;

const held: ServerResponse[] = [];
const bodies: string[] = [];

export function endAtTurnEnd(res: ServerResponse, body: string): void {
  if (held.length === 0) setImmediate(endHeld);
  held.push(res);
  bodies.push(body);
  if (held.length >= MAX_HELD_REPLIES) endHeld();
}

function endHeld(): void {
  // Taken out first: a reply ended here whose listeners hold another starts a new batch.
  const responses = held.splice(0);
  const texts = bodies.splice(0);
  for (let i = 0; i < responses.length; i++) {
    const res = responses[i]!;
    try {
      res.end(texts[i]);
    } catch (error) {
      // One reply that cannot be ended must not take the others, or the process, with it.
      res.destroy(error instanceof Error ? error : undefined);
    }
  }
}
