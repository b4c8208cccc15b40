import { createHmac, hkdfSync, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateKeys } from '../src/core/key-rotation.js';
import { pruneAuditEvents } from '../src/core/maintenance.js';
import type { AuditEvent } from '../src/generated/prisma/client.js';
import { loadConfig } from '../src/infra/config.js';
import { graphql } from './generated/gql.js';
import type { AuditEventsQuery } from './generated/graphql.js';
import { TestBrowser, loginAtProvider } from './support/browser.js';
import { createAccount } from './support/fixtures.js';
import { exchange, expireAccessToken, startFlowEnvironment, type FlowEnvironment } from './support/flow.js';
import { gql } from './support/server.js';

/**
 * The append-only audit log (security checklist G5) against a real server, database and
 * oidc-provider: one row per admin change and grant lifecycle event, CREDENTIAL_ISSUED once per
 * token per content (and never per request: the exchange hot path writes nothing for a token it
 * already audited), an HMAC fingerprint the test recomputes, fail-closed issuance, admin-only and
 * account-scoped reads.
 */
const AddSource = graphql(`
  mutation AuditAddSource($input: AddDataSourceInput!) { addDataSource(input: $input) { id } }
`);
const UpdateSource = graphql(`
  mutation AuditUpdateSource($id: ID!, $input: UpdateDataSourceInput!) { updateDataSource(id: $id, input: $input) { id } }
`);
const RemoveSource = graphql(`mutation AuditRemoveSource($id: ID!) { removeDataSource(id: $id) }`);
const CreateContent = graphql(`
  mutation AuditCreateContent($input: CreateContentInput!) { createContent(input: $input) { id } }
`);
const Attach = graphql(`
  mutation AuditAttach($contentId: ID!, $dataSourceId: ID!) { attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }
`);
const Detach = graphql(`
  mutation AuditDetach($contentId: ID!, $dataSourceId: ID!) { detachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }
`);
const ContentKey = graphql(`
  mutation AuditContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key apiKey { id } } }
`);
const CreateUser = graphql(`
  mutation AuditCreateUser($input: CreateUserInput!) { createUser(input: $input) { id } }
`);
const CreateKey = graphql(`
  mutation AuditCreateKey($userId: ID!) { createApiKey(userId: $userId, name: "audited") { key apiKey { id } } }
`);
const RevokeKey = graphql(`mutation AuditRevokeKey($id: ID!) { revokeApiKey(id: $id) }`);
const Purge = graphql(`mutation AuditPurge($dataSourceId: ID!) { purgeDataSourceAuthorizations(dataSourceId: $dataSourceId) }`);
const Credentials = graphql(`
  query AuditCredentials($sessionToken: String!) { oauthCredentials(sessionToken: $sessionToken) { accessToken } }
`);
const Events = graphql(`
  query AuditEvents($first: Int, $after: String, $action: AuditAction, $dataSourceId: ID, $viewerId: ID) {
    auditEvents(first: $first, after: $after, action: $action, dataSourceId: $dataSourceId, viewerId: $viewerId) {
      events { id createdAt action actorType actorId dataSourceId contentId viewerId subjectId reason tokenFingerprint }
      nextCursor
    }
  }
`);

