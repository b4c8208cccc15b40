import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { graphql } from './generated/gql.js';
import {
  ackedSocket,
  authorizeViewer,
  createContentWithKey,
  createUserWithKey,
  firstResult,
  rawSocket,
  type RawSocket,
  type UserWithKey,
} from './support/connect.js';
import { createAccount } from './support/fixtures.js';
import { startFlowEnvironment, type FlowEnvironment } from './support/flow.js';
import { gql } from './support/server.js';
import { subscribe, wsClient, type Subscription } from './support/subscriptions.js';

/**
 * graphql-ws hardening (checklist F4, F6-F8, G): graphql-ws bypasses Apollo, so every guarantee the
 * HTTP path has must hold here too: authentication in connectionParams (4403, no detail),
 * subscriptions only, no introspection, the same masking, viewer isolation, admin-only streams and
 * a small frame limit. Raw sockets are used where the graphql-ws client would hide close codes.
 */
const WsStatus = graphql(`
  subscription WsStatus($sessionToken: String!, $dataSourceId: ID) {
    authorizationStatus(sessionToken: $sessionToken, dataSourceId: $dataSourceId) { dataSourceId userId status authorizationUrl }
  }
`);
const WsAdminEvents = graphql(`
  subscription WsAdminEvents($dataSourceId: ID!) { dataSourceAuthorizationEvents(dataSourceId: $dataSourceId) { dataSourceId userId status authorizationUrl } }
`);
const WsRevoke = graphql(`
  mutation WsRevoke($dataSourceId: ID!, $userId: ID) { revokeAuthorization(dataSourceId: $dataSourceId, userId: $userId) }
`);

const STATUS_QUERY = `subscription ($sessionToken: String!, $dataSourceId: ID) {
  authorizationStatus(sessionToken: $sessionToken, dataSourceId: $dataSourceId) { userId status }
}`;
const ADMIN_QUERY = `subscription ($dataSourceId: ID!) { dataSourceAuthorizationEvents(dataSourceId: $dataSourceId) { userId status } }`;

type StatusEvent = { authorizationStatus: { userId: string; status: string; authorizationUrl?: string | null } };
type AdminEvent = { dataSourceAuthorizationEvents: { userId: string; status: string; dataSourceId: string } };

/** No stack, no internals: a message and at most a code. */
function expectCleanErrors(errors: Array<Record<string, unknown>>) {
  expect(errors.length).toBeGreaterThan(0);
  const text = JSON.stringify(errors);
  expect(text).not.toMatch(/stack|stacktrace|\n\s+at |node_modules|\.ts:\d+|\.js:\d+/i);
  for (const error of errors) {
    expect(typeof error.message).toBe('string');
    const extensions = error.extensions as Record<string, unknown> | undefined;
    expect(extensions?.exception).toBeUndefined();
    expect(extensions?.stacktrace).toBeUndefined();
  }
}

