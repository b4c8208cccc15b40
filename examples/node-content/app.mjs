// A dependency-free Node content app that reads data AS THE VIEWER, like the seed's Shiny examples.
//
//   CONNECT_SERVER=http://127.0.0.1:3939 CONNECT_API_KEY=oik_... \
//   DATA_PROVIDER_URL=https://<workspace>/api/2.0/preview/scim/v2/Me node examples/node-content/app.mjs
//
// The hosting platform puts `Posit-Connect-User-Session-Token` on every viewer request. The app
// exchanges it (RFC 8693, exactly the form posit-sdk's `client.oauth.get_credentials()` sends) for the
// viewer's provider access token, calls DATA_PROVIDER_URL with it and renders the answer. Tokens are
// never logged or rendered. See examples/README.md.
import http from 'node:http';
import { pathToFileURL } from 'node:url';

const SESSION_HEADER = 'posit-connect-user-session-token';
const NOT_AUTHORIZED = 214;
const REAUTHORIZATION_REQUIRED = 215;

/** posit-sdk appends /__api__ to CONNECT_SERVER unless it is already there. */
export function apiBase(server) {
  const base = String(server ?? '').replace(/\/+$/, '');
  if (!base) throw new Error('CONNECT_SERVER is not set');
  return base.endsWith('/__api__') ? base : `${base}/__api__`;
}

/** posit-sdk's get_credentials(user_session_token): 200 -> {access_token, ...}; otherwise {code, error, payload}. */
export async function getCredentials({ server, apiKey }, sessionToken) {
  const response = await fetch(`${apiBase(server)}/v1/oauth/integrations/credentials`, {
    method: 'POST',
    headers: { authorization: `Key ${apiKey}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token_type: 'urn:posit:connect:user-session-token',
      subject_token: sessionToken,
    }),
  });
  const body = await response.json().catch(() => ({}));
  if (response.status === 200 && typeof body.access_token === 'string') return { ok: true, credentials: body };
  return { ok: false, status: response.status, code: body.code, error: body.error ?? `HTTP ${response.status}`, payload: body.payload ?? null };
}

/** The "query": in real life a Databricks/Snowflake REST call; here any URL that accepts a Bearer token. */
async function fetchData(url, accessToken) {
  const response = await fetch(url, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } });
  const text = await response.text();
  if (!response.ok) throw new Error(`the data provider answered HTTP ${response.status}`);
  try {
    return JSON.parse(text);
  } catch {
    return { response: text.slice(0, 2000) };
  }
}

export function createContentApp(config) {
  const log = config.log ?? ((line) => console.log(line));
  return http.createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://content').pathname;
    if (path === '/healthz') return send(res, 200, 'text/plain; charset=utf-8', 'ok');
    if (path !== '/') return send(res, 404, 'text/plain; charset=utf-8', 'not found');
    const outcome = await handle(req, config).catch((error) => ({ status: 502, title: 'Something went wrong', html: `<p>${esc(error.message)}</p>` }));
    log(`${req.method} ${path} -> ${outcome.status} ${outcome.title}`); // never the token
    send(res, outcome.status, 'text/html; charset=utf-8', page(outcome.title, outcome.html));
  });
}

async function handle(req, config) {
  const sessionToken = req.headers[SESSION_HEADER];
  if (typeof sessionToken !== 'string' || !sessionToken) {
    return { status: 401, title: 'No viewer session', html: '<p>This app must be opened through the hosting platform, which adds the <code>Posit-Connect-User-Session-Token</code> header.</p>' };
  }
  const result = await getCredentials(config, sessionToken);
  if (!result.ok) {
    const loginUrl = result.payload?.authorization_url;
    if ((result.code === NOT_AUTHORIZED || result.code === REAUTHORIZATION_REQUIRED) && typeof loginUrl === 'string') {
      const again = result.code === REAUTHORIZATION_REQUIRED ? ' again' : '';
      return {
        status: 200,
        title: result.code === NOT_AUTHORIZED ? 'Not authorized yet' : 'Reauthorization required',
        html: `<p>This app reads data as you. You are not authorized: please log in${again} at the data provider.</p>` +
          `<p><a id="login" href="${esc(loginUrl)}">Log in to the data provider</a></p><p class="muted">(code ${result.code}: ${esc(result.error)})</p>`,
      };
    }
    return { status: 502, title: 'Credential exchange failed', html: `<p>code ${esc(result.code)}: ${esc(result.error)}</p>` };
  }
  const { access_token: accessToken, expires_in: expiresIn } = result.credentials;
  const data = await fetchData(config.dataUrl, accessToken);
  return {
    status: 200,
    title: 'Your data',
    html: `<p>Fetched from <code>${esc(config.dataUrl)}</code> with <em>your</em> access token (valid ${esc(expiresIn)} s more).</p>${table(data)}`,
  };
}

function table(data) {
  const rows = data && typeof data === 'object' && !Array.isArray(data) ? Object.entries(data) : [['result', data]];
  const cell = (v) => esc(typeof v === 'string' ? v : JSON.stringify(v));
  return `<table id="data">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${cell(v)}</td></tr>`).join('')}</table>`;
}

function page(title, body) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>body{font-family:sans-serif;margin:3em}th{text-align:left;padding-right:1em}.muted{color:#777}</style></head>` +
    `<body><h1>${esc(title)}</h1>${body}</body></html>`;
}

function send(res, status, type, body) {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

const esc = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { CONNECT_SERVER, CONNECT_API_KEY, DATA_PROVIDER_URL, PORT = '8080', HOST = '127.0.0.1' } = process.env;
  for (const [name, value] of Object.entries({ CONNECT_SERVER, CONNECT_API_KEY, DATA_PROVIDER_URL })) {
    if (!value) {
      console.error(`node-content: ${name} is not set (see examples/README.md)`);
      process.exit(2);
    }
  }
  const server = createContentApp({ server: CONNECT_SERVER, apiKey: CONNECT_API_KEY, dataUrl: DATA_PROVIDER_URL });
  server.listen(Number(PORT), HOST, () => console.log(`node-content: listening on http://${HOST}:${server.address().port}`));
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
