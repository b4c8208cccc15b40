import type { PGlite, Transaction } from '@electric-sql/pglite';
import type pg from 'pg';
import type { SqlRunner } from './migrate.js';

/**
 * The two drivers behind the SqlRunner seam used by the migration runner, which must work before
 * (and without) a Prisma client: Prisma's adapters cannot run multi-statement scripts reliably.
 */

export function pgliteRunner(db: PGlite): SqlRunner {
  return {
    kind: 'pglite',
    query: async <T>(sql: string, params?: unknown[]) => ({ rows: (await db.query<T>(sql, params)).rows }),
    exec: async (sql) => {
      await db.exec(sql);
    },
    transaction: (fn) => db.transaction((tx) => fn(pgliteTransactionRunner(tx))),
  };
}

function pgliteTransactionRunner(tx: Transaction): SqlRunner {
  return {
    kind: 'pglite',
    query: async <T>(sql: string, params?: unknown[]) => ({ rows: (await tx.query<T>(sql, params)).rows }),
    exec: async (sql) => {
      await tx.exec(sql);
    },
    transaction: nestedTransaction,
  };
}

/**
 * One connection only: transactions are BEGIN/COMMIT on it, so the caller must not share the client
 * meanwhile. Accepts a plain Client or a PoolClient checked out of a pool (both are a ClientBase).
 */
export function postgresRunner(client: pg.ClientBase): SqlRunner {
  const runner = (inTransaction: boolean): SqlRunner => ({
    kind: 'postgres',
    // `T` is the caller's row shape: pg's row type constraint adds nothing for untyped SQL.
    query: async <T>(sql: string, params?: unknown[]) => ({ rows: (await client.query(sql, params)).rows as T[] }),
    exec: async (sql) => {
      // No parameters: pg uses the simple query protocol, which accepts several statements.
      await client.query(sql);
    },
    transaction: inTransaction
      ? nestedTransaction
      : async (fn) => {
          await client.query('BEGIN');
          try {
            const result = await fn(runner(true));
            await client.query('COMMIT');
            return result;
          } catch (error) {
            // The original error matters more than a failed rollback (e.g. a dropped connection).
            await client.query('ROLLBACK').catch(() => {});
            throw error;
          }
        },
  });
  return runner(false);
}

/** A silent "join the outer transaction" would hide that an inner failure cannot roll back alone. */
function nestedTransaction(): Promise<never> {
  return Promise.reject(new Error('nested transactions are not supported by SqlRunner'));
}
