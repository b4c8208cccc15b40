import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser, loginAtProvider } from './support/browser.js';
import { createTestDatabase, usingPostgres, type TestDatabase } from './support/database.js';
import { exchange, expireAccessToken, startFlowEnvironment, type FlowEnvironment } from './support/flow.js';
import { startTestServer, type TestServer } from './support/server.js';
import { subscribe, wsClient } from './support/subscriptions.js';
import { graphql } from './generated/gql.js';

const SiblingStatus = graphql(`
  subscription SiblingStatus($sessionToken: String!) { authorizationStatus(sessionToken: $sessionToken) { status } }
`);

/**
 * Several server processes' worth of instances on one PostgreSQL (checklist E2, A13): an expired
 * token requested concurrently through three instances is refreshed exactly once at the provider
 * (rotation on), every caller gets the same new token, and the grant survives.
 */
describe.skipIf(!usingPostgres)('three instances on one PostgreSQL', () => {
  let database: TestDatabase;
  let env: FlowEnvironment;
  let siblings: TestServer[] = [];
  let sessionToken: string;
  let viewerId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const shared = {
      ENCRYPTION_KEYS: `kshared:${randomBytes(32).toString('base64')}`,
      SIGNING_KEY: randomBytes(32).toString('base64'),
    };
    env = await startFlowEnvironment('databricks', { serverEnv: shared, database });
    // The other instances sit behind the same public URL, as behind a load balancer.
    siblings = await Promise.all(
      [0, 1].map(() => startTestServer({ ...shared, PUBLIC_URL: env.server.env.PUBLIC_URL!, INSTANCE_ID: randomBytes(4).toString('hex') }, database)),
    );
    viewerId = await env.addViewer('alice');
    sessionToken = await env.sessionToken(viewerId);
  });
  afterAll(async () => {
    for (const sibling of siblings) await sibling.close();
    await env?.close();
    await database?.drop();
  });

  it('delivers a callback on one instance to a subscriber on another (LISTEN/NOTIFY)', async () => {
    const status = subscribe(wsClient(siblings[0]!.url, env.contentKey), SiblingStatus, { sessionToken });
    expect((await status.next()).authorizationStatus.status).toBe('NOT_AUTHORIZED');
    const url = (await exchange(env.server.url, env.contentKey, sessionToken)).json.payload.authorization_url as string;
    await loginAtProvider(new TestBrowser(), url, { login: 'alice', stopAt: (u) => u.includes('/v1/integrations/callback') });
    expect((await status.next((e) => e.authorizationStatus.status === 'AUTHORIZED')).authorizationStatus.status).toBe('AUTHORIZED');
    await status.close();
  });

  it('refreshes once across instances and keeps the rotated grant alive', async () => {
    const urls = [env.server.url, ...siblings.map((s) => s.url)];
    for (let round = 1; round <= 2; round++) {
      await expireAccessToken(env.server, env.dataSourceId, viewerId, siblings);
      env.provider.resetStats();
      const results = await Promise.all(
        Array.from({ length: 150 }, (_, i) => exchange(urls[i % urls.length]!, env.contentKey, sessionToken)),
      );
      expect(results.map((r) => r.status)).toEqual(Array(150).fill(200));
      expect(new Set(results.map((r) => r.json.access_token)).size).toBe(1);
      expect(env.provider.stats.refreshRequests).toBe(1);
    }
    expect(await env.provider.introspect((await exchange(urls[1]!, env.contentKey, sessionToken)).json.access_token)).toMatchObject({
      active: true,
      sub: 'alice',
    });
  });
});
