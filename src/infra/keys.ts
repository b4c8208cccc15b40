import fs from 'node:fs';
import path from 'node:path';
import { hkdfSync, randomBytes } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Config } from './config.js';
import { Keyring, formatKeyList, generateKeyMaterial, parseKeyList, type KeyMaterial } from './crypto.js';

/**
 * Where the encryption keyring and the session-token signing key come from, and the start-up check
 * that they are the keys the database was written with (fail closed: security checklist D5).
 *
 * PostgreSQL: keys must be configured (config.ts refuses otherwise) so every instance shares them.
 * Embedded: with no keys configured, keys are generated once into DATA_DIR/keys.json (mode 0600);
 * a single process owns that directory, so this is safe.
 */
export interface ServerKeys {
  keyring: Keyring;
  signingKey: Uint8Array;
  /** Keys the audit log's token fingerprints (HMAC-SHA256); see auditFingerprintKey. */
  auditKey: Buffer;
}

export class KeyConfigurationError extends Error {}

interface KeyFile {
  encryptionKeys: string;
  signingKey: string;
}

const keyFilePath = (config: Config) => path.join(config.dataDir, 'keys.json');

export function loadKeys(config: Config): ServerKeys {
  let encryptionKeys = config.encryptionKeys;
  let signingKey = config.signingKey;
  if (!config.databaseUrl && (!encryptionKeys || !signingKey)) {
    const file = readOrCreateKeyFile(config);
    encryptionKeys ??= file.encryptionKeys;
    signingKey ??= file.signingKey;
  }
  if (!encryptionKeys || !signingKey) throw new KeyConfigurationError('ENCRYPTION_KEYS and SIGNING_KEY are required');
  const material = parseKeyList(encryptionKeys);
  const activeKid = config.activeEncryptionKeyId ?? material.at(-1)!.kid;
  const signing = Buffer.from(signingKey, 'base64');
  if (signing.length < 32) throw new KeyConfigurationError('SIGNING_KEY must decode to at least 32 bytes');
  return { keyring: new Keyring(material, activeKid), signingKey: signing, auditKey: auditFingerprintKey(signing) };
}

export const AUDIT_KEY_INFO = 'oauth-integrations audit token fingerprint v1';

/**
 * The audit fingerprint key, derived (HKDF-SHA256, its own `info`) from SIGNING_KEY rather than from
 * an encryption key: every instance shares SIGNING_KEY, and `rotate-keys` must not change the
 * fingerprint of a token already in the log. Domain separation keeps it useless for signing.
 */
export function auditFingerprintKey(signingKey: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', signingKey, Buffer.alloc(0), AUDIT_KEY_INFO, 32));
}

function readOrCreateKeyFile(config: Config): KeyFile {
  const file = keyFilePath(config);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFile;
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const created: KeyFile = {
    encryptionKeys: formatKeyList([generateKeyMaterial()]),
    signingKey: randomBytes(32).toString('base64'),
  };
  fs.writeFileSync(file, JSON.stringify(created, null, 2), { mode: 0o600, flag: 'wx' });
  return created;
}

/** Embedded only: adds a fresh key to DATA_DIR/keys.json and makes it the active one. */
export function addGeneratedKey(config: Config): KeyMaterial {
  const current = readOrCreateKeyFile(config);
  const added = generateKeyMaterial();
  const next: KeyFile = {
    ...current,
    encryptionKeys: formatKeyList([...parseKeyList(current.encryptionKeys), added]),
  };
  fs.writeFileSync(keyFilePath(config), JSON.stringify(next, null, 2), { mode: 0o600 });
  return added;
}

/** Embedded only: drops keys that no ciphertext uses any more from DATA_DIR/keys.json. */
export function retireKeysFromFile(config: Config, keep: ReadonlySet<string>): void {
  if (config.encryptionKeys || !fs.existsSync(keyFilePath(config))) return;
  const current = readOrCreateKeyFile(config);
  const kept = parseKeyList(current.encryptionKeys).filter((k) => keep.has(k.kid));
  fs.writeFileSync(
    keyFilePath(config),
    JSON.stringify({ ...current, encryptionKeys: formatKeyList(kept) }, null, 2),
    { mode: 0o600 },
  );
}

/**
 * Compares the keyring with the fingerprints recorded in the database and records new keys.
 * A recorded key that is missing, or a key whose fingerprint changed, stops the server: reading
 * with the wrong key would fail row by row later, and writing would strand data.
 */
export async function verifyKeyFingerprints(prisma: PrismaClient, keyring: Keyring): Promise<void> {
  const recorded = await prisma.encryptionKey.findMany();
  for (const row of recorded) {
    if (!keyring.kids.includes(row.kid)) {
      throw new KeyConfigurationError(
        `Encryption key "${row.kid}" is recorded in the database but not configured; ` +
          'add it back to ENCRYPTION_KEYS (run rotate-keys before removing a key)',
      );
    }
    if (keyring.checkValue(row.kid) !== row.checkValue) {
      throw new KeyConfigurationError(
        `Encryption key "${row.kid}" does not match the key the database was written with`,
      );
    }
  }
  const known = new Set(recorded.map((r) => r.kid));
  const fresh = keyring.kids.filter((kid) => !known.has(kid));
  if (fresh.length > 0) {
    await prisma.encryptionKey.createMany({
      data: fresh.map((kid) => ({ kid, checkValue: keyring.checkValue(kid) })),
      skipDuplicates: true,
    });
  }
}
