import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { GRAPHQL_TRANSPORT_WS_PROTOCOL } from 'graphql-ws';
import { specifiedRules } from 'graphql';
import { schema } from '../src/graphql/schema.js';
import { serveGraphQLOverWs } from '../src/http/graphql-ws-adapter.js';
import { SubscriptionDocuments } from '../src/http/subscription-documents.js';
import { DeadlineTimers } from '../src/infra/deadline-timers.js';

/**
 * What keeps idle subscriptions small (one heap-snapshot finding each) must not change behaviour:
 * the graphql-ws adapter still drops sockets that stop answering pings and closes on internal errors
 * without detail; shared documents are validated like before and bounded; shared expiry timers fire
 * every callback at its second and go away when nobody waits.
 */
describe('graphql-ws adapter', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(options: { keepAliveMs: number; onConnect?: () => boolean | Promise<boolean> }) {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const wss = new WebSocketServer({ server, path: '/graphql' });
    const internalErrors: string[] = [];
    const adapter = serveGraphQLOverWs(wss, { schema, onConnect: options.onConnect }, {
      keepAliveMs: options.keepAliveMs,
      onInternalError: (_error, where) => internalErrors.push(where),
    });
    cleanups.push(async () => {
      await adapter.dispose();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, internalErrors };
  }

  function connect(url: string, autoPong = true) {
    const socket = new WebSocket(url, GRAPHQL_TRANSPORT_WS_PROTOCOL, { autoPong });
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
    cleanups.push(() => socket.terminate());
    return { socket, closed, opened: new Promise((resolve) => socket.once('open', resolve)) };
  }

  it('terminates a socket that leaves a ping unanswered and keeps one that answers', async () => {
    const { url } = await start({ keepAliveMs: 100 });
    const silent = connect(url, false);
    const answering = connect(url);
    await Promise.all([silent.opened, answering.opened]);
    let pings = 0;
    answering.socket.on('ping', () => pings++);
    expect((await silent.closed).code).toBe(1006);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(answering.socket.readyState).toBe(WebSocket.OPEN);
    expect(pings).toBeGreaterThanOrEqual(2);
  });

  it('closes with 4500 and no detail when the protocol core fails, and reports it', async () => {
    const { url, internalErrors } = await start({
      keepAliveMs: 60_000,
      onConnect: () => {
        throw new Error('database password is hunter2');
      },
    });
    const client = connect(url);
    await client.opened;
    client.socket.send(JSON.stringify({ type: 'connection_init' }));
    expect(await client.closed).toEqual({ code: 4500, reason: 'Internal server error' });
    expect(internalErrors).toEqual(['message']);
  });
});

describe('subscription documents', () => {
  const query = 'subscription ($d: ID!) { dataSourceAuthorizationEvents(dataSourceId: $d) { userId status } }';

  it('parses and validates a text once and hands every subscriber the same document', () => {
    const documents = new SubscriptionDocuments(schema, specifiedRules);
    const first = documents.get(query);
    expect('document' in first).toBe(true);
    expect(documents.get(query)).toEqual(first);
    expect((documents.get(query) as { document: unknown }).document).toBe((first as { document: unknown }).document);
  });

  it('answers every invalid text with its errors, each time', () => {
    const documents = new SubscriptionDocuments(schema, specifiedRules);
    for (const bad of ['subscription {', 'subscription { nope }', 'subscription { nope }']) {
      const result = documents.get(bad);
      expect('errors' in result && result.errors.length).toBeGreaterThan(0);
    }
  });

  it('keeps at most maxEntries texts, least recently used out first', () => {
    const documents = new SubscriptionDocuments(schema, specifiedRules, 2);
    const texts = ['a', 'b', 'c'].map((alias) => query.replace('{ userId', `{ ${alias}: userId`));
    const doc = (text: string) => (documents.get(text) as { document: unknown }).document;
    const [a, b] = [doc(texts[0]!), doc(texts[1]!)];
    expect(doc(texts[0]!)).toBe(a);
    doc(texts[2]!);
    expect(doc(texts[0]!)).toBe(a);
    expect(doc(texts[1]!)).not.toBe(b);
  });
});

describe('deadline timers', () => {
  afterEach(() => vi.useRealTimers());

  it('runs every callback due at one second on one timer, and none cancelled', () => {
    vi.useFakeTimers({ now: 1_000_000_000 });
    const timers = new DeadlineTimers();
    const ran: string[] = [];
    timers.schedule(1_000_010, () => ran.push('a'));
    const cancelB = timers.schedule(1_000_010, () => ran.push('b'));
    timers.schedule(1_000_020, () => ran.push('c'));
    expect(vi.getTimerCount()).toBe(2);
    cancelB();
    vi.advanceTimersByTime(9_999);
    expect(ran).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ran).toEqual(['a']);
    vi.advanceTimersByTime(10_000);
    expect(ran).toEqual(['a', 'c']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('drops the timer once every callback of its second is cancelled; a past deadline runs next', () => {
    vi.useFakeTimers({ now: 1_000_000_000 });
    const timers = new DeadlineTimers();
    const cancels = [timers.schedule(1_000_100, () => {}), timers.schedule(1_000_100, () => {})];
    for (const cancel of cancels) cancel();
    expect(vi.getTimerCount()).toBe(0);
    let ran = false;
    timers.schedule(999_000, () => (ran = true));
    vi.advanceTimersByTime(0);
    expect(ran).toBe(true);
  });
});
