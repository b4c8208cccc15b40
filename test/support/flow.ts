import { graphql } from '../generated/gql.js';
import { createAccount, type TestAccount } from './fixtures.js';
import { startFakeProvider, type FakeProvider } from './fake-provider.js';
import { TestBrowser, loginAtProvider } from './browser.js';
import { gql, startTestServer, type TestServer } from './server.js';
import type { TestDatabase } from './database.js';
import type { ServiceOptions } from '../../src/app.js';
import type { Prisma } from '../../src/generated/prisma/client.js';

/**
 * Everything the viewer-flow tests share: our server, a real oidc-provider configured like the
 * provider, an account, a data source pointing at it, content with that source attached, a content
 * API key, and a helper that mints a viewer session token — all through the public API.
 */
const AddSource = graphql(`
  mutation FlowAddSource($input: AddDataSourceInput!) { addDataSource(input: $input) { id redirectUri } }
`);
const CreateContent = graphql(`
  mutation FlowCreateContent($input: CreateContentInput!) { createContent(input: $input) { id } }
`);
const Attach = graphql(`
  mutation FlowAttach($contentId: ID!, $dataSourceId: ID!) { attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }
`);
const ContentKey = graphql(`
  mutation FlowContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key } }
`);
const SessionToken = graphql(`
  mutation FlowSessionToken($contentId: ID!, $userId: ID!) { createUserSessionToken(contentId: $contentId, userId: $userId) }
`);
const CreateUser = graphql(`
  mutation FlowCreateUser($input: CreateUserInput!) { createUser(input: $input) { id } }
`);

export interface FlowEnvironment {
  server: TestServer;
  provider: FakeProvider;
  account: TestAccount;
  dataSourceId: string;
  contentId: string;
  contentKey: string;
  clientSecret: string;
  sessionToken(userId: string, contentId?: string): Promise<string>;
  addViewer(login: string): Promise<string>;
  addDataSource(name: string, provider?: FakeProvider): Promise<string>;
  close(): Promise<void>;
}

export async function startFlowEnvironment(
  flavour: 'databricks' | 'snowflake',
  options: {
    accessTokenTtlSeconds?: number;
    serverEnv?: Record<string, string>;
    contentUrl?: string;
    database?: TestDatabase;
    serviceOptions?: ServiceOptions;
  } = {},
): Promise<FlowEnvironment> {
  const server = await startTestServer(options.serverEnv, options.database, options.serviceOptions);
  const redirectUri = `${server.url}/v1/integrations/callback`;
  const clientSecret = `client-secret-CANARY-${flavour}`;
  const clientId = `client-${flavour}`;
  const provider = await startFakeProvider({
    flavour,
    clients: [{ clientId, clientSecret, redirectUris: [redirectUri] }],
    accessTokenTtlSeconds: options.accessTokenTtlSeconds,
  });
  const account = await createAccount(server, `acct-${flavour}`);
  const addDataSource = async (name: string, at: FakeProvider = provider) => {
    const added = await gql(
      server.url,
      AddSource,
      { input: { name, provider: flavour === 'databricks' ? 'DATABRICKS' : 'SNOWFLAKE', clientId, clientSecret, hostUrl: at.baseUrl } },
      account.admin.key,
    );
    if (added.errors) throw new Error(JSON.stringify(added.errors));
    return added.data!.addDataSource.id;
  };
  const dataSourceId = await addDataSource('Warehouse');
  const content = await gql(server.url, CreateContent, { input: { name: 'Trips', url: options.contentUrl ?? 'https://apps.example.com/trips/' } }, account.publisher.key);
  const contentId = content.data!.createContent.id;
  await gql(server.url, Attach, { contentId, dataSourceId }, account.publisher.key);
  const contentKey = (await gql(server.url, ContentKey, { contentId }, account.publisher.key)).data!.createContentApiKey.key;
  return {
    server,
    provider,
    account,
    dataSourceId,
    contentId,
    contentKey,
    clientSecret,
    addDataSource,
    async sessionToken(userId, forContent = contentId) {
      const minted = await gql(server.url, SessionToken, { contentId: forContent, userId }, account.admin.key);
      if (minted.errors) throw new Error(JSON.stringify(minted.errors));
      return minted.data!.createUserSessionToken;
    },
    async addViewer(login) {
      const created = await gql(server.url, CreateUser, { input: { email: `${login}@example.com`, name: login, role: 'VIEWER' } }, account.admin.key);
      return created.data!.createUser.id;
    },
    async close() {
      await server.close();
      await provider.close();
    },
  };
}

/** Walks the provider's login and returns the callback URL the provider redirected to, without calling it. */
export async function obtainCallback(startUrl: string, login: string, browser = new TestBrowser()) {
  let callbackUrl = '';
  await loginAtProvider(browser, startUrl, {
    login,
    stopAt: (u) => {
      if (u.includes('/v1/integrations/callback')) callbackUrl = u;
      return u.includes('/v1/integrations/callback');
    },
    skipFinal: true,
  });
  return { callbackUrl, browser };
}

/** POST /__api__/v1/oauth/integrations/credentials exactly as posit-sdk sends it. */
export async function exchange(serverUrl: string, contentKey: string, sessionToken: string, audience?: string) {
  const body = new URLSearchParams({
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    subject_token_type: 'urn:posit:connect:user-session-token',
    subject_token: sessionToken,
    ...(audience ? { audience } : {}),
  });
  const response = await fetch(`${serverUrl}/__api__/v1/oauth/integrations/credentials`, {
    method: 'POST',
    headers: { authorization: `Key ${contentKey}`, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: JSON.parse(text) as Record<string, any> };
}

/** Makes the stored access token look expired, as if its lifetime had passed. */
export async function expireAccessToken(server: TestServer, dataSourceId: string, userId: string, alsoOn: TestServer[] = []) {
  await updateAuthorization(server, dataSourceId, userId, { accessTokenExpiresAt: new Date(Date.now() - 1000), accessTokenIssuedAt: new Date(Date.now() - 3600_000) }, alsoOn);
}

/** Writes an authorization row behind the server's back, then drops the servers' hot-path caches. */
export async function updateAuthorization(
  server: TestServer,
  dataSourceId: string,
  userId: string,
  data: Prisma.ViewerAuthorizationUpdateManyMutationInput,
  alsoOn: TestServer[] = [],
) {
  await server.services.db.prisma.viewerAuthorization.updateMany({ where: { dataSourceId, userId }, data });
  for (const s of [server, ...alsoOn]) s.services.store.forget();
}
