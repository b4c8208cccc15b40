import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';
import type { Config } from './config.js';
import { lockDataDir } from './data-dir-lock.js';
import { applyMigrations } from './migrate.js';
import { pgliteRunner, postgresRunner } from './sql-runner.js';

/**
 * One Prisma client over one of two adapters: embedded PGlite under DATA_DIR (default, single
 * process) or PostgreSQL when DATABASE_URL is set (production, several instances).
 */
export interface Database {
  prisma: PrismaClient;
  /** Raw SQL for the few statements on the credential path (see `Statement`); everything else is Prisma. */
  sql: SqlQuery;
  kind: 'pglite' | 'postgres';
  /** The raw PGlite instance (embedded only): used for LISTEN/NOTIFY-free eventing and dumps in tests. */
  pglite?: PGlite;
  /** The PostgreSQL pool (postgres only). */
  pool?: pg.Pool;
  close(): Promise<void>;
}

/**
 * A statement of the credential exchange's first, uncached read and of the audit row that must land
 * before a token leaves. Through Prisma each costs ~0.3–0.5 ms more than the same SQL on the driver
 * (query compilation and result mapping; measured on PostgreSQL loopback), and a returning viewer's
 * first exchange makes both. `name` makes it a prepared statement on PostgreSQL (parsed and planned
 * once per connection). Columns are aliased to the Prisma model's field names, and `timestamp`
 * columns (UTC wall times, as Prisma stores them) are read `AT TIME ZONE 'UTC'`, so rows come back
 * exactly as Prisma would return them whatever the session's time zone.
 */
export interface Statement {
  name: string;
  text: string;
}

export type SqlQuery = <T>(statement: Statement, params: unknown[]) => Promise<T[]>;

/** prisma/migrations of this package, found upward from this file (it runs from src/ and dist/src/). */
export const MIGRATIONS_DIR = findUp(path.dirname(fileURLToPath(import.meta.url)), 'prisma/migrations');

function findUp(from: string, relative: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, relative);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`${relative} not found above ${from}`);
  }
}

export interface OpenDatabaseOptions {
  migrate?: boolean;
  /** Where errors of idle pooled connections go (a restarted or failed-over PostgreSQL); they must not crash the process. */
  onConnectionError?: (error: Error) => void;
  /** An already created PGlite (tests load a pre-initialised dump to skip initdb). */
  pglite?: PGlite;
}

export async function openDatabase(config: Config, options: OpenDatabaseOptions = {}): Promise<Database> {
  const migrate = options.migrate ?? true;
  if (config.databaseUrl) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 10 });
    pool.on('error', options.onConnectionError ?? (() => {}));
    if (migrate) {
      const client = await pool.connect();
      try {
        await applyMigrations(postgresRunner(client), MIGRATIONS_DIR);
      } finally {
        client.release();
      }
    }
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    return {
      prisma,
      sql: async <T>(statement: Statement, params: unknown[]) => (await pool.query({ ...statement, values: params })).rows as T[],
      kind: 'postgres',
      pool,
      close: async () => {
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }

  const unlock = options.pglite ? () => {} : lockDataDir(config.dataDir);
  try {
    const pglite = options.pglite ?? (await PGlite.create(path.join(config.dataDir, 'pglite')));
    if (migrate) await applyMigrations(pgliteRunner(pglite), MIGRATIONS_DIR);
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    return {
      prisma,
      sql: async <T>(statement: Statement, params: unknown[]) => (await pglite.query<T>(statement.text, params)).rows,
      kind: 'pglite',
      pglite,
      close: async () => {
        await prisma.$disconnect();
        await pglite.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}