describe('audit log', () => {
  let env: FlowEnvironment;
  let alice: string;
  let aliceSession: string;
  let issuedToken: string;
  let refreshedToken: string;

  const prisma = () => env.server.services.db.prisma;
  const adminKey = () => env.account.admin.key;
  const callback = (u: string) => u.includes('/v1/integrations/callback');
  /** Recomputed here from the documented derivation, not through the server's code. */
  const fingerprintOf = (token: string) => {
    const key = hkdfSync('sha256', env.server.services.keys.signingKey, Buffer.alloc(0), 'oauth-integrations audit token fingerprint v1', 32);
    return createHmac('sha256', Buffer.from(key)).update(token).digest('hex');
  };
  /** The audit rows a change wrote (any account). */
  const newEvents = async (change: () => Promise<unknown>): Promise<AuditEvent[]> => {
    const before = new Set((await prisma().auditEvent.findMany({ select: { id: true } })).map((r) => r.id));
    await change();
    return (await prisma().auditEvent.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })).filter((r) => !before.has(r.id));
  };
  const oneEvent = async (change: () => Promise<unknown>): Promise<AuditEvent> => {
    const events = await newEvents(change);
    expect(events.map((e) => e.action)).toHaveLength(1);
    return events[0]!;
  };
  const must = <T>(result: { data?: T | null; errors?: unknown }): T => {
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!;
  };

  beforeAll(async () => {
    env = await startFlowEnvironment('databricks');
    alice = await env.addViewer('alice');
    aliceSession = await env.sessionToken(alice);
  });
  afterAll(() => env?.close());

  it('writes exactly one row per admin change, with the actor and the ids', async () => {
    const url = env.server.url;
    const byAdmin = { accountId: env.account.accountId, actorType: 'USER', actorId: env.account.admin.userId };
    const byPublisher = { accountId: env.account.accountId, actorType: 'USER', actorId: env.account.publisher.userId };
    let dataSourceId = '';
    const created = await oneEvent(async () => {
      const input = { name: 'Audited', provider: 'DATABRICKS' as const, clientId: 'client-databricks', clientSecret: 'first-secret-CANARY', hostUrl: env.provider.baseUrl };
      dataSourceId = must(await gql(url, AddSource, { input }, adminKey())).addDataSource.id;
    });
    expect(created).toMatchObject({ ...byAdmin, action: 'DATA_SOURCE_CREATED', dataSourceId });

    const updated = await oneEvent(async () =>
      must(await gql(url, UpdateSource, { id: dataSourceId, input: { clientSecret: 'second-secret-CANARY', scopes: ['all-apis', 'offline_access', 'sql'] } }, adminKey())),
    );
    expect(updated).toMatchObject({ ...byAdmin, action: 'DATA_SOURCE_UPDATED', dataSourceId });
    expect(updated.reason).toContain('clientSecret replaced');
    expect(updated.reason).toContain('scopes: all-apis offline_access sql');
    expect(updated.reason).not.toContain('CANARY');

    let contentId = '';
    const content = await oneEvent(async () => {
      contentId = must(await gql(url, CreateContent, { input: { name: 'Audited app' } }, env.account.publisher.key)).createContent.id;
    });
    expect(content).toMatchObject({ ...byPublisher, action: 'CONTENT_CREATED', contentId });

    const attached = await oneEvent(async () => must(await gql(url, Attach, { contentId, dataSourceId }, env.account.publisher.key)));
    expect(attached).toMatchObject({ ...byPublisher, action: 'DATA_SOURCE_ATTACHED', contentId, dataSourceId });
    // Re-attaching changes nothing, so it records nothing.
    expect(await newEvents(async () => must(await gql(url, Attach, { contentId, dataSourceId }, env.account.publisher.key)))).toEqual([]);
    const detached = await oneEvent(async () => must(await gql(url, Detach, { contentId, dataSourceId }, env.account.admin.key)));
    expect(detached).toMatchObject({ ...byAdmin, action: 'DATA_SOURCE_DETACHED', contentId, dataSourceId });

    // Connect's PUT associations: one row per actual change, written in the replacing transaction.
    const put = await oneEvent(() =>
      fetch(`${url}/__api__/v1/content/${contentId}/oauth/integrations/associations`, {
        method: 'PUT',
        headers: { authorization: `Key ${env.account.publisher.key}`, 'content-type': 'application/json' },
        body: JSON.stringify([{ oauth_integration_guid: dataSourceId }]),
      }).then((r) => expect(r.status).toBe(204)),
    );
    expect(put).toMatchObject({ ...byPublisher, action: 'DATA_SOURCE_ATTACHED', contentId, dataSourceId });

    let contentKeyId = '';
    const contentKey = await oneEvent(async () => {
      contentKeyId = must(await gql(url, ContentKey, { contentId }, env.account.publisher.key)).createContentApiKey.apiKey.id;
    });
    expect(contentKey).toMatchObject({ ...byPublisher, action: 'API_KEY_CREATED', subjectId: contentKeyId, contentId });

    let userId = '';
    const user = await oneEvent(async () => {
      userId = must(await gql(url, CreateUser, { input: { email: 'carol@example.com', name: 'carol', role: 'VIEWER' } }, adminKey())).createUser.id;
    });
    expect(user).toMatchObject({ ...byAdmin, action: 'USER_CREATED', subjectId: userId, reason: 'role VIEWER' });

    let keyId = '';
    let key = '';
    const keyCreated = await oneEvent(async () => {
      ({ key, apiKey: { id: keyId } } = must(await gql(url, CreateKey, { userId }, adminKey())).createApiKey);
    });
    expect(keyCreated).toMatchObject({ ...byAdmin, action: 'API_KEY_CREATED', subjectId: keyId });
    const revoked = await oneEvent(async () => must(await gql(url, RevokeKey, { id: keyId }, adminKey())));
    expect(revoked).toMatchObject({ ...byAdmin, action: 'API_KEY_REVOKED', subjectId: keyId });
    expect(await newEvents(async () => must(await gql(url, RevokeKey, { id: keyId }, adminKey())))).toEqual([]);

    const removed = await oneEvent(async () => must(await gql(url, RemoveSource, { id: dataSourceId }, adminKey())));
    expect(removed).toMatchObject({ ...byAdmin, action: 'DATA_SOURCE_REMOVED', dataSourceId, reason: 'name: Audited' });
    // The rows outlive what they name (no foreign keys, no cascade).
    expect(await prisma().auditEvent.count({ where: { dataSourceId } })).toBe(6);

    const dump = JSON.stringify(await prisma().auditEvent.findMany());
    for (const secret of ['first-secret-CANARY', 'second-secret-CANARY', key, env.clientSecret]) expect(dump).not.toContain(secret);
  });

  it('records the viewer authorizing, then CREDENTIAL_ISSUED once for the first exchange of the token', async () => {
    const url = (await exchange(env.server.url, env.contentKey, aliceSession)).json.payload.authorization_url as string;
    const authorized = await oneEvent(() => loginAtProvider(new TestBrowser(), url, { login: 'alice', stopAt: callback }));
    expect(authorized).toMatchObject({
      accountId: env.account.accountId,
      action: 'VIEWER_AUTHORIZED',
      actorType: 'VIEWER',
      actorId: alice,
      viewerId: alice,
      contentId: env.contentId,
      dataSourceId: env.dataSourceId,
    });

    let first: Awaited<ReturnType<typeof exchange>> | undefined;
    const issued = await oneEvent(async () => {
      first = await exchange(env.server.url, env.contentKey, aliceSession);
    });
    expect(first!.status).toBe(200);
    issuedToken = first!.json.access_token;
    expect(issued).toMatchObject({
      accountId: env.account.accountId,
      action: 'CREDENTIAL_ISSUED',
      actorType: 'CONTENT',
      actorId: env.contentId,
      contentId: env.contentId,
      viewerId: alice,
      dataSourceId: env.dataSourceId,
      tokenFingerprint: fingerprintOf(issuedToken),
    });
    expect(issued.tokenFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(authorized.tokenFingerprint).toBe(issued.tokenFingerprint);
  });

  it('writes nothing for further exchanges of the same token, even after the cached row is dropped', async () => {
    const again = await newEvents(async () => {
      const results = await Promise.all(Array.from({ length: 20 }, () => exchange(env.server.url, env.contentKey, aliceSession)));
      expect(results.map((r) => r.json.access_token)).toEqual(Array(20).fill(issuedToken));
      // A row re-read from the database is a new object: the remembered fingerprint still matches.
      env.server.services.store.forget();
      expect((await exchange(env.server.url, env.contentKey, aliceSession)).json.access_token).toBe(issuedToken);
      expect(must(await gql(env.server.url, Credentials, { sessionToken: aliceSession }, env.contentKey)).oauthCredentials.accessToken).toBe(issuedToken);
    });
    expect(again).toEqual([]);
  });

  it('records TOKEN_REFRESHED and a new CREDENTIAL_ISSUED after a refresh, with the new fingerprint', async () => {
    await expireAccessToken(env.server, env.dataSourceId, alice);
    let concurrent: Array<Awaited<ReturnType<typeof exchange>>> = [];
    // Ten concurrent exchanges share one refresh and one issuance insert.
    const events = await newEvents(async () => {
      concurrent = await Promise.all(Array.from({ length: 10 }, () => exchange(env.server.url, env.contentKey, aliceSession)));
    });
    refreshedToken = concurrent[0]!.json.access_token;
    expect(concurrent.map((r) => r.json.access_token)).toEqual(Array(10).fill(refreshedToken));
    expect(refreshedToken).toBeTruthy();
    expect(refreshedToken).not.toBe(issuedToken);
    const byAction = Object.fromEntries(events.map((e) => [e.action, e]));
    expect(Object.keys(byAction).sort()).toEqual(['CREDENTIAL_ISSUED', 'TOKEN_REFRESHED']);
    expect(events).toHaveLength(2);
    expect(byAction.TOKEN_REFRESHED).toMatchObject({
      actorType: 'SYSTEM',
      actorId: env.server.services.instanceId,
      viewerId: alice,
      dataSourceId: env.dataSourceId,
      tokenFingerprint: fingerprintOf(refreshedToken),
    });
    expect(byAction.CREDENTIAL_ISSUED).toMatchObject({ contentId: env.contentId, viewerId: alice, tokenFingerprint: fingerprintOf(refreshedToken) });
    expect(fingerprintOf(refreshedToken)).not.toBe(fingerprintOf(issuedToken));
    expect(await newEvents(() => exchange(env.server.url, env.contentKey, aliceSession))).toEqual([]);
  });

  it('fails closed: when the audit insert fails the exchange returns no token, on REST and GraphQL', async () => {
    // The same token handed to another content is a distinct issuance, so it must be audited.
    const contentId = must(await gql(env.server.url, CreateContent, { input: { name: 'Dashboard' } }, env.account.publisher.key)).createContent.id;
    must(await gql(env.server.url, Attach, { contentId, dataSourceId: env.dataSourceId }, env.account.publisher.key));
    const contentKey = must(await gql(env.server.url, ContentKey, { contentId }, env.account.publisher.key)).createContentApiKey.key;
    const session = await env.sessionToken(alice, contentId);

    // The database itself refuses the row (a trigger), whichever way the server writes it.
    await prisma().$executeRawUnsafe(`CREATE FUNCTION refuse_issuance() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'audit store unavailable'; END $$ LANGUAGE plpgsql`);
    await prisma().$executeRawUnsafe(`CREATE TRIGGER refuse_issuance BEFORE INSERT ON audit_events FOR EACH ROW
      WHEN (NEW.action = 'CREDENTIAL_ISSUED' AND NEW.content_id = '${contentId}') EXECUTE FUNCTION refuse_issuance()`);
    try {
      const refused = await exchange(env.server.url, contentKey, session);
      expect(refused.status).toBe(503);
      expect(refused.json).toMatchObject({ code: 216, payload: { reason: 'PROVIDER_UNAVAILABLE' } });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.text).not.toContain(refreshedToken);
      expect(refused.json).not.toHaveProperty('access_token');
      const viaGraphQL = await gql(env.server.url, Credentials, { sessionToken: session }, contentKey);
      expect(viaGraphQL.data).toBeNull();
      expect(viaGraphQL.errors?.[0]?.extensions?.code).toBe('PROVIDER_UNAVAILABLE');
      expect(viaGraphQL.raw).not.toContain(refreshedToken);
    } finally {
      await prisma().$executeRawUnsafe('DROP TRIGGER refuse_issuance ON audit_events');
      await prisma().$executeRawUnsafe('DROP FUNCTION refuse_issuance()');
    }
    expect(await prisma().auditEvent.count({ where: { contentId, action: 'CREDENTIAL_ISSUED' } })).toBe(0);

    // Once the log is back, the first exchange writes the row and gets the token.
    let served: Awaited<ReturnType<typeof exchange>> | undefined;
    const issued = await oneEvent(async () => {
      served = await exchange(env.server.url, contentKey, session);
    });
    expect(served!.json.access_token).toBe(refreshedToken);
    expect(issued).toMatchObject({ action: 'CREDENTIAL_ISSUED', actorType: 'CONTENT', actorId: contentId, contentId, tokenFingerprint: fingerprintOf(refreshedToken) });
  });

  it('records a decline, a purge (one row per revoked grant plus the purge) and a reauthorization', async () => {
    const bob = await env.addViewer('bob');
    const bobSession = await env.sessionToken(bob);
    const browser = new TestBrowser();
    const start = await browser.get((await exchange(env.server.url, env.contentKey, bobSession)).json.payload.authorization_url as string);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const declined = await oneEvent(async () =>
      expect((await browser.get(`${env.server.url}/v1/integrations/callback?error=access_denied&state=${state}`)).status).toBe(303),
    );
    expect(declined).toMatchObject({ action: 'AUTHORIZATION_DECLINED', actorType: 'VIEWER', actorId: bob, viewerId: bob, contentId: env.contentId, reason: 'access_denied' });

    const purged = await newEvents(async () => expect(must(await gql(env.server.url, Purge, { dataSourceId: env.dataSourceId }, adminKey())).purgeDataSourceAuthorizations).toBe(1));
    const byAdmin = { accountId: env.account.accountId, actorType: 'USER', actorId: env.account.admin.userId, dataSourceId: env.dataSourceId };
    expect(purged.map((e) => e.action).sort()).toEqual(['AUTHORIZATIONS_PURGED', 'AUTHORIZATION_REVOKED']);
    expect(purged.find((e) => e.action === 'AUTHORIZATION_REVOKED')).toMatchObject({ ...byAdmin, viewerId: alice });
    expect(purged.find((e) => e.action === 'AUTHORIZATIONS_PURGED')).toMatchObject({ ...byAdmin, viewerId: null, reason: '1 authorization(s) revoked' });

    const url = (await exchange(env.server.url, env.contentKey, aliceSession)).json.payload.authorization_url as string;
    await loginAtProvider(new TestBrowser(), url, { login: 'alice', stopAt: callback });
    await env.provider.revokeAllGrantsFor('alice');
    await expireAccessToken(env.server, env.dataSourceId, alice);
    const reauthorization = await oneEvent(async () => expect((await exchange(env.server.url, env.contentKey, aliceSession)).json).toMatchObject({ code: 215 }));
    expect(reauthorization).toMatchObject({ action: 'REAUTHORIZATION_REQUIRED', actorType: 'SYSTEM', viewerId: alice, dataSourceId: env.dataSourceId, reason: 'invalid_grant' });
  });

  it('records key rotation as a server-wide row that no account lists', async () => {
    const { db, keys, audit } = env.server.services;
    const rotated = await oneEvent(() => rotateKeys(db.prisma, keys.keyring, audit));
    expect(rotated).toMatchObject({ accountId: null, action: 'KEYS_ROTATED', actorType: 'SYSTEM' });
    expect(rotated.reason).toContain(`active ${keys.keyring.activeKid}`);
    const listed = must(await gql(env.server.url, Events, { action: 'KEYS_ROTATED' }, adminKey()));
    expect(listed.auditEvents.events).toEqual([]);
  });

  it("lists the account's events for admins, newest first, filtered and paged", async () => {
    const stored = await prisma().auditEvent.findMany({ where: { accountId: env.account.accountId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page++) {
      const result: AuditEventsQuery['auditEvents'] = must(await gql(env.server.url, Events, { first: 7, after }, adminKey())).auditEvents;
      seen.push(...result.events.map((e) => e.id));
      after = result.nextCursor ?? null;
      if (!after) break;
    }
    expect(seen).toEqual(stored.map((e) => e.id));

    const issued = must(await gql(env.server.url, Events, { action: 'CREDENTIAL_ISSUED', viewerId: alice }, adminKey())).auditEvents;
    expect(issued.events.length).toBe(stored.filter((e) => e.action === 'CREDENTIAL_ISSUED' && e.viewerId === alice).length);
    expect(issued.events.every((e) => e.action === 'CREDENTIAL_ISSUED' && e.viewerId === alice && /^[0-9a-f]{64}$/.test(e.tokenFingerprint!))).toBe(true);
    expect(issued.events[0]!.tokenFingerprint).toBe(fingerprintOf(refreshedToken));
    const forSource = must(await gql(env.server.url, Events, { dataSourceId: env.dataSourceId, first: 200 }, adminKey())).auditEvents.events;
    expect(forSource.length).toBe(stored.filter((e) => e.dataSourceId === env.dataSourceId).length);

    const raw = (await gql(env.server.url, Events, { first: 200 }, adminKey())).raw;
    for (const secret of [issuedToken, refreshedToken, env.clientSecret, env.contentKey, aliceSession]) expect(raw).not.toContain(secret);

    expect((await gql(env.server.url, Events, { first: 201 }, adminKey())).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await gql(env.server.url, Events, { after: 'not-a-cursor' }, adminKey())).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await gql(env.server.url, Events, { viewerId: 'nope' }, adminKey())).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses non-admins and shows another account none of these rows', async () => {
    for (const key of [env.account.publisher.key, env.account.viewer.key, env.contentKey]) {
      expect((await gql(env.server.url, Events, {}, key)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect((await gql(env.server.url, Events, {}, undefined)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const other = await createAccount(env.server, 'acct-audit-other');
    const theirs = must(await gql(env.server.url, Events, { first: 200 }, other.admin.key)).auditEvents.events;
    const ours = new Set((await prisma().auditEvent.findMany({ where: { accountId: env.account.accountId } })).map((e) => e.id));
    expect(theirs.length).toBeGreaterThan(0); // its own bootstrap, users and keys
    expect(theirs.filter((e) => ours.has(e.id))).toEqual([]);
    expect(must(await gql(env.server.url, Events, { dataSourceId: env.dataSourceId }, other.admin.key)).auditEvents.events).toEqual([]);
    expect(must(await gql(env.server.url, Events, { viewerId: alice }, other.admin.key)).auditEvents.events).toEqual([]);
  });

  it('is append-only: no code path updates audit rows, and only retention deletes them', async () => {
    const writes: string[] = [];
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === 'generated' ? [] : walk(path.join(dir, e.name))) : [path.join(dir, e.name)]));
    for (const file of walk('src')) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/auditEvent\.(update|updateMany|upsert|delete|deleteMany)\b|(update|delete\s+from|truncate)\s+"?audit_events/gi)) {
        writes.push(`${file}:${match[0]}`);
      }
    }
    expect(writes).toEqual([path.join('src', 'core', 'maintenance.ts') + ':auditEvent.deleteMany']);

    // The database refuses what the code never does (migration audit_append_only): rewriting a row,
    // erasing recent ones, emptying the table.
    const recent = (await prisma().auditEvent.findFirst({ orderBy: { createdAt: 'desc' } }))!;
    const refusals = [
      `UPDATE audit_events SET reason = 'rewritten' WHERE id = '${recent.id}'`,
      `DELETE FROM audit_events WHERE id = '${recent.id}'`,
      'TRUNCATE audit_events',
    ];
    for (const statement of refusals) await expect(prisma().$executeRawUnsafe(statement), statement).rejects.toThrow(/append-only/);
    await expect(pruneAuditEvents(prisma(), 1, Date.now() + 2 * 86_400_000)).rejects.toThrow(/append-only/);
    expect(await prisma().auditEvent.findUnique({ where: { id: recent.id } })).toEqual(recent);

    const old = randomUUID();
    await prisma().auditEvent.create({
      data: { id: old, accountId: env.account.accountId, actorType: 'SYSTEM', action: 'KEYS_ROTATED', createdAt: new Date(Date.now() - 400 * 86_400_000) },
    });
    const total = await prisma().auditEvent.count();
    expect(await pruneAuditEvents(prisma(), 0)).toBe(0); // 0 keeps everything
    expect(await pruneAuditEvents(prisma(), 365)).toBe(1);
    expect(await prisma().auditEvent.findUnique({ where: { id: old } })).toBeNull();
    expect(await prisma().auditEvent.count()).toBe(total - 1);

    expect(loadConfig({}).auditRetentionDays).toBe(365);
    expect(loadConfig({ AUDIT_RETENTION_DAYS: '0' }).auditRetentionDays).toBe(0);
    expect(() => loadConfig({ AUDIT_RETENTION_DAYS: '-1' })).toThrow(/AUDIT_RETENTION_DAYS/);
  });
});
