import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The database the server under test runs on: by default a fresh embedded (PGlite) data directory;
 * with BENCH_DATABASE_URL (a PostgreSQL server URL, e.g. postgresql://postgres@127.0.0.1:5432/postgres)
 * a throw-away database created here and dropped at the end, with explicit keys as PostgreSQL requires.
 */
export interface BenchDatabase {
  kind: 'embedded' | 'postgres';
  /** Environment for every server process (and the CLI) on this database. */
  env: Record<string, string>;
  describe: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oi-bench-'));
  const removeDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  const base = process.env.BENCH_DATABASE_URL;
  if (!base) {
    return { kind: 'embedded', env: { DATA_DIR: dataDir }, describe: `embedded PGlite in ${dataDir}`, drop: async () => removeDir() };
  }
  const name = `oi_bench_${randomBytes(6).toString('hex')}`;
  await withAdmin(base, (admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    env: {
      DATA_DIR: dataDir,
      DATABASE_URL: url.toString(),
      ENCRYPTION_KEYS: `kbench:${randomBytes(32).toString('base64')}`,
      SIGNING_KEY: randomBytes(32).toString('base64'),
    },
    describe: `PostgreSQL database ${name} on ${url.host}`,
    drop: async () => {
      await withAdmin(base, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      removeDir();
    },
  };
}

async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
