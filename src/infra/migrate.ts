/**
 * Applies prisma/migrations/<name>/migration.sql at start-up, on PGlite and on PostgreSQL.
 *
 * Why not `prisma migrate deploy`: it needs Prisma's native schema engine, a download that is not
 * possible offline, and it cannot reach an embedded PGlite at all. This runner keeps Prisma's own
 * bookkeeping instead (same `_prisma_migrations` table and columns, checksum = sha256 of the file,
 * the same advisory lock key on PostgreSQL), so a database it migrated is accepted as-is by
 * `prisma migrate deploy/status` elsewhere, and the other way round.
 *
 * Each migration runs with its history row in ONE transaction: a failing migration leaves neither
 * schema changes nor a row, and the next start retries the corrected file. A failed row written by
 * Prisma itself (finished_at and rolled_back_at null) or an applied migration whose file changed
 * stops start-up: both need a human (`prisma migrate resolve`, or restoring the file).
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

/** The little a migration needs from a driver; implemented for PGlite and pg in sql-runner.ts. */
export interface SqlRunner {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** A multi-statement script, no parameters. */
  exec(sql: string): Promise<void>;
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  kind: 'pglite' | 'postgres';
}

/** Prisma's key: concurrent instances (and a concurrent `prisma migrate deploy`) wait for each other. */
const ADVISORY_LOCK_KEY = 72707369;

const CREATE_HISTORY_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

interface MigrationFile {
  name: string;
  script: string;
  checksum: string;
}

interface HistoryRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

export async function applyMigrations(db: SqlRunner, migrationsDir: string): Promise<{ applied: string[] }> {
  const files = await readMigrations(migrationsDir);
  // `::text`: a void column cannot be decoded by every driver.
  if (db.kind === 'postgres') await db.query(`SELECT pg_advisory_lock(${ADVISORY_LOCK_KEY})::text AS locked`);
  try {
    // Under the lock: two instances racing on CREATE TABLE IF NOT EXISTS can still collide.
    await db.exec(CREATE_HISTORY_TABLE);
    const history = await readHistory(db);
    const failed = history.find((row) => row.finished_at === null && row.rolled_back_at === null);
    if (failed) {
      throw new Error(
        `migration ${failed.migration_name} is recorded as failed in _prisma_migrations; ` +
          'fix the database by hand, then mark it with `prisma migrate resolve` before starting again',
      );
    }
    const finished = new Map(finishedRows(history).map((row) => [row.migration_name, row.checksum]));
    for (const file of files) {
      const recorded = finished.get(file.name);
      if (recorded !== undefined && recorded !== file.checksum) {
        throw new Error(
          `migration ${file.name} was modified after it was applied (checksum ${recorded} in the database, ` +
            `${file.checksum} on disk); restore the file and put changes in a new migration`,
        );
      }
    }
    const applied: string[] = [];
    for (const file of files.filter((f) => !finished.has(f.name))) {
      try {
        await db.transaction(async (tx) => {
          await tx.exec(file.script);
          await tx.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
             VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
            [randomUUID(), file.checksum, file.name],
          );
        });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`migration ${file.name} failed and was rolled back: ${reason}`, { cause: error });
      }
      applied.push(file.name);
    }
    return { applied };
  } finally {
    if (db.kind === 'postgres') await db.query(`SELECT pg_advisory_unlock(${ADVISORY_LOCK_KEY})`);
  }
}

/** Names of the migrations on disk not yet applied; reads only (creates no table, takes no lock). */
export async function pendingMigrations(db: SqlRunner, migrationsDir: string): Promise<string[]> {
  const files = await readMigrations(migrationsDir);
  const { rows } = await db.query<{ table: string | null }>(`SELECT to_regclass('"_prisma_migrations"')::text AS "table"`);
  const finished = new Set(rows[0]?.table ? finishedRows(await readHistory(db)).map((row) => row.migration_name) : []);
  return files.map((file) => file.name).filter((name) => !finished.has(name));
}

async function readHistory(db: SqlRunner): Promise<HistoryRow[]> {
  const { rows } = await db.query<HistoryRow>(
    'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
  );
  return rows;
}

/** A rolled-back row is an audit trail only, as in Prisma: its migration counts as not applied. */
function finishedRows(history: HistoryRow[]): HistoryRow[] {
  return history.filter((row) => row.finished_at !== null && row.rolled_back_at === null);
}

/** Folder-name order is migration order (timestamp prefixes); a folder without its script is an error, as in Prisma. */
async function readMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(path.join(migrationsDir, name, 'migration.sql'));
      return { name, script: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') };
    }),
  );
}
