import type { Services } from '../src/app.js';

/**
 * The demo's account setup. Only the first admin comes from `services.identity.bootstrap` (what
 * `npm run cli -- bootstrap` does); everything else goes through the public GraphQL API with the
 * API key of the role that would do it for real: admin, publisher, and the hosting platform.
 */
export interface DemoAccount {
  adminKey: string;
  publisherKey: string;
  /** A PLATFORM user's key: the hosting platform mints viewer session tokens with it. */
  platformKey: string;
  viewerId: string;
  dataSourceId: string;
  redirectUri: string;
  contentId: string;
  /** The content's own key: what the platform injects into the content as CONNECT_API_KEY. */
  contentKey: string;
}

export async function gql<T = Record<string, any>>(serverUrl: string, key: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${serverUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Key ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL failed (HTTP ${response.status}): ${JSON.stringify(body.errors)}`);
  return body.data;
}

const CREATE_USER = 'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }';
const CREATE_KEY = 'mutation($userId: ID!) { createApiKey(userId: $userId, name: "demo") { key } }';
const ADD_SOURCE = 'mutation($input: AddDataSourceInput!) { addDataSource(input: $input) { id redirectUri scopes } }';
const CREATE_CONTENT = 'mutation($input: CreateContentInput!) { createContent(input: $input) { id } }';
const ATTACH = 'mutation($c: ID!, $d: ID!) { attachDataSource(contentId: $c, dataSourceId: $d) { id } }';
const CONTENT_KEY = 'mutation($c: ID!) { createContentApiKey(contentId: $c) { key } }';
export const MINT_SESSION_TOKEN = 'mutation($c: ID!, $u: ID!) { createUserSessionToken(contentId: $c, userId: $u) }';

export async function setUpAccount(
  services: Services,
  serverUrl: string,
  source: { provider: 'DATABRICKS' | 'SNOWFLAKE'; clientId: string; clientSecret: string; hostUrl: string },
  contentUrl: string,
): Promise<DemoAccount> {
  const account = `demo-${Date.now().toString(36)}`; // unique, so a reused --data-dir works too
  const boot = await services.identity.bootstrap({ account, email: `admin@${account}.example`, name: 'Ada (admin)' });
  const adminKey = boot.apiKey;
  const user = async (name: string, role: string) =>
    (await gql(serverUrl, adminKey, CREATE_USER, { input: { email: `${name.toLowerCase()}@${account}.example`, name, role } })).createUser.id as string;
  const keyFor = async (userId: string) => (await gql(serverUrl, adminKey, CREATE_KEY, { userId })).createApiKey.key as string;

  const publisherKey = await keyFor(await user('Pat', 'PUBLISHER'));
  const viewerId = await user('Vera', 'VIEWER');
  const platformKey = await keyFor(await user('Platform', 'PLATFORM'));

  const added = (await gql(serverUrl, adminKey, ADD_SOURCE, {
    input: { name: 'Warehouse', description: 'local demo provider', ...source },
  })).addDataSource as { id: string; redirectUri: string };
  const contentId = (await gql(serverUrl, publisherKey, CREATE_CONTENT, { input: { name: 'Trips (node-content)', url: contentUrl } })).createContent.id as string;
  await gql(serverUrl, publisherKey, ATTACH, { c: contentId, d: added.id });
  const contentKey = (await gql(serverUrl, publisherKey, CONTENT_KEY, { c: contentId })).createContentApiKey.key as string;
  return { adminKey, publisherKey, platformKey, viewerId, dataSourceId: added.id, redirectUri: added.redirectUri, contentId, contentKey };
}

/** The platform side of a viewer request: a session token for (content, viewer), re-minted before it expires. */
export function sessionTokenMinter(serverUrl: string, account: DemoAccount, ttlSeconds: number) {
  let cached: { token: string; renewAt: number } | undefined;
  return async (): Promise<string> => {
    if (cached && Date.now() < cached.renewAt) return cached.token;
    const data = await gql(serverUrl, account.platformKey, MINT_SESSION_TOKEN, { c: account.contentId, u: account.viewerId });
    cached = { token: data.createUserSessionToken as string, renewAt: Date.now() + Math.max(ttlSeconds - 60, 15) * 1000 };
    return cached.token;
  };
}
