import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../src/core/errors.js';
import { SessionTokenService } from '../src/core/session-tokens.js';
import type { PrismaClient } from '../src/generated/prisma/client.js';

// Signing and verifying never touch the database; minting for a principal (which does) is covered by the API tests.
const noDatabase = {} as PrismaClient;
const ISSUER = 'http://127.0.0.1:1';
const session = { accountId: 'account-1', contentId: 'content-1', userId: 'viewer-1' };

async function refusal(result: unknown): Promise<string | undefined> {
  try {
    await result;
  } catch (error) {
    return error instanceof AppError ? error.code : String(error);
  }
  return undefined;
}

describe('SessionTokenService.verify and its cache of verified tokens', () => {
  it('answers a verified token again without a promise, and nothing but that exact token from the cache', async () => {
    const sessions = new SessionTokenService(noDatabase, randomBytes(32), ISSUER, 300);
    const token = await sessions.sign(session);
    expect(await sessions.verify(token)).toMatchObject(session);
    // Cached: the second answer is the session itself, not a promise.
    expect(sessions.verify(token)).toMatchObject(session);

    // Another viewer's claims under the first token's signature: the cache is keyed by the
    // signature's end, so this lands on the same entry and must still be refused.
    const [header, , signature] = token.split('.') as [string, string, string];
    const otherClaims = Buffer.from(JSON.stringify({ acc: 'account-1', sub: 'viewer-2', aud: 'urn:oauth-integrations:content:content-1' })).toString('base64url');
    const forged = `${header}.${otherClaims}.${signature}`;
    expect(forged.slice(-8)).toBe(token.slice(-8));
    expect(await refusal(sessions.verify(forged))).toBe('INVALID_SESSION_TOKEN');

    // The refusal did not evict the genuine token's entry.
    expect(sessions.verify(token)).toMatchObject(session);
  });

  it('refuses a token signed with another key, and one changed in any segment', async () => {
    const sessions = new SessionTokenService(noDatabase, randomBytes(32), ISSUER, 300);
    const stranger = new SessionTokenService(noDatabase, randomBytes(32), ISSUER, 300);
    expect(await refusal(sessions.verify(await stranger.sign(session)))).toBe('INVALID_SESSION_TOKEN');

    const token = await sessions.sign(session);
    await sessions.verify(token);
    for (const at of [5, token.indexOf('.') + 5, token.length - 40]) {
      const changed = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
      expect(await refusal(sessions.verify(changed)), `changed at ${at}`).toBe('INVALID_SESSION_TOKEN');
    }
  });
});
