import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser, loginAtProvider } from './support/browser.js';
import { chromiumAvailable, launchChromium, loginWithChromium } from './support/chromium.js';
import { startFakeProvider, type FakeProvider } from './support/fake-provider.js';

/**
 * The fixture itself, without our app: openid-client 6 plays the relying party against each flavour,
 * so app tests can trust that a failure is the app's and not the fake provider's.
 */

/** A redirect_uri target that only records what it was called with. */
async function startCallbackServer(): Promise<{ url: string; hits: string[]; server: Server }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/plain' }).end('callback reached');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`, hits, server };
}

async function authorizationRequest(config: client.Configuration, redirectUri: string, scope: string, withNonce: boolean) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = withNonce ? client.randomNonce() : undefined;
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...(nonce ? { nonce } : {}),
  });
  return { url: url.href, checks: { pkceCodeVerifier: verifier, expectedState: state, ...(nonce ? { expectedNonce: nonce } : {}) } };
}

const DATABRICKS_SCOPES = 'all-apis sql offline_access openid profile email';
const UNAVAILABLE = { code: 'OAUTH_RESPONSE_IS_NOT_CONFORM', cause: { status: 503 } };

describe('fake provider, databricks flavour', () => {
  let provider: FakeProvider;
  let callback: Awaited<ReturnType<typeof startCallbackServer>>;
  let config: client.Configuration;

  beforeAll(async () => {
    callback = await startCallbackServer();
    provider = await startFakeProvider({ flavour: 'databricks', clients: [{ clientId: 'dbx-app', clientSecret: 'dbx-secret', redirectUris: [callback.url] }] });
    config = await client.discovery(new URL(provider.issuer), 'dbx-app', 'dbx-secret', client.ClientSecretPost('dbx-secret'), {
      execute: [client.allowInsecureRequests],
    });
  });
  afterAll(async () => {
    await provider?.close();
    callback?.server.close();
  });

  it('looks like Databricks from the outside', async () => {
    expect(provider.issuer).toBe(`${provider.baseUrl}/oidc`);
    const meta = config.serverMetadata();
    expect(meta.authorization_endpoint).toBe(`${provider.baseUrl}/oidc/v1/authorize`);
    expect(meta.token_endpoint).toBe(`${provider.baseUrl}/oidc/v1/token`);
    expect(meta.revocation_endpoint).toBe(`${provider.baseUrl}/oidc/v1/revoke`);
    const alias = await (await fetch(`${provider.baseUrl}/oidc/.well-known/oauth-authorization-server`)).json();
    expect(alias).toMatchObject({ issuer: provider.issuer, token_endpoint: meta.token_endpoint });
  });

  it('logs alice in, issues rotating refresh tokens, survives an injected 503, revokes on reuse', async () => {
    const request = await authorizationRequest(config, callback.url, DATABRICKS_SCOPES, true);
    const { finalUrl, response } = await loginAtProvider(new TestBrowser(), request.url, { login: 'alice', stopAt: (u) => u.startsWith(callback.url) });
    expect(response.status).toBe(200);
    expect(callback.hits).toHaveLength(1);

    const tokens = await client.authorizationCodeGrant(config, new URL(finalUrl), request.checks);
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.expires_in).toBeGreaterThan(3500);
    expect(tokens.claims()?.sub).toBe('alice');
    expect(await provider.introspect(tokens.access_token)).toMatchObject({ active: true, sub: 'alice', client_id: 'dbx-app' });
    expect(await provider.userinfo(tokens.access_token)).toMatchObject({ sub: 'alice', email: 'alice@example.com' });
    const codeBody = new URLSearchParams(provider.stats.lastTokenRequestBodies[0]);
    expect(codeBody.get('client_secret')).toBe('dbx-secret'); // client_secret_post
    expect(codeBody.get('code_verifier')).toBe(request.checks.pkceCodeVerifier);

    // openid-client only parses 400/401 as OAuth errors; a 503 surfaces as "not conform" with the Response as cause.
    provider.failNextTokenRequests(1);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject(UNAVAILABLE);

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(await provider.introspect(refreshed.access_token)).toMatchObject({ active: true, sub: 'alice' });

    // Reuse of the rotated-out token: invalid_grant, and oidc-provider revokes the whole grant.
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await provider.introspect(refreshed.access_token)).toMatchObject({ active: false });

    expect(provider.stats).toMatchObject({ tokenRequests: 5, authorizationCodeRequests: 1, refreshRequests: 4 });
    provider.resetStats();
    expect(provider.stats.tokenRequests).toBe(0);
  });

  it('completes the same login in headless Chromium', async (ctx) => {
    if (!chromiumAvailable()) ctx.skip('/usr/bin/chromium missing: apt-get update && apt-get install -y chromium');
    const request = await authorizationRequest(config, callback.url, DATABRICKS_SCOPES, true);
    const chromium = await launchChromium();
    try {
      const finalUrl = await loginWithChromium(chromium.page, request.url, 'bob', (u) => u.startsWith(callback.url));
      const tokens = await client.authorizationCodeGrant(config, new URL(finalUrl), request.checks);
      expect(await provider.introspect(tokens.access_token)).toMatchObject({ active: true, sub: 'bob' });
    } finally {
      await chromium.close();
    }
  });
});

