import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizationStore } from '../src/core/authorizations.js';
import type { SqlQuery, Statement } from '../src/infra/db.js';
import { TestBrowser, loginAtProvider } from './support/browser.js';
import { usingPostgres } from './support/database.js';
import { exchange, startFlowEnvironment, type FlowEnvironment } from './support/flow.js';

/**
 * The credential path's raw statements (infra/db.ts `Statement`) against a real database: a row
 * read by the authorization store is exactly the row Prisma returns, field for field, also when the
 * database session runs in another time zone (Prisma stores UTC wall times in `timestamp` columns),
 * and the CREDENTIAL_ISSUED row it inserts carries the time it was written.
 */
/** +12:45 / +13:45: no whole-hour mistake can pass. */
const ZONE = 'Pacific/Chatham';

describe('raw SQL on the credential path', () => {
  let env: FlowEnvironment;
  let alice: string;

  const prisma = () => env.server.services.db.prisma;
  const storeOver = (sql: SqlQuery) => new AuthorizationStore(prisma(), sql, env.server.services.keys.keyring, 0);

  beforeAll(async () => {
    env = await startFlowEnvironment('databricks');
    alice = await env.addViewer('alice');
    const session = await env.sessionToken(alice);
    const url = (await exchange(env.server.url, env.contentKey, session)).json.payload.authorization_url as string;
    await loginAtProvider(new TestBrowser(), url, { login: 'alice', stopAt: (u) => u.includes('/v1/integrations/callback') });
    // Every nullable timestamp and text column set, so that none is compared as null against null.
    await prisma().viewerAuthorization.updateMany({
      where: { userId: alice },
      data: { leaseUntil: new Date('2031-02-03T04:05:06.789Z'), leaseOwner: 'instance-a', retryAfter: new Date('2030-01-01T00:00:00.001Z'), lastError: 'invalid_grant', failureCount: 2 },
    });
  });
  afterAll(() => env?.close());

  it('reads a row exactly as Prisma does', async () => {
    const expected = await prisma().viewerAuthorization.findFirstOrThrow({ where: { userId: alice } });
    const row = await storeOver(env.server.services.db.sql).find(env.dataSourceId, alice, { fresh: true });
    expect(row).toEqual(expected);
    expect(row!.accessTokenExpiresAt!.getTime()).toBe(expected.accessTokenExpiresAt!.getTime());
    expect(row!.leaseUntil!.toISOString()).toBe('2031-02-03T04:05:06.789Z');
    expect(await storeOver(env.server.services.db.sql).find(env.dataSourceId, env.account.admin.userId, { fresh: true })).toBeNull();
  });

  it('reads the same instants when the database session and this process are in another time zone', async () => {
    const expected = await prisma().viewerAuthorization.findFirstOrThrow({ where: { userId: alice } });
    // Drivers parse a `timestamp` (no zone) as the process's local time: the statement must not let them.
    const processZone = process.env.TZ;
    process.env.TZ = ZONE;
    try {
      expect(new Date(Date.UTC(2030, 0, 1)).getTimezoneOffset()).not.toBe(0);
      expect(await findInSessionZone(ZONE)).toEqual(expected);
    } finally {
      if (processZone === undefined) delete process.env.TZ;
      else process.env.TZ = processZone;
    }
  });

  /** Alice's row read by a store whose database session runs in `zone`. */
  async function findInSessionZone(zone: string) {
    if (!usingPostgres) {
      const pglite = env.server.services.db.pglite!;
      await pglite.exec(`SET TIME ZONE '${zone}'`);
      try {
        return await storeOver(env.server.services.db.sql).find(env.dataSourceId, alice, { fresh: true });
      } finally {
        await pglite.exec('RESET TIME ZONE');
      }
    }
    const client = new pg.Client({ connectionString: env.server.services.config.databaseUrl!, options: `-c TimeZone=${zone}` });
    await client.connect();
    try {
      expect((await client.query('SHOW TimeZone')).rows[0].TimeZone).toBe(zone);
      const sql: SqlQuery = async <T>(statement: Statement, params: unknown[]) => (await client.query({ ...statement, values: params })).rows as T[];
      return await storeOver(sql).find(env.dataSourceId, alice, { fresh: true });
    } finally {
      await client.end();
    }
  }

  it('writes CREDENTIAL_ISSUED with the time of the exchange', async () => {
    const before = Date.now();
    const served = await exchange(env.server.url, env.contentKey, await env.sessionToken(alice));
    expect(served.status).toBe(200);
    const issued = await prisma().auditEvent.findFirstOrThrow({ where: { action: 'CREDENTIAL_ISSUED', viewerId: alice } });
    expect(issued).toMatchObject({ actorType: 'CONTENT', actorId: env.contentId, contentId: env.contentId, dataSourceId: env.dataSourceId });
    expect(issued.createdAt.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(issued.createdAt.getTime()).toBeLessThanOrEqual(Date.now() + 5);
  });
});
