import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../src/core/principal.js';
import { catching, isPromiseLike, runSyncFirst, wait, type Steps } from '../src/infra/sync-first.js';
import { TestBrowser, loginAtProvider } from './support/browser.js';
import { exchange, startFlowEnvironment, type FlowEnvironment } from './support/flow.js';

/**
 * infra/sync-first.ts: steps that run synchronously while every value is at hand, and the warm
 * credential exchange built on them.
 */
function* sum(a: number | Promise<number>, b: number | Promise<number>): Steps<number> {
  return (yield* wait(a)) + (yield* wait(b));
}

describe('runSyncFirst', () => {
  it('answers synchronously when nothing is pending', () => {
    expect(runSyncFirst(sum(1, 2))).toBe(3);
  });

  it('continues asynchronously from the first promise, and still sees later values', async () => {
    const answer = runSyncFirst(sum(1, Promise.resolve(2)));
    expect(isPromiseLike(answer)).toBe(true);
    expect(await answer).toBe(3);
  });

  it('waits for thenables that are not native promises (Prisma queries are such)', async () => {
    const thenable = { then: (resolve: (value: number) => void) => resolve(5) };
    expect(await runSyncFirst(sum(thenable as unknown as Promise<number>, 1))).toBe(6);
  });

  it('throws synchronously before anything was awaited, and rejects after', async () => {
    function* failing(first: number | Promise<number>): Steps<number> {
      yield* wait(first);
      throw new Error('refused');
    }
    expect(() => runSyncFirst(failing(1))).toThrow('refused');
    await expect(runSyncFirst(failing(Promise.resolve(1)))).rejects.toThrow('refused');
  });

  it('throws a rejection into the steps, where their own try/catch sees it', async () => {
    function* recovering(): Steps<string> {
      try {
        yield* wait(Promise.reject(new Error('lookup failed')));
        return 'unreachable';
      } catch (error) {
        return `recovered from ${(error as Error).message}`;
      }
    }
    expect(await runSyncFirst(recovering())).toBe('recovered from lookup failed');
  });

  it('catching handles a synchronous throw and a rejection alike', async () => {
    const handled = (error: unknown) => `handled ${(error as Error).message}`;
    expect(catching(() => { throw new Error('now'); }, handled)).toBe('handled now');
    expect(await catching(() => Promise.reject(new Error('later')), handled)).toBe('handled later');
    expect(catching(() => 'fine', handled)).toBe('fine');
  });
});

describe('the warm credential exchange', () => {
  let env: FlowEnvironment;
  let alice: string;
  let sessionToken: string;
  let content: Principal;

  beforeAll(async () => {
    env = await startFlowEnvironment('databricks');
    alice = await env.addViewer('alice');
    sessionToken = await env.sessionToken(alice);
    const url = (await exchange(env.server.url, env.contentKey, sessionToken)).json.payload.authorization_url as string;
    await loginAtProvider(new TestBrowser(), url, { login: 'alice', stopAt: (u) => u.includes('/v1/integrations/callback') });
    content = (await env.server.services.identity.authenticate(env.contentKey))!;
  });
  afterAll(() => env?.close());

  it('answers from the caches without a promise, and is asynchronous again after a revocation', async () => {
    const { credentials, authorizations, identity } = env.server.services;
    const first = await credentials.exchange(content, sessionToken);
    const warm = credentials.exchange(content, sessionToken);
    expect(isPromiseLike(warm)).toBe(false);
    expect(warm).toEqual(first);

    const admin = (await identity.authenticate(env.account.admin.key))!;
    await authorizations.revoke(admin, env.dataSourceId, alice);
    const afterRevoke = Promise.resolve().then(() => credentials.exchange(content, sessionToken));
    await expect(afterRevoke).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' });
  });

  it('refuses synchronously what the caches already decide: a session token for other content', async () => {
    const other = { ...content, contentId: 'other-content' } as Principal;
    expect(() => credentials().exchange(other, sessionToken)).toThrow(/issued for other content/);
  });

  const credentials = () => env.server.services.credentials;
});
