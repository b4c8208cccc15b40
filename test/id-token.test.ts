import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchange, obtainCallback, startFlowEnvironment, type FlowEnvironment } from './support/flow.js';
import type { IdTokenFault } from './support/id-token-tamper.js';

/**
 * Checklist A10: with `openid` in scope (Databricks), the callback must refuse an ID Token that is
 * not exactly the one this transaction asked for, and keep nothing from that token response:
 * RFC 9700 §4.5.3.2 says to disregard all tokens until the nonce check succeeds.
 */
const FAULTS: IdTokenFault[] = ['wrong-nonce', 'missing-nonce', 'wrong-audience', 'wrong-issuer', 'alg-none', 'foreign-signature', 'expired'];

describe('hostile ID Tokens at the callback (A10)', () => {
  let env: FlowEnvironment;

  beforeAll(async () => {
    env = await startFlowEnvironment('databricks');
  });
  afterAll(() => env?.close());

  async function loginWith(fault: IdTokenFault | undefined, login: string) {
    const userId = await env.addViewer(login);
    const sessionToken = await env.sessionToken(userId);
    const first = await exchange(env.server.url, env.contentKey, sessionToken);
    expect(first.json.code).toBe(214); // not authorized yet, with the login URL
    if (fault) env.provider.tamperNextIdToken(fault);
    const { callbackUrl, browser } = await obtainCallback(first.json.payload.authorization_url as string, login);
    const callback = await browser.get(callbackUrl);
    return { userId, sessionToken, callback, page: callback.body };
  }

  for (const fault of FAULTS) {
    it(`refuses an ID Token with ${fault} and stores no token`, async () => {
      const login = `victim-${fault}`;
      const { userId, sessionToken, callback, page } = await loginWith(fault, login);
      expect(callback.status, page).toBeGreaterThanOrEqual(400);
      expect(callback.headers.get('location')).toBeNull();
      expect(page).not.toMatch(/eyJ[\w-]+\.[\w-]+/); // no JWT (id or access token) echoed back

      const row = await env.server.services.db.prisma.viewerAuthorization.findFirst({ where: { userId } });
      expect(row?.status ?? 'NOT_AUTHORIZED').not.toBe('AUTHORIZED');
      expect(row?.refreshTokenSealed ?? null).toBeNull();
      expect(row?.accessTokenSealed ?? null).toBeNull();
      const after = await exchange(env.server.url, env.contentKey, sessionToken);
      expect(after.status).toBe(400);
      expect(after.json.code).toBe(214);
      expect(after.text).not.toContain('access_token');
    });
  }

  it('still completes an honest login on the same data source (the faults did not poison it)', async () => {
    const { sessionToken, callback } = await loginWith(undefined, 'honest-viewer');
    expect(callback.status).toBeLessThan(400);
    const credentials = await exchange(env.server.url, env.contentKey, sessionToken);
    expect(credentials.status, credentials.text).toBe(200);
    expect(await env.provider.introspect(credentials.json.access_token)).toMatchObject({ active: true, sub: 'honest-viewer' });
  });
});
