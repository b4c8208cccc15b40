import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizationStore } from '../src/core/authorizations.js';
import { graphql } from './generated/gql.js';
import {
  CREDENTIALS_PATH,
  api,
  authorizeViewer,
  createContentWithKey,
  createUserWithKey,
  dumpDatabase,
  exchangeForm,
  recordResponses,
  type ApiResponse,
  type UserWithKey,
} from './support/connect.js';
import { createAccount, type TestAccount } from './support/fixtures.js';
import { keptAliveClient } from './support/kept-alive.js';
import { startFakeProvider, type FakeProvider } from './support/fake-provider.js';
import { exchange, expireAccessToken, startFlowEnvironment, updateAuthorization, type FlowEnvironment } from './support/flow.js';
import { gql, type TestServer } from './support/server.js';
import { subscribe, wsClient, type Subscription } from './support/subscriptions.js';

/**
 * The Connect-compatible REST surface exactly as posit-sdk and connectapi call it
 * (shared/docs/wire-compat.md), against the real server and a real oidc-provider:
 * server settings, the RFC 8693 credential exchange, integrations CRUD, content associations,
 * OAuth sessions, GraphQL revocation, and the F10 canary (no secret or token anywhere it should not be).
 */
const CapiStatus = graphql(`
  subscription CapiStatus($sessionToken: String!, $dataSourceId: ID) {
    authorizationStatus(sessionToken: $sessionToken, dataSourceId: $dataSourceId) { dataSourceId userId status authorizationUrl }
  }
`);
const CapiAdminEvents = graphql(`
  subscription CapiAdminEvents($dataSourceId: ID!) { dataSourceAuthorizationEvents(dataSourceId: $dataSourceId) { userId status } }
`);
const CapiRevoke = graphql(`
  mutation CapiRevoke($dataSourceId: ID!, $userId: ID) { revokeAuthorization(dataSourceId: $dataSourceId, userId: $userId) }
`);
const CapiDataSources = graphql(`
  query CapiDataSources { dataSources { id name clientId hasClientSecret hostUrl scopes redirectUri } }
`);

const ISSUED_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const INTEGRATION_KEYS = ['auth_type', 'config', 'created_time', 'description', 'guid', 'id', 'name', 'template', 'updated_time'];
const ASSOCIATION_KEYS = [
  'content_guid',
  'created_time',
  'oauth_integration_auth_type',
  'oauth_integration_description',
  'oauth_integration_guid',
  'oauth_integration_name',
  'oauth_integration_template',
];
const SESSION_KEYS = ['created_time', 'guid', 'has_refresh_token', 'id', 'oauth_integration_guid', 'updated_time', 'user_guid'];
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Every error body posit-sdk can read: numeric code, string error, a payload key, and a 4xx status. */
function expectConnectError(response: ApiResponse, status: number, code?: number) {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(typeof response.json?.code, response.text).toBe('number');
  expect(typeof response.json?.error, response.text).toBe('string');
  expect(response.json.error.length).toBeGreaterThan(0);
  expect(response.json).toHaveProperty('payload');
  if (code !== undefined) expect(response.json.code, response.text).toBe(code);
}

function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.split('.').map(Number);
  const b = minimum.split('.').map(Number);
  for (let i = 0; i < 3; i += 1) if (a[i]! !== b[i]!) return a[i]! > b[i]!;
  return true;
}

/** Opens the sealed refresh-token column of a viewer's authorization, as the server itself does. */
async function storedRefreshToken(server: TestServer, dataSourceId: string, userId: string): Promise<string | undefined> {
  const row = await server.services.db.prisma.viewerAuthorization.findFirst({ where: { dataSourceId, userId } });
  if (!row) return undefined;
  return new AuthorizationStore(server.services.db.prisma, server.services.db.sql, server.services.keys.keyring, 0).openRefreshToken(row);
}

