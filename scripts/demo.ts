/**
 * `npm run demo [-- --snowflake] [--port 3939] [--content-port 3940] [--data-dir DIR]`
 *
 * The whole viewer flow on one offline machine: a real oidc-provider shaped like Databricks (or
 * Snowflake), our server in-process on a fresh embedded database, an account set up through the
 * public GraphQL API, and examples/node-content/app.mjs behind a proxy that plays the hosting
 * platform. Prints a walkthrough for a browser and curl, then runs until Ctrl-C.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createServices, type Services } from '../src/app.js';
import { loadConfig } from '../src/infra/config.js';
import { createLogger } from '../src/infra/logger.js';
import { startServer } from '../src/http/server.js';
import { startFakeProvider } from '../test/support/fake-provider.js';
import { sessionTokenMinter, setUpAccount, type DemoAccount } from './demo-setup.js';
import { startContentApp, startIntrospectionDataApi, startPlatformProxy, type Closable } from './demo-platform.js';

const { values: args } = parseArgs({
  options: {
    snowflake: { type: 'boolean', default: false },
    port: { type: 'string', default: '3939' },
    'content-port': { type: 'string' },
    'data-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log('usage: npm run demo -- [--snowflake] [--port 3939] [--content-port <port+1>] [--data-dir DIR]');
  process.exit(0);
}
const flavour = args.snowflake ? 'snowflake' : 'databricks';
const port = Number(args.port);
const contentPort = Number(args['content-port'] ?? port + 1);
const serverUrl = `http://127.0.0.1:${port}`;
const contentUrl = `http://127.0.0.1:${contentPort}/`;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oauth-integrations-demo-'));
const dataDir = args['data-dir'] ? path.resolve(args['data-dir']) : path.join(workDir, 'data');
const logFile = path.join(workDir, 'server.log');

// Everything started is pushed here and closed in reverse order, on Ctrl-C or on a failed start.
const running: Closable[] = [];
let stopping = false;
async function shutdown(code: number) {
  if (stopping) process.exit(code); // a second Ctrl-C: don't wait
  stopping = true;
  console.log('\nStopping…');
  for (const part of running.reverse()) await part.close().catch((e: unknown) => console.error('  while stopping:', e));
  fs.rmSync(workDir, { recursive: true, force: true });
  console.log(`Stopped; removed ${workDir}${args['data-dir'] ? ` (kept ${dataDir})` : ''}.`);
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function main() {
  const clientId = `demo-${flavour}-app`;
  const clientSecret = `demo-secret-${randomBytes(12).toString('hex')}`;
  const provider = await startFakeProvider({
    flavour,
    clients: [{ clientId, clientSecret, redirectUris: [`${serverUrl}/v1/integrations/callback`] }],
    accessTokenTtlSeconds: flavour === 'databricks' ? 3600 : 600, // like the real providers: refreshes happen
  });
  running.push(provider);

  const env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: serverUrl,
    DATA_DIR: dataDir,
    ALLOW_HTTP_LOOPBACK_PROVIDERS: 'true',
    LOG_LEVEL: 'info',
  };
  const config = loadConfig(env);
  const logStream = fs.createWriteStream(logFile, { flags: 'a' });
  running.push({ close: () => new Promise<void>((resolve) => logStream.end(resolve)) });
  const logger = createLogger(config.logLevel, logStream);
  logger.warn('ALLOW_HTTP_LOOPBACK_PROVIDERS is on: data sources may point at http://127.0.0.1 providers. Never use this in production.');
  const services: Services = await createServices(config, logger);
  running.push({ close: () => services.close() });
  const server = await startServer(services, port, '127.0.0.1');
  running.push(server);
  logger.info({ url: config.publicUrl, port: server.port, database: services.db.kind }, 'oauth-integrations listening');

  const account = await setUpAccount(
    services,
    serverUrl,
    { provider: flavour === 'databricks' ? 'DATABRICKS' : 'SNOWFLAKE', clientId, clientSecret, hostUrl: provider.baseUrl },
    contentUrl,
  );
  if (account.redirectUri !== `${serverUrl}/v1/integrations/callback`) throw new Error(`unexpected redirect URI ${account.redirectUri}`);

  // What the content "queries" with the viewer's token: the provider's own userinfo (Databricks-like),
  // or for Snowflake-like tokens (no openid scope) a who-am-I endpoint backed by introspection.
  let dataUrl = `${provider.issuer}/v1/userinfo`;
  if (flavour === 'snowflake') {
    const dataApi = await startIntrospectionDataApi(provider);
    running.push(dataApi);
    dataUrl = dataApi.url;
  }
  const app = await startContentApp(
    { CONNECT_SERVER: serverUrl, CONNECT_API_KEY: account.contentKey, DATA_PROVIDER_URL: dataUrl },
    (line) => console.log(line),
  );
  running.push(app);
  const mint = sessionTokenMinter(serverUrl, account, config.sessionTokenTtlSeconds);
  await mint(); // fail now, not on the first page view, if the platform key cannot mint
  running.push(await startPlatformProxy(contentPort, app.url, mint));

  console.log(walkthrough({ flavour, providerUrl: provider.issuer, appUrl: app.url, dataUrl, account }));
}

function walkthrough(o: { flavour: string; providerUrl: string; appUrl: string; dataUrl: string; account: DemoAccount }): string {
  const { account: a } = o;
  const mintBody = JSON.stringify({ query: `mutation { createUserSessionToken(contentId: "${a.contentId}", userId: "${a.viewerId}") }` });
  const data = o.flavour === 'databricks' ? "the provider's userinfo (sub, email, name)" : "the provider's introspection of the token (current_user, scope, expiry)";
  return `
================================================================================
 OAuth integrations demo — ${o.flavour}-like provider, everything on 127.0.0.1
================================================================================
 our server     ${serverUrl}   (GraphQL /graphql, Connect REST /__api__)
 provider       ${o.providerUrl}   (real oidc-provider; dev login takes ANY name/password)
 content        ${contentUrl}   (examples/node-content/app.mjs, running at ${o.appUrl})
 data URL       ${o.dataUrl}
 server log     ${logFile}

 How the demo plays the hosting platform: the content app runs as its own process
 with CONNECT_SERVER, CONNECT_API_KEY (the content's key) and DATA_PROVIDER_URL in
 its environment. ${contentUrl} is a small proxy in front of it: for every
 request it mints a session token for the demo viewer "Vera" (createUserSessionToken,
 PLATFORM key, cached until near expiry) and sets Posit-Connect-User-Session-Token,
 as Connect does for a signed-in viewer. The app exchanges that header exactly as
 posit-sdk does; it never sees Vera's provider password and never logs a token.

 In a browser on this machine
 ----------------------------
 1. Open ${contentUrl}
    -> "Not authorized yet" and a link "Log in to the data provider".
 2. Click the link. At the provider's "Sign-in" form type any login (e.g. alice)
    and any password, press Sign-in; on the consent page press Continue.
 3. You land back on ${contentUrl}
    -> "Your data": ${data}, fetched with alice's own access token. Reload: same token, no new login.

 With curl (another terminal; these keys belong to this throwaway demo only)
 --------------------------------------------------------------------------
 export OI=${serverUrl} CONTENT_KEY=${a.contentKey} PLATFORM_KEY=${a.platformKey}

 # the content page, as the platform serves it (title: "Not authorized yet", later "Your data")
 curl -s ${contentUrl} | grep -o '<h1>.*</h1>'

 # a session token for Vera, as the proxy mints one per request (valid 15 min)
 SESSION_TOKEN=$(curl -s $OI/graphql -H 'content-type: application/json' -H "Authorization: Key $PLATFORM_KEY" \\
   -d '${mintBody}' | jq -r .data.createUserSessionToken)

 # the raw credential exchange, the form fields posit-sdk's client.oauth.get_credentials() sends
 curl -s -i $OI/__api__/v1/oauth/integrations/credentials -H "Authorization: Key $CONTENT_KEY" \\
   --data-urlencode grant_type=urn:ietf:params:oauth:grant-type:token-exchange \\
   --data-urlencode subject_token_type=urn:posit:connect:user-session-token \\
   --data-urlencode "subject_token=$SESSION_TOKEN"
 #  before step 2: HTTP 400 {"code":214,"error":"…","payload":{"reason":"NOT_AUTHORIZED","authorization_url":"…"}}
 #  after step 3:  HTTP 200 {"access_token":"…","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","expires_in":…}

 GraphQL subscription (graphql-ws on ws://127.0.0.1:${port}/graphql, connectionParams {"authorization":"Key <content key>"}):
   subscription($t: String!) { authorizationStatus(sessionToken: $t) { status authorizationUrl at } }
 Watch it live (run it before step 2: NOT_AUTHORIZED first, AUTHORIZED the moment step 3 completes):
   OI=$OI CONTENT_KEY=$CONTENT_KEY SESSION_TOKEN=$SESSION_TOKEN npx tsx scripts/demo-watch.ts

 Ctrl-C stops everything and deletes ${workDir}.
`;
}

main().catch(async (error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof Error && /EADDRINUSE/.test(error.message)) console.error(`Port in use: try --port <free port> (content uses port+1 or --content-port).`);
  await shutdown(1);
});
