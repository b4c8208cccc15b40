import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

/**
 * Anchor 1: the floor of any Node server on this machine. A plain node:http server in its own process
 * that drains the request body (the exchange is a POST with a form body, so the floor reads one too)
 * and answers a constant JSON of the exchange's size and shape, with the same headers our server sends.
 * Runs on bare node (transpiled by bench/processes.ts); reports its port over IPC.
 *
 * `--in-process-floor` also imports createFloorServer into the server's own process
 * (bench/server-child.ts): the same handler there shows what serving from that process costs.
 */
const payload = JSON.stringify({
  access_token: 'dapi-anchor-0000000000000000000000000000000000000000000000000000',
  issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
  token_type: 'Bearer',
  expires_in: 3540,
});
const headers = {
  'content-type': 'application/json; charset=utf-8',
  'content-length': Buffer.byteLength(payload),
  'cache-control': 'no-store',
};

export function createFloorServer(): http.Server {
  const server = http.createServer((req, res) => {
    req.resume();
    req.once('end', () => {
      res.writeHead(200, headers);
      res.end(payload);
    });
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

function main() {
  const server = createFloorServer();
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port });
  });
  const shutdown = () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.on('disconnect', () => process.exit(0));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
