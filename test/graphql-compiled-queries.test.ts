import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeViewer } from './support/connect.js';
import { startFlowEnvironment, type FlowEnvironment } from './support/flow.js';
import { keptAliveClient } from './support/kept-alive.js';
import { gql, type GraphQLResult } from './support/server.js';
import { COMPILE_FROM_USE, MAX_COMPILED_QUERY_CHARS } from '../src/http/graphql-compiled-queries.js';

/**
 * Repeated queries run compiled (graphql-jit, src/http/graphql-compiled-queries.ts) from their
 * COMPILE_FROM_USE-th use. A client must not be able to tell: the same answers, the same masked
 * errors, the same HTTP statuses as graphql-js gives a query's first uses. Mutations and long
 * documents stay on graphql-js.
 */
const credentialsQuery = (name: string) =>
  `query ${name}($sessionToken: String!) { oauthCredentials(sessionToken: $sessionToken) { accessToken tokenType expiresIn issuedTokenType dataSourceId } }`;

describe('queries compiled after repeated use', () => {
  let env: FlowEnvironment;
  let aliceToken: string;
  let bobToken: string;

  const compiledLogs = () => env.server.logs.filter((line) => line.includes('repeated query compiled')).map((line) => JSON.parse(line));
  /** Sends `query` until it has been used `times` times; returns every answer. */
  const repeat = async (times: number, query: string, variables: Record<string, unknown>, key = env.contentKey) => {
    const answers: GraphQLResult[] = [];
    for (let i = 0; i < times; i++) answers.push(await gql(env.server.url, query, variables, key));
    return answers;
  };
  /** A query's answer on graphql-js (first use, under a fresh operation name) and compiled (after COMPILE_FROM_USE uses). */
  const onBothExecutors = async (name: string, warmUpVariables: Record<string, unknown>, variables: Record<string, unknown>) => {
    const viaGraphQLJs = await gql(env.server.url, credentialsQuery(`${name}First`), variables, env.contentKey);
    await repeat(COMPILE_FROM_USE, credentialsQuery(name), warmUpVariables);
    expect(compiledLogs().map((log) => log.operationName)).toContain(name);
    const compiled = await gql(env.server.url, credentialsQuery(name), variables, env.contentKey);
    return { viaGraphQLJs, compiled };
  };

  beforeAll(async () => {
    env = await startFlowEnvironment('databricks', {
      // Debug logs name each compiled query; a budget large enough for the repetitions, small enough to exhaust.
      serverEnv: { LOG_LEVEL: 'debug', RATE_LIMIT_EXCHANGE: '1/min,100' },
    });
    aliceToken = await env.sessionToken(await env.addViewer('alice'));
    bobToken = await env.sessionToken(await env.addViewer('bob'));
    await authorizeViewer(env, env.contentKey, aliceToken, 'alice');
  });
  afterAll(() => env?.close());

  it('compiles a query once it has been used COMPILE_FROM_USE times and answers exactly as before', async () => {
    const answers = await repeat(COMPILE_FROM_USE + 2, credentialsQuery('Repeated'), { sessionToken: aliceToken });
    expect(compiledLogs()).toEqual([expect.objectContaining({ operationName: 'Repeated', compiled: true })]);
    expect(answers.map((a) => a.status)).toEqual(Array(COMPILE_FROM_USE + 2).fill(200));
    // Byte for byte: the same token, the same fields in the same order.
    expect(new Set(answers.map((a) => a.raw)).size).toBe(1);
    expect(answers[0]!.data).toEqual({
      oauthCredentials: {
        accessToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: expect.any(Number),
        issuedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
        dataSourceId: env.dataSourceId,
      },
    });
  });

  it('compiles a document once when many requests reach the threshold together', async () => {
    const query = credentialsQuery('Together');
    const answers = await Promise.all(
      Array.from({ length: 3 * COMPILE_FROM_USE }, () => gql(env.server.url, query, { sessionToken: aliceToken }, env.contentKey)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(3 * COMPILE_FROM_USE).fill(200));
    expect(compiledLogs().filter((log) => log.operationName === 'Together')).toHaveLength(1);
  });

  it("gives a domain error (a viewer who has not authorized) the same masked shape and status", async () => {
    const { viaGraphQLJs, compiled } = await onBothExecutors('NotYet', { sessionToken: aliceToken }, { sessionToken: bobToken });
    for (const answer of [viaGraphQLJs, compiled]) {
      expect(answer.status).toBe(200);
      expect(answer.data).toBeNull();
      expect(answer.errors).toEqual([
        {
          message: 'The viewer has not authorized this data source yet',
          path: ['oauthCredentials'],
          locations: expect.any(Array),
          extensions: { code: 'NOT_AUTHORIZED', authorizationUrl: expect.stringMatching(/\/v1\/integrations\/authorize\?state=/) },
        },
      ]);
    }
  });

  it('hands a request whose variables do not coerce back to graphql-js: the same 400 and message', async () => {
    const { viaGraphQLJs, compiled } = await onBothExecutors('BadVariable', { sessionToken: aliceToken }, { sessionToken: { secret: 'x' } });
    expect(compiled.status).toBe(400);
    expect(compiled.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    // The operation names differ in length, and with them the variable's column.
    const withoutLocations = (answer: GraphQLResult<unknown>) => answer.errors?.map(({ locations: _, ...rest }) => rest);
    expect(viaGraphQLJs.status).toBe(400);
    expect(withoutLocations(compiled)).toEqual(withoutLocations(viaGraphQLJs));
  });

  it('masks an unexpected failure with a request id that is logged, and serves the next request', async () => {
    await repeat(COMPILE_FROM_USE, credentialsQuery('Failing'), { sessionToken: aliceToken });
    const credentials = env.server.services.credentials;
    const exchange = credentials.exchange;
    credentials.exchange = () => {
      throw new Error('driver said: password=CANARY-internal');
    };
    let failed: GraphQLResult;
    try {
      failed = await gql(env.server.url, credentialsQuery('Failing'), { sessionToken: aliceToken }, env.contentKey);
    } finally {
      credentials.exchange = exchange;
    }
    expect(failed.status).toBe(200);
    expect(failed.raw).not.toContain('CANARY');
    const error = failed.errors?.[0];
    expect(error?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) });
    expect(error?.message).toBe(`Internal server error (request id ${error?.extensions?.requestId})`);
    const logged = env.server.logs.find((line) => line.includes(String(error?.extensions?.requestId)));
    expect(logged).toContain('unhandled error in GraphQL operation');
    expect(logged).not.toContain('CANARY');
    expect((await gql(env.server.url, credentialsQuery('Failing'), { sessionToken: aliceToken }, env.contentKey)).status).toBe(200);
  });

  it('parses each body on a kept-alive connection as sent: another viewer or a broken body is never answered as the last one', async () => {
    // The GraphQL route remembers the last JSON body each connection sent, with what it parsed to.
    await authorizeViewer(env, env.contentKey, bobToken, 'bob');
    const client = keptAliveClient(`${env.server.url}/graphql`, env.contentKey);
    const send = (body: string) => client.post('application/json', body);
    const bodyFor = (sessionToken: string) => JSON.stringify({ query: credentialsQuery('Repeated'), variables: { sessionToken } });
    const viewerOf = async (answer: { status: number; json: any }) => {
      expect(answer.status, JSON.stringify(answer.json)).toBe(200);
      return (await env.provider.introspect(answer.json.data.oauthCredentials.accessToken)).sub;
    };
    try {
      expect(await viewerOf(await send(bodyFor(bobToken)))).toBe('bob');
      expect(await viewerOf(await send(bodyFor(bobToken)))).toBe('bob');
      expect(await viewerOf(await send(bodyFor(aliceToken)))).toBe('alice');
      expect(await viewerOf(await send(bodyFor(bobToken)))).toBe('bob');
      const broken = await send(bodyFor(bobToken).slice(0, -1));
      expect(broken.status).toBe(400);
      expect(broken.json.errors[0].message).toMatch(/Malformed JSON/);
      expect(await viewerOf(await send(bodyFor(bobToken)))).toBe('bob');
      expect(client.ports.size).toBe(1);
    } finally {
      client.close();
    }
  });

  it('answers the per-viewer budget running out with 429 and Retry-After', async () => {
    const query = credentialsQuery('Repeated'); // compiled by the first test
    const answers = await Promise.all(Array.from({ length: 100 }, () => gql(env.server.url, query, { sessionToken: aliceToken }, env.contentKey)));
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    const response = await fetch(`${env.server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Key ${env.contentKey}` },
      body: JSON.stringify({ query, variables: { sessionToken: aliceToken } }),
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('compiles neither mutations nor long documents', async () => {
    const before = compiledLogs().length;
    const mutation = `mutation Mint($contentId: ID!, $userId: ID!) { createUserSessionToken(contentId: $contentId, userId: $userId) }`;
    const viewer = await env.addViewer('carol');
    const minted = await repeat(COMPILE_FROM_USE + 2, mutation, { contentId: env.contentId, userId: viewer }, env.account.admin.key);
    expect(minted.every((a) => typeof (a.data as { createUserSessionToken?: unknown })?.createUserSessionToken === 'string')).toBe(true);
    const long = `query Long { ${Array.from({ length: 80 }, (_, i) => `a${i}: me { id email name role }`).join(' ')} }`;
    expect(long.length).toBeGreaterThan(MAX_COMPILED_QUERY_CHARS);
    const answers = await repeat(COMPILE_FROM_USE + 2, long, {}, env.account.admin.key);
    expect(answers.every((a) => a.status === 200 && !a.errors)).toBe(true);
    expect(compiledLogs().length).toBe(before);
  });
});
