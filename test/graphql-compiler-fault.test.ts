import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAccount, type TestAccount } from './support/fixtures.js';
import { gql, startTestServer, type TestServer } from './support/server.js';

/**
 * A fault in the query compiler (src/http/graphql-compiled-queries.ts) must not fail a query: the
 * document stays on graphql-js. graphql-jit is replaced by one that throws, for this file only.
 */
vi.mock('graphql-jit', () => ({
  compileQuery: () => {
    throw new Error('compiler fault');
  },
  isCompiledQuery: () => true,
}));

describe('a query the compiler fails on', () => {
  let server: TestServer;
  let account: TestAccount;
  beforeAll(async () => {
    server = await startTestServer({ LOG_LEVEL: 'debug' });
    account = await createAccount(server, 'compiler-fault');
  });
  afterAll(() => server?.close());

  it('is answered by graphql-js before, at and after its tenth use, and the fault is logged once', async () => {
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await gql(server.url, 'query Me { me { id } }', {}, account.admin.key));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    expect(answers.map((a) => a.data)).toEqual(Array(12).fill({ me: { id: account.admin.userId } }));
    const faults = server.logs.filter((line) => line.includes('repeated query not compiled')).map((line) => JSON.parse(line));
    expect(faults).toEqual([expect.objectContaining({ operationName: 'Me', err: expect.objectContaining({ type: 'Error' }) })]);
    expect(faults[0].err.message).toBeUndefined();
  });
});
