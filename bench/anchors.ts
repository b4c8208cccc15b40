import { EXCHANGE_PATH, TYPENAME_QUERY, exchangeBody, exchangeHeaders } from './api.js';
import type { LoadTarget } from './load.js';
import type { AnchorProcess, ServerProcess } from './server.js';

/**
 * The anchors each path is compared with, in the same run (shared/docs/performance.md):
 * - the floor: a plain node:http process answering constant JSON (bench/anchor-server.ts), sent the
 *   very request the exchange gets (same headers, same form body), so the only difference is our code;
 * - `{ __typename }` POSTed to OUR server's /graphql (same process as the subject): Apollo's own cost.
 *   Sent without an API key, as the anchor was measured: the pure framework floor, no authentication.
 */
export function floorTarget(anchor: AnchorProcess, contentKey: string, sessionToken: string): LoadTarget {
  return {
    url: `${anchor.url}${EXCHANGE_PATH}`,
    method: 'POST',
    headers: exchangeHeaders(contentKey),
    body: exchangeBody(sessionToken),
    servedBy: anchor.pid,
  };
}

export function typenameTarget(server: ServerProcess): LoadTarget {
  return {
    url: `${server.url}/graphql`,
    servedBy: server.child.pid,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: TYPENAME_QUERY }),
  };
}
