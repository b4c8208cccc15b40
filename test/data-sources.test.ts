import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { createAccount, type TestAccount } from './support/fixtures.js';
import { gql, startTestServer, type TestServer } from './support/server.js';

/** The admin side of the seed: data sources, through the public GraphQL API. */
const AddDataSource = graphql(`
  mutation AddDataSource($input: AddDataSourceInput!) {
    addDataSource(input: $input) {
      id name description provider clientId hasClientSecret hostUrl scopes redirectUri createdAt updatedAt
    }
  }
`);
const ListDataSources = graphql(`
  query ListDataSources { dataSources { id name provider hasClientSecret } }
`);
const GetDataSource = graphql(`
  query GetDataSource($id: ID!) { dataSource(id: $id) { id name hostUrl scopes hasClientSecret } }
`);
const UpdateDataSource = graphql(`
  mutation UpdateDataSource($id: ID!, $input: UpdateDataSourceInput!) {
    updateDataSource(id: $id, input: $input) { id name hostUrl scopes hasClientSecret clientId }
  }
`);
const RemoveDataSource = graphql(`
  mutation RemoveDataSource($id: ID!) { removeDataSource(id: $id) }
`);

const SECRET = 'dbx-secret-CANARY-7f3a9c1e2b';
const databricksInput = (name: string) => ({
  name,
  description: 'Trips warehouse',
  provider: 'DATABRICKS' as const,
  clientId: 'dbx-client-1',
  clientSecret: SECRET,
  hostUrl: 'cust-success.cloud.databricks.com',
});