describe('fake provider, snowflake flavour', () => {
  let provider: FakeProvider;
  let callback: Awaited<ReturnType<typeof startCallbackServer>>;
  let config: client.Configuration;

  beforeAll(async () => {
    callback = await startCallbackServer();
    provider = await startFakeProvider({
      flavour: 'snowflake',
      clients: [{ clientId: 'sf-app', clientSecret: 'sf-secret', redirectUris: [callback.url] }],
      accessTokenTtlSeconds: 600,
    });
    // Snowflake has no discovery document: metadata is hand-built, as the app does.
    config = new client.Configuration(
      { issuer: provider.baseUrl, authorization_endpoint: `${provider.baseUrl}/oauth/authorize`, token_endpoint: `${provider.baseUrl}/oauth/token-request` },
      'sf-app',
      { client_secret: 'sf-secret' },
      client.ClientSecretBasic('sf-secret'),
    );
    client.allowInsecureRequests(config);
  });
  afterAll(async () => {
    await provider?.close();
    callback?.server.close();
  });

  it('issues a refresh token for scope refresh_token, rotates it, and answers invalid_grant after revocation', async () => {
    const request = await authorizationRequest(config, callback.url, 'refresh_token session:role:ANALYST', false);
    const { finalUrl } = await loginAtProvider(new TestBrowser(), request.url, { login: 'alice', stopAt: (u) => u.startsWith(callback.url) });
    expect(new URL(finalUrl).searchParams.has('iss')).toBe(false); // Snowflake sends no RFC 9207 iss

    const tokens = await client.authorizationCodeGrant(config, new URL(finalUrl), request.checks);
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.id_token).toBeUndefined();
    expect(tokens.expires_in).toBeLessThanOrEqual(600);
    expect(tokens.scope?.split(' ').sort()).toEqual(['refresh_token', 'session:role:ANALYST']);
    expect(tokens).toMatchObject({ username: 'alice' });
    expect(tokens.refresh_token_expires_in).toBeGreaterThan(0);
    expect(await provider.introspect(tokens.access_token)).toMatchObject({ active: true, sub: 'alice', client_id: 'sf-app' });
    const headers = provider.stats.lastTokenRequestHeaders[0]!;
    expect(headers.authorization).toMatch(/^Basic /); // client_secret_basic
    expect(new URLSearchParams(provider.stats.lastTokenRequestBodies[0]).has('client_secret')).toBe(false);

    provider.failNextTokenRequests(1, 503);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject(UNAVAILABLE);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    // Fixed validity: rotation does not extend the refresh token's lifetime.
    expect(refreshed.refresh_token_expires_in).toBeLessThanOrEqual(tokens.refresh_token_expires_in as number);

    expect(await provider.revokeAllGrantsFor('alice')).toBe(1);
    const failure = await client.refreshTokenGrant(config, refreshed.refresh_token!).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(client.ResponseBodyError);
    expect(failure).toMatchObject({ error: 'invalid_grant', cause: { message: expect.any(String) } });
    expect(provider.stats).toMatchObject({ tokenRequests: 4, authorizationCodeRequests: 1, refreshRequests: 3 });
  });
});

describe('fake provider options', () => {
  it('supports a public PKCE-only client, non-rotating refresh tokens and a short access-token TTL', async () => {
    const callback = await startCallbackServer();
    const provider = await startFakeProvider({
      flavour: 'databricks',
      clients: [{ clientId: 'dbx-public', redirectUris: [callback.url] }],
      rotateRefreshTokens: false,
      accessTokenTtlSeconds: 5,
    });
    try {
      const config = await client.discovery(new URL(provider.issuer), 'dbx-public', undefined, client.None(), { execute: [client.allowInsecureRequests] });
      const request = await authorizationRequest(config, callback.url, DATABRICKS_SCOPES, true);
      const walked = await loginAtProvider(new TestBrowser(), request.url, { login: 'bob', stopAt: (u) => u.startsWith(callback.url), skipFinal: true });
      expect(walked.response.status).toBe(303); // skipFinal: the provider's redirect, callback not called
      expect(callback.hits).toHaveLength(0);
      const finalUrl = walked.finalUrl;
      const tokens = await client.authorizationCodeGrant(config, new URL(finalUrl), request.checks);
      expect(tokens.expires_in).toBeLessThanOrEqual(5);
      provider.delayTokenResponses(300);
      const started = Date.now();
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(refreshed.refresh_token).toBe(tokens.refresh_token);
      expect(await provider.introspect(refreshed.access_token)).toMatchObject({ active: true, sub: 'bob' });
    } finally {
      await provider.close();
      callback.server.close();
    }
  });
});