describe('graphql-ws hardening', () => {
  let env: FlowEnvironment;
  let url: string;
  let aliceId: string;
  let bobId: string;
  let aliceToken: string;
  let bobToken: string;
  let viewer: UserWithKey;

  beforeAll(async () => {
    env = await startFlowEnvironment('databricks');
    url = env.server.url;
    aliceId = await env.addViewer('alice');
    bobId = await env.addViewer('bob');
    aliceToken = await env.sessionToken(aliceId);
    bobToken = await env.sessionToken(bobId);
    viewer = { userId: env.account.viewer.userId, key: env.account.viewer.key };
  });
  afterAll(() => env?.close());

  describe('connection authentication', () => {
    it('closes with 4403 Forbidden and no detail when connectionParams carry no key or an invalid one', async () => {
      const payloads: Array<Record<string, unknown> | undefined> = [
        undefined,
        {},
        { authorization: 'Key oik_unknown' },
        { authorization: `Key oik_${'x'.repeat(43)}` },
        { authorization: `Bearer ${env.account.admin.key}` },
        { authorization: env.account.admin.key },
        { apiKey: 'nope' },
        { authorization: 42 },
      ];
      for (const payload of payloads) {
        const raw = await rawSocket(url);
        raw.send(payload === undefined ? { type: 'connection_init' } : { type: 'connection_init', payload });
        const closed = await raw.closed;
        expect(closed.code, JSON.stringify(payload)).toBe(4403);
        expect(['', 'Forbidden']).toContain(closed.reason);
        expect(raw.messages).toEqual([]);
      }
    });

    it('accepts a valid key in connectionParams (authorization or apiKey)', async () => {
      const raw = await rawSocket(url);
      raw.send({ type: 'connection_init', payload: { apiKey: env.account.admin.key } });
      expect((await raw.next()).type).toBe('connection_ack');
      raw.close();
    });

    it('refuses a subscribe before connection_init (4401) and a second connection_init (4429)', async () => {
      const early = await rawSocket(url);
      early.send({ id: '1', type: 'subscribe', payload: { query: ADMIN_QUERY, variables: { dataSourceId: env.dataSourceId } } });
      expect((await early.closed).code).toBe(4401);
      expect(early.messages).toEqual([]);

      const twice = await ackedSocket(url, env.account.admin.key);
      twice.send({ type: 'connection_init', payload: { authorization: `Key ${env.account.admin.key}` } });
      expect((await twice.closed).code).toBe(4429);
    });

    it('puts no internal error text into the close reason when authentication itself fails (F4)', async () => {
      const identity = env.server.services.identity;
      const original = { authenticate: identity.authenticate, knownPrincipal: identity.knownPrincipal };
      // As if the key were not cached and its lookup failed.
      identity.knownPrincipal = () => undefined;
      identity.authenticate = async () => {
        throw new Error('connect ECONNREFUSED postgres://app:CANARY-DB-PASSWORD@db.internal:5432');
      };
      try {
        const raw = await rawSocket(url);
        raw.send({ type: 'connection_init', payload: { authorization: `Key ${env.account.admin.key}` } });
        const closed = await raw.closed;
        expect(closed.code).toBeGreaterThanOrEqual(4000);
        expect(closed.reason).not.toContain('CANARY');
        expect(closed.reason).not.toMatch(/ECONNREFUSED|postgres:|db\.internal/);
        expect(raw.messages).toEqual([]);
      } finally {
        Object.assign(identity, original);
      }
      expect(env.server.logs.join('\n')).not.toContain('CANARY-DB-PASSWORD');
    });

    it('refuses the upgrade from a browser page of an unknown origin with 403 (F7), before any graphql-ws frame', async () => {
      const upgrade = (origin: string) =>
        new Promise<number>((resolve) => {
          const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { headers: { origin } });
          socket.on('open', () => {
            socket.close();
            resolve(101);
          });
          socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
          socket.on('error', () => undefined);
        });
      for (const origin of ['https://evil.example', 'null', 'https://apps.example.com.evil.example']) {
        expect(await upgrade(origin), origin).toBe(403);
      }
      // Our own origin, and the content's registered one (https://apps.example.com/trips/), may connect.
      expect(await upgrade(new URL(url).origin)).toBe(101);
      expect(await upgrade('https://apps.example.com')).toBe(101);
    });

    it('closes a socket that never sends connection_init (4408)', async () => {
      const idle = await rawSocket(url);
      const started = Date.now();
      expect((await idle.closed).code).toBe(4408);
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });

  describe('only subscriptions, with the HTTP validation rules', () => {
    let socket: RawSocket;
    beforeAll(async () => {
      socket = await ackedSocket(url, env.account.admin.key);
    });
    afterAll(() => socket?.close());

    it('rejects a query and a mutation sent over the socket, without executing them', async () => {
      socket.send({ id: 'q', type: 'subscribe', payload: { query: '{ me { id email } }' } });
      const query = await firstResult(socket, 'q');
      expect(query.message.type).toBe('error');
      expect(query.data).toBeUndefined();
      expectCleanErrors(query.errors);

      const contentsBefore = await env.server.services.db.prisma.content.count();
      socket.send({ id: 'm', type: 'subscribe', payload: { query: 'mutation { createContent(input: { name: "via-ws" }) { id } }' } });
      const mutation = await firstResult(socket, 'm');
      expect(mutation.message.type).toBe('error');
      expect(mutation.data).toBeUndefined();
      expectCleanErrors(mutation.errors);
      expect(await env.server.services.db.prisma.content.count()).toBe(contentsBefore);
      expect(await env.server.services.db.prisma.content.count({ where: { name: 'via-ws' } })).toBe(0);

      const revoke = `mutation { revokeAuthorization(dataSourceId: "${env.dataSourceId}", userId: "${aliceId}") }`;
      socket.send({ id: 'm2', type: 'subscribe', payload: { query: revoke } });
      expect((await firstResult(socket, 'm2')).message.type).toBe('error');
      expect(socket.messages.some((m) => m.type === 'next')).toBe(false);
    });

    it('rejects introspection (off by default), as queries and inside a subscription', async () => {
      const documents = [
        '{ __schema { types { name } } }',
        '{ __type(name: "Query") { fields { name } } }',
        'subscription { __schema { queryType { name } } }',
      ];
      for (const [i, query] of documents.entries()) {
        const id = `i${i}`;
        socket.send({ id, type: 'subscribe', payload: { query } });
        const result = await firstResult(socket, id);
        expect(result.message.type, query).toBe('error');
        expectCleanErrors(result.errors);
        expect(JSON.stringify(result.message)).not.toMatch(/"name"\s*:\s*"(Query|Mutation|Subscription|DataSource)"/);
      }
    });

    it('answers a syntax error or an unknown field with a clean error, and the socket stays usable', async () => {
      socket.send({ id: 's1', type: 'subscribe', payload: { query: 'subscription {' } });
      const syntax = await firstResult(socket, 's1');
      expect(syntax.message.type).toBe('error');
      expectCleanErrors(syntax.errors);
      expect(syntax.errors[0]!.message).toMatch(/Syntax Error/);

      socket.send({ id: 's2', type: 'subscribe', payload: { query: 'subscription { nothingHere { id } }' } });
      const unknown = await firstResult(socket, 's2');
      expect(unknown.message.type).toBe('error');
      expectCleanErrors(unknown.errors);

      socket.send({ id: 's3', type: 'subscribe', payload: { query: ADMIN_QUERY, variables: { dataSourceId: { not: 'an id' } } } });
      const badVariable = await firstResult(socket, 's3');
      expectCleanErrors(badVariable.errors);

      // Still open: a valid subscription works on the same socket.
      socket.send({ id: 'ok', type: 'subscribe', payload: { query: ADMIN_QUERY, variables: { dataSourceId: env.dataSourceId } } });
      await new Promise((r) => setTimeout(r, 300));
      expect(socket.messages.some((m) => m.id === 'ok' && m.type === 'error')).toBe(false);
      socket.send({ id: 'ok', type: 'complete' });
      expect(socket.socket.readyState).toBe(socket.socket.OPEN);
    });

    it('hides schema hints like HTTP does (no "Did you mean")', async () => {
      const misspelled = `subscription { authorizationStatu(sessionToken: "x") { status } }`;
      // Over HTTP, Apollo's hideSchemaDetailsFromClientErrors strips the hint (F2)...
      const overHttp = await gql(url, misspelled, {}, env.account.admin.key);
      expect(overHttp.errors?.length).toBeGreaterThan(0);
      expect(overHttp.raw).not.toMatch(/Did you mean/i);
      // ...and the WebSocket path must reach parity (F8).
      socket.send({ id: 'h', type: 'subscribe', payload: { query: misspelled } });
      const hint = await firstResult(socket, 'h');
      expectCleanErrors(hint.errors);
      expect(JSON.stringify(hint.errors)).not.toMatch(/Did you mean/i);
    });

    it('refuses a document with too many tokens without closing the socket', async () => {
      const aliases = Array.from({ length: 1500 }, (_, i) => `a${i}: userId`).join(' ');
      socket.send({ id: 't', type: 'subscribe', payload: { query: `subscription { dataSourceAuthorizationEvents(dataSourceId: "${env.dataSourceId}") { ${aliases} } }` } });
      const result = await firstResult(socket, 't');
      expect(result.message.type).toBe('error');
      expectCleanErrors(result.errors);
      expect(socket.socket.readyState).toBe(socket.socket.OPEN);
    });
  });

  describe('viewer isolation', () => {
    let aliceStatus: Subscription<StatusEvent>;
    let bobStatus: Subscription<StatusEvent>;
    let adminEvents: Subscription<AdminEvent>;

    afterAll(async () => {
      await aliceStatus?.close();
      await bobStatus?.close();
      await adminEvents?.close();
    });

    it("delivers bob's authorization to bob only; alice hears nothing about bob", async () => {
      adminEvents = subscribe(wsClient(url, env.account.admin.key), WsAdminEvents, { dataSourceId: env.dataSourceId });
      aliceStatus = subscribe(wsClient(url, env.contentKey), WsStatus, { sessionToken: aliceToken });
      bobStatus = subscribe(wsClient(url, env.contentKey), WsStatus, { sessionToken: bobToken });
      expect((await aliceStatus.next()).authorizationStatus).toMatchObject({ userId: aliceId, status: 'NOT_AUTHORIZED' });
      expect((await bobStatus.next()).authorizationStatus).toMatchObject({ userId: bobId, status: 'NOT_AUTHORIZED' });

      expect((await authorizeViewer(env, env.contentKey, bobToken, 'bob')).status).toBe(303);
      const bobAuthorized = await bobStatus.next((e) => e.authorizationStatus.status === 'AUTHORIZED');
      expect(bobAuthorized.authorizationStatus).toMatchObject({ userId: bobId, authorizationUrl: null });
      await new Promise((r) => setTimeout(r, 750));
      expect(aliceStatus.events).toHaveLength(1);
      expect(aliceStatus.events.every((e) => e.authorizationStatus.userId === aliceId)).toBe(true);
      expect(JSON.stringify(aliceStatus.events)).not.toContain(bobId);
      expect(aliceStatus.errors).toEqual([]);
    });

    it('the admin stream carries every viewer of the data source, without login URLs', async () => {
      expect((await adminEvents.next((e) => e.dataSourceAuthorizationEvents.userId === bobId)).dataSourceAuthorizationEvents).toMatchObject({
        status: 'AUTHORIZED',
        dataSourceId: env.dataSourceId,
      });
      expect((await authorizeViewer(env, env.contentKey, aliceToken, 'alice')).status).toBe(303);
      expect((await aliceStatus.next((e) => e.authorizationStatus.status === 'AUTHORIZED')).authorizationStatus.userId).toBe(aliceId);
      expect((await adminEvents.next((e) => e.dataSourceAuthorizationEvents.userId === aliceId)).dataSourceAuthorizationEvents.status).toBe('AUTHORIZED');
      const revoked = await gql(url, WsRevoke, { dataSourceId: env.dataSourceId, userId: bobId }, env.account.admin.key);
      expect(revoked.data?.revokeAuthorization, revoked.raw).toBe(true);
      expect((await adminEvents.next((e) => e.dataSourceAuthorizationEvents.userId === bobId)).dataSourceAuthorizationEvents.status).toBe('REVOKED');
      expect((await bobStatus.next((e) => e.authorizationStatus.status === 'REVOKED')).authorizationStatus.userId).toBe(bobId);
      expect(adminEvents.events.every((e) => !(e.dataSourceAuthorizationEvents as { authorizationUrl?: string | null }).authorizationUrl)).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      expect(aliceStatus.events.every((e) => e.authorizationStatus.userId === aliceId)).toBe(true);
      expect(aliceStatus.events.map((e) => e.authorizationStatus.status)).toEqual(['NOT_AUTHORIZED', 'AUTHORIZED']);
    });

    it("refuses alice's session token to the key of OTHER content, to a non-owner's key, and a forged token", async () => {
      const otherContent = await createContentWithKey(url, env.account.publisher.key, 'Other content', [env.dataSourceId]);
      const stranger = await createUserWithKey(url, env.account.admin.key, 'paula', 'PUBLISHER');
      const cases: Array<[string, string, string]> = [
        ['other content key', otherContent.contentKey, 'FORBIDDEN'],
        ["another publisher's key", stranger.key, 'FORBIDDEN'],
        ["the viewer's own key", viewer.key, 'FORBIDDEN'],
      ];
      for (const [label, key, code] of cases) {
        const socket = await ackedSocket(url, key);
        socket.send({ id: '1', type: 'subscribe', payload: { query: STATUS_QUERY, variables: { sessionToken: aliceToken } } });
        const result = await firstResult(socket, '1');
        expect(result.data?.authorizationStatus ?? null, label).toBeNull();
        expectCleanErrors(result.errors);
        expect.soft(result.errors[0]!.extensions?.code, `${label}: ${JSON.stringify(result.message)}`).toBe(code);
        expect(JSON.stringify(result.message)).not.toContain(aliceId);
        socket.close();
      }
      const socket = await ackedSocket(url, env.contentKey);
      socket.send({ id: '2', type: 'subscribe', payload: { query: STATUS_QUERY, variables: { sessionToken: `${aliceToken.slice(0, -4)}AAAA` } } });
      const forged = await firstResult(socket, '2');
      expectCleanErrors(forged.errors);
      expect.soft(forged.errors[0]!.extensions?.code, JSON.stringify(forged.message)).toBe('INVALID_SESSION_TOKEN');
      socket.close();
    });

    it('serves the admin stream to admins only: publisher, viewer and content keys get FORBIDDEN', async () => {
      for (const [label, key] of [
        ['publisher', env.account.publisher.key],
        ['viewer', viewer.key],
        ['content', env.contentKey],
      ] as const) {
        const socket = await ackedSocket(url, key);
        socket.send({ id: '1', type: 'subscribe', payload: { query: ADMIN_QUERY, variables: { dataSourceId: env.dataSourceId } } });
        const result = await firstResult(socket, '1');
        expect(result.data?.dataSourceAuthorizationEvents ?? null, label).toBeNull();
        expectCleanErrors(result.errors);
        expect(result.errors[0]!.extensions?.code, `${label}: ${JSON.stringify(result.message)}`).toBe('FORBIDDEN');
        socket.close();
      }
      // Another account's admin: the data source does not exist for them.
      const other = await createAccount(env.server, 'acct-ws-other');
      const socket = await ackedSocket(url, other.admin.key);
      socket.send({ id: '1', type: 'subscribe', payload: { query: ADMIN_QUERY, variables: { dataSourceId: env.dataSourceId } } });
      const result = await firstResult(socket, '1');
      expectCleanErrors(result.errors);
      expect(result.errors[0]!.extensions?.code, JSON.stringify(result.message)).toBe('NOT_FOUND');
      socket.close();
    });
  });

  describe('frame limits', () => {
    it('closes the socket with 1009 on a frame over 64 KiB', async () => {
      const socket = await ackedSocket(url, env.account.admin.key);
      const query = `subscription { dataSourceAuthorizationEvents(dataSourceId: "${env.dataSourceId}") { userId } } #${'x'.repeat(70 * 1024)}`;
      socket.send({ id: 'big', type: 'subscribe', payload: { query } });
      const closed = await socket.closed;
      expect(closed.code).toBe(1009);
      expect(socket.messages.some((m) => m.id === 'big')).toBe(false);
    });

    it('closes the socket with 1009 on an oversized connection_init too', async () => {
      const raw = await rawSocket(url);
      raw.send({ type: 'connection_init', payload: { authorization: `Key ${env.account.admin.key}`, padding: 'x'.repeat(70 * 1024) } });
      expect((await raw.closed).code).toBe(1009);
      expect(raw.messages).toEqual([]);
    });
  });

  it('never logs a session token or a key', () => {
    const logs = env.server.logs.join('\n');
    for (const secret of [aliceToken, bobToken, env.account.admin.key, env.contentKey, env.clientSecret]) {
      expect(logs).not.toContain(secret);
    }
  });
});
