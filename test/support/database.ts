import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Which database a test server gets. By default a fresh embedded PGlite directory; with
 * TEST_DATABASE_URL (a PostgreSQL server URL) a throw-away database per server, dropped on close.
 * .ci/run runs the whole suite both ways so both adapters stay green.
 */
export interface TestDatabase {
  env: Record<string, string>;
  drop(): Promise<void>;
}

export const usingPostgres = Boolean(process.env.TEST_DATABASE_URL);

export async function createTestDatabase(): Promise<TestDatabase> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oi-test-'));
    return { env: { DATA_DIR: dataDir }, drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `oi_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString(), DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'oi-test-')) },
    drop: async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Keys for PostgreSQL runs (several instances must share them); PGlite runs generate their own. */
export function testKeysEnv(): Record<string, string> {
  return {
    ENCRYPTION_KEYS: `ktest:${randomBytes(32).toString('base64')}`,
    SIGNING_KEY: randomBytes(32).toString('base64'),
  };
}