describe('data sources', () => {
  let server: TestServer;
  let acme: TestAccount;
  let other: TestAccount;
  const responses: string[] = [];
  const call: typeof gql = async (...args) => {
    const result = await gql(...args);
    responses.push(result.raw);
    return result;
  };
  const count = () => server.services.db.prisma.dataSource.count();

  beforeAll(async () => {
    server = await startTestServer({ PUBLIC_URL: 'https://connect.example.com' });
    acme = await createAccount(server, 'acme');
    other = await createAccount(server, 'other');
  });
  afterAll(() => server?.close());

  it('lets an admin add a Databricks data source with provider defaults and the redirect URI', async () => {
    const result = await call(server.url, AddDataSource, { input: databricksInput('Warehouse') }, acme.admin.key);
    expect(result.errors).toBeUndefined();
    const ds = result.data!.addDataSource;
    expect(ds).toMatchObject({
      name: 'Warehouse',
      provider: 'DATABRICKS',
      hasClientSecret: true,
      hostUrl: 'https://cust-success.cloud.databricks.com',
      scopes: ['all-apis', 'sql', 'offline_access', 'openid', 'profile', 'email'],
      redirectUri: 'https://connect.example.com/v1/integrations/callback',
    });
    const listed = await call(server.url, ListDataSources, {}, acme.publisher.key);
    expect(listed.data!.dataSources.map((d) => d.name)).toEqual(['Warehouse']);
  });

  it('adds a Snowflake source with its default scope and normalised account URL', async () => {
    const result = await call(
      server.url,
      AddDataSource,
      {
        input: {
          name: 'Snow',
          provider: 'SNOWFLAKE',
          clientId: 'sf-client',
          clientSecret: 'sf-secret-CANARY-1',
          hostUrl: 'https://my_org-acct.snowflakecomputing.com',
        },
      },
      acme.admin.key,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.addDataSource).toMatchObject({
      hostUrl: 'https://my-org-acct.snowflakecomputing.com',
      scopes: ['refresh_token'],
    });
  });

  it('refuses viewers, publishers and anonymous callers, writing nothing', async () => {
    const before = await count();
    for (const [key, code] of [
      [acme.viewer.key, 'FORBIDDEN'],
      [acme.publisher.key, 'FORBIDDEN'],
      [undefined, 'UNAUTHENTICATED'],
      ['oik_not-a-real-key', 'UNAUTHENTICATED'],
    ] as const) {
      const result = await call(server.url, AddDataSource, { input: databricksInput('Nope') }, key);
      expect(result.errors?.[0]?.extensions?.code).toBe(code);
      expect(result.data).toBeNull();
    }
    expect(await count()).toBe(before);
  });

  it.each([
    ['duplicate name', { ...databricksInput('Warehouse') }, 'CONFLICT', 'input.name'],
    ['http host', { ...databricksInput('Http'), hostUrl: 'http://cust-success.cloud.databricks.com' }, 'BAD_USER_INPUT', 'input.hostUrl'],
    ['foreign host', { ...databricksInput('Evil'), hostUrl: 'x.cloud.databricks.com.evil.com' }, 'BAD_USER_INPUT', 'input.hostUrl'],
    ['IP host', { ...databricksInput('Ip'), hostUrl: 'https://169.254.169.254' }, 'BAD_USER_INPUT', 'input.hostUrl'],
    ['host with path', { ...databricksInput('Path'), hostUrl: 'https://a.cloud.databricks.com/x' }, 'BAD_USER_INPUT', 'input.hostUrl'],
    ['credentials in host', { ...databricksInput('Cred'), hostUrl: 'https://u:p@a.cloud.databricks.com' }, 'BAD_USER_INPUT', 'input.hostUrl'],
    ['empty name', { ...databricksInput('  ') }, 'BAD_USER_INPUT', 'input.name'],
    ['bad scope', { ...databricksInput('Scope'), scopes: ['sql', 'bad"scope'] }, 'BAD_USER_INPUT', 'input.scopes.1'],
    [
      'Snowflake without secret',
      { name: 'Snow2', provider: 'SNOWFLAKE' as const, clientId: 'c', hostUrl: 'acct.snowflakecomputing.com' },
      'BAD_USER_INPUT',
      'input.clientSecret',
    ],
  ])('rejects %s with %s naming %s and writes nothing', async (_label, input, code, field) => {
    const before = await count();
    const result = await call(server.url, AddDataSource, { input }, acme.admin.key);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code, field });
    expect(await count()).toBe(before);
  });

  it('rejects an unknown input field as BAD_USER_INPUT', async () => {
    const before = await count();
    const result = await call(
      server.url,
      AddDataSource,
      { input: { ...databricksInput('Unknown'), clientSecretPlain: 'x' } as never },
      acme.admin.key,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('clientSecretPlain');
    expect(await count()).toBe(before);
  });

  it("hides another account's data sources", async () => {
    const mine = (await call(server.url, ListDataSources, {}, acme.admin.key)).data!.dataSources.find((d) => d.name === 'Warehouse')!;
    expect((await call(server.url, ListDataSources, {}, other.admin.key)).data!.dataSources).toEqual([]);
    expect((await call(server.url, GetDataSource, { id: mine.id }, other.admin.key)).data!.dataSource).toBeNull();
    const update = await call(server.url, UpdateDataSource, { id: mine.id, input: { name: 'Stolen' } }, other.admin.key);
    expect(update.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const remove = await call(server.url, RemoveDataSource, { id: mine.id }, other.admin.key);
    expect(remove.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await call(server.url, GetDataSource, { id: mine.id }, acme.admin.key)).data!.dataSource!.name).toBe('Warehouse');
  });

  it('updates fields, replaces and clears the secret, and removes', async () => {
    const added = await call(server.url, AddDataSource, { input: databricksInput('Temp') }, acme.admin.key);
    const id = added.data!.addDataSource.id;
    const updated = await call(
      server.url,
      UpdateDataSource,
      { id, input: { name: 'Temp2', scopes: ['sql offline_access'], hostUrl: 'https://other.azuredatabricks.net' } },
      acme.admin.key,
    );
    expect(updated.data!.updateDataSource).toMatchObject({
      name: 'Temp2',
      scopes: ['sql', 'offline_access'],
      hostUrl: 'https://other.azuredatabricks.net',
      hasClientSecret: true,
    });
    const cleared = await call(server.url, UpdateDataSource, { id, input: { clientSecret: null } }, acme.admin.key);
    expect(cleared.data!.updateDataSource.hasClientSecret).toBe(false);
    const conflict = await call(server.url, UpdateDataSource, { id, input: { name: 'Warehouse' } }, acme.admin.key);
    expect(conflict.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await call(server.url, RemoveDataSource, { id }, acme.admin.key)).data!.removeDataSource).toBe(true);
    expect((await call(server.url, GetDataSource, { id }, acme.admin.key)).data!.dataSource).toBeNull();
  });

  it('stores the client secret sealed, bound to its row', async () => {
    const rows = await server.services.db.prisma.dataSource.findMany({ where: { accountId: acme.accountId } });
    const warehouse = rows.find((r) => r.name === 'Warehouse')!;
    const snow = rows.find((r) => r.name === 'Snow')!;
    expect(warehouse.clientSecretSealed).toMatch(/^v1\./);
    expect(warehouse.clientSecretSealed).not.toContain(SECRET);
    expect(server.services.dataSources.clientSecretOf(warehouse)).toBe(SECRET);
    // A ciphertext copied into another row must not decrypt there (associated data binds it).
    await server.services.db.prisma.$executeRaw`UPDATE data_sources SET client_secret_sealed = ${warehouse.clientSecretSealed} WHERE id = ${snow.id}::uuid`;
    const moved = await server.services.db.prisma.dataSource.findUniqueOrThrow({ where: { id: snow.id } });
    expect(() => server.services.dataSources.clientSecretOf(moved)).toThrow(expect.objectContaining({ code: 'DECRYPTION_FAILED' }));
  });

  it('keeps names outside ASCII intact, in the mutation and the query', async () => {
    // ÿ is one byte in latin1 and two in UTF-8, 🔑 four: a reply in any other encoding would not decode back.
    const name = 'Entrepôt ÿ 🔑 倉庫';
    const added = await call(server.url, AddDataSource, { input: databricksInput(name) }, other.admin.key);
    expect(added.errors).toBeUndefined();
    expect(added.data!.addDataSource.name).toBe(name);
    const fetched = await call(server.url, GetDataSource, { id: added.data!.addDataSource.id }, other.admin.key);
    expect(fetched.data!.dataSource!.name).toBe(name);
    const removed = await call(server.url, RemoveDataSource, { id: added.data!.addDataSource.id }, other.admin.key);
    expect(removed.errors).toBeUndefined();
  });

  it('never returns or logs the secret', () => {
    for (const body of responses) expect(body).not.toContain('CANARY');
    expect(server.logs.join('\n')).not.toContain('CANARY');
  });
});
