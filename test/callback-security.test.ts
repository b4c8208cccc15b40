import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { TestBrowser } from './support/browser.js';
import { exchange, obtainCallback, startFlowEnvironment, type FlowEnvironment } from './support/flow.js';
import { startFakeProvider, type FakeProvider } from './support/fake-provider.js';
import { gql } from './support/server.js';

/**
 * Security checklist section A (the callback) and C (the credential endpoint), each fault against a
 * real oidc-provider. "Zero token requests" is counted at the provider itself.
 */
const AuthorizationUrl = graphql(`
  query AuthorizationUrl($sessionToken: String!, $dataSourceId: ID, $returnTo: String) {
    viewerAuthorizationUrl(sessionToken: $sessionToken, dataSourceId: $dataSourceId, returnTo: $returnTo)
  }
`);
const Detach = graphql(`
  mutation SecDetach($contentId: ID!, $dataSourceId: ID!) { detachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }
`);
const Attach = graphql(`
  mutation SecAttach($contentId: ID!, $dataSourceId: ID!) { attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }
`);
const CreateContent = graphql(`
  mutation SecCreateContent($input: CreateContentInput!) { createContent(input: $input) { id } }
`);
const ContentKey = graphql(`
  mutation SecContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key } }
`);

describe('callback and credential endpoint security', () => {
  let env: FlowEnvironment;
  let alice: string;
  let bob: string;
  let aliceToken: string;
  let bobToken: string;
  const callbackBase = () => `${env.server.url}/v1/integrations/callback`;
  const authUrl = async (token: string, extra: { dataSourceId?: string; returnTo?: string } = {}) => {
    const result = await gql(env.server.url, AuthorizationUrl, { sessionToken: token, ...extra }, env.contentKey);
    if (result.errors) throw Object.assign(new Error('authUrl failed'), { errors: result.errors });
    return result.data!.viewerAuthorizationUrl;
  };

  beforeAll(async () => {
    env = await startFlowEnvironment('databricks');
    alice = await env.addViewer('alice');
    bob = await env.addViewer('bob');
    aliceToken = await env.sessionToken(alice);
    bobToken = await env.sessionToken(bob);
  });
  afterAll(() => env?.close());

  it('A1: sends PKCE S256 and a nonce to the provider, and a verifier in the token request', async () => {
    const browser = new TestBrowser();
    const start = await browser.get(await authUrl(aliceToken));
    expect(start.status).toBe(302);
    const providerUrl = new URL(start.headers.get('location')!);
    expect(providerUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(providerUrl.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(providerUrl.searchParams.get('nonce')).toBeTruthy();
    expect(providerUrl.searchParams.get('redirect_uri')).toBe(callbackBase());
  });

  it('A2: rejects missing, unknown and duplicated state, and another browser, with zero token requests', async () => {
    const { callbackUrl, browser } = await obtainCallback(await authUrl(aliceToken), 'alice');
    const query = new URL(callbackUrl).searchParams;
    env.provider.resetStats();
    const noState = new URLSearchParams(query);
    noState.delete('state');
    const wrongState = new URLSearchParams(query);
    wrongState.set('state', 'forged');
    const duplicated = `${query.toString()}&state=${query.get('state')}`;
    expect((await browser.get(`${callbackBase()}?${noState}`)).status).toBe(400);
    expect((await browser.get(`${callbackBase()}?${wrongState}`)).status).toBe(400);
    expect((await browser.get(`${callbackBase()}?${duplicated}`)).status).toBe(400);
    expect((await new TestBrowser().get(callbackUrl)).status).toBe(400); // no binding cookie
    expect(env.provider.stats.tokenRequests).toBe(0);
    // The rightful browser can still finish: the faults consumed nothing.
    expect((await browser.get(callbackUrl)).status).toBe(303);
    expect(env.provider.stats.authorizationCodeRequests).toBe(1);
  });

  it('A3/A4: access_denied with a valid state records DECLINED; implicit params and missing code are refused', async () => {
    const browser = new TestBrowser();
    const start = await browser.get(await authUrl(bobToken));
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    env.provider.resetStats();
    expect((await browser.get(`${callbackBase()}?state=${state}&token=x&code=y`)).status).toBe(400);
    const denied = await browser.get(`${callbackBase()}?error=access_denied&error_description=%3Cscript%3E&state=${state}`);
    expect(denied.status).toBe(303);
    const row = await env.server.services.db.prisma.viewerAuthorization.findFirst({ where: { userId: bob } });
    expect(row?.status).toBe('DECLINED');
    const start2 = await browser.get(await authUrl(bobToken, { returnTo: undefined }));
    const state2 = new URL(start2.headers.get('location')!).searchParams.get('state')!;
    const noCode = await browser.get(`${callbackBase()}?state=${state2}`);
    expect(noCode.status).toBe(400);
    expect(noCode.body).not.toContain('<script>');
    expect(env.provider.stats.tokenRequests).toBe(0);
  });

  it('A5: a code from another data source (mix-up) is rejected before any token request', async () => {
    const hostile: FakeProvider = await startFakeProvider({
      flavour: 'databricks',
      clients: [{ clientId: 'client-databricks', clientSecret: env.clientSecret, redirectUris: [callbackBase()] }],
    });
    try {
      const hostileId = await env.addDataSource('Hostile', hostile);
      await gql(env.server.url, Attach, { contentId: env.contentId, dataSourceId: hostileId }, env.account.publisher.key);
      // The viewer starts a flow for the honest source; the attacker gets a code at the hostile one
      // and injects it, with the honest state, into the viewer's callback.
      const browser = new TestBrowser();
      const honestStart = await browser.get(await authUrl(aliceToken, { dataSourceId: env.dataSourceId }));
      const honestState = new URL(honestStart.headers.get('location')!).searchParams.get('state')!;
      const attacker = await obtainCallback(await authUrl(bobToken, { dataSourceId: hostileId }), 'mallory');
      const injected = new URL(attacker.callbackUrl).searchParams;
      injected.set('state', honestState);
      env.provider.resetStats();
      hostile.resetStats();
      const response = await browser.get(`${callbackBase()}?${injected}`);
      expect(response.status).toBe(400);
      expect(env.provider.stats.tokenRequests).toBe(0);
      expect(hostile.stats.tokenRequests).toBe(0);
      await gql(env.server.url, Detach, { contentId: env.contentId, dataSourceId: hostileId }, env.account.publisher.key);
    } finally {
      await hostile.close();
    }
  });

  it('A6: the redirect_uri comes from PUBLIC_URL, never from Host / X-Forwarded-Host', async () => {
    const { callbackUrl, browser } = await obtainCallback(await authUrl(bobToken, { dataSourceId: env.dataSourceId }), 'bob');
    env.provider.resetStats();
    const response = await browser.get(callbackUrl, { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' });
    expect(response.status).toBe(303);
    const body = env.provider.stats.lastTokenRequestBodies.at(-1)!;
    expect(new URLSearchParams(body).get('redirect_uri')).toBe(callbackBase());
  });

  it('A7: refuses a returnTo off the content origin', async () => {
    await expect(authUrl(aliceToken, { dataSourceId: env.dataSourceId, returnTo: 'https://evil.example/x' })).rejects.toMatchObject({
      errors: [{ extensions: { code: 'BAD_USER_INPUT', field: 'returnTo' } }],
    });
    await expect(authUrl(aliceToken, { dataSourceId: env.dataSourceId, returnTo: '//evil.example/x' })).rejects.toThrow();
    expect(await authUrl(aliceToken, { dataSourceId: env.dataSourceId, returnTo: '/trips/?tab=2' })).toMatch(/authorize\?state=/);
  });

  it('A9: ten concurrent duplicate callbacks exchange the code once and the grant survives', async () => {
    const { callbackUrl, browser } = await obtainCallback(await authUrl(aliceToken, { dataSourceId: env.dataSourceId }), 'alice');
    env.provider.resetStats();
    const responses = await Promise.all(Array.from({ length: 10 }, () => browser.get(callbackUrl)));
    expect(responses.every((r) => r.status === 303)).toBe(true);
    expect(env.provider.stats.authorizationCodeRequests).toBe(1);
    // Back-button replay later: still no second exchange.
    expect((await browser.get(callbackUrl)).status).toBe(303);
    expect(env.provider.stats.authorizationCodeRequests).toBe(1);
    const creds = await exchange(env.server.url, env.contentKey, aliceToken, env.dataSourceId);
    expect(creds.status).toBe(200);
  });

  it('C1: refuses forged, expired and foreign session tokens with no detail', async () => {
    const [header, payload, signature] = aliceToken.split('.');
    const noneAlg = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'oi-session+jwt' })).toString('base64url')}.${payload}.`;
    // Alice's token is verified and cached by now; her signature on a payload naming someone else must not ride on that.
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const otherViewer = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url');
    expect((await exchange(env.server.url, env.contentKey, aliceToken, env.dataSourceId)).status).toBe(200);
    for (const token of ['garbage', `${header}.${payload}.AAAA`, noneAlg, aliceToken.slice(0, -2), `${header}.${otherViewer}.${signature}`]) {
      const result = await exchange(env.server.url, env.contentKey, token, env.dataSourceId);
      expect(result.status).toBe(400);
      expect(result.json).toMatchObject({ code: 217 });
    }
  });

  it('C2/G3: another content cannot use the token; a detach takes effect at once', async () => {
    const other = await gql(env.server.url, CreateContent, { input: { name: 'Other' } }, env.account.publisher.key);
    const otherId = other.data!.createContent.id;
    const otherKey = (await gql(env.server.url, ContentKey, { contentId: otherId }, env.account.publisher.key)).data!.createContentApiKey.key;
    const crossContent = await exchange(env.server.url, otherKey, aliceToken, env.dataSourceId);
    expect(crossContent.status).toBe(403);
    await gql(env.server.url, Detach, { contentId: env.contentId, dataSourceId: env.dataSourceId }, env.account.publisher.key);
    const detached = await exchange(env.server.url, env.contentKey, aliceToken, env.dataSourceId);
    expect(detached.json).toMatchObject({ code: 212 });
    await gql(env.server.url, Attach, { contentId: env.contentId, dataSourceId: env.dataSourceId }, env.account.publisher.key);
  });

  it("C5: each viewer only ever gets their own token", async () => {
    const aliceCreds = await exchange(env.server.url, env.contentKey, aliceToken, env.dataSourceId);
    const bobCreds = await exchange(env.server.url, env.contentKey, bobToken, env.dataSourceId);
    expect(aliceCreds.status).toBe(200);
    expect(bobCreds.status).toBe(200);
    expect(await env.provider.introspect(aliceCreds.json.access_token)).toMatchObject({ sub: 'alice' });
    expect(await env.provider.introspect(bobCreds.json.access_token)).toMatchObject({ sub: 'bob' });
    const carol = await env.addViewer('carol');
    const carolCreds = await exchange(env.server.url, env.contentKey, await env.sessionToken(carol), env.dataSourceId);
    expect(carolCreds.json).toMatchObject({ code: 214 });
  });
});
