import WebSocket from 'ws';
import { graphql } from '../generated/gql.js';
import { TestBrowser, loginAtProvider } from './browser.js';
import { exchange, type FlowEnvironment } from './flow.js';
import { gql, type TestServer } from './server.js';

/**
 * Helpers for the Connect-compatible REST surface (posit-sdk / connectapi wire protocol) and for
 * raw graphql-transport-ws sockets, where the graphql-ws client hides close codes and frames.
 */
export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export interface ApiRequest {
  key?: string;
  /** Sent as application/json. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** Sent as is (with `headers` choosing the content type). */
  raw?: string;
  headers?: Record<string, string>;
}

/** One REST call as posit-sdk makes it: `Authorization: Key <key>`, JSON or form body. */
export async function api(serverUrl: string, method: string, path: string, request: ApiRequest = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...(request.key ? { authorization: `Key ${request.key}` } : {}) };
  let body: string | undefined;
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  } else if (request.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(request.form).toString();
  } else if (request.raw !== undefined) {
    body = request.raw;
  }
  Object.assign(headers, request.headers);
  const response = await fetch(`${serverUrl}${path}`, { method, headers, body });
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The exchange form as posit-sdk sends it, with any field overridden (undefined removes it). */
export function exchangeForm(sessionToken: string, overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const form: Record<string, string | undefined> = {
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    subject_token_type: 'urn:posit:connect:user-session-token',
    subject_token: sessionToken,
    ...overrides,
  };
  return Object.fromEntries(Object.entries(form).filter((e): e is [string, string] => e[1] !== undefined));
}

export const CREDENTIALS_PATH = '/__api__/v1/oauth/integrations/credentials';

const CreateUser = graphql(`
  mutation ConnectHelperCreateUser($input: CreateUserInput!) { createUser(input: $input) { id } }
`);
const CreateKey = graphql(`
  mutation ConnectHelperCreateKey($userId: ID!) { createApiKey(userId: $userId, name: "helper") { key } }
`);
const CreateContent = graphql(`
  mutation ConnectHelperCreateContent($input: CreateContentInput!) { createContent(input: $input) { id } }
`);
const ContentKey = graphql(`
  mutation ConnectHelperContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key } }
`);
const Attach = graphql(`
  mutation ConnectHelperAttach($contentId: ID!, $dataSourceId: ID!) { attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }
`);

export interface UserWithKey {
  userId: string;
  key: string;
}

/** A user of the admin's account with its own API key. */
export async function createUserWithKey(
  serverUrl: string,
  adminKey: string,
  login: string,
  role: 'ADMIN' | 'PUBLISHER' | 'VIEWER' | 'PLATFORM',
): Promise<UserWithKey> {
  const created = await gql(serverUrl, CreateUser, { input: { email: `${login}@example.com`, name: login, role } }, adminKey);
  if (created.errors) throw new Error(JSON.stringify(created.errors));
  const userId = created.data!.createUser.id;
  const key = await gql(serverUrl, CreateKey, { userId }, adminKey);
  if (key.errors) throw new Error(JSON.stringify(key.errors));
  return { userId, key: key.data!.createApiKey.key };
}

/** Content owned by the publisher, with the given data sources attached and its own content key. */
export async function createContentWithKey(
  serverUrl: string,
  publisherKey: string,
  name: string,
  dataSourceIds: string[],
  url = 'https://apps.example.com/other/',
): Promise<{ contentId: string; contentKey: string }> {
  const content = await gql(serverUrl, CreateContent, { input: { name, url } }, publisherKey);
  if (content.errors) throw new Error(JSON.stringify(content.errors));
  const contentId = content.data!.createContent.id;
  for (const dataSourceId of dataSourceIds) {
    const attached = await gql(serverUrl, Attach, { contentId, dataSourceId }, publisherKey);
    if (attached.errors) throw new Error(JSON.stringify(attached.errors));
  }
  const key = await gql(serverUrl, ContentKey, { contentId }, publisherKey);
  if (key.errors) throw new Error(JSON.stringify(key.errors));
  return { contentId, contentKey: key.data!.createContentApiKey.key };
}

/**
 * The whole viewer authorization as a browser does it: the exchange answers NOT_AUTHORIZED with an
 * authorization_url, the viewer logs in at the provider as `login`, the callback completes.
 * Returns the callback URL the provider redirected to (it carries the code and the state).
 */
