import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startFakeProvider, type FakeProvider } from '../test/support/fake-provider.js';
import { gql, mapLimit } from './api.js';
import type { BenchDatabase } from './database.js';
import { freePort } from '../test/support/ports.js';
import { ROOT, childEnv } from './processes.js';
import { startServerProcess, type ServerProcess } from './server.js';

/**
 * Everything through the public API, as an operator and a hosting platform would do it:
 * `bootstrap --json` (CLI, before the server starts: the embedded database allows one process),
 * then GraphQL with the admin key: a publisher, data sources pointing at fake providers, content,
 * attachments, content keys, viewers and their session tokens (aliased mutations, 100 per request).
 *
 * Two data sources on two providers: `main` (1 h access tokens: the hot paths never refresh) and
 * `short` (access tokens of `shortTtlSeconds`: they go stale by themselves, for refresh coalescing).
 */
export interface Tenant {
  dataSourceId: string;
  contentId: string;
  contentKey: string;
  provider: FakeProvider;
}

export interface Viewer {
  userId: string;
  login: string;
  sessionToken: string;
}

export interface BenchEnvironment {
  db: BenchDatabase;
  serverEnv: Record<string, string>;
  server: ServerProcess;
  adminKey: string;
  main: Tenant;
  short: Tenant;
  callbackUrl: string;
  /** Creates viewers (users with the VIEWER role) and one session token each for the tenant's content. */
  addViewers(prefix: string, count: number, tenant: Tenant): Promise<Viewer[]>;
  /** More session tokens for existing viewers (each subscriber needs its own). */
  sessionTokens(viewers: readonly Viewer[], tenant: Tenant): Promise<string[]>;
  /** Stops the server and starts a new process on the same database and port (`server` changes). */
  restartServer(): Promise<void>;
  close(): Promise<void>;
}

const BATCH = 100;

