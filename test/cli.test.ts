import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitUntilAnswering } from './support/server.js';
import { usingPostgres } from './support/database.js';
import { createServices } from '../src/app.js';
import { loadConfig } from '../src/infra/config.js';
import { createLogger } from '../src/infra/logger.js';

/**
 * The command line a newcomer uses, on a real embedded data directory: bootstrap, the data-directory
 * lock, fail-closed keys, key rotation, and no secret in plaintext anywhere in the database files.
 */
const run = promisify(execFile);
const MAIN = path.resolve('src/main.ts');
const TSX = path.resolve('node_modules/.bin/tsx');
const SECRET = 'cli-secret-CANARY-5d1f0a';

function cli(args: string[], env: Record<string, string>) {
  return run(TSX, [MAIN, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, timeout: 60_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
  );
}

function* files(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else yield full;
  }
}

describe.skipIf(usingPostgres)('command line on the embedded database', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let apiKey: string;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oi-cli-'));
    env = { DATA_DIR: dataDir };
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('bootstraps an account and prints the admin key once as JSON', async () => {
    const result = await cli(['bootstrap', '--account', 'acme', '--email', 'admin@acme.example', '--json'], env);
    expect(result.code).toBe(0);
    const created = JSON.parse(result.stdout) as { accountId: string; userId: string; apiKey: string };
    expect(Object.keys(created).sort()).toEqual(['accountId', 'apiKey', 'userId']);
    apiKey = created.apiKey;
    const again = await cli(['bootstrap', '--account', 'acme', '--email', 'x@acme.example'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Account "acme" already exists');
  });

  it('serves, refuses a second process on the same directory, and keeps secrets sealed on disk', async () => {
    const port = await freePort();
    const server = spawn(TSX, [MAIN, 'serve'], {
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: 'pipe',
    });
    let logged = '';
    server.stderr.on('data', (chunk: Buffer) => (logged += chunk.toString('utf8')));
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitUntilAnswering(`${url}/__ping__`, 100);
      // The line an operator reads first: where the start went, in whole milliseconds.
      const listening = logged.split('\n').find((line) => line.includes('oauth-integrations listening'));
      const { startup } = JSON.parse(listening ?? '{}') as { startup?: Record<string, unknown> };
      expect(Object.keys(startup ?? {}).sort()).toEqual(['httpMs', 'modulesMs', 'servicesMs']);
      for (const ms of Object.values(startup!)) expect(Number.isInteger(ms) && (ms as number) >= 0).toBe(true);
      const added = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Key ${apiKey}` },
        body: JSON.stringify({
          query: 'mutation($i: AddDataSourceInput!) { addDataSource(input: $i) { id hasClientSecret } }',
          variables: { i: { name: 'W', provider: 'DATABRICKS', clientId: 'c', clientSecret: SECRET, hostUrl: 'w.cloud.databricks.com' } },
        }),
      }).then((r) => r.json() as Promise<{ data: { addDataSource: { hasClientSecret: boolean } } }>);
      expect(added.data.addDataSource.hasClientSecret).toBe(true);
      const locked = await cli(['bootstrap', '--account', 'other', '--email', 'a@b.example'], env);
      expect(locked.code).toBe(1);
      expect(locked.stderr).toMatch(/in use by another process/);
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    expect(logged).toContain('shutting down');
    expect(logged).not.toContain(SECRET);
    expect(logged).not.toContain(apiKey);
    for (const file of files(path.join(dataDir, 'pglite'))) {
      expect(fs.readFileSync(file).includes(SECRET), file).toBe(false);
    }
  });

  it('rotates keys idempotently and keeps everything readable', async () => {
    const before = JSON.parse(fs.readFileSync(path.join(dataDir, 'keys.json'), 'utf8')) as { encryptionKeys: string };
    const first = await cli(['rotate-keys'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Re-encrypted 1 value/);
    const after = JSON.parse(fs.readFileSync(path.join(dataDir, 'keys.json'), 'utf8')) as { encryptionKeys: string };
    expect(after.encryptionKeys.split(',')).toHaveLength(1);
    expect(after.encryptionKeys).not.toBe(before.encryptionKeys);
    const rerun = await cli(['rotate-keys'], env);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toMatch(/Re-encrypted 1 value/); // a fresh key again; the one value moves with it
    // The secret written before both rotations still opens, under the new key only.
    const services = await createServices(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), createLogger('silent'));
    try {
      const [dataSource] = await services.db.prisma.dataSource.findMany();
      expect(dataSource!.clientSecretSealed).toMatch(`v1.${services.keys.keyring.activeKid}.`);
      expect(services.dataSources.clientSecretOf(dataSource!)).toBe(SECRET);
      expect(services.keys.keyring.kids).toEqual([services.keys.keyring.activeKid]);
    } finally {
      await services.close();
    }
  });

  it('refuses to start with a changed key (fail closed)', async () => {
    const wrong = await cli(['bootstrap', '--account', 'fourth', '--email', 'a@fourth.example'], {
      ...env,
      ENCRYPTION_KEYS: `kother:${Buffer.alloc(32, 7).toString('base64')}`,
      SIGNING_KEY: Buffer.alloc(32, 1).toString('base64'),
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/recorded in the database but not configured/);
  });

  it('names the variable on a bad configuration', async () => {
    const bad = await cli(['migrate'], { ...env, PORT: 'eighty' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/PORT/);
    const pg = await cli(['migrate'], { ...env, DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres' });
    expect(pg.stderr).toMatch(/ENCRYPTION_KEYS and SIGNING_KEY are required/);
  });
});
