import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser, loginAtProvider } from './support/browser.js';
import { exchange, expireAccessToken, startFlowEnvironment, updateAuthorization, type FlowEnvironment } from './support/flow.js';

/**
 * Refresh failure semantics against the real provider (checklist E4, E5, A14): an outage never marks
 * reauthorization and is not retried hot; a refresh whose outcome is unknown (the provider rotated
 * the token but the answer came after our timeout) costs at most one more request and ends in a
 * clear REAUTHORIZATION_REQUIRED, not a loop.
 */
describe('refresh failures', () => {
  let env: FlowEnvironment;
  let viewerId: string;
  let sessionToken: string;

  beforeAll(async () => {
    env = await startFlowEnvironment('snowflake', { serverEnv: { PROVIDER_TIMEOUT_MS: '700' } });
    viewerId = await env.addViewer('hana');
    sessionToken = await env.sessionToken(viewerId);
    const url = (await exchange(env.server.url, env.contentKey, sessionToken)).json.payload.authorization_url as string;
    await loginAtProvider(new TestBrowser(), url, { login: 'hana', stopAt: (u) => u.includes('/v1/integrations/callback') });
  });
  afterAll(() => env?.close());

  it('answers an outage with 503 + Retry-After, backs off, and keeps the grant', async () => {
    await expireAccessToken(env.server, env.dataSourceId, viewerId);
    env.provider.resetStats();
    env.provider.failNextTokenRequests(1, 503);
    const first = await exchange(env.server.url, env.contentKey, sessionToken);
    expect(first.status).toBe(503);
    expect(first.json).toMatchObject({ code: 216 });
    expect(Number(first.headers.get('retry-after'))).toBeGreaterThan(0);
    // Within the backoff window nobody calls the provider again.
    const during = await Promise.all([1, 2, 3].map(() => exchange(env.server.url, env.contentKey, sessionToken)));
    expect(during.map((r) => r.status)).toEqual([503, 503, 503]);
    expect(env.provider.stats.refreshRequests).toBe(1);
    const row = await env.server.services.db.prisma.viewerAuthorization.findFirstOrThrow({ where: { userId: viewerId } });
    expect(row.status).toBe('AUTHORIZED');
    expect(row.refreshTokenSealed).not.toBeNull();
    // After the backoff the refresh succeeds with the same refresh token.
    await updateAuthorization(env.server, env.dataSourceId, viewerId, { retryAfter: null });
    const after = await exchange(env.server.url, env.contentKey, sessionToken);
    expect(after.status).toBe(200);
    expect(env.provider.stats.refreshRequests).toBe(2);
  });

  it('treats a timed-out refresh as unknown: one more try, then a clear reauthorization', async () => {
    await expireAccessToken(env.server, env.dataSourceId, viewerId);
    env.provider.resetStats();
    env.provider.delayTokenResponses(1_500);
    const timedOut = await exchange(env.server.url, env.contentKey, sessionToken);
    expect(timedOut.status).toBe(503);
    env.provider.delayTokenResponses(0);
    await new Promise((r) => setTimeout(r, 1_000)); // the provider finishes rotating behind our back
    await updateAuthorization(env.server, env.dataSourceId, viewerId, { retryAfter: null });
    const retried = await exchange(env.server.url, env.contentKey, sessionToken);
    expect(retried.json).toMatchObject({ code: 215 });
    expect(env.provider.stats.refreshRequests).toBe(2);
    const again = await exchange(env.server.url, env.contentKey, sessionToken);
    expect(again.json).toMatchObject({ code: 215 });
    expect(env.provider.stats.refreshRequests).toBe(2);
  });
});