export async function setUpEnvironment(db: BenchDatabase, options: { shortTtlSeconds: number; core?: number; nodeEnv: string }): Promise<BenchEnvironment> {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const serverEnv: Record<string, string> = {
    ...db.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: publicUrl,
    ALLOW_HTTP_LOOPBACK_PROVIDERS: 'true',
    LOG_LEVEL: 'warn',
    // Session tokens minted during setup must outlive the whole run (default 900 s).
    SESSION_TOKEN_TTL_SECONDS: '3600',
    // One load generator on 127.0.0.1 plays thousands of viewers and browsers: the exchange limiter
    // stays on (its per-request cost is part of what is measured) but never refuses; the per-address
    // browser-flow and per-key mutation budgets would stop the set-up itself.
    RATE_LIMIT_EXCHANGE: '1000000/s,1000000',
    RATE_LIMIT_AUTHORIZE: '0',
    RATE_LIMIT_MUTATIONS: '0',
    ...(options.nodeEnv ? { NODE_ENV: options.nodeEnv } : {}),
  };
  const boot = bootstrapAccount(serverEnv);
  const startServer = () => startServerProcess({ env: serverEnv, core: options.core, logName: 'server' });
  const callbackUrl = `${publicUrl}/v1/integrations/callback`;
  const client = { clientId: 'bench-databricks', clientSecret: 'bench-client-secret', redirectUris: [callbackUrl] };
  const [mainProvider, shortProvider, server] = await Promise.all([
    startFakeProvider({ flavour: 'databricks', clients: [client] }),
    startFakeProvider({ flavour: 'databricks', clients: [client], accessTokenTtlSeconds: options.shortTtlSeconds }),
    startServer(),
  ]);
  const url = server.url;
  const admin = boot.apiKey;

  const publisher = await gql<{ createUser: { id: string } }>(
    url,
    'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }',
    { input: { email: 'publisher@bench.example', name: 'Publisher', role: 'PUBLISHER' } },
    admin,
  );
  const publisherKey = (
    await gql<{ createApiKey: { key: string } }>(url, 'mutation($u: ID!) { createApiKey(userId: $u, name: "bench") { key } }', { u: publisher.createUser.id }, admin)
  ).createApiKey.key;

  const tenant = async (name: string, provider: FakeProvider): Promise<Tenant> => {
    const added = await gql<{ addDataSource: { id: string } }>(
      url,
      'mutation($input: AddDataSourceInput!) { addDataSource(input: $input) { id } }',
      { input: { name, provider: 'DATABRICKS', clientId: client.clientId, clientSecret: client.clientSecret, hostUrl: provider.baseUrl } },
      admin,
    );
    const dataSourceId = added.addDataSource.id;
    const content = await gql<{ createContent: { id: string } }>(
      url,
      'mutation($input: CreateContentInput!) { createContent(input: $input) { id } }',
      { input: { name: `${name} app`, url: `https://apps.example.com/${name.toLowerCase()}/` } },
      publisherKey,
    );
    const contentId = content.createContent.id;
    await gql(url, 'mutation($c: ID!, $d: ID!) { attachDataSource(contentId: $c, dataSourceId: $d) { id } }', { c: contentId, d: dataSourceId }, publisherKey);
    const key = await gql<{ createContentApiKey: { key: string } }>(url, 'mutation($c: ID!) { createContentApiKey(contentId: $c) { key } }', { c: contentId }, publisherKey);
    return { dataSourceId, contentId, contentKey: key.createContentApiKey.key, provider };
  };
  const main = await tenant('Warehouse', mainProvider);
  const short = await tenant('Shortlived', shortProvider);

  const sessionTokens = async (viewers: readonly Viewer[], forTenant: Tenant): Promise<string[]> => {
    const batches = chunk(viewers, BATCH);
    const minted = await mapLimit(batches, 4, async (batch) => {
      const fields = batch.map((v, i) => `t${i}: createUserSessionToken(contentId: ${JSON.stringify(forTenant.contentId)}, userId: ${JSON.stringify(v.userId)})`);
      const data = await gql<Record<string, string>>(url, `mutation { ${fields.join('\n')} }`, {}, admin);
      return batch.map((_, i) => data[`t${i}`]!);
    });
    return minted.flat();
  };

  const addViewers = async (prefix: string, count: number, forTenant: Tenant): Promise<Viewer[]> => {
    const logins = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
    const created = await mapLimit(chunk(logins, BATCH), 4, async (batch) => {
      const fields = batch.map(
        (login, i) => `u${i}: createUser(input: { email: ${JSON.stringify(`${login}@bench.example`)}, name: ${JSON.stringify(login)}, role: VIEWER }) { id }`,
      );
      const data = await gql<Record<string, { id: string }>>(url, `mutation { ${fields.join('\n')} }`, {}, admin);
      return batch.map((login, i) => ({ login, userId: data[`u${i}`]!.id, sessionToken: '' }));
    });
    const viewers = created.flat();
    const tokens = await sessionTokens(viewers, forTenant);
    viewers.forEach((v, i) => (v.sessionToken = tokens[i]!));
    return viewers;
  };

  const env: BenchEnvironment = {
    db,
    serverEnv,
    server,
    adminKey: admin,
    main,
    short,
    callbackUrl,
    addViewers,
    sessionTokens,
    restartServer: async () => {
      await env.server.stop();
      env.server = await startServer();
    },
    close: async () => {
      await env.server.stop();
      await mainProvider.close();
      await shortProvider.close();
    },
  };
  return env;
}

/** The CLI's `bootstrap --json`, on the same database the server will open. */
function bootstrapAccount(env: Record<string, string>): { accountId: string; userId: string; apiKey: string } {
  const result = spawnSync(
    process.execPath,
    [path.join(ROOT, 'dist/src/main.js'), 'bootstrap', '--account', 'bench', '--email', 'admin@bench.example', '--json'],
    { cwd: ROOT, env: childEnv(env), encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`bootstrap failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { accountId: string; userId: string; apiKey: string };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
