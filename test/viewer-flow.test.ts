import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { TestBrowser, loginAtProvider } from './support/browser.js';
import { exchange, expireAccessToken, startFlowEnvironment, updateAuthorization, type FlowEnvironment } from './support/flow.js';
import { gql } from './support/server.js';
import { subscribe, wsClient, type Subscription } from './support/subscriptions.js';

/**
 * The whole viewer flow end to end against a real oidc-provider configured like each provider:
 * subscription -> not authorized -> login and consent in a cookie-keeping browser -> callback ->
 * AUTHORIZED event -> credential exchange (REST, as posit-sdk sends it, and GraphQL) -> expiry with
 * 100 concurrent requests -> exactly one refresh (rotation on) -> invalid_grant -> reauthorization.
 */
const Status = graphql(`
  subscription Status($sessionToken: String!, $dataSourceId: ID) {
    authorizationStatus(sessionToken: $sessionToken, dataSourceId: $dataSourceId) { dataSourceId userId status authorizationUrl at }
  }
`);
const AdminEvents = graphql(`
  subscription AdminEvents($dataSourceId: ID!) { dataSourceAuthorizationEvents(dataSourceId: $dataSourceId) { userId status } }
`);
const Credentials = graphql(`
  query Credentials($sessionToken: String!, $dataSourceId: ID) {
    oauthCredentials(sessionToken: $sessionToken, dataSourceId: $dataSourceId) { accessToken tokenType expiresIn issuedTokenType dataSourceId }
  }
`);

