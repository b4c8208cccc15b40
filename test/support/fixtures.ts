import { graphql } from '../generated/gql.js';
import { gql, type TestServer } from './server.js';

/** An account with one user per role, each with an API key, created through the public API. */
export interface TestAccount {
  accountId: string;
  admin: { userId: string; key: string };
  publisher: { userId: string; key: string };
  viewer: { userId: string; key: string };
}

const CreateUser = graphql(`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) { id email role }
  }
`);
const CreateApiKey = graphql(`
  mutation CreateApiKey($userId: ID!, $name: String) {
    createApiKey(userId: $userId, name: $name) { key apiKey { id name createdAt } }
  }
`);

export async function createAccount(server: TestServer, name: string): Promise<TestAccount> {
  const boot = await server.services.identity.bootstrap({ account: name, email: `admin@${name}.example` });
  const admin = { userId: boot.userId, key: boot.apiKey };
  const member = async (role: 'PUBLISHER' | 'VIEWER') => {
    const created = await gql(server.url, CreateUser, { input: { email: `${role.toLowerCase()}@${name}.example`, name: role, role } }, admin.key);
    const userId = created.data!.createUser.id;
    const key = await gql(server.url, CreateApiKey, { userId, name: 'test' }, admin.key);
    return { userId, key: key.data!.createApiKey.key };
  };
  return { accountId: boot.accountId, admin, publisher: await member('PUBLISHER'), viewer: await member('VIEWER') };
}
