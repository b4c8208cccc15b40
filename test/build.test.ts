import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser, loginAtProvider } from './support/browser.js';
import { createTestDatabase, testKeysEnv, usingPostgres, type TestDatabase } from './support/database.js';
import { startFakeProvider, type FakeProvider } from './support/fake-provider.js';
import { exchange } from './support/flow.js';
import { freePort, gql, waitUntilAnswering } from './support/server.js';

/**
 * What `npm start` and the CLI run is the bundle `npm run build` writes (scripts/build.ts), not the
 * sources the other tests import. This builds it into a directory of its own and walks a viewer
 * through it end to end, in separate processes, on the embedded database or PostgreSQL: the parts a
 * bundle can break are the lazily loaded ones (undici on the first provider request, graphql-jit on a
 * query's tenth use), the database drivers, and Prisma's embedded query compiler.
 */
const run = promisify(execFile);
const TSX = path.resolve('node_modules/.bin/tsx');
const SECRET = 'built-client-secret-CANARY-41c9';

describe('the built server (npm run build)', () => {
  // Inside the repository: the server finds prisma/migrations by walking up from its own files.
  const cache = path.resolve('node_modules/.cache');
  fs.mkdirSync(cache, { recursive: true });
  const outdir = fs.mkdtempSync(path.join(cache, 'oi-build-test-'));
  const main = path.join(outdir, 'src', 'main.js');
  let database: TestDatabase;
  let env: Record<string, string>;
  let server: ChildProcess | undefined;
  let provider: FakeProvider;
  let url: string;
  let logged = '';

  // Plain query strings: these operations exist only here, so they need no generated types.
  const graphql = async <T>(query: string, variables: Record<string, unknown>, key: string): Promise<T> => {
    const result = await gql<T, Record<string, unknown>>(url, query, variables, key);
    if (!result.data || result.errors) throw new Error(`GraphQL ${result.status}: ${JSON.stringify(result.errors)}`);
    return result.data;
  };

  beforeAll(async () => {
    await run(TSX, ['scripts/build.ts', '--outdir', outdir], { timeout: 120_000 });
    database = await createTestDatabase();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = {
      ...process.env,
      ...(usingPostgres ? testKeysEnv() : {}),
      ...database.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      ALLOW_HTTP_LOOPBACK_PROVIDERS: 'true',
      NODE_ENV: 'production',
      LOG_LEVEL: 'debug',
    } as Record<string, string>;
    provider = await startFakeProvider({
      flavour: 'databricks',
      clients: [{ clientId: 'built-client', clientSecret: SECRET, redirectUris: [`${url}/v1/integrations/callback`] }],
    });
  }, 180_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server!.once('exit', r));
    }
    await provider?.close();
    await database?.drop();
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it('bootstraps, serves, and exchanges a viewer token obtained through the real OAuth flow', { timeout: 120_000 }, async () => {
    const boot = await run(process.execPath, [main, 'bootstrap', '--account', 'built', '--email', 'admin@built.example', '--json'], { env, timeout: 60_000 });
    const adminKey = (JSON.parse(boot.stdout) as { apiKey: string }).apiKey;

    server = spawn(process.execPath, [main, 'serve'], { env, stdio: 'pipe' });
    server.stderr!.on('data', (chunk: Buffer) => (logged += chunk.toString('utf8')));
    await waitUntilAnswering(`${url}/healthz`, 150);
    expect(logged).toContain('oauth-integrations listening');

    const { addDataSource } = await graphql<{ addDataSource: { id: string } }>(
      'mutation($i: AddDataSourceInput!) { addDataSource(input: $i) { id } }',
      { i: { name: 'Warehouse', provider: 'DATABRICKS', clientId: 'built-client', clientSecret: SECRET, hostUrl: provider.baseUrl } },
      adminKey,
    );
    const { createContent } = await graphql<{ createContent: { id: string } }>(
      'mutation($i: CreateContentInput!) { createContent(input: $i) { id } }',
      { i: { name: 'Trips', url: 'https://apps.example.com/trips/' } },
      adminKey,
    );
    const contentId = createContent.id;
    await graphql('mutation($c: ID!, $d: ID!) { attachDataSource(contentId: $c, dataSourceId: $d) { id } }', { c: contentId, d: addDataSource.id }, adminKey);
    const contentKey = (await graphql<{ createContentApiKey: { key: string } }>('mutation($c: ID!) { createContentApiKey(contentId: $c) { key } }', { c: contentId }, adminKey))
      .createContentApiKey.key;
    const viewerId = (await graphql<{ createUser: { id: string } }>(
      'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }',
      { i: { email: 'alice@built.example', name: 'alice', role: 'VIEWER' } },
      adminKey,
    )).createUser.id;
    const sessionToken = (await graphql<{ createUserSessionToken: string }>('mutation($c: ID!, $u: ID!) { createUserSessionToken(contentId: $c, userId: $u) }', { c: contentId, u: viewerId }, adminKey))
      .createUserSessionToken;

    // Not authorized yet: the answer carries a login URL, which needed the provider's metadata (undici).
    const refused = await exchange(url, contentKey, sessionToken);
    expect(refused.json).toMatchObject({ code: 214, payload: { reason: 'NOT_AUTHORIZED' } });
    const { response, finalUrl: callbackUrl } = await loginAtProvider(new TestBrowser(), refused.json.payload.authorization_url as string, {
      login: 'alice',
      stopAt: (u) => u.includes('/v1/integrations/callback'),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('https://apps.example.com/trips/');

    const granted = await exchange(url, contentKey, sessionToken);
    expect(granted.status).toBe(200);
    const accessToken = granted.json.access_token as string;
    expect(await provider.introspect(accessToken)).toMatchObject({ active: true, sub: 'alice' });

    // From its tenth use the query runs compiled (graphql-jit, loaded then); the answers stay the same.
    const query = 'query BuiltCredentials($t: String!) { oauthCredentials(sessionToken: $t) { accessToken } }';
    for (let use = 1; use <= 12; use++) {
      const answered = await graphql<{ oauthCredentials: { accessToken: string } }>(query, { t: sessionToken }, contentKey);
      expect(answered.oauthCredentials.accessToken).toBe(accessToken);
    }
    const compiled = logged.split('\n').filter((line) => line.includes('repeated query compiled'));
    expect(compiled.map((line) => (JSON.parse(line) as { operationName: string; compiled: boolean }))).toEqual([
      expect.objectContaining({ operationName: 'BuiltCredentials', compiled: true }),
    ]);

    server.kill('SIGTERM');
    await new Promise((r) => server!.once('exit', r));
    expect(server.exitCode).toBe(0);
    expect(logged).toContain('shutting down');
    const callback = new URL(callbackUrl).searchParams;
    const code = callback.get('code')!;
    const state = callback.get('state')!;
    expect(code && state).toBeTruthy();
    for (const secret of [SECRET, adminKey, contentKey, sessionToken, accessToken, code, state]) expect(logged).not.toContain(secret);
  });
});