describe.each(['databricks', 'snowflake'] as const)('viewer flow against a %s-like provider', (flavour) => {
  let env: FlowEnvironment;
  let viewerId: string;
  let sessionToken: string;
  let status: Subscription<{ authorizationStatus: { status: string; authorizationUrl?: string | null } }>;
  let adminEvents: Subscription<{ dataSourceAuthorizationEvents: { userId: string; status: string } }>;
  let firstAccessToken: string;

  beforeAll(async () => {
    env = await startFlowEnvironment(flavour);
    viewerId = await env.addViewer('alice');
    sessionToken = await env.sessionToken(viewerId);
    status = subscribe(wsClient(env.server.url, env.contentKey), Status, { sessionToken });
    adminEvents = subscribe(wsClient(env.server.url, env.account.admin.key), AdminEvents, { dataSourceId: env.dataSourceId });
  });
  afterAll(async () => {
    await status?.close();
    await adminEvents?.close();
    await env?.close();
  });

  it('reports NOT_AUTHORIZED with a login URL, on the subscription and on the exchange', async () => {
    const first = await status.next();
    expect(first.authorizationStatus.status).toBe('NOT_AUTHORIZED');
    expect(first.authorizationStatus.authorizationUrl).toMatch(`${env.server.url}/v1/integrations/authorize?state=`);
    const refused = await exchange(env.server.url, env.contentKey, sessionToken);
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ code: 214, payload: { reason: 'NOT_AUTHORIZED' } });
    expect(refused.json.payload.authorization_url).toMatch(/\/v1\/integrations\/authorize\?state=/);
  });

  it('completes the login at the provider and the subscription hears AUTHORIZED', async () => {
    const url = (await exchange(env.server.url, env.contentKey, sessionToken)).json.payload.authorization_url as string;
    const browser = new TestBrowser();
    const { response } = await loginAtProvider(browser, url, {
      login: 'alice',
      stopAt: (u) => u.startsWith(`${env.server.url}/v1/integrations/callback`),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('https://apps.example.com/trips/');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect((await status.next((e) => e.authorizationStatus.status === 'AUTHORIZED')).authorizationStatus.authorizationUrl).toBeNull();
    expect((await adminEvents.next()).dataSourceAuthorizationEvents).toEqual({ userId: viewerId, status: 'AUTHORIZED' });
  });

  it('exchanges the session token for an access token the provider accepts', async () => {
    const result = await exchange(env.server.url, env.contentKey, sessionToken);
    expect(result.status).toBe(200);
    expect(result.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(result.json).sort()).toEqual(['access_token', 'expires_in', 'issued_token_type', 'token_type']);
    expect(result.json).toMatchObject({ issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer' });
    expect(result.json.expires_in).toBeGreaterThan(0);
    firstAccessToken = result.json.access_token;
    expect(await env.provider.introspect(firstAccessToken)).toMatchObject({ active: true, sub: 'alice' });
    const again = await exchange(env.server.url, env.contentKey, sessionToken);
    expect(again.json.access_token).toBe(firstAccessToken);
    const viaGraphQL = await gql(env.server.url, Credentials, { sessionToken }, env.contentKey);
    expect(viaGraphQL.data!.oauthCredentials).toMatchObject({ accessToken: firstAccessToken, tokenType: 'Bearer', dataSourceId: env.dataSourceId });
  });

  it('refreshes an expired token exactly once under 100 concurrent requests, with rotation', async () => {
    await expireAccessToken(env.server, env.dataSourceId, viewerId);
    env.provider.resetStats();
    const results = await Promise.all(Array.from({ length: 100 }, () => exchange(env.server.url, env.contentKey, sessionToken)));
    expect(results.map((r) => r.status)).toEqual(Array(100).fill(200));
    const tokens = new Set(results.map((r) => r.json.access_token));
    expect(tokens.size).toBe(1);
    expect(tokens.has(firstAccessToken)).toBe(false);
    expect(env.provider.stats.refreshRequests).toBe(1);
    expect(await env.provider.introspect([...tokens][0] as string)).toMatchObject({ active: true, sub: 'alice' });
    // The grant is still alive: the rotated refresh token was kept, so a second refresh works.
    await expireAccessToken(env.server, env.dataSourceId, viewerId);
    const second = await exchange(env.server.url, env.contentKey, sessionToken);
    expect(second.status).toBe(200);
    expect(env.provider.stats.refreshRequests).toBe(2);
  });

  it('keeps the grant through a provider outage and serves the cached token while valid', async () => {
    env.provider.resetStats();
    env.provider.failNextTokenRequests(1, 503);
    await updateAuthorization(env.server, env.dataSourceId, viewerId, {
      accessTokenExpiresAt: new Date(Date.now() + 30_000),
      accessTokenIssuedAt: new Date(Date.now() - 3_600_000),
    });
    const during = await exchange(env.server.url, env.contentKey, sessionToken);
    expect(during.status).toBe(200);
    const row = await env.server.services.db.prisma.viewerAuthorization.findFirstOrThrow({ where: { userId: viewerId } });
    expect(row.status).toBe('AUTHORIZED');
    expect(row.refreshTokenSealed).not.toBeNull();
    expect(row.retryAfter).not.toBeNull();
  });

  it('flips to REAUTHORIZATION_REQUIRED on invalid_grant and the subscriber hears it', async () => {
    await updateAuthorization(env.server, env.dataSourceId, viewerId, { retryAfter: null, failureCount: 0 });
    await env.provider.revokeAllGrantsFor('alice');
    await expireAccessToken(env.server, env.dataSourceId, viewerId);
    const result = await exchange(env.server.url, env.contentKey, sessionToken);
    expect(result.status).toBe(400);
    expect(result.json).toMatchObject({ code: 215, payload: { reason: 'REAUTHORIZATION_REQUIRED' } });
    expect(result.json.payload.authorization_url).toMatch(/\/v1\/integrations\/authorize\?state=/);
    const event = await status.next((e) => e.authorizationStatus.status === 'REAUTHORIZATION_REQUIRED');
    expect(event.authorizationStatus.authorizationUrl).toMatch(/authorize\?state=/);
  });

  it('never leaks secrets or tokens into logs', () => {
    const logs = env.server.logs.join('\n');
    expect(logs).not.toContain(env.clientSecret);
    expect(logs).not.toContain(sessionToken);
    expect(logs).not.toContain(firstAccessToken);
  });
});