export async function authorizeViewer(
  env: Pick<FlowEnvironment, 'server'>,
  contentKey: string,
  sessionToken: string,
  login: string,
  audience?: string,
): Promise<{ callbackUrl: string; authorizationUrl: string; status: number }> {
  const refused = await exchange(env.server.url, contentKey, sessionToken, audience);
  const authorizationUrl = refused.json.payload?.authorization_url as string | undefined;
  if (!authorizationUrl) throw new Error(`expected NOT_AUTHORIZED with an authorization_url, got ${refused.status} ${refused.text}`);
  let callbackUrl = '';
  const isCallback = (u: string) => u.startsWith(`${env.server.url}/v1/integrations/callback`);
  const { response } = await loginAtProvider(new TestBrowser(), authorizationUrl, {
    login,
    stopAt: (u) => {
      if (isCallback(u)) callbackUrl = u;
      return isCallback(u);
    },
  });
  return { callbackUrl, authorizationUrl, status: response.status };
}

/** Every row of every table of our schema, as PostgreSQL's row-to-text rendering. */
export async function dumpDatabase(server: TestServer): Promise<string> {
  const prisma = server.services.db.prisma;
  const tables = await prisma.$queryRawUnsafe<Array<{ table_name: string }>>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
  );
  const out: string[] = [];
  for (const { table_name } of tables) {
    const rows = await prisma.$queryRawUnsafe<Array<{ row: string }>>(`SELECT t::text AS row FROM "${table_name.replace(/"/g, '""')}" t`);
    for (const { row } of rows) out.push(`${table_name}: ${row}`);
  }
  return out.join('\n');
}

/**
 * Records the body of every HTTP response our server sends to fetch() in this process (REST,
 * GraphQL, the browser's authorize/callback requests) until stop() is called.
 */
export function recordResponses(serverUrl: string) {
  const original = globalThis.fetch;
  const bodies: Array<{ request: string; status: number; body: string; location: string | null }> = [];
  const pending: Array<Promise<void>> = [];
  globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const response = await original(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url === serverUrl || url.startsWith(`${serverUrl}/`)) {
      const copy = response.clone();
      pending.push(
        copy.text().then((body) => {
          bodies.push({ request: `${init?.method ?? 'GET'} ${url}`, status: response.status, body, location: response.headers.get('location') });
        }),
      );
    }
    return response;
  };
  return {
    bodies,
    async stop() {
      globalThis.fetch = original;
      await Promise.all(pending);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Raw graphql-transport-ws sockets

export interface RawMessage {
  id?: string;
  type: string;
  payload?: any;
}

export interface RawSocket {
  socket: WebSocket;
  messages: RawMessage[];
  closed: Promise<{ code: number; reason: string }>;
  send(message: RawMessage | string): void;
  /** The next message matching the predicate (already received ones count), or throws after timeoutMs. */
  next(predicate?: (m: RawMessage) => boolean, timeoutMs?: number): Promise<RawMessage>;
  close(): void;
}

export async function rawSocket(serverUrl: string, headers: Record<string, string> = {}): Promise<RawSocket> {
  const socket = new WebSocket(`${serverUrl.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { headers });
  const messages: RawMessage[] = [];
  const waiters: Array<() => void> = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  socket.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as RawMessage);
    wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => {
      resolve({ code, reason: String(reason) });
      wake();
    });
  });
  socket.on('error', () => wake());
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let consumed = 0;
  return {
    socket,
    messages,
    closed,
    send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
    async next(predicate = () => true, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (consumed < messages.length) {
          const message = messages[consumed++]!;
          if (predicate(message)) return message;
        }
        if (socket.readyState === WebSocket.CLOSED) throw new Error(`socket closed; messages: ${JSON.stringify(messages)}`);
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, remaining);
        });
      }
    },
    close: () => socket.close(),
  };
}

/** Opens a socket and completes connection_init with the given params; returns once acknowledged. */
export async function ackedSocket(serverUrl: string, key: string): Promise<RawSocket> {
  const raw = await rawSocket(serverUrl);
  raw.send({ type: 'connection_init', payload: { authorization: `Key ${key}` } });
  await raw.next((m) => m.type === 'connection_ack');
  return raw;
}

/** The first `next` or `error` message for a subscription id: its GraphQL errors (empty when none). */
export async function firstResult(raw: RawSocket, id: string, timeoutMs = 10_000) {
  const message = await raw.next((m) => m.id === id && (m.type === 'next' || m.type === 'error'), timeoutMs);
  const errors: Array<{ message: string; extensions?: Record<string, unknown>; locations?: unknown; path?: unknown }> =
    message.type === 'error' ? message.payload : (message.payload?.errors ?? []);
  return { message, errors, data: message.type === 'next' ? message.payload?.data : undefined };
}
