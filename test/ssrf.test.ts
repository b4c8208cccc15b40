import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressRange, isAddressAllowed } from '../src/infra/address-policy.js';
import { createOutboundHttp, type OutboundHttp } from '../src/infra/outbound-fetch.js';
import { BlockedAddressError, RedirectRefusedError, outboundRefusalIn } from '../src/infra/outbound-refusals.js';
import type { DnsLookup } from '../src/infra/ssrf-guard.js';
import { databricks } from '../src/providers/databricks.js';
import { TestBrowser, loginAtProvider } from './support/browser.js';
import { exchange, expireAccessToken, obtainCallback, startFlowEnvironment, updateAuthorization, type FlowEnvironment } from './support/flow.js';
import { gql } from './support/server.js';

/**
 * Checklist F11 at connect time: every outbound OAuth request goes through one guarded fetch whose
 * connector checks the RESOLVED address, and no redirect is ever followed. Real sockets throughout:
 * "refused before any bytes" is counted by listeners on 127.0.0.1 (a TCP accept counts), and the
 * DNS answers come from a scripted resolver handed to the composition root, the way an attacker's
 * DNS server would rebind a name that passed validation.
 */

interface CountingListener {
  url: string;
  port: number;
  /** TCP connections accepted (before a single byte is read). */
  readonly connections: number;
  readonly requests: number;
  close(): Promise<void>;
}

