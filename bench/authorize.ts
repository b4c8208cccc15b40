import { TestBrowser, loginAtProvider, type BrowserResponse } from '../test/support/browser.js';
import { ApiError, exchange, mapLimit } from './api.js';
import type { BenchEnvironment, Tenant, Viewer } from './setup.js';

/**
 * The real viewer OAuth flow, as test/support/flow.ts walks it: the content's exchange answers
 * NOT_AUTHORIZED with an authorization URL; a cookie-keeping browser opens it (our /authorize, which
 * binds the browser and redirects to the provider), signs in at oidc-provider's login form, confirms
 * consent and follows the redirect to our callback, which exchanges the code at the provider and
 * stores the grant. Nothing is written to the database directly.
 */
export async function authorizationUrlFor(env: BenchEnvironment, tenant: Tenant, viewer: Viewer): Promise<string> {
  const first = await exchange(env.server.url, tenant.contentKey, viewer.sessionToken);
  const url = first.json.payload?.authorization_url;
  if (first.status !== 400 || typeof url !== 'string') throw new ApiError(`expected NOT_AUTHORIZED with a URL, got ${first.status}: ${first.text.slice(0, 300)}`);
  return url;
}

/**
 * Walks the provider's forms up to (not including) our callback, so the caller can time the callback
 * alone; returns the callback URL and a function that requests it with the same browser.
 */
export async function loginUpToCallback(env: BenchEnvironment, authorizationUrl: string, login: string) {
  const browser = new TestBrowser();
  const { finalUrl } = await loginAtProvider(browser, authorizationUrl, {
    login,
    stopAt: (u) => u.startsWith(env.callbackUrl),
    skipFinal: true,
  });
  return { callbackUrl: finalUrl, complete: (): Promise<BrowserResponse> => browser.get(finalUrl) };
}

/** One viewer through the whole flow; throws unless the callback reports success (303 to the content). */
export async function authorizeViewer(env: BenchEnvironment, tenant: Tenant, viewer: Viewer): Promise<void> {
  const url = await authorizationUrlFor(env, tenant, viewer);
  const { complete } = await loginUpToCallback(env, url, viewer.login);
  const response = await complete();
  if (response.status !== 303) throw new ApiError(`callback answered ${response.status} for ${viewer.login}: ${response.body.slice(0, 300)}`);
}

/** Authorizes many viewers through the real flow, `concurrency` browsers at a time. */
export async function authorizeViewers(env: BenchEnvironment, tenant: Tenant, viewers: readonly Viewer[], concurrency: number, onProgress?: (done: number) => void) {
  let done = 0;
  const started = performance.now();
  await mapLimit(viewers, concurrency, async (viewer) => {
    await authorizeViewer(env, tenant, viewer);
    done += 1;
    if (done % 500 === 0) onProgress?.(done);
  });
  return { count: viewers.length, ms: performance.now() - started };
}
