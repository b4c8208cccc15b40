import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter } from '../src/infra/rate-limiter.js';
import { TtlCache, isCurrent } from '../src/infra/ttl-cache.js';
import { graphql } from './generated/gql.js';
import { CREDENTIALS_PATH, api, authorizeViewer, createContentWithKey, exchangeForm } from './support/connect.js';
import { exchange, startFlowEnvironment, type FlowEnvironment } from './support/flow.js';
import { gql } from './support/server.js';

/**
 * A viewer session's exchange is answered again from what its last answer rested on
 * (src/core/exchange-memo.ts). Each test warms that answer with two exchanges, changes one thing
 * the answer depends on, and expects the very next exchange to see the change, against the real
 * server and a real oidc-provider. The hot caches' TTL is set long, so that only the change under
 * test can end a remembered answer.
 */
const Revoke = graphql(`
  mutation MemoRevoke($dataSourceId: ID!, $userId: ID) { revokeAuthorization(dataSourceId: $dataSourceId, userId: $userId) }
`);
const Detach = graphql(`
  mutation MemoDetach($contentId: ID!, $dataSourceId: ID!) { detachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }
`);
const ContentKey = graphql(`
  mutation MemoContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key apiKey { id } } }
`);
const RevokeKey = graphql(`mutation MemoRevokeKey($id: ID!) { revokeApiKey(id: $id) }`);

const EXCHANGE_BURST = 8;

describe('remembered exchange answers', () => {
  let env: FlowEnvironment;

  beforeAll(async () => {
    env = await startFlowEnvironment('databricks', {
      serverEnv: { HOT_CACHE_TTL_SECONDS: '300', RATE_LIMIT_EXCHANGE: `1/min,${EXCHANGE_BURST}` },
    });
  });
  afterAll(() => env?.close());

  /** A new viewer, authorized through the real flow, whose answer is remembered (two exchanges). */
  async function warmViewer(login: string, contentKey = env.contentKey, contentId = env.contentId) {
    const userId = await env.addViewer(login);
    const sessionToken = await env.sessionToken(userId, contentId);
    await authorizeViewer(env, contentKey, sessionToken, login);
    const first = await exchange(env.server.url, contentKey, sessionToken);
    const second = await exchange(env.server.url, contentKey, sessionToken);
    expect(first.status, first.text).toBe(200);
    expect(second.json.access_token).toBe(first.json.access_token);
    return { userId, sessionToken, accessToken: first.json.access_token as string };
  }

  it('stops answering once the viewer is logged out', async () => {
    const viewer = await warmViewer('memo-revoked');
    const revoked = await gql(env.server.url, Revoke, { dataSourceId: env.dataSourceId, userId: viewer.userId }, env.account.admin.key);
    expect(revoked.errors).toBeUndefined();
    const after = await exchange(env.server.url, env.contentKey, viewer.sessionToken);
    expect(after.status, after.text).toBe(400);
    expect(after.json.payload?.authorization_url).toEqual(expect.any(String));
    expect(after.text).not.toContain(viewer.accessToken);
  });

  it('stops answering once the data source is detached from the content', async () => {
    const { contentId, contentKey } = await createContentWithKey(env.server.url, env.account.publisher.key, 'Memo detach', [env.dataSourceId]);
    const viewer = await warmViewer('memo-detached', contentKey, contentId);
    const detached = await gql(env.server.url, Detach, { contentId, dataSourceId: env.dataSourceId }, env.account.publisher.key);
    expect(detached.errors).toBeUndefined();
    const after = await exchange(env.server.url, contentKey, viewer.sessionToken);
    expect(after.status, after.text).toBe(400);
    expect(after.text).not.toContain(viewer.accessToken);
  });

  it('stops answering once this instance drops the attachments it chose from (another instance detached)', async () => {
    const { contentId, contentKey } = await createContentWithKey(env.server.url, env.account.publisher.key, 'Memo remote detach', [env.dataSourceId]);
    const viewer = await warmViewer('memo-remote-detach', contentKey, contentId);
    // Another instance's detach reaches this one as its attachments entry ending (TTL): rows stay cached.
    await env.server.services.db.prisma.contentDataSource.delete({ where: { contentId_dataSourceId: { contentId, dataSourceId: env.dataSourceId } } });
    env.server.services.attachments.forget();
    const after = await exchange(env.server.url, contentKey, viewer.sessionToken);
    expect(after.status, after.text).toBe(400);
    expect(after.text).not.toContain(viewer.accessToken);
  });

  it('stops answering once the content key is revoked', async () => {
    const key = await gql(env.server.url, ContentKey, { contentId: env.contentId }, env.account.publisher.key);
    const { key: contentKey, apiKey } = key.data!.createContentApiKey;
    const viewer = await warmViewer('memo-key-revoked', contentKey);
    expect((await gql(env.server.url, RevokeKey, { id: apiKey.id }, env.account.admin.key)).errors).toBeUndefined();
    const after = await exchange(env.server.url, contentKey, viewer.sessionToken);
    expect(after.status, after.text).toBe(401);
  });

  it("answers another content's key, another audience or a foreign Origin only as the full exchange would", async () => {
    // Made first: any change to contents or data sources ends every remembered answer.
    const other = await createContentWithKey(env.server.url, env.account.publisher.key, 'Memo other', [env.dataSourceId]);
    const unattached = await env.addDataSource('Memo unattached');
    const viewer = await warmViewer('memo-others');

    const otherKey = await exchange(env.server.url, other.contentKey, viewer.sessionToken);
    expect(otherKey.status, otherKey.text).toBe(403);
    const otherAudience = await exchange(env.server.url, env.contentKey, viewer.sessionToken, unattached);
    expect(otherAudience.status, otherAudience.text).toBe(400);

    const fromBrowser = await api(env.server.url, 'POST', CREDENTIALS_PATH, {
      key: env.contentKey,
      form: exchangeForm(viewer.sessionToken),
      headers: { origin: 'https://evil.example' },
    });
    expect(fromBrowser.status, fromBrowser.text).toBe(403);
    for (const refused of [otherKey, otherAudience, fromBrowser]) expect(refused.text).not.toContain(viewer.accessToken);

    expect((await exchange(env.server.url, env.contentKey, viewer.sessionToken)).json.access_token).toBe(viewer.accessToken);
  });

  it('counts expires_in down as it answers again, with the same token', async () => {
    // A remembered answer's expires_in is the token's remaining lifetime now, not when it was remembered.
    const viewer = await warmViewer('memo-countdown');
    const before = await exchange(env.server.url, env.contentKey, viewer.sessionToken);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const after = await exchange(env.server.url, env.contentKey, viewer.sessionToken);
    expect(after.status, after.text).toBe(200);
    expect(after.json.access_token).toBe(viewer.accessToken);
    expect(after.json.expires_in).toBeLessThan(before.json.expires_in);
    expect(after.text).toBe(JSON.stringify(after.json));
  });

  it("still charges the viewer's budget on every answer", async () => {
    const viewer = await warmViewer('memo-budget');
    // The burst, less the refused first exchange and the two that warmed the answer.
    const left = EXCHANGE_BURST - 3;
    for (let i = 0; i < left; i++) expect((await exchange(env.server.url, env.contentKey, viewer.sessionToken)).status).toBe(200);
    const refused = await exchange(env.server.url, env.contentKey, viewer.sessionToken);
    expect(refused.status, refused.text).toBe(429);
    expect(refused.json.payload).toMatchObject({ reason: 'RATE_LIMITED' });
  });
});

