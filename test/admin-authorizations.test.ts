import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { TestBrowser, loginAtProvider } from './support/browser.js';
import { exchange, startFlowEnvironment, updateAuthorization, type FlowEnvironment } from './support/flow.js';
import { gql } from './support/server.js';
import { subscribe, wsClient } from './support/subscriptions.js';

/** Admin oversight of viewer grants: listing, purge, and removal of a data source revoking everyone. */
const ListGrants = graphql(`
  query ListGrants($dataSourceId: ID!) {
    dataSourceAuthorizations(dataSourceId: $dataSourceId) { userId status hasRefreshToken accessTokenExpiresAt }
  }
`);
const PageGrants = graphql(`
  query PageGrants($dataSourceId: ID!, $first: Int, $after: ID) {
    dataSourceAuthorizations(dataSourceId: $dataSourceId, first: $first, after: $after) { id userId }
  }
`);
const Purge = graphql(`mutation Purge($dataSourceId: ID!) { purgeDataSourceAuthorizations(dataSourceId: $dataSourceId) }`);
const Remove = graphql(`mutation RemoveForGrants($id: ID!) { removeDataSource(id: $id) }`);
const Watch = graphql(`
  subscription WatchGrants($dataSourceId: ID!) { dataSourceAuthorizationEvents(dataSourceId: $dataSourceId) { userId status } }
`);

describe('admin oversight of viewer authorizations', () => {
  let env: FlowEnvironment;
  const viewers: Array<{ id: string; token: string }> = [];

  const authorize = async (login: string) => {
    const id = await env.addViewer(login);
    const token = await env.sessionToken(id);
    const url = (await exchange(env.server.url, env.contentKey, token)).json.payload.authorization_url as string;
    await loginAtProvider(new TestBrowser(), url, { login, stopAt: (u) => u.includes('/v1/integrations/callback') });
    viewers.push({ id, token });
  };

  beforeAll(async () => {
    env = await startFlowEnvironment('databricks');
    await authorize('erin');
    await authorize('frank');
  });
  afterAll(() => env?.close());

  it('lists every viewer of a data source for admins only, without tokens', async () => {
    const listed = await gql(env.server.url, ListGrants, { dataSourceId: env.dataSourceId }, env.account.admin.key);
    expect(listed.data!.dataSourceAuthorizations).toHaveLength(2);
    expect(listed.data!.dataSourceAuthorizations.every((g) => g.status === 'AUTHORIZED' && g.hasRefreshToken)).toBe(true);
    const refused = await gql(env.server.url, ListGrants, { dataSourceId: env.dataSourceId }, env.account.publisher.key);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('pages through the viewers, oldest first, and names the bad paging argument', async () => {
    const page = (variables: { first?: number; after?: string }) =>
      gql(env.server.url, PageGrants, { dataSourceId: env.dataSourceId, ...variables }, env.account.admin.key);
    const first = await page({ first: 1 });
    expect(first.data!.dataSourceAuthorizations.map((g) => g.userId)).toEqual([viewers[0]!.id]);
    const second = await page({ first: 1, after: first.data!.dataSourceAuthorizations[0]!.id });
    expect(second.data!.dataSourceAuthorizations.map((g) => g.userId)).toEqual([viewers[1]!.id]);
    const end = await page({ first: 1, after: second.data!.dataSourceAuthorizations[0]!.id });
    expect(end.data!.dataSourceAuthorizations).toEqual([]);
    for (const [variables, field] of [[{ first: 0 }, 'first'], [{ first: 1001 }, 'first'], [{ after: 'not-an-id' }, 'after']] as const) {
      const bad = await page(variables);
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });

  it("never serves a token copied from another viewer's row (associated data binds it)", async () => {
    const [erin, frank] = viewers;
    const prisma = env.server.services.db.prisma;
    const source = await prisma.viewerAuthorization.findFirstOrThrow({ where: { userId: erin!.id } });
    await updateAuthorization(env.server, env.dataSourceId, frank!.id, {
      accessTokenSealed: source.accessTokenSealed,
      refreshTokenSealed: source.refreshTokenSealed,
    });
    const result = await exchange(env.server.url, env.contentKey, frank!.token);
    expect(result.json).toMatchObject({ code: 215 });
    expect(result.text).not.toContain(env.server.services.store.openAccessToken(source)!);
    // Frank logs in again; Erin was never affected.
    const url = result.json.payload.authorization_url as string;
    await loginAtProvider(new TestBrowser(), url, { login: 'frank', stopAt: (u) => u.includes('/v1/integrations/callback') });
    expect((await exchange(env.server.url, env.contentKey, frank!.token)).status).toBe(200);
    expect((await exchange(env.server.url, env.contentKey, erin!.token)).status).toBe(200);
  });

  it('purges every grant, tells dashboards, and the viewers must log in again', async () => {
    const watch = subscribe(wsClient(env.server.url, env.account.admin.key), Watch, { dataSourceId: env.dataSourceId });
    await new Promise((r) => setTimeout(r, 200));
    const prisma = env.server.services.db.prisma;
    const refreshTokens = await Promise.all(
      viewers.map(async (v) => env.server.services.store.openRefreshToken(await prisma.viewerAuthorization.findFirstOrThrow({ where: { userId: v.id } }))!),
    );
    expect((await env.provider.introspect(refreshTokens[0]!)).active).toBe(true);
    const purged = await gql(env.server.url, Purge, { dataSourceId: env.dataSourceId }, env.account.admin.key);
    expect(purged.data!.purgeDataSourceAuthorizations).toBe(2);
    const events = [await watch.next(), await watch.next()].map((e) => e.dataSourceAuthorizationEvents);
    expect(events.map((e) => e.status)).toEqual(['REVOKED', 'REVOKED']);
    expect(new Set(events.map((e) => e.userId))).toEqual(new Set(viewers.map((v) => v.id)));
    await watch.close();
    // Revoked at the provider too (its metadata advertises a revocation endpoint).
    for (const token of refreshTokens) expect((await env.provider.introspect(token)).active).toBe(false);
    for (const viewer of viewers) {
      const result = await exchange(env.server.url, env.contentKey, viewer.token);
      expect(result.json).toMatchObject({ code: 214 });
    }
  });

  it('removing a data source removes its grants and attachments', async () => {
    await authorize('gina');
    const removed = await gql(env.server.url, Remove, { id: env.dataSourceId }, env.account.admin.key);
    expect(removed.data!.removeDataSource).toBe(true);
    expect(await env.server.services.db.prisma.viewerAuthorization.count({ where: { dataSourceId: env.dataSourceId } })).toBe(0);
    const result = await exchange(env.server.url, env.contentKey, viewers.at(-1)!.token);
    expect(result.json).toMatchObject({ code: 212 });
  });
});