describe('Connect REST surface (posit-sdk / connectapi wire protocol)', () => {
  let env: FlowEnvironment;
  let url: string;
  let alice: UserWithKey;
  let bob: UserWithKey;
  let otherPublisher: UserWithKey;
  let aliceToken: string;
  let bobToken: string;
  let other: TestAccount;

  const exchangeAs = (key: string, form: Record<string, string>) => api(url, 'POST', CREDENTIALS_PATH, { key, form });

  beforeAll(async () => {
    env = await startFlowEnvironment('databricks');
    url = env.server.url;
    alice = await createUserWithKey(url, env.account.admin.key, 'alice', 'VIEWER');
    bob = await createUserWithKey(url, env.account.admin.key, 'bob', 'VIEWER');
    otherPublisher = await createUserWithKey(url, env.account.admin.key, 'paula', 'PUBLISHER');
    aliceToken = await env.sessionToken(alice.userId);
    bobToken = await env.sessionToken(bob.userId);
    other = await createAccount(env.server, 'acct-other');
    expect((await authorizeViewer(env, env.contentKey, aliceToken, 'alice')).status).toBe(303);
    expect((await authorizeViewer(env, env.contentKey, bobToken, 'bob')).status).toBe(303);
  });
  afterAll(() => env?.close());

  describe('discovery calls made before any OAuth call', () => {
    it('GET /__api__/server_settings answers a Connect-style version >= 2025.07.0', async () => {
      for (const key of [env.contentKey, env.account.viewer.key]) {
        const settings = await api(url, 'GET', '/__api__/server_settings', { key });
        expect(settings.status).toBe(200);
        expect(settings.headers.get('content-type')).toMatch(/^application\/json/);
        expect(settings.json.version).toMatch(/^\d+\.\d+\.\d+$/);
        expect(versionAtLeast(settings.json.version, '2025.07.0')).toBe(true);
      }
    });

    it('GET /__ping__ answers 200', async () => {
      expect((await api(url, 'GET', '/__ping__')).status).toBe(200);
      expect((await api(url, 'GET', '/__ping__', { key: env.contentKey })).status).toBe(200);
    });
  });

  describe('credential exchange: wire details', () => {
    it('refuses a wrong grant_type, subject_token_type or requested_token_type with 400 {code, error, payload}', async () => {
      const faults: Array<[string, Record<string, string | undefined>]> = [
        ['grant_type', { grant_type: 'authorization_code' }],
        ['grant_type', { grant_type: undefined }],
        ['subject_token_type', { subject_token_type: 'urn:posit:connect:content-session-token' }],
        ['subject_token_type', { subject_token_type: 'urn:ietf:params:oauth:token-type:jwt' }],
        ['requested_token_type', { requested_token_type: 'urn:ietf:params:aws:token-type:credentials' }],
        ['requested_token_type', { requested_token_type: 'urn:posit:connect:api-key' }],
        ['subject_token', { subject_token: undefined }],
      ];
      for (const [field, overrides] of faults) {
        const response = await exchangeAs(env.contentKey, exchangeForm(aliceToken, overrides));
        expectConnectError(response, 400);
        expect(response.json.payload?.field, `${field}: ${response.text}`).toBe(field);
        expect(response.json).not.toHaveProperty('access_token');
      }
    });

    it('accepts an explicit requested_token_type of access_token', async () => {
      const response = await exchangeAs(env.contentKey, exchangeForm(aliceToken, { requested_token_type: ISSUED_TOKEN_TYPE }));
      expect(response.status, response.text).toBe(200);
      expect(response.json.issued_token_type).toBe(ISSUED_TOKEN_TYPE);
    });

    it('answers 401 with the same shape without a key, with an unknown key, or with another scheme', async () => {
      const form = exchangeForm(aliceToken);
      expectConnectError(await api(url, 'POST', CREDENTIALS_PATH, { form }), 401);
      expectConnectError(await exchangeAs(`oik_${randomBytes(32).toString('base64url')}`, form), 401);
      expectConnectError(await exchangeAs('not-a-key', form), 401);
      expectConnectError(await api(url, 'POST', CREDENTIALS_PATH, { form, headers: { authorization: `Bearer ${env.contentKey}` } }), 401);
    });

    it('answers a body over 100 KiB with 413 (401 first without a key), then serves the next exchange', async () => {
      const oversized = exchangeForm(aliceToken, { padding: 'a'.repeat(110 * 1024) });
      expectConnectError(await exchangeAs(env.contentKey, oversized), 413, 5);
      expectConnectError(await api(url, 'POST', CREDENTIALS_PATH, { form: oversized }), 401);
      expect((await exchangeAs(env.contentKey, exchangeForm(aliceToken))).status).toBe(200);
    });

    it('answers a failure no rule expects with 500 and a request id, thrown or rejected, and serves the next exchange', async () => {
      // Fault injection at the domain boundary: the HTTP edge must not hang, crash or leak either way.
      const credentials = env.server.services.credentials;
      const exchangeCredentials = credentials.exchange;
      const failures = {
        thrown: () => {
          throw new Error(`internal detail ${aliceToken}`);
        },
        rejected: () => Promise.reject(new Error(`internal detail ${aliceToken}`)),
      };
      try {
        for (const [how, fail] of Object.entries(failures)) {
          credentials.exchange = fail;
          const logsBefore = env.server.logs.length;
          const response = await exchangeAs(env.contentKey, exchangeForm(aliceToken));
          expectConnectError(response, 500, 1);
          const requestId = /request id ([0-9a-f-]{36})/.exec(response.json.error)?.[1];
          expect(requestId, `${how}: ${response.text}`).toBeDefined();
          expect(response.text).not.toContain('internal detail');
          const logged = env.server.logs.slice(logsBefore).join('');
          expect(logged, how).toContain(requestId);
          expect(logged, how).not.toContain(aliceToken);
        }
      } finally {
        credentials.exchange = exchangeCredentials;
      }
      expect((await exchangeAs(env.contentKey, exchangeForm(aliceToken))).status).toBe(200);
    });

    it('succeeds with 200, exactly the four RFC 8693 fields, no-store and no refresh token', async () => {
      const response = await exchangeAs(env.contentKey, exchangeForm(aliceToken));
      expect(response.status, response.text).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(Object.keys(response.json).sort()).toEqual(['access_token', 'expires_in', 'issued_token_type', 'token_type']);
      expect(response.json).toMatchObject({ issued_token_type: ISSUED_TOKEN_TYPE, token_type: 'Bearer' });
      // Written as text on the hot path: byte for byte what JSON.stringify gives, in RFC 8693's order.
      expect(Object.keys(response.json)).toEqual(['access_token', 'issued_token_type', 'token_type', 'expires_in']);
      expect(response.text).toBe(JSON.stringify(response.json));
      expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(response.text)));
      expect(typeof response.json.access_token).toBe('string');
      expect(Number.isInteger(response.json.expires_in)).toBe(true);
      expect(response.json.expires_in).toBeGreaterThan(0);
      expect(response.text).not.toMatch(/refresh/i);
      const refreshToken = await storedRefreshToken(env.server, env.dataSourceId, alice.userId);
      expect(refreshToken).toBeTruthy();
      expect(response.text).not.toContain(refreshToken);
      // expires_in never exceeds what the provider itself still grants the token.
      const introspected = await env.provider.introspect(response.json.access_token);
      expect(introspected).toMatchObject({ active: true, sub: 'alice' });
      const remaining = introspected.exp! - Math.floor(Date.now() / 1000);
      expect(response.json.expires_in).toBeLessThanOrEqual(remaining + 1);
    });

    it('also accepts the fields as a JSON body (the code supports it) and answers a broken JSON body with 400', async () => {
      const form = await exchangeAs(env.contentKey, exchangeForm(aliceToken));
      const json = await api(url, 'POST', CREDENTIALS_PATH, { key: env.contentKey, json: exchangeForm(aliceToken) });
      expect(json.status, json.text).toBe(200);
      expect(json.json.access_token).toBe(form.json.access_token);
      expectConnectError(await api(url, 'POST', CREDENTIALS_PATH, { key: env.contentKey, raw: '{"grant_type":', headers: { 'content-type': 'application/json' } }), 400);
      // Valid JSON that is not an object is a client error too, never a 500.
      for (const raw of ['null', '"text"', '42', '[]']) {
        const response = await api(url, 'POST', CREDENTIALS_PATH, { key: env.contentKey, raw, headers: { 'content-type': 'application/json' } });
        expect(response.status, `JSON body ${raw}: ${response.text}`).toBe(400);
        expectConnectError(response, 400);
      }
    });

    it('parses each request on a kept-alive connection as sent: another viewer, another content type or a bad field is never answered as the last one', async () => {
      // The route remembers the last body each connection sent (posit-sdk repeats it on every call).
      const client = keptAliveClient(`${url}${CREDENTIALS_PATH}`, env.contentKey);
      const send = client.post;
      const FORM = 'application/x-www-form-urlencoded';
      const formOf = (token: string, overrides: Record<string, string | undefined> = {}) => new URLSearchParams(exchangeForm(token, overrides) as Record<string, string>).toString();
      const subjectOf = async (response: { status: number; json: any }) => {
        expect(response.status, JSON.stringify(response.json)).toBe(200);
        return (await env.provider.introspect(response.json.access_token)).sub;
      };
      try {
        expect(await subjectOf(await send(FORM, formOf(aliceToken)))).toBe('alice');
        expect(await subjectOf(await send(FORM, formOf(aliceToken)))).toBe('alice');
        expect(await subjectOf(await send(FORM, formOf(bobToken)))).toBe('bob');
        expect(await subjectOf(await send(FORM, formOf(aliceToken)))).toBe('alice');
        // The same bytes under another content type are parsed as that type: not JSON, so 400.
        const asJson = await send('application/json', formOf(aliceToken));
        expect(asJson.status).toBe(400);
        expect(typeof asJson.json.code).toBe('number');
        expect(await subjectOf(await send(FORM, formOf(aliceToken)))).toBe('alice');
        const refused = await send(FORM, formOf(aliceToken, { grant_type: 'password' }));
        expect(refused.status).toBe(400);
        expect(refused.json.error).toMatch(/grant_type/);
        expect(await subjectOf(await send(FORM, formOf(aliceToken)))).toBe('alice');
        expect(client.ports.size).toBe(1);
      } finally {
        client.close();
      }
    });

    it("serves a browser only from our own origin or the content's registered one (checklist C4)", async () => {
      const fromOrigin = (origin: string) => api(url, 'POST', CREDENTIALS_PATH, { key: env.contentKey, form: exchangeForm(aliceToken), headers: { origin } });
      // The content was registered at https://apps.example.com/trips/.
      expect((await fromOrigin('https://apps.example.com')).status).toBe(200);
      expect((await fromOrigin(new URL(url).origin)).status).toBe(200);
      for (const origin of ['https://evil.example', 'https://apps.example.com.evil.example', 'http://apps.example.com', 'null']) {
        const refused = await fromOrigin(origin);
        expectConnectError(refused, 403);
        expect(refused.text, origin).not.toContain('access_token');
      }
      const graphqlFrom = async (origin: string) => {
        const response = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Key ${env.contentKey}`, origin },
          body: JSON.stringify({ query: 'query($t: String!) { oauthCredentials(sessionToken: $t) { accessToken } }', variables: { t: aliceToken } }),
        });
        return (await response.json()) as { data?: { oauthCredentials: { accessToken: string } | null }; errors?: Array<{ extensions: { code: string } }> };
      };
      expect((await graphqlFrom('https://apps.example.com')).data?.oauthCredentials?.accessToken).toBeTruthy();
      const refused = await graphqlFrom('https://evil.example');
      expect(refused.data?.oauthCredentials ?? null).toBeNull();
      expect(refused.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    });

    it("lets the owner's user key exchange for its content; another publisher's and the viewer's own key get 403", async () => {
      const owner = await exchangeAs(env.account.publisher.key, exchangeForm(aliceToken));
      expect(owner.status, owner.text).toBe(200);
      expect(await env.provider.introspect(owner.json.access_token)).toMatchObject({ sub: 'alice' });
      expectConnectError(await exchangeAs(otherPublisher.key, exchangeForm(aliceToken)), 403);
      expectConnectError(await exchangeAs(alice.key, exchangeForm(aliceToken)), 403);
      expectConnectError(await exchangeAs(bob.key, exchangeForm(aliceToken)), 403);
      // Another account's key never reaches this account's viewers.
      expectConnectError(await exchangeAs(other.admin.key, exchangeForm(aliceToken)), 403);
    });

    it('requires audience when two data sources are attached (213), accepts it when given, and refuses an unknown one (212)', async () => {
      const secondId = await env.addDataSource('Second warehouse');
      const attach = await api(url, 'PUT', `/__api__/v1/content/${env.contentId}/oauth/integrations/associations`, {
        key: env.account.publisher.key,
        json: [{ oauth_integration_guid: env.dataSourceId }, { oauth_integration_guid: secondId }],
      });
      expect(attach.status, attach.text).toBe(204);
      try {
        expectConnectError(await exchangeAs(env.contentKey, exchangeForm(aliceToken)), 400, 213);
        const chosen = await exchangeAs(env.contentKey, exchangeForm(aliceToken, { audience: env.dataSourceId }));
        expect(chosen.status, chosen.text).toBe(200);
        // The other source is attached but alice never authorized it: NOT_AUTHORIZED with her login URL.
        const notYet = await exchangeAs(env.contentKey, exchangeForm(aliceToken, { audience: secondId }));
        expectConnectError(notYet, 400, 214);
        expect(notYet.json.payload.authorization_url).toMatch(`${url}/v1/integrations/authorize?state=`);
        for (const audience of [randomUUID(), 'not-a-guid']) {
          const unknown = await exchangeAs(env.contentKey, exchangeForm(aliceToken, { audience }));
          expectConnectError(unknown, 400, 212);
          expect(unknown.json.payload?.authorization_url).toBeUndefined();
        }
      } finally {
        const restore = await api(url, 'PUT', `/__api__/v1/content/${env.contentId}/oauth/integrations/associations`, {
          key: env.account.publisher.key,
          json: [{ oauth_integration_guid: env.dataSourceId }],
        });
        expect(restore.status).toBe(204);
      }
      expect((await exchangeAs(env.contentKey, exchangeForm(aliceToken))).status).toBe(200);
    });
  });

  describe('integrations CRUD', () => {
    let createdGuid: string;

    it('lists the account integrations in the Connect object shape, never with a client secret', async () => {
      for (const key of [env.account.admin.key, env.account.publisher.key]) {
        const list = await api(url, 'GET', '/__api__/v1/oauth/integrations', { key });
        expect(list.status, list.text).toBe(200);
        expect(Array.isArray(list.json)).toBe(true);
        const warehouse = list.json.find((i: { guid: string }) => i.guid === env.dataSourceId);
        expect(Object.keys(warehouse).sort()).toEqual(INTEGRATION_KEYS);
        expect(warehouse).toMatchObject({
          id: env.dataSourceId,
          guid: env.dataSourceId,
          name: 'Warehouse',
          template: 'databricks',
          auth_type: 'Viewer',
          config: { client_id: 'client-databricks' },
        });
        expect(warehouse.created_time).toMatch(ISO_TIME);
        expect(warehouse.updated_time).toMatch(ISO_TIME);
        expect(typeof warehouse.description).toBe('string');
        expect(warehouse.config.scopes).toBe('all-apis sql offline_access openid profile email');
        expect(list.text).not.toContain('client_secret');
        expect(list.text).not.toContain(env.clientSecret);
      }
      // Another account sees none of them.
      const foreign = await api(url, 'GET', '/__api__/v1/oauth/integrations', { key: other.admin.key });
      expect(foreign.status).toBe(200);
      expect(foreign.text).not.toContain(env.dataSourceId);
    });

    it('creates, reads and patches an integration; the secret is write-only', async () => {
      const secret = `secret-${randomBytes(8).toString('hex')}`;
      const created = await api(url, 'POST', '/__api__/v1/oauth/integrations', {
        key: env.account.admin.key,
        json: {
          name: 'Lakehouse',
          description: 'Analytics workspace',
          template: 'databricks',
          config: { client_id: 'lake-client', client_secret: secret, workspace_host: env.provider.baseUrl, scopes: 'all-apis offline_access' },
        },
      });
      expect([200, 201], created.text).toContain(created.status);
      expect(Object.keys(created.json).sort()).toEqual(INTEGRATION_KEYS);
      expect(created.json).toMatchObject({
        name: 'Lakehouse',
        description: 'Analytics workspace',
        template: 'databricks',
        auth_type: 'Viewer',
        config: { client_id: 'lake-client', scopes: 'all-apis offline_access' },
      });
      expect(created.json.guid).toBe(created.json.id);
      expect(created.text).not.toContain(secret);
      expect(created.text).not.toContain('client_secret');
      createdGuid = created.json.guid;

      const read = await api(url, 'GET', `/__api__/v1/oauth/integrations/${createdGuid}`, { key: env.account.admin.key });
      expect(read.status).toBe(200);
      expect(read.json).toEqual(created.json);

      const patched = await api(url, 'PATCH', `/__api__/v1/oauth/integrations/${createdGuid}`, {
        key: env.account.admin.key,
        json: { description: 'Changed', config: { scopes: 'all-apis sql offline_access', client_secret: `${secret}-rotated` } },
      });
      expect(patched.status, patched.text).toBe(200);
      expect(patched.json).toMatchObject({ guid: createdGuid, name: 'Lakehouse', description: 'Changed', config: { scopes: 'all-apis sql offline_access', client_id: 'lake-client' } });
      expect(Date.parse(patched.json.updated_time)).toBeGreaterThanOrEqual(Date.parse(created.json.created_time));
      expect(patched.text).not.toContain(secret);
      expect(patched.text).not.toContain('client_secret');

      const dataSource = await gql(url, CapiDataSources, {}, env.account.admin.key);
      expect(dataSource.data!.dataSources.find((d) => d.id === createdGuid)).toMatchObject({ hasClientSecret: true, clientId: 'lake-client' });
      expect(dataSource.raw).not.toContain(secret);
    });

    it('refuses non-admins with 403 {code, error}', async () => {
      const body = { name: 'Sneaky', template: 'databricks', config: { client_id: 'x', workspace_host: env.provider.baseUrl } };
      for (const key of [env.account.publisher.key, alice.key, env.contentKey]) {
        expectConnectError(await api(url, 'POST', '/__api__/v1/oauth/integrations', { key, json: body }), 403);
        expectConnectError(await api(url, 'PATCH', `/__api__/v1/oauth/integrations/${createdGuid}`, { key, json: { name: 'Renamed' } }), 403);
        expectConnectError(await api(url, 'DELETE', `/__api__/v1/oauth/integrations/${createdGuid}`, { key }), 403);
      }
      const list = await api(url, 'GET', '/__api__/v1/oauth/integrations', { key: env.account.admin.key });
      expect(list.json.map((i: { name: string }) => i.name)).not.toContain('Sneaky');
      expect(list.json.map((i: { name: string }) => i.name)).toContain('Lakehouse');
    });

    it('answers a bad template or field with 400 naming the field', async () => {
      const badTemplate = await api(url, 'POST', '/__api__/v1/oauth/integrations', {
        key: env.account.admin.key,
        json: { name: 'Oracle', template: 'oracle', config: { client_id: 'x', workspace_host: env.provider.baseUrl } },
      });
      expectConnectError(badTemplate, 400);
      expect(badTemplate.json.payload.field).toBe('template');
      expect(badTemplate.json.error).toContain('template');
      const noName = await api(url, 'POST', '/__api__/v1/oauth/integrations', {
        key: env.account.admin.key,
        json: { template: 'databricks', config: { client_id: 'x', workspace_host: env.provider.baseUrl } },
      });
      expectConnectError(noName, 400);
      expect(noName.json.payload.field).toMatch(/name$/);
      const badHost = await api(url, 'POST', '/__api__/v1/oauth/integrations', {
        key: env.account.admin.key,
        json: { name: 'Evil', template: 'databricks', config: { client_id: 'x', workspace_host: 'https://169.254.169.254' } },
      });
      expectConnectError(badHost, 400);
      expect(badHost.json.payload.field).toMatch(/hostUrl$/);
      const notObject = await api(url, 'POST', '/__api__/v1/oauth/integrations', { key: env.account.admin.key, json: [] });
      expectConnectError(notObject, 400);
    });

    it("answers an unknown or another account's integration with 404", async () => {
      expectConnectError(await api(url, 'GET', `/__api__/v1/oauth/integrations/${randomUUID()}`, { key: env.account.admin.key }), 404);
      expectConnectError(await api(url, 'GET', '/__api__/v1/oauth/integrations/not-a-guid', { key: env.account.admin.key }), 404);
      expectConnectError(await api(url, 'GET', `/__api__/v1/oauth/integrations/${createdGuid}`, { key: other.admin.key }), 404);
      expectConnectError(await api(url, 'PATCH', `/__api__/v1/oauth/integrations/${createdGuid}`, { key: other.admin.key, json: { name: 'Hijacked' } }), 404);
      expectConnectError(await api(url, 'DELETE', `/__api__/v1/oauth/integrations/${createdGuid}`, { key: other.admin.key }), 404);
      const still = await api(url, 'GET', `/__api__/v1/oauth/integrations/${createdGuid}`, { key: env.account.admin.key });
      expect(still.json.name).toBe('Lakehouse');
    });

    it('DELETE answers 204 and removes the integration with its viewer sessions and attachments', async () => {
      // An integration the provider knows, attached to its own content, authorized by bob.
      const created = await api(url, 'POST', '/__api__/v1/oauth/integrations', {
        key: env.account.admin.key,
        json: { name: 'Doomed', template: 'databricks', config: { client_id: 'client-databricks', client_secret: env.clientSecret, workspace_host: env.provider.baseUrl } },
      });
      expect([200, 201]).toContain(created.status);
      const doomed = created.json.guid as string;
      const content = await createContentWithKey(url, env.account.publisher.key, 'Doomed content', [doomed]);
      const bobDoomed = await env.sessionToken(bob.userId, content.contentId);
      expect((await authorizeViewer(env, content.contentKey, bobDoomed, 'bob')).status).toBe(303);
      expect((await exchange(url, content.contentKey, bobDoomed)).status).toBe(200);
      const before = await api(url, 'GET', '/__api__/v1/oauth/sessions?all=true', { key: env.account.admin.key });
      expect(before.json.some((s: { oauth_integration_guid: string }) => s.oauth_integration_guid === doomed)).toBe(true);

      const deleted = await api(url, 'DELETE', `/__api__/v1/oauth/integrations/${doomed}`, { key: env.account.admin.key });
      expect(deleted.status, deleted.text).toBe(204);
      expect(deleted.text).toBe('');
      expectConnectError(await api(url, 'GET', `/__api__/v1/oauth/integrations/${doomed}`, { key: env.account.admin.key }), 404);
      const after = await api(url, 'GET', '/__api__/v1/oauth/sessions?all=true', { key: env.account.admin.key });
      expect(after.json.some((s: { oauth_integration_guid: string }) => s.oauth_integration_guid === doomed)).toBe(false);
      expect(await env.server.services.db.prisma.viewerAuthorization.count({ where: { dataSourceId: doomed } })).toBe(0);
      const associations = await api(url, 'GET', `/__api__/v1/content/${content.contentId}/oauth/integrations/associations`, { key: env.account.publisher.key });
      expect(associations.json).toEqual([]);
      // Access ends at once: the content has no integration any more (212), never the old token.
      const refused = await exchange(url, content.contentKey, bobDoomed);
      expect(refused.status, refused.text).toBe(400);
      expect(refused.json.code).toBe(212);
      expectConnectError(await api(url, 'DELETE', `/__api__/v1/oauth/integrations/${doomed}`, { key: env.account.admin.key }), 404);
    });
  });

  describe('content associations', () => {
    const path = () => `/__api__/v1/content/${env.contentId}/oauth/integrations/associations`;
    let foreignIntegration: string;

    beforeAll(async () => {
      const created = await api(url, 'POST', '/__api__/v1/oauth/integrations', {
        key: other.admin.key,
        json: { name: 'Foreign', template: 'databricks', config: { client_id: 'foreign', workspace_host: env.provider.baseUrl } },
      });
      expect([200, 201], created.text).toContain(created.status);
      foreignIntegration = created.json.guid;
    });

    it('GET lists the associations in the Connect shape', async () => {
      for (const key of [env.account.publisher.key, env.account.admin.key, env.contentKey]) {
        const list = await api(url, 'GET', path(), { key });
        expect(list.status, list.text).toBe(200);
        expect(list.json).toHaveLength(1);
        expect(Object.keys(list.json[0]).sort()).toEqual(ASSOCIATION_KEYS);
        expect(list.json[0]).toMatchObject({
          content_guid: env.contentId,
          oauth_integration_guid: env.dataSourceId,
          oauth_integration_name: 'Warehouse',
          oauth_integration_template: 'databricks',
          oauth_integration_auth_type: 'Viewer',
        });
        expect(list.json[0].created_time).toMatch(ISO_TIME);
      }
    });

    it('PUT [] clears (204) and access ends at once; PUT the id again restores it', async () => {
      const cleared = await api(url, 'PUT', path(), { key: env.account.publisher.key, json: [] });
      expect(cleared.status, cleared.text).toBe(204);
      expect(cleared.text).toBe('');
      expect((await api(url, 'GET', path(), { key: env.account.publisher.key })).json).toEqual([]);
      const refused = await exchange(url, env.contentKey, aliceToken);
      expect(refused.status, refused.text).toBe(400);
      expect(refused.json.code).toBe(212);
      expect(refused.json.error).toBe('No OAuth integrations have been associated with this content item.');

      const restored = await api(url, 'PUT', path(), { key: env.account.publisher.key, json: [{ oauth_integration_guid: env.dataSourceId }] });
      expect(restored.status, restored.text).toBe(204);
      expect((await api(url, 'GET', path(), { key: env.account.publisher.key })).json).toHaveLength(1);
      expect((await exchange(url, env.contentKey, aliceToken)).status).toBe(200);
    });

    it("PUT with another account's integration answers 404 and changes nothing", async () => {
      for (const body of [
        [{ oauth_integration_guid: foreignIntegration }],
        [{ oauth_integration_guid: env.dataSourceId }, { oauth_integration_guid: foreignIntegration }],
        [{ oauth_integration_guid: randomUUID() }],
      ]) {
        expectConnectError(await api(url, 'PUT', path(), { key: env.account.publisher.key, json: body }), 404);
      }
      const list = await api(url, 'GET', path(), { key: env.account.publisher.key });
      expect(list.json.map((a: { oauth_integration_guid: string }) => a.oauth_integration_guid)).toEqual([env.dataSourceId]);
      expect((await exchange(url, env.contentKey, aliceToken)).status).toBe(200);
    });

    it('PUT by anyone but the owner or an admin is 403; a malformed body is 400', async () => {
      const body = [] as unknown[];
      for (const key of [otherPublisher.key, alice.key, env.contentKey]) {
        expectConnectError(await api(url, 'PUT', path(), { key, json: body }), 403);
      }
      expectConnectError(await api(url, 'PUT', path(), { key: other.admin.key, json: body }), 404);
      expectConnectError(await api(url, 'PUT', path(), { key: env.account.publisher.key, json: { oauth_integration_guid: env.dataSourceId } }), 400);
      expectConnectError(await api(url, 'PUT', path(), { key: env.account.publisher.key, json: [{ guid: env.dataSourceId }] }), 400);
      expect((await api(url, 'GET', path(), { key: env.account.publisher.key })).json).toHaveLength(1);
    });

    it('GET /__api__/v1/content/{guid} answers the content; a foreign or unknown guid is 404', async () => {
      const content = await api(url, 'GET', `/__api__/v1/content/${env.contentId}`, { key: env.contentKey });
      expect(content.status, content.text).toBe(200);
      expect(content.json).toMatchObject({ guid: env.contentId, name: 'Trips' });
      expect((await api(url, 'GET', `/__api__/v1/content/${env.contentId}`, { key: alice.key })).status).toBe(200);
      const otherContent = await createContentWithKey(url, env.account.publisher.key, 'Elsewhere', []);
      // A content key only sees its own content.
      expectConnectError(await api(url, 'GET', `/__api__/v1/content/${otherContent.contentId}`, { key: env.contentKey }), 404);
      expectConnectError(await api(url, 'GET', `/__api__/v1/content/${env.contentId}`, { key: other.admin.key }), 404);
      expectConnectError(await api(url, 'GET', `/__api__/v1/content/${randomUUID()}`, { key: env.account.admin.key }), 404);
      expectConnectError(await api(url, 'GET', `/__api__/v1/content/${env.contentId}`, {}), 401);
    });
  });

  describe('OAuth sessions', () => {
    let aliceSession: { guid: string };

    it("a viewer's own key lists exactly their sessions, with has_refresh_token", async () => {
      const list = await api(url, 'GET', '/__api__/v1/oauth/sessions', { key: alice.key });
      expect(list.status, list.text).toBe(200);
      expect(list.json.length).toBeGreaterThanOrEqual(1);
      for (const session of list.json) {
        expect(Object.keys(session)).toEqual(expect.arrayContaining(SESSION_KEYS));
        expect(session.user_guid).toBe(alice.userId);
        expect(session.guid).toBe(session.id);
        expect(session.created_time).toMatch(ISO_TIME);
        expect(session.updated_time).toMatch(ISO_TIME);
      }
      aliceSession = list.json.find((s: { oauth_integration_guid: string }) => s.oauth_integration_guid === env.dataSourceId);
      expect(aliceSession).toMatchObject({ has_refresh_token: true, user_guid: alice.userId });
      expect(list.text).not.toMatch(/refresh_token"\s*:\s*"/);
      const bobs = await api(url, 'GET', '/__api__/v1/oauth/sessions', { key: bob.key });
      expect(bobs.json.every((s: { user_guid: string }) => s.user_guid === bob.userId)).toBe(true);
      expect(bobs.json.some((s: { oauth_integration_guid: string }) => s.oauth_integration_guid === env.dataSourceId)).toBe(true);
    });

    it('an admin lists every viewer with ?all=true (and all=True); a non-admin gets 403', async () => {
      for (const all of ['true', 'True']) {
        const list = await api(url, 'GET', `/__api__/v1/oauth/sessions?all=${all}`, { key: env.account.admin.key });
        expect(list.status, list.text).toBe(200);
        const users = new Set(list.json.filter((s: { oauth_integration_guid: string }) => s.oauth_integration_guid === env.dataSourceId).map((s: { user_guid: string }) => s.user_guid));
        expect(users).toEqual(new Set([alice.userId, bob.userId]));
      }
      const own = await api(url, 'GET', '/__api__/v1/oauth/sessions', { key: env.account.admin.key });
      expect(own.json).toEqual([]);
      for (const key of [alice.key, env.account.publisher.key]) {
        expectConnectError(await api(url, 'GET', '/__api__/v1/oauth/sessions?all=true', { key }), 403);
      }
      // Another account's admin sees none of them.
      const foreign = await api(url, 'GET', '/__api__/v1/oauth/sessions?all=true', { key: other.admin.key });
      expect(foreign.json).toEqual([]);
    });

    it("GET /{guid} shows one session to its viewer and admins; to anyone else it is 404", async () => {
      const own = await api(url, 'GET', `/__api__/v1/oauth/sessions/${aliceSession.guid}`, { key: alice.key });
      expect(own.status, own.text).toBe(200);
      expect(own.json).toMatchObject({ guid: aliceSession.guid, user_guid: alice.userId, oauth_integration_guid: env.dataSourceId, has_refresh_token: true });
      expect((await api(url, 'GET', `/__api__/v1/oauth/sessions/${aliceSession.guid}`, { key: env.account.admin.key })).status).toBe(200);
      expectConnectError(await api(url, 'GET', `/__api__/v1/oauth/sessions/${aliceSession.guid}`, { key: bob.key }), 404);
      expectConnectError(await api(url, 'GET', `/__api__/v1/oauth/sessions/${aliceSession.guid}`, { key: other.admin.key }), 404);
      expectConnectError(await api(url, 'GET', `/__api__/v1/oauth/sessions/${randomUUID()}`, { key: alice.key }), 404);
    });

    it('DELETE /{guid} logs the viewer out (204); the next exchange is NOT_AUTHORIZED (214) with an authorization_url', async () => {
      expectConnectError(await api(url, 'DELETE', `/__api__/v1/oauth/sessions/${aliceSession.guid}`, { key: bob.key }), 404);
      expectConnectError(await api(url, 'DELETE', `/__api__/v1/oauth/sessions/${aliceSession.guid}`, { key: other.admin.key }), 404);
      expect((await exchange(url, env.contentKey, aliceToken)).status).toBe(200);

      const deleted = await api(url, 'DELETE', `/__api__/v1/oauth/sessions/${aliceSession.guid}`, { key: alice.key });
      expect(deleted.status, deleted.text).toBe(204);
      expect(deleted.text).toBe('');
      const refused = await exchange(url, env.contentKey, aliceToken);
      expect(refused.status, refused.text).toBe(400);
      expect(refused.json).toMatchObject({ code: 214, payload: { reason: 'NOT_AUTHORIZED' } });
      expect(typeof refused.json.error).toBe('string');
      expect(refused.json.payload.authorization_url).toMatch(`${url}/v1/integrations/authorize?state=`);
      const list = await api(url, 'GET', '/__api__/v1/oauth/sessions', { key: alice.key });
      expect(list.json.some((s: { guid: string }) => s.guid === aliceSession.guid)).toBe(false);
      expectConnectError(await api(url, 'GET', `/__api__/v1/oauth/sessions/${aliceSession.guid}`, { key: alice.key }), 404);
      // Bob is untouched.
      expect((await exchange(url, env.contentKey, bobToken)).status).toBe(200);
    });
  });

  describe('GraphQL revokeAuthorization', () => {
    let aliceStatus: Subscription<{ authorizationStatus: { userId: string; status: string } }>;
    let bobStatus: Subscription<{ authorizationStatus: { userId: string; status: string } }>;
    let adminEvents: Subscription<{ dataSourceAuthorizationEvents: { userId: string; status: string } }>;

    beforeAll(async () => {
      // Alice logged out above: she authorizes again.
      expect((await authorizeViewer(env, env.contentKey, aliceToken, 'alice')).status).toBe(303);
      aliceStatus = subscribe(wsClient(url, env.contentKey), CapiStatus, { sessionToken: aliceToken });
      bobStatus = subscribe(wsClient(url, env.contentKey), CapiStatus, { sessionToken: bobToken });
      adminEvents = subscribe(wsClient(url, env.account.admin.key), CapiAdminEvents, { dataSourceId: env.dataSourceId });
      expect((await aliceStatus.next()).authorizationStatus).toMatchObject({ userId: alice.userId, status: 'AUTHORIZED' });
      expect((await bobStatus.next()).authorizationStatus).toMatchObject({ userId: bob.userId, status: 'AUTHORIZED' });
    });
    afterAll(async () => {
      await aliceStatus?.close();
      await bobStatus?.close();
      await adminEvents?.close();
    });

    it('a publisher (or another viewer) revoking someone else is FORBIDDEN and changes nothing', async () => {
      for (const key of [env.account.publisher.key, bob.key]) {
        const result = await gql(url, CapiRevoke, { dataSourceId: env.dataSourceId, userId: alice.userId }, key);
        expect(result.errors?.[0]?.extensions?.code, result.raw).toBe('FORBIDDEN');
      }
      const content = await gql(url, CapiRevoke, { dataSourceId: env.dataSourceId, userId: alice.userId }, env.contentKey);
      expect(content.errors?.[0]?.extensions?.code, content.raw).toBe('FORBIDDEN');
      expect((await exchange(url, env.contentKey, aliceToken)).status).toBe(200);
    });

    it('a viewer revokes their own authorization and their subscription hears REVOKED', async () => {
      const result = await gql(url, CapiRevoke, { dataSourceId: env.dataSourceId }, alice.key);
      expect(result.errors, result.raw).toBeUndefined();
      expect(result.data!.revokeAuthorization).toBe(true);
      expect((await aliceStatus.next((e) => e.authorizationStatus.status === 'REVOKED')).authorizationStatus.userId).toBe(alice.userId);
      expect(await adminEvents.next((e) => e.dataSourceAuthorizationEvents.status === 'REVOKED')).toEqual({
        dataSourceAuthorizationEvents: { userId: alice.userId, status: 'REVOKED' },
      });
      const refused = await exchange(url, env.contentKey, aliceToken);
      expect(refused.json).toMatchObject({ code: 214 });
      expect((await exchange(url, env.contentKey, bobToken)).status).toBe(200);
    });

    it("an admin revokes another viewer's authorization", async () => {
      const result = await gql(url, CapiRevoke, { dataSourceId: env.dataSourceId, userId: bob.userId }, env.account.admin.key);
      expect(result.errors, result.raw).toBeUndefined();
      expect(result.data!.revokeAuthorization).toBe(true);
      expect((await bobStatus.next((e) => e.authorizationStatus.status === 'REVOKED')).authorizationStatus.userId).toBe(bob.userId);
      expect((await exchange(url, env.contentKey, bobToken)).json).toMatchObject({ code: 214 });
      // Another account's admin cannot reach this data source at all.
      const foreign = await gql(url, CapiRevoke, { dataSourceId: env.dataSourceId, userId: bob.userId }, other.admin.key);
      expect(foreign.errors?.[0]?.extensions?.code, foreign.raw).toBe('NOT_FOUND');
    });

    it('no subscriber ever heard of the other viewer', () => {
      expect(aliceStatus.events.every((e) => e.authorizationStatus.userId === alice.userId)).toBe(true);
      expect(bobStatus.events.every((e) => e.authorizationStatus.userId === bob.userId)).toBe(true);
    });
  });
});

describe('canary: no secret, code, state or token where it does not belong (checklist F10)', () => {
  let env: FlowEnvironment;
  let provider: FakeProvider;

  beforeAll(async () => {
    // Most verbose logging, so that anything logged at any level is checked. The flow below edits
    // token expiry straight in the database, so the per-process hot cache is off.
    env = await startFlowEnvironment('databricks', { serverEnv: { LOG_LEVEL: 'trace' } });
  });
  afterAll(async () => {
    await provider?.close();
    await env?.close();
  });

  it('runs a full flow with unique canaries and finds them nowhere but the exchange response', async () => {
    const url = env.server.url;
    const clientSecret = `canary-secret-${randomBytes(16).toString('hex')}`;
    provider = await startFakeProvider({
      flavour: 'databricks',
      clients: [{ clientId: 'canary-client', clientSecret, redirectUris: [`${url}/v1/integrations/callback`] }],
    });
    const recorder = recordResponses(url);
    let sessionToken = '';
    let callbackUrl = '';
    let integration = '';
    let viewer: UserWithKey;
    let databaseWhileAuthorized = '';
    const accessTokens: string[] = [];
    const refreshTokens: string[] = [];
    try {
      const created = await api(url, 'POST', '/__api__/v1/oauth/integrations', {
        key: env.account.admin.key,
        json: { name: 'Canary', template: 'databricks', config: { client_id: 'canary-client', client_secret: clientSecret, workspace_host: provider.baseUrl } },
      });
      expect([200, 201], created.text).toContain(created.status);
      integration = created.json.guid;
      const content = await createContentWithKey(url, env.account.publisher.key, 'Canary content', [integration], 'https://apps.example.com/canary/');
      viewer = await createUserWithKey(url, env.account.admin.key, 'carol', 'VIEWER');
      sessionToken = await env.sessionToken(viewer.userId, content.contentId);

      // The viewer authorizes; the content exchanges; the token is refreshed once (rotation); errors happen.
      const authorized = await authorizeViewer(env, content.contentKey, sessionToken, 'carol');
      expect(authorized.status).toBe(303);
      callbackUrl = authorized.callbackUrl;
      const first = await exchange(url, content.contentKey, sessionToken);
      expect(first.status, first.text).toBe(200);
      accessTokens.push(first.json.access_token);
      refreshTokens.push((await storedRefreshToken(env.server, integration, viewer.userId))!);
      // A provider outage during a refresh (logged as a warning) while the cached token is still valid...
      await updateAuthorization(env.server, integration, viewer.userId, {
        accessTokenExpiresAt: new Date(Date.now() + 30_000),
        accessTokenIssuedAt: new Date(Date.now() - 3_600_000),
      });
      provider.failNextTokenRequests(1, 503);
      const during = await exchange(url, content.contentKey, sessionToken);
      expect(during.status, during.text).toBe(200);
      expect(during.json.access_token).toBe(first.json.access_token);
      await updateAuthorization(env.server, integration, viewer.userId, { retryAfter: null, failureCount: 0 });
      // ...then a real refresh with rotation.
      await expireAccessToken(env.server, integration, viewer.userId);
      const second = await exchange(url, content.contentKey, sessionToken);
      expect(second.status, second.text).toBe(200);
      accessTokens.push(second.json.access_token);
      refreshTokens.push((await storedRefreshToken(env.server, integration, viewer.userId))!);
      expect(new Set(refreshTokens).size).toBe(2);
      expect(new Set(accessTokens).size).toBe(2);
      await exchange(url, content.contentKey, sessionToken, randomUUID());
      await exchange(url, env.contentKey, sessionToken);
      await exchange(url, content.contentKey, `${sessionToken.slice(0, -3)}xyz`);
      await api(url, 'POST', CREDENTIALS_PATH, { key: content.contentKey, form: exchangeForm(sessionToken, { grant_type: clientSecret }) });

      // Every read surface an admin, publisher or viewer may call.
      await api(url, 'GET', '/__api__/v1/oauth/integrations', { key: env.account.admin.key });
      await api(url, 'GET', `/__api__/v1/oauth/integrations/${integration}`, { key: env.account.admin.key });
      await api(url, 'PATCH', `/__api__/v1/oauth/integrations/${integration}`, { key: env.account.admin.key, json: { description: 'canary' } });
      await api(url, 'GET', `/__api__/v1/content/${content.contentId}/oauth/integrations/associations`, { key: env.account.publisher.key });
      await api(url, 'GET', `/__api__/v1/content/${content.contentId}`, { key: content.contentKey });
      await api(url, 'GET', '/__api__/v1/oauth/sessions?all=true', { key: env.account.admin.key });
      const sessions = await api(url, 'GET', '/__api__/v1/oauth/sessions', { key: viewer.key });
      expect(sessions.json).toHaveLength(1);
      await api(url, 'GET', `/__api__/v1/oauth/sessions/${sessions.json[0].guid}`, { key: viewer.key });
      await gql(url, CapiDataSources, {}, env.account.admin.key);
      // The rows as they are while the viewer holds a grant (sealed tokens present)...
      databaseWhileAuthorized = await dumpDatabase(env.server);
      // Logout revokes at the provider with the refresh token: that call must not be logged either.
      expect((await api(url, 'DELETE', `/__api__/v1/oauth/sessions/${sessions.json[0].guid}`, { key: viewer.key })).status).toBe(204);
    } finally {
      await recorder.stop();
    }

    const callback = new URL(callbackUrl).searchParams;
    const code = callback.get('code')!;
    const state = callback.get('state')!;
    const verifier = new URLSearchParams(provider.stats.lastTokenRequestBodies.find((b) => b.includes('grant_type=authorization_code'))!).get('code_verifier')!;
    expect(code).toBeTruthy();
    expect(state).toBeTruthy();
    expect(verifier).toBeTruthy();
    const canaries: Record<string, string> = {
      clientSecret,
      flowClientSecret: env.clientSecret,
      code,
      state,
      verifier,
      sessionToken,
      ...Object.fromEntries(refreshTokens.map((t, i) => [`refreshToken${i}`, t])),
      ...Object.fromEntries(accessTokens.map((t, i) => [`accessToken${i}`, t])),
    };

    const logs = env.server.logs.join('\n');
    expect(env.server.logs.length, 'the log canary needs log lines to look at').toBeGreaterThan(0);
    // ...and after logout.
    const databaseAfterLogout = await dumpDatabase(env.server);
    expect(databaseWhileAuthorized).toMatch(new RegExp(`viewer_authorizations: .*${integration}`)); // the dump really holds the grant
    expect(databaseAfterLogout).toContain('authorization_transactions: ');
    for (const [name, value] of Object.entries(canaries)) {
      expect(logs.includes(value), `${name} in the server log`).toBe(false);
      expect(databaseWhileAuthorized.includes(value), `${name} in the database (authorized)`).toBe(false);
      expect(databaseAfterLogout.includes(value), `${name} in the database (after logout)`).toBe(false);
    }

    expect(recorder.bodies.length).toBeGreaterThan(20);
    for (const response of recorder.bodies) {
      const where = `${response.request} -> ${response.status}`;
      const isExchange = response.request.startsWith(`POST ${url}${CREDENTIALS_PATH}`);
      const isSuccessfulExchange = isExchange && response.status === 200;
      const handsOutLoginUrl = isExchange && response.status === 400 && JSON.parse(response.body).payload?.authorization_url;
      const mintsSessionToken = response.request.startsWith(`POST ${url}/graphql`) && response.body.includes('"createUserSessionToken"');
      for (const [name, value] of Object.entries(canaries)) {
        const allowed =
          (name.startsWith('accessToken') && isSuccessfulExchange) ||
          (name === 'sessionToken' && mintsSessionToken) ||
          (name === 'state' && handsOutLoginUrl);
        if (!allowed) {
          expect(response.body.includes(value), `${name} in the body of ${where}`).toBe(false);
          if (name !== 'state') expect(response.location?.includes(value) ?? false, `${name} in the Location of ${where}`).toBe(false);
        }
      }
    }
    // The state reached the browser exactly once: in the login URL handed to the content.
    const withState = recorder.bodies.filter((r) => r.body.includes(state));
    expect(withState).toHaveLength(1);
    // The callback's own redirect carries neither the code nor the state (A8).
    const callbackResponse = recorder.bodies.find((r) => r.request.startsWith(`GET ${url}/v1/integrations/callback`))!;
    expect(callbackResponse.status).toBe(303);
    expect(callbackResponse.location).toBe('https://apps.example.com/canary/');
  });
});
