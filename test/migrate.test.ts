import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, pendingMigrations, type SqlRunner } from '../src/infra/migrate.js';
import { pgliteRunner, postgresRunner } from '../src/infra/sql-runner.js';
import { MIGRATIONS_DIR, diffMigrationsToSchema } from '../scripts/migration-engine.js';

/**
 * The start-up migration runner on both databases it must support, and the drift check: the
 * checked-in migrations must produce exactly prisma/schema.prisma.
 */

const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const migrationNames = fs
  .readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
const tempDirs: string[] = [];

/** A copy of prisma/migrations, plus extra migrations, or with one file rewritten. */
function migrationsCopy(change: { add?: Record<string, string>; rewrite?: Record<string, (sql: string) => string> }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oi-migrations-'));
  tempDirs.push(dir);
  fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  for (const [name, sql] of Object.entries(change.add ?? {})) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, 'migration.sql'), sql);
  }
  for (const [name, rewrite] of Object.entries(change.rewrite ?? {})) {
    const file = path.join(dir, name, 'migration.sql');
    fs.writeFileSync(file, rewrite(fs.readFileSync(file, 'utf8')));
  }
  return dir;
}

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function tableExists(db: SqlRunner, table: string): Promise<boolean> {
  const { rows } = await db.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [table]);
  return rows[0]?.t != null;
}

/** Throw-away PostgreSQL databases, dropped even when a test fails. */
async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `oi_migrate_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** The same behaviour on both drivers; the tests share one database and run in order. */
function migrationSuite(kind: SqlRunner['kind'], open: () => Promise<{ db: SqlRunner; close(): Promise<void> }>) {
  describe(`applyMigrations on ${kind}`, () => {
    let db: SqlRunner;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ db, close } = await open());
    });
    afterAll(async () => {
      await close?.();
    });

    it('applies every migration once; a second run is a no-op', async () => {
      expect(await pendingMigrations(db, MIGRATIONS_DIR)).toEqual(migrationNames);
      expect(await applyMigrations(db, MIGRATIONS_DIR)).toEqual({ applied: migrationNames });
      expect(await applyMigrations(db, MIGRATIONS_DIR)).toEqual({ applied: [] });
      expect(await pendingMigrations(db, MIGRATIONS_DIR)).toEqual([]);
    });

    it("leaves schema.prisma's tables and Prisma-compatible history rows", async () => {
      for (const table of ['accounts', 'data_sources', 'viewer_authorizations', 'encryption_keys']) {
        expect(await tableExists(db, table), table).toBe(true);
      }
      const { rows } = await db.query<{ migration_name: string; checksum: string; applied_steps_count: number; done: boolean }>(
        'SELECT migration_name, checksum, applied_steps_count, finished_at IS NOT NULL AS done FROM "_prisma_migrations" ORDER BY migration_name',
      );
      expect(rows).toEqual(
        migrationNames.map((name) => ({
          migration_name: name,
          checksum: createHash('sha256').update(fs.readFileSync(path.join(MIGRATIONS_DIR, name, 'migration.sql'))).digest('hex'),
          applied_steps_count: 1,
          done: true,
        })),
      );
    });

    it('refuses a migration whose file changed after it was applied', async () => {
      const first = migrationNames[0]!;
      const tampered = migrationsCopy({ rewrite: { [first]: (sql) => `${sql}\n-- edited\n` } });
      await expect(applyMigrations(db, tampered)).rejects.toThrow(new RegExp(`${first} was modified after it was applied`));
    });

    it('rolls back a failing migration entirely and records nothing', async () => {
      const bad = '99990101000000_bad';
      const dir = migrationsCopy({ add: { [bad]: 'CREATE TABLE half_done (id int);\nSELEC broken;\n' } });
      await expect(applyMigrations(db, dir)).rejects.toThrow(new RegExp(`migration ${bad} failed and was rolled back: .*SELEC`));
      expect(await tableExists(db, 'half_done')).toBe(false);
      const { rows } = await db.query('SELECT 1 FROM "_prisma_migrations" WHERE migration_name = $1', [bad]);
      expect(rows).toEqual([]);
      expect(await pendingMigrations(db, dir)).toEqual([bad]);
    });

    it('refuses to run after a migration that Prisma recorded as failed', async () => {
      const failed = '99990101000001_failed_elsewhere';
      await db.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ($1, $2, $3)`, [
        'test-failed-row',
        '0'.repeat(64),
        failed,
      ]);
      try {
        await expect(applyMigrations(db, MIGRATIONS_DIR)).rejects.toThrow(new RegExp(`${failed} is recorded as failed`));
      } finally {
        await db.query(`DELETE FROM "_prisma_migrations" WHERE id = 'test-failed-row'`);
      }
    });
  });
}

migrationSuite('pglite', async () => {
  const pglite = new PGlite(); // in memory: one initdb (~5 s) for the whole suite
  return { db: pgliteRunner(pglite), close: () => pglite.close() };
});

migrationSuite('postgres', async () => {
  const database = await createPostgresDatabase();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  return {
    db: postgresRunner(client),
    close: async () => {
      await client.end();
      await database.drop();
    },
  };
});

describe('applyMigrations on postgres, several instances at once', () => {
  it('serialises on the advisory lock: one instance applies, the others find nothing to do', async () => {
    const database = await createPostgresDatabase();
    const clients = [1, 2, 3].map(() => new pg.Client({ connectionString: database.url }));
    try {
      await Promise.all(clients.map((c) => c.connect()));
      const results = await Promise.all(clients.map((c) => applyMigrations(postgresRunner(c), MIGRATIONS_DIR)));
      expect(results.map((r) => r.applied).sort()).toEqual([[], [], migrationNames]);
    } finally {
      await Promise.all(clients.map((c) => c.end().catch(() => {})));
      await database.drop();
    }
  });
});

describe('prisma/migrations', () => {
  it('match prisma/schema.prisma (else run `npm run migration:create -- <name>`)', async () => {
    expect(await diffMigrationsToSchema()).toBe('');
  });
});
