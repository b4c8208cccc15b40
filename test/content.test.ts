import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { createAccount, type TestAccount } from './support/fixtures.js';
import { gql, startTestServer, type TestServer } from './support/server.js';

/** Identity and content: roles, tenancy, content keys, attaching data sources. */
const Me = graphql(`query Me { me { id email role accountId } }`);
const CreateContent = graphql(`
  mutation CreateContent($input: CreateContentInput!) { createContent(input: $input) { id name url ownerId } }
`);
const CreateContentApiKey = graphql(`
  mutation CreateContentApiKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key apiKey { id } } }
`);
const Attach = graphql(`
  mutation Attach($contentId: ID!, $dataSourceId: ID!) {
    attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id dataSources { id name } }
  }
`);
const Detach = graphql(`
  mutation Detach($contentId: ID!, $dataSourceId: ID!) {
    detachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id dataSources { id } }
  }
`);
const MintKey = graphql(`
  mutation MintKey($userId: ID!) { createApiKey(userId: $userId, name: "temporary") { key apiKey { id } } }
`);
const RevokeKey = graphql(`mutation RevokeKey($id: ID!) { revokeApiKey(id: $id) }`);
const GetContent = graphql(`query GetContent($id: ID!) { content(id: $id) { id name dataSources { id } } }`);
const AddSource = graphql(`
  mutation AddSource($input: AddDataSourceInput!) { addDataSource(input: $input) { id } }
`);
const NewUser = graphql(`
  mutation NewUser($input: CreateUserInput!) { createUser(input: $input) { id } }
`);
const NewKey = graphql(`
  mutation NewKey($userId: ID!) { createApiKey(userId: $userId) { key } }
`);

describe('identity and content', () => {
  let server: TestServer;
  let acme: TestAccount;
  let other: TestAccount;
  let contentId: string;
  let dataSourceId: string;

  beforeAll(async () => {
    server = await startTestServer();
    acme = await createAccount(server, 'acme');
    other = await createAccount(server, 'other');
    const ds = await gql(
      server.url,
      AddSource,
      { input: { name: 'DBX', provider: 'DATABRICKS', clientId: 'c', hostUrl: 'w.cloud.databricks.com' } },
      acme.admin.key,
    );
    dataSourceId = ds.data!.addDataSource.id;
  });
  afterAll(() => server?.close());

  it('answers me for each role and refuses a missing key', async () => {
    const me = await gql(server.url, Me, {}, acme.publisher.key);
    expect(me.data!.me).toMatchObject({ role: 'PUBLISHER', accountId: acme.accountId });
    const anonymous = await gql(server.url, Me, {}, undefined);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lets only admins create users, with a clear conflict on duplicates', async () => {
    const input = { email: 'new@acme.example', name: 'New', role: 'VIEWER' as const };
    expect((await gql(server.url, NewUser, { input }, acme.publisher.key)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gql(server.url, NewUser, { input }, acme.admin.key)).data!.createUser.id).toBeTruthy();
    const dup = await gql(server.url, NewUser, { input: { ...input, email: 'NEW@acme.example' } }, acme.admin.key);
    expect(dup.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.email' });
    const bad = await gql(server.url, NewUser, { input: { ...input, email: 'not-an-email' } }, acme.admin.key);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.email' });
  });

  it('lets users mint keys only for themselves unless admin', async () => {
    expect((await gql(server.url, NewKey, { userId: acme.viewer.userId }, acme.viewer.key)).data!.createApiKey.key).toMatch(/^oik_/);
    expect((await gql(server.url, NewKey, { userId: acme.admin.userId }, acme.viewer.key)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gql(server.url, NewKey, { userId: acme.viewer.userId }, other.admin.key)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('revokes keys at once: own keys, or any key for admins', async () => {
    const minted = await gql(server.url, MintKey, { userId: acme.viewer.userId }, acme.viewer.key);
    const { key, apiKey } = minted.data!.createApiKey;
    expect((await gql(server.url, Me, {}, key)).data!.me.role).toBe('VIEWER');
    expect((await gql(server.url, RevokeKey, { id: apiKey.id }, acme.publisher.key)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gql(server.url, RevokeKey, { id: apiKey.id }, other.admin.key)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await gql(server.url, RevokeKey, { id: apiKey.id }, acme.viewer.key)).data!.revokeApiKey).toBe(true);
    expect((await gql(server.url, Me, {}, key)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lets publishers create content; viewers cannot', async () => {
    const refused = await gql(server.url, CreateContent, { input: { name: 'App' } }, acme.viewer.key);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const created = await gql(server.url, CreateContent, { input: { name: 'Trips', url: 'https://apps.acme.example/trips' } }, acme.publisher.key);
    expect(created.data!.createContent).toMatchObject({ name: 'Trips', ownerId: acme.publisher.userId });
    contentId = created.data!.createContent.id;
    const badUrl = await gql(server.url, CreateContent, { input: { name: 'X', url: 'javascript:alert(1)' } }, acme.publisher.key);
    expect(badUrl.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.url' });
  });

  it('attaches and detaches data sources by the owner or an admin only', async () => {
    const byViewer = await gql(server.url, Attach, { contentId, dataSourceId }, acme.viewer.key);
    expect(byViewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const byOtherAccount = await gql(server.url, Attach, { contentId, dataSourceId }, other.admin.key);
    expect(byOtherAccount.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const attached = await gql(server.url, Attach, { contentId, dataSourceId }, acme.publisher.key);
    expect(attached.data!.attachDataSource.dataSources.map((d) => d.id)).toEqual([dataSourceId]);
    const again = await gql(server.url, Attach, { contentId, dataSourceId }, acme.admin.key);
    expect(again.data!.attachDataSource.dataSources).toHaveLength(1);
    const detached = await gql(server.url, Detach, { contentId, dataSourceId }, acme.admin.key);
    expect(detached.data!.detachDataSource.dataSources).toEqual([]);
  });

  it('issues content keys that can read only their own content', async () => {
    const refused = await gql(server.url, CreateContentApiKey, { contentId }, acme.viewer.key);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const { key } = (await gql(server.url, CreateContentApiKey, { contentId }, acme.publisher.key)).data!.createContentApiKey;
    expect((await gql(server.url, GetContent, { id: contentId }, key)).data!.content!.name).toBe('Trips');
    const other = await gql(server.url, CreateContent, { input: { name: 'Other' } }, acme.publisher.key);
    expect((await gql(server.url, GetContent, { id: other.data!.createContent.id }, key)).data!.content).toBeNull();
    expect((await gql(server.url, Me, {}, key)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
