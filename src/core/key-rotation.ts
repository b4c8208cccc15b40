import type { PrismaClient } from '../generated/prisma/client.js';
import type { Keyring, SealContext } from '../infra/crypto.js';
import { systemActor, type AuditLog } from './audit.js';

/**
 * Re-encrypts every sealed value with the active key (security checklist D4). Batched, idempotent
 * and resumable: each value is rewritten with a compare-and-set on its old ciphertext, so a
 * concurrent token refresh that wrote a newer value is never overwritten, and a second run finds
 * nothing to do. Afterwards, keys that no ciphertext uses any more are retired from the database.
 */
interface SealedColumn {
  table: string;
  column: string;
  /** The logical column name bound into the associated data. */
  context: string;
}

export const SEALED_COLUMNS: readonly SealedColumn[] = [
  { table: 'data_sources', column: 'client_secret_sealed', context: 'client_secret' },
  { table: 'viewer_authorizations', column: 'refresh_token_sealed', context: 'refresh_token' },
  { table: 'viewer_authorizations', column: 'access_token_sealed', context: 'access_token' },
  { table: 'authorization_transactions', column: 'code_verifier_sealed', context: 'code_verifier' },
];

export const sealContext = (table: string, context: string, rowId: string): SealContext => ({ table, column: context, rowId });

export interface RotationReport {
  resealed: number;
  retiredKids: string[];
  remainingKids: string[];
}

export async function rotateKeys(prisma: PrismaClient, keyring: Keyring, audit: AuditLog, batchSize = 200): Promise<RotationReport> {
  let resealed = 0;
  const activePrefix = `v1.${keyring.activeKid}.`;
  for (const { table, column, context } of SEALED_COLUMNS) {
    for (;;) {
      // Identifiers come from the constant list above, never from input.
      const rows = await prisma.$queryRawUnsafe<Array<{ id: string; value: string }>>(
        `SELECT id::text AS id, ${column} AS value FROM ${table}
          WHERE ${column} IS NOT NULL AND left(${column}, $1) <> $2 LIMIT $3`,
        activePrefix.length,
        activePrefix,
        batchSize,
      );
      if (rows.length === 0) break;
      for (const row of rows) {
        const next = keyring.reseal(row.value, sealContext(table, context, row.id));
        resealed += await prisma.$executeRawUnsafe(
          `UPDATE ${table} SET ${column} = $1 WHERE id = $2::uuid AND ${column} = $3`,
          next,
          row.id,
          row.value,
        );
      }
    }
  }
  const used = new Set<string>([keyring.activeKid]);
  for (const { table, column } of SEALED_COLUMNS) {
    const kids = await prisma.$queryRawUnsafe<Array<{ kid: string }>>(
      `SELECT DISTINCT split_part(${column}, '.', 2) AS kid FROM ${table} WHERE ${column} IS NOT NULL`,
    );
    for (const { kid } of kids) used.add(kid);
  }
  const recorded = await prisma.encryptionKey.findMany({ select: { kid: true } });
  const retiredKids = recorded.map((r) => r.kid).filter((kid) => !used.has(kid));
  await prisma.encryptionKey.deleteMany({ where: { kid: { in: retiredKids } } });
  // Server-wide, so no account; key ids are labels, never key material.
  await audit.record({
    accountId: null,
    actor: systemActor(),
    action: 'KEYS_ROTATED',
    reason: `active ${keyring.activeKid}; ${resealed} value(s) resealed; retired: ${retiredKids.join(', ') || 'none'}`,
  });
  return { resealed, retiredKids, remainingKids: [...used] };
}
