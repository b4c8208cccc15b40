import type { IncomingMessage } from 'node:http';
import { CloseCode, handleProtocols, makeServer, type ConnectionInitMessage, type ServerOptions } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';

/**
 * graphql-ws's protocol core (`makeServer`) on a ws WebSocketServer, in place of graphql-ws/use/ws
 * (which graphql-ws documents as "a basic starter, feel free to copy the code over and adjust it").
 * The same behaviour: subprotocol negotiation, a keep-alive ping every `keepAliveMs` and termination
 * of a socket that did not answer the previous one, close 4500 "Internal server error" (never the
 * error text, whatever NODE_ENV says: checklist F4) on internal errors.
 * Left out is what that starter keeps for every open connection although an idle subscriber never
 * needs it (measured with heap snapshots, per connection):
 * - the HTTP upgrade request in `ctx.extra` (headers, raw headers, stream state: ~1.3 KB): extra
 *   starts with only what `initialExtra` picks from it (the client network, for rate limits);
 *   authentication reads connectionParams, never headers or cookies;
 * - the received frame's Buffer for as long as the subscription it started lives (~0.9 KB: the
 *   starter's message listener is an async function awaiting the whole operation): here the frame
 *   becomes a string before the protocol core sees it and nothing else holds the Buffer;
 * - two timers and their closures per socket for keep-alive: here one interval pings all sockets.
 * Internal errors go to `onInternalError` (our logger) instead of console.error.
 */
export interface GraphQLWsAdapterOptions<E> {
  keepAliveMs: number;
  onInternalError: (error: unknown, where: InternalErrorSite) => void;
  /** What a connection's `ctx.extra` starts with, from the upgrade request: small, it lives as long as the socket. */
  initialExtra?: (request: IncomingMessage) => Partial<E>;
}

/**
 * Thrown from a graphql-ws callback (e.g. onConnect) to close the socket with this code and reason
 * instead of 4500, for refusals the client should understand (1013 "Try Again Later").
 */
export class ConnectionRefusal extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}
type InternalErrorSite = 'server' | 'socket' | 'message' | 'close';

export function serveGraphQLOverWs<P extends ConnectionInitMessage['payload'], E extends Record<string, unknown>>(
  wss: WebSocketServer,
  options: ServerOptions<P, Partial<E>>,
  { keepAliveMs, onInternalError, initialExtra }: GraphQLWsAdapterOptions<E>,
) {
  const server = makeServer(options);
  wss.options.handleProtocols = handleProtocols;

  /** Sockets pinged by the last round that have not answered yet. */
  const awaitingPong = new WeakSet<WebSocket>();
  const answered = function (this: WebSocket) {
    awaitingPong.delete(this);
  };
  const heartbeat = setInterval(() => {
    for (const socket of wss.clients) {
      if (awaitingPong.has(socket)) {
        socket.terminate();
      } else if (socket.readyState === socket.OPEN) {
        awaitingPong.add(socket);
        socket.ping();
      }
    }
  }, keepAliveMs);
  // The HTTP server keeps the process alive, never this interval.
  heartbeat.unref();

  const closeOnInternalError = (socket: WebSocket, error: unknown, where: InternalErrorSite) => {
    onInternalError(error, where);
    socket.close(CloseCode.InternalServerError, 'Internal server error');
  };

  wss.on('error', (error) => {
    onInternalError(error, 'server');
    for (const socket of wss.clients) socket.close(CloseCode.InternalServerError, 'Internal server error');
  });
  wss.on('connection', (socket, request) => {
    socket.on('error', (error) => closeOnInternalError(socket, error, 'socket'));
    socket.on('pong', answered);
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data) => {
            // Not an async listener: it must not keep `data` (the frame's Buffer) alive.
            handle(String(data)).catch((error: unknown) =>
              error instanceof ConnectionRefusal ? socket.close(error.code, error.reason) : closeOnInternalError(socket, error, 'message'),
            );
          }),
      },
      initialExtra?.(request) ?? {},
    );
    socket.on('close', (code, reason) => {
      closed(code, String(reason)).catch((error: unknown) => onInternalError(error, 'close'));
    });
  });

  return {
    dispose: async () => {
      clearInterval(heartbeat);
      for (const socket of wss.clients) socket.close(1001, 'Going away');
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
