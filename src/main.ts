#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { createServices } from './app.js';
import { AppError } from './core/errors.js';
import { rotateKeys } from './core/key-rotation.js';
import { ConfigError, loadConfig, type Config } from './infra/config.js';
import { formatKeyList, generateKeyMaterial } from './infra/crypto.js';
import { DataDirLockedError } from './infra/data-dir-lock.js';
import { openDatabase } from './infra/db.js';
import { KeyConfigurationError, addGeneratedKey, loadKeys, retireKeysFromFile } from './infra/keys.js';
import { createLogger, type Logger } from './infra/logger.js';
import { startServing } from './serving.js';

/** Command line: serve | migrate | bootstrap | rotate-keys | generate-keys. */
const USAGE = `Usage: oauth-integrations <command> [options]

Commands:
  serve                                   start the server (default)
  migrate                                 apply database migrations and exit
  bootstrap --account <name> --email <e>  create an account and its first admin; prints the admin API key once
            [--name <admin name>] [--json]
  rotate-keys                             re-encrypt every secret with the newest key (embedded: adds a new key first)
  generate-keys                           print fresh ENCRYPTION_KEYS and SIGNING_KEY values for PostgreSQL deployments
`;

async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  if (command === '--help' || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command === 'generate-keys') {
    process.stdout.write(`ENCRYPTION_KEYS=${formatKeyList([generateKeyMaterial()])}\nSIGNING_KEY=${randomBytes(32).toString('base64')}\n`);
    return 0;
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel, process.stderr);
  switch (command) {
    case 'serve':
      return serve(config, logger);
    case 'migrate': {
      const db = await openDatabase(config, { migrate: true });
      await db.close();
      process.stderr.write('Migrations applied.\n');
      return 0;
    }
    case 'bootstrap':
      return bootstrap(config, logger, rest);
    case 'rotate-keys':
      return rotate(config, logger);
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

async function serve(config: Config, logger: Logger): Promise<number> {
  if (config.allowHttpLoopbackProviders) {
    logger.warn('ALLOW_HTTP_LOOPBACK_PROVIDERS is on: data sources may point at http://127.0.0.1 providers. Never use this in production.');
  }
  // The start's phases are logged for operators (a slow disk or a cold database shows here) and bench path 6.
  const { services, running, startup } = await startServing(config, logger);
  logger.info({ url: config.publicUrl, port: running.port, database: services.db.kind, startup }, 'oauth-integrations listening');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  logger.info('shutting down');
  await running.close();
  await services.close();
  return 0;
}

async function bootstrap(config: Config, logger: Logger, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { account: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (!values.account || !values.email) {
    process.stderr.write('bootstrap needs --account <name> and --email <admin email>\n');
    return 2;
  }
  const services = await createServices(config, logger);
  try {
    const created = await services.identity.bootstrap({ account: values.account, email: values.email, name: values.name });
    if (values.json) process.stdout.write(`${JSON.stringify(created)}\n`);
    else {
      process.stdout.write(
        `Account "${values.account}" created (id ${created.accountId}); admin user ${created.userId}.\n` +
          `Admin API key (shown once, store it now):\n${created.apiKey}\n`,
      );
    }
    return 0;
  } finally {
    await services.close();
  }
}

async function rotate(config: Config, logger: Logger): Promise<number> {
  if (!config.encryptionKeys && !config.databaseUrl) {
    const added = addGeneratedKey(config);
    process.stderr.write(`Added encryption key ${added.kid} to ${config.dataDir}/keys.json\n`);
  }
  const services = await createServices(config, logger);
  try {
    const report = await rotateKeys(services.db.prisma, services.keys.keyring, services.audit);
    if (!config.encryptionKeys) retireKeysFromFile(config, new Set(report.remainingKids));
    process.stdout.write(
      `Re-encrypted ${report.resealed} value(s) with key ${services.keys.keyring.activeKid}.` +
        (report.retiredKids.length ? ` Retired key(s) no longer in use: ${report.retiredKids.join(', ')}.` : '') +
        '\n',
    );
    return 0;
  } finally {
    await services.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = [ConfigError, DataDirLockedError, KeyConfigurationError, AppError].some((k) => error instanceof k);
    const message = known || (error as { name?: string }).name === 'CryptoError' ? (error as Error).message : 'Unexpected failure';
    process.stderr.write(`error: ${message}\n`);
    if (!known) process.stderr.write(`${(error as Error)?.stack?.split('\n').slice(1, 4).join('\n') ?? ''}\n`);
    process.exit(1);
  },
);