async function countingListener(handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('{}')): Promise<CountingListener> {
  const counts = { connections: 0, requests: 0 };
  const server = createServer((req, res) => {
    counts.requests += 1;
    handle(req, res);
  });
  server.on('connection', () => (counts.connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get connections() {
      return counts.connections;
    },
    get requests() {
      return counts.requests;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A DNS server under the test's control: per-name answers (changeable at any time), every question recorded. */
function scriptedDns(initial: Record<string, string[]> = {}) {
  const answers = new Map(Object.entries(initial));
  const asked: string[] = [];
  const lookup: DnsLookup = async (hostname) => {
    asked.push(hostname);
    const addresses = answers.get(hostname);
    if (!addresses) throw Object.assign(new Error(`scripted DNS: no answer for ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: net.isIP(address) === 6 ? (6 as const) : (4 as const) }));
  };
  return { lookup, asked, answer: (hostname: string, ...addresses: string[]) => answers.set(hostname, addresses) };
}

const request = (fetch: ReturnType<OutboundHttp['fetchFor']>, url: string, init: RequestInit = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=refresh_token', signal: AbortSignal.timeout(5_000), ...init });

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the request should have been refused').toBeDefined();
  return outboundRefusalIn(error);
}

describe('connect-time address guard (the outbound fetch on real sockets)', () => {
  let listener: CountingListener;
  let outbound: OutboundHttp;
  const dns = scriptedDns();

  beforeAll(async () => {
    listener = await countingListener();
    outbound = createOutboundHttp({ dnsLookup: dns.lookup });
  });
  afterAll(async () => {
    await outbound?.close();
    await listener?.close();
  });

  it('DNS rebinding: a host that passed validation but now resolves to 127.0.0.1 is refused before any connection', async () => {
    // Creation-time validation accepts the name: nothing about a name tells where it will resolve.
    expect(databricks.normalizeHost('rebind.cloud.databricks.com', { allowHttpLoopback: false })).toBe('https://rebind.cloud.databricks.com');
    dns.answer('rebind.cloud.databricks.com', '127.0.0.1');
    const url = `http://rebind.cloud.databricks.com:${listener.port}/oidc/v1/token`;
    const refused = await refusal(request(outbound.fetchFor('public-only'), url));
    expect(refused).toBeInstanceOf(BlockedAddressError);
    expect(refused).toMatchObject({ hostname: 'rebind.cloud.databricks.com', address: '127.0.0.1', range: 'loopback' });
    expect(dns.asked).toContain('rebind.cloud.databricks.com');
    expect(listener.connections).toBe(0);
    // Control: the same name and port do reach the listener when loopback is the policy, so only the
    // guard stood between the public-only request and the listener.
    const reached = await request(outbound.fetchFor('loopback-only'), url);
    expect(reached.status).toBe(200);
    expect(listener.connections).toBe(1);
  });

  it.each(['10.0.0.5', '169.254.169.254', '::ffff:127.0.0.1', 'fd00::1', '127.0.0.1', '::1', '172.16.3.4', '192.168.0.1', '100.64.0.1', '0.0.0.0', 'fe80::1', '224.0.0.1', '::ffff:10.0.0.5', '::127.0.0.1'])(
    'refuses a name resolving to %s, and the same address as an IP literal',
    async (address) => {
      const before = listener.connections;
      dns.answer('evil.cloud.databricks.com', address);
      const byName = await refusal(request(outbound.fetchFor('public-only'), `http://evil.cloud.databricks.com:${listener.port}/`));
      expect(byName).toBeInstanceOf(BlockedAddressError);
      expect((byName as BlockedAddressError).address).toBe(address);
      const literal = net.isIP(address) === 6 ? `[${address}]` : address;
      const byLiteral = await refusal(request(outbound.fetchFor('public-only'), `http://${literal}:${listener.port}/`));
      expect(byLiteral).toBeInstanceOf(BlockedAddressError);
      expect(listener.connections).toBe(before);
    },
  );

  it('refuses a name whose answers mix a public and a private address', async () => {
    dns.answer('mixed.cloud.databricks.com', '93.184.216.34', '10.0.0.5');
    const refused = await refusal(request(outbound.fetchFor('public-only'), 'https://mixed.cloud.databricks.com/oidc/v1/token'));
    expect(refused).toMatchObject({ address: '10.0.0.5', range: 'private' });
  });

  it('classifies only ordinary unicast as public', () => {
    for (const address of ['93.184.216.34', '2606:4700::1111', '::ffff:8.8.8.8']) expect(isAddressAllowed(address, 'public-only')).toBe(true);
    expect(addressRange('169.254.169.254')).toBe('linkLocal');
    expect(addressRange('::ffff:127.0.0.1')).toBe('loopback');
    expect(addressRange('fd00::1')).toBe('uniqueLocal');
    expect(addressRange('100.64.0.1')).toBe('carrierGradeNat');
    expect(addressRange('::7f00:1')).toBe('ipv4Compatible');
    expect(addressRange('64:ff9b::a00:5')).toBe('rfc6052');
    expect(addressRange('127.1')).toBe('invalid'); // shorthand forms are not addresses we trust
  });

  it('a loopback provider may reach loopback and nothing else', async () => {
    dns.answer('localhost', '10.0.0.5');
    const refused = await refusal(request(outbound.fetchFor('loopback-only'), `http://localhost:${listener.port}/`));
    expect(refused).toMatchObject({ address: '10.0.0.5', range: 'private' });
    expect(await refusal(request(outbound.fetchFor('loopback-only'), 'http://93.184.216.34/'))).toBeInstanceOf(BlockedAddressError);
    dns.answer('localhost', '127.0.0.1', '::1');
    const before = listener.connections;
    expect((await request(outbound.fetchFor('loopback-only'), `http://localhost:${listener.port}/`)).status).toBe(200);
    expect(listener.connections).toBe(before + 1);
  });

  it('never follows a redirect, even when the caller asks to', async () => {
    const target = await countingListener();
    const redirecting = await countingListener((_req, res) => res.writeHead(302, { location: `${target.url}/steal` }).end());
    try {
      const refused = await refusal(request(outbound.fetchFor('loopback-only'), `${redirecting.url}/oidc/v1/token?x=1`, { redirect: 'follow' }));
      expect(refused).toBeInstanceOf(RedirectRefusedError);
      expect(refused).toMatchObject({ status: 302, endpoint: `${redirecting.url}/oidc/v1/token` }); // no query string
      expect(redirecting.requests).toBe(1);
      expect(target.connections).toBe(0);
    } finally {
      await target.close();
      await redirecting.close();
    }
  });
});

describe('through the server: every OAuth request of a data source is guarded', () => {
  const REBIND_HOST = 'rebind.cloud.databricks.com';
  const dns = scriptedDns();
  let env: FlowEnvironment;

  beforeAll(async () => {
    // Loopback providers stay allowed (the real oidc-provider runs on 127.0.0.1): the public-only policy
    // must still apply to every other data source of the same server.
    env = await startFlowEnvironment('databricks', { serviceOptions: { outbound: { dnsLookup: dns.lookup } } });
  });
  afterAll(() => env?.close());

  it('DNS rebinding: a data source accepted at creation is refused when its host resolves to 127.0.0.1', async () => {
    const added = await gql(
      env.server.url,
      `mutation ($input: AddDataSourceInput!) { addDataSource(input: $input) { id hostUrl } }`,
      { input: { name: 'Rebinding', provider: 'DATABRICKS', clientId: 'client-rebind', clientSecret: env.clientSecret, hostUrl: REBIND_HOST } },
      env.account.admin.key,
    );
    expect(added.errors).toBeUndefined();
    const dataSource = (added.data as { addDataSource: { id: string; hostUrl: string } }).addDataSource;
    expect(dataSource.hostUrl).toBe(`https://${REBIND_HOST}`);
    const attach = `mutation ($contentId: ID!, $dataSourceId: ID!) { attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }`;
    await gql(env.server.url, attach, { contentId: env.contentId, dataSourceId: dataSource.id }, env.account.publisher.key);
    const viewer = await env.addViewer('rebound');
    const sessionToken = await env.sessionToken(viewer);
    const notYet = await exchange(env.server.url, env.contentKey, sessionToken, dataSource.id);
    expect(notYet.json).toMatchObject({ code: 214 });

    dns.answer(REBIND_HOST, '127.0.0.1');
    // Opening the authorization link makes the server read the provider's metadata: refused at connect.
    const page = await new TestBrowser().get(notYet.json.payload.authorization_url as string);
    expect(page.status).toBe(400);
    expect(page.body).toContain('non-public network address');
    expect(page.body).not.toContain('127.0.0.1');
    expect(dns.asked).toContain(REBIND_HOST);
    const row = await env.server.services.db.prisma.viewerAuthorization.findFirst({ where: { userId: viewer, dataSourceId: dataSource.id } });
    expect(row).toBeNull();
    const detach = `mutation ($contentId: ID!, $dataSourceId: ID!) { detachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }`;
    await gql(env.server.url, detach, { contentId: env.contentId, dataSourceId: dataSource.id }, env.account.publisher.key);
  });

  it('a 302 from the token endpoint on refresh is not followed: clear provider error, tokens untouched', async () => {
    const viewer = await env.addViewer('hana');
    const sessionToken = await env.sessionToken(viewer);
    const url = (await exchange(env.server.url, env.contentKey, sessionToken, env.dataSourceId)).json.payload.authorization_url as string;
    await loginAtProvider(new TestBrowser(), url, { login: 'hana', stopAt: (u) => u.includes('/v1/integrations/callback') });
    expect((await exchange(env.server.url, env.contentKey, sessionToken, env.dataSourceId)).status).toBe(200);

    const target = await countingListener();
    try {
      await expireAccessToken(env.server, env.dataSourceId, viewer);
      const before = await env.server.services.db.prisma.viewerAuthorization.findFirstOrThrow({ where: { userId: viewer } });
      env.provider.resetStats();
      env.provider.redirectNextTokenRequests(1, `${target.url}/steal`);
      const redirected = await exchange(env.server.url, env.contentKey, sessionToken, env.dataSourceId);
      expect(redirected.status).toBe(502);
      expect(redirected.json).toMatchObject({ code: 218, payload: { reason: 'PROVIDER_MISCONFIGURED' } });
      expect(redirected.json.error).toContain('redirect, which is never followed');
      expect(env.provider.stats.refreshRequests).toBe(1);
      expect(target.connections).toBe(0);

      const after = await env.server.services.db.prisma.viewerAuthorization.findFirstOrThrow({ where: { userId: viewer } });
      expect(after).toMatchObject({
        status: 'AUTHORIZED',
        refreshTokenSealed: before.refreshTokenSealed,
        accessTokenSealed: before.accessTokenSealed,
        version: before.version,
        lastError: 'redirect refused (HTTP 302)',
      });
      // Nothing secret in the answer or the logs: not the refresh token we sent, nor the client secret.
      const sentRefreshToken = new URLSearchParams(env.provider.stats.lastTokenRequestBodies[0]).get('refresh_token')!;
      expect(sentRefreshToken).toBeTruthy();
      for (const text of [redirected.text, env.server.logs.join('\n')]) {
        expect(text).not.toContain(sentRefreshToken);
        expect(text).not.toContain(env.clientSecret);
      }
      // Once the provider behaves again, the untouched refresh token still works.
      await updateAuthorization(env.server, env.dataSourceId, viewer, { retryAfter: null });
      expect((await exchange(env.server.url, env.contentKey, sessionToken, env.dataSourceId)).status).toBe(200);
      expect(target.connections).toBe(0);
    } finally {
      await target.close();
    }
  });

  it('a 302 from the token endpoint during the code exchange is not followed either', async () => {
    const viewer = await env.addViewer('ivan');
    const sessionToken = await env.sessionToken(viewer);
    const url = (await exchange(env.server.url, env.contentKey, sessionToken, env.dataSourceId)).json.payload.authorization_url as string;
    const { callbackUrl, browser } = await obtainCallback(url, 'ivan');
    const target = await countingListener();
    try {
      env.provider.redirectNextTokenRequests(1, `${target.url}/steal`);
      const page = await browser.get(callbackUrl);
      expect(page.status).toBe(502);
      expect(page.body).toContain('redirect, which is never followed');
      expect(target.connections).toBe(0);
      const row = await env.server.services.db.prisma.viewerAuthorization.findFirst({ where: { userId: viewer } });
      expect(row?.status).not.toBe('AUTHORIZED');
      expect(env.server.logs.join('\n')).not.toContain(new URL(callbackUrl).searchParams.get('code')!);
    } finally {
      await target.close();
    }
  });
});

describe('outbound HTTP lifecycle (undici is loaded on the first request)', () => {
  it('closes without having opened anything, serves its first request, and refuses requests after close', async () => {
    const unused = createOutboundHttp({ dnsLookup: scriptedDns().lookup });
    await expect(unused.close()).resolves.toBeUndefined();

    const listener = await countingListener();
    const outbound = createOutboundHttp({ dnsLookup: scriptedDns().lookup });
    try {
      const url = `http://127.0.0.1:${listener.port}/`;
      expect((await request(outbound.fetchFor('loopback-only'), url)).status).toBe(200);
      expect(listener.connections).toBe(1);
      await outbound.close();
      // A request still running at shutdown must not open a new pool that nothing would close.
      await expect(request(outbound.fetchFor('loopback-only'), url)).rejects.toThrow('outbound HTTP is closed');
      await expect(request(outbound.fetchFor('public-only'), 'https://example.cloud.databricks.com/')).rejects.toThrow('outbound HTTP is closed');
      expect(listener.connections).toBe(1);
    } finally {
      await outbound.close();
      await listener.close();
    }
  });
});