describe('a remembered answer whose token goes stale', () => {
  let env: FlowEnvironment;

  beforeAll(async () => {
    // 4-second tokens: fresh for their first 2 seconds (the margin is at most half the lifetime).
    env = await startFlowEnvironment('databricks', { accessTokenTtlSeconds: 4, serverEnv: { HOT_CACHE_TTL_SECONDS: '300' } });
  });
  afterAll(() => env?.close());

  it('is refreshed by the full exchange, not given again', async () => {
    const userId = await env.addViewer('memo-stale');
    const sessionToken = await env.sessionToken(userId);
    await authorizeViewer(env, env.contentKey, sessionToken, 'memo-stale');
    let first = await exchange(env.server.url, env.contentKey, sessionToken);
    let second = await exchange(env.server.url, env.contentKey, sessionToken);
    // The login itself may have taken the token past its freshness: start again from the refreshed one.
    if (second.json.access_token !== first.json.access_token) [first, second] = [second, await exchange(env.server.url, env.contentKey, sessionToken)];
    expect(second.json.access_token).toBe(first.json.access_token);
    await new Promise((resolve) => setTimeout(resolve, (second.json.expires_in + 1.2) * 1000));
    const after = await exchange(env.server.url, env.contentKey, sessionToken);
    expect(after.status, after.text).toBe(200);
    expect(after.json.access_token).not.toBe(first.json.access_token);
  });
});

describe('kept cache entries and budget buckets', () => {
  it('tell when the cache no longer holds them', () => {
    const cache = new TtlCache<string, number>(60_000, 10);
    cache.set('a', 1);
    const replaced = cache.entry('a')!;
    expect(isCurrent(replaced)).toBe(true);
    cache.set('a', 2);
    expect([isCurrent(replaced), isCurrent(cache.entry('a')!)]).toEqual([false, true]);

    const deleted = cache.entry('a')!;
    cache.delete('a');
    const cleared = (cache.set('b', 3), cache.entry('b')!);
    cache.clear();
    expect([isCurrent(deleted), isCurrent(cleared)]).toEqual([false, false]);

    for (let i = 0; i < 10; i++) cache.set(`k${i}`, i);
    const oldest = cache.entry('k0')!;
    cache.set('one-too-many', 10);
    expect(isCurrent(oldest)).toBe(false);
    expect(isCurrent(cache.entry('k9')!)).toBe(true);
    expect(isCurrent(cache.entry('k9')!, Date.now() + 60_001)).toBe(false);
  });

  it('charge a kept bucket as take would, and refuse one the limiter has forgotten', () => {
    let clock = 0;
    const limiter = new RateLimiter({ perSecond: 1, burst: 2 }, { now: () => clock, maxKeys: 2 });
    expect(limiter.take('alice')).toBe(0);
    const bucket = limiter.bucket('alice')!;
    expect(limiter.takeFrom('alice', bucket)).toBe(0);
    expect(limiter.takeFrom('alice', bucket)).toBe(1); // the burst is spent, as `take` would say
    expect(limiter.take('alice')).toBe(1);

    clock = 5_000; // alice's bucket is full again, bob's is busy: a third key makes the limiter forget alice
    limiter.take('bob');
    limiter.take('carol');
    expect(limiter.bucket('alice')).toBeUndefined();
    expect(limiter.takeFrom('alice', bucket)).toBeUndefined();
    expect(new RateLimiter(null).takeFrom('bob', limiter.bucket('bob')!)).toBeUndefined();
  });
});
