import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * Subscribers for path 5, in their own process: one graphql-ws connection per subscription, each
 * authenticated with the content key in connectionParams and subscribed to `authorizationStatus`
 * with its own session token; plus admin connections on `dataSourceAuthorizationEvents`. The first
 * event of a viewer subscription is its snapshot; every later event is reported to the parent with
 * the wall-clock time it arrived here (performance.timeOrigin + performance.now(), comparable across
 * processes on one machine). Runs on bare node (transpiled by bench/processes.ts).
 */
type Open = {
  type: 'open';
  wsUrl: string;
  contentKey: string;
  tokens: string[];
  adminKey: string;
  dataSourceId: string;
  admins: number;
  concurrency: number;
};
type Message = Open | { type: 'close' };

const STATUS =
  'subscription BenchStatus($sessionToken: String!) { authorizationStatus(sessionToken: $sessionToken) { userId status authorizationUrl } }';
const ADMIN = 'subscription BenchAdmin($dataSourceId: ID!) { dataSourceAuthorizationEvents(dataSourceId: $dataSourceId) { userId status } }';

const clients: Client[] = [];
const disposers: Array<() => void> = [];
const now = () => performance.timeOrigin + performance.now();
const send = (message: object) => process.send?.(message);

function client(wsUrl: string, key: string, onConnected?: () => void): Client {
  const c = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Key ${key}` },
    retryAttempts: 0,
    lazy: true,
    on: onConnected ? { connected: onConnected } : undefined,
  });
  clients.push(c);
  return c;
}

function openViewer(open: Open, index: number): Promise<string> {
  return new Promise((resolve) => {
    let first = true;
    const dispose = client(open.wsUrl, open.contentKey).subscribe<{ authorizationStatus: { userId: string; status: string } }>(
      { query: STATUS, variables: { sessionToken: open.tokens[index] } },
      {
        next: (result) => {
          const t = now();
          const event = result.data?.authorizationStatus;
          if (first) {
            first = false;
            return resolve(event?.status ?? `error: ${JSON.stringify(result.errors)}`);
          }
          if (event) send({ type: 'event', index, userId: event.userId, status: event.status, t });
        },
        error: (error) => resolve(`error: ${String((error as Error)?.message ?? JSON.stringify(error))}`),
        complete: () => resolve('complete'),
      },
    );
    disposers.push(dispose);
  });
}

function openAdmin(open: Open, index: number): Promise<void> {
  return new Promise((resolve) => {
    const dispose = client(open.wsUrl, open.adminKey, () => setTimeout(resolve, 200)).subscribe<{
      dataSourceAuthorizationEvents: { userId: string; status: string };
    }>(
      { query: ADMIN, variables: { dataSourceId: open.dataSourceId } },
      {
        next: (result) => {
          const t = now();
          const event = result.data?.dataSourceAuthorizationEvents;
          if (event) send({ type: 'admin-event', index, userId: event.userId, status: event.status, t });
        },
        error: () => resolve(),
        complete: () => resolve(),
      },
    );
    disposers.push(dispose);
  });
}

async function openAll(open: Open) {
  const started = performance.now();
  await Promise.all(Array.from({ length: open.admins }, (_, i) => openAdmin(open, i)));
  const snapshots: Record<string, number> = {};
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(open.concurrency, open.tokens.length) }, async () => {
      while (next < open.tokens.length) {
        const status = await openViewer(open, next++);
        snapshots[status] = (snapshots[status] ?? 0) + 1;
      }
    }),
  );
  send({ type: 'opened', snapshots, ms: performance.now() - started });
}

process.on('message', (message: Message) => {
  if (message.type === 'open') {
    openAll(message).catch((error: unknown) => send({ type: 'error', message: String((error as Error)?.stack ?? error) }));
  } else if (message.type === 'close') {
    for (const dispose of disposers) dispose();
    Promise.all(clients.map((c) => c.dispose())).finally(() => send({ type: 'closed' }));
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
